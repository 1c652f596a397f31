"""Payment terms from the contract, collections, the final-accounts gate and its deadline."""

from datetime import date
from decimal import Decimal

import pytest

from core import events
from core.models import AuditEvent
from finance.gates import final_accounts_gate
from finance.models import Payment, PaymentTerm
from finance.selectors import final_accounts_due, payment_status
from finance.services import payment_record, payment_terms_from_contract
from sipm.errors import Conflict, InvalidInput, Refused

from .conftest import at

CONTRACT = {
    "contract_no": "HT-001",
    "contract_amount": "100000.00",
    "sign_date": "2025-02-01",
    "payment_terms": [
        {"milestone": "预付款", "amount": "30000.00", "due_date": "2025-02-10"},
        {"milestone": "验收款", "amount": "70000.00", "due_date": "2025-06-30"},
    ],
}


@pytest.fixture
def contracted(org, make_project, approved_form):
    project = make_project()
    form = approved_form(project, "contract", CONTRACT)
    payment_terms_from_contract(form=form, acting_user=org["gm"])
    return project, form


def _pay(org, project, term, amount, day, user="finance"):
    return payment_record(
        acting_user=org[user], project_id=project.pk, term=term.pk, amount=amount, date=day
    )


def test_terms_come_from_the_contract_once(org, contracted):
    project, form = contracted
    terms = list(PaymentTerm.objects.filter(project=project))
    assert [(t.position, t.milestone, t.amount) for t in terms] == [
        (1, "预付款", Decimal("30000.00")),
        (2, "验收款", Decimal("70000.00")),
    ]
    # running it again (a retried on_approved) changes nothing
    payment_terms_from_contract(form=form, acting_user=org["gm"])
    assert PaymentTerm.objects.filter(project=project).count() == 2
    assert AuditEvent.objects.filter(verb="payment_terms.synced").count() == 1


def test_corrected_contract_updates_terms_but_never_below_collected(org, contracted, approved_form):
    project, _form = contracted
    first = PaymentTerm.objects.get(project=project, position=1)
    _pay(org, project, first, "20000.00", "2025-02-10")
    data = dict(
        CONTRACT,
        payment_terms=[
            {"milestone": "预付款", "amount": "10000.00"},
            {"milestone": "验收款", "amount": "90000.00"},
        ],
    )
    corrected = approved_form(project, "contract", data, closed_at=at(2025, 3, 1, 9))
    with pytest.raises(Conflict) as exc:
        payment_terms_from_contract(form=corrected, acting_user=org["gm"])
    assert "已收款" in exc.value.message
    assert PaymentTerm.objects.get(pk=first.pk).amount == Decimal("30000.00")
    data["payment_terms"][0]["amount"] = "25000.00"
    data["payment_terms"][1]["amount"] = "75000.00"
    ok = approved_form(project, "contract", data, closed_at=at(2025, 3, 2, 9))
    payment_terms_from_contract(form=ok, acting_user=org["gm"])
    first.refresh_from_db()
    assert first.amount == Decimal("25000.00")
    assert first.contract_form == ok
    assert first.payments.count() == 1


def test_only_finance_records_payments(org, contracted):
    project, _form = contracted
    term = PaymentTerm.objects.get(project=project, position=1)
    for user in ("pm", "sales", "gm", "admin"):
        with pytest.raises(Refused) as exc:
            _pay(org, project, term, "1.00", "2025-02-10", user=user)
        assert "财务部" in exc.value.message
    assert not Payment.objects.exists()


def test_payment_cannot_exceed_the_terms_outstanding_amount(org, contracted):
    project, _form = contracted
    term = PaymentTerm.objects.get(project=project, position=1)
    _pay(org, project, term, "29999.99", "2025-02-10")
    with pytest.raises(InvalidInput) as exc:
        _pay(org, project, term, "0.02", "2025-02-11")
    assert "0.01" in exc.value.fields["amount"]
    _pay(org, project, term, "0.01", "2025-02-11")
    assert payment_status(project)["collected"] == Decimal("30000.00")


def test_payment_needs_a_term_of_this_project(org, contracted, make_project):
    project, _form = contracted
    with pytest.raises(InvalidInput) as exc:
        payment_record(
            acting_user=org["finance"],
            project_id=project.pk,
            term=None,
            amount="1",
            date="2025-02-10",
        )
    assert "term" in exc.value.fields
    other = make_project()
    foreign = PaymentTerm.objects.create(
        project=other, contract_form=_form, position=1, milestone="x", amount=Decimal("5")
    )
    with pytest.raises(InvalidInput):
        _pay(org, project, foreign, "1.00", "2025-02-10")


def test_gate_opens_only_when_everything_is_collected(
    org, make_project, approved_form, django_capture_on_commit_callbacks
):
    # given a project without a contract: the gate explains
    project = make_project()
    assert "合同" in final_accounts_gate(project)
    form = approved_form(project, "contract", CONTRACT)
    payment_terms_from_contract(form=form, acting_user=org["gm"])
    first, second = PaymentTerm.objects.filter(project=project).order_by("position")
    assert "未收 100,000.00" in final_accounts_gate(project)
    assert final_accounts_due(project) is None

    seen = []
    events.subscribe("payment.recorded", name="test.payment_seen", sync=True)(
        lambda event: seen.append(event.payload["payment"])
    )
    _pay(org, project, first, "30000.00", "2025-02-10")
    _pay(org, project, second, "69999.99", "2025-02-28")
    assert "未收 0.01" in final_accounts_gate(project)
    with django_capture_on_commit_callbacks(execute=True):
        last = _pay(org, project, second, "0.01", "2025-03-03")  # a Monday
    # then the gate opens and the final accounts are due 5 working days after the last payment
    assert final_accounts_gate(project) is None
    status = payment_status(project)
    assert status == {
        "contract_amount": Decimal("100000.00"),
        "collected": Decimal("100000.00"),
        "outstanding": Decimal("0.00"),
        "all_collected": True,
        "last_payment_date": date(2025, 3, 3),
    }
    assert final_accounts_due(project) == date(2025, 3, 10)
    assert last.pk in seen
    events.unsubscribe("test.payment_seen")


def test_payments_api(org, contracted, api):
    project, _form = contracted
    term = PaymentTerm.objects.get(project=project, position=1)
    url = f"/api/v1/projects/{project.pk}/payments/"
    body = {"term": term.pk, "amount": "30000.00", "date": "2025-02-10", "note": "预付款到账"}
    assert api("pm").post(url, body, format="json").status_code == 403
    response = api("finance").post(url, body, format="json")
    assert response.status_code == 201, response.content
    too_much = api("finance").post(url, dict(body, amount="0.01"), format="json")
    assert too_much.status_code == 400
    assert "amount" in too_much.json()["fields"]
    listing = api("pm").get(url).json()
    assert listing["status"]["collected"] == "30000.00"
    assert listing["status"]["outstanding"] == "70000.00"
    assert [t["outstanding"] for t in listing["terms"]] == ["0.00", "70000.00"]
    assert listing["payments"][0]["note"] == "预付款到账"
