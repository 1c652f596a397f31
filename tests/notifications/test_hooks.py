"""Money events: the last payment starts the final accounts, the month-end report is announced."""

from datetime import date

import pytest

from notifications import on_finance as hooks
from notifications.models import Notification

from .conftest import approved_contract, at, collect_everything, make_project

pytestmark = pytest.mark.django_db


def test_the_last_payment_tells_finance_when_the_final_accounts_are_due(org):
    project = make_project(org)
    contract = approved_contract(project, org, date(2026, 9, 1))
    payment = collect_everything(project, contract, org, date(2026, 9, 28))
    # when the hook runs (twice: finance may fire it again)
    log = hooks.final_accounts_started(payment_id=payment.pk)
    assert hooks.final_accounts_started(payment_id=payment.pk) is None
    # then 财务部 has it once, with the due date counted over National Day
    assert log.due_date == date(2026, 10, 10)
    assert "2026-10-10" in log.body
    told = set(log.notifications.values_list("recipient__username", flat=True))
    assert told == {"finance"}


def test_no_final_accounts_notice_while_money_is_owed(org):
    from finance.models import Payment, PaymentTerm

    project = make_project(org)
    contract = approved_contract(project, org, date(2026, 9, 1))
    term = PaymentTerm.objects.create(
        project=project, contract_form=contract, position=1, milestone="首付", amount=60000
    )
    payment = Payment.objects.create(
        term=term, project=project, amount=30000, date=date(2026, 9, 28), entered_by=org["finance"]
    )
    assert hooks.final_accounts_started(payment_id=payment.pk) is None
    assert not Notification.objects.exists()


def test_the_monthly_report_reaches_the_cost_director_and_the_gm(org):
    from finance.models import MonthlyReport

    report = MonthlyReport.objects.create(month=date(2026, 9, 1), generated_at=at(2026, 9, 30, 20))
    hooks.monthly_report_ready(report_id=report.pk)
    hooks.monthly_report_ready(report_id=report.pk)
    rows = Notification.objects.values_list("recipient__username", "title")
    assert sorted(rows) == [
        ("cost_dir", "【月度成本报告】2026-09"),
        ("gm", "【月度成本报告】2026-09"),
    ]
