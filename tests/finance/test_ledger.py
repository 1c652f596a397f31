"""The cost ledger: who may enter costs, what is refused, and the audit trail."""

from datetime import date
from decimal import Decimal

import pytest

from core.models import AuditEvent
from finance.models import CostEntry
from finance.services import cost_entry_create
from projects.models import Stage
from sipm.errors import Conflict, InvalidInput, NotVisible, Refused


def _create(user, project, **overrides):
    values = dict(category="implementation", date="2025-03-10", amount="1234.56", note="差旅")
    values.update(overrides)
    return cost_entry_create(acting_user=user, project_id=project.pk, **values)


@pytest.mark.parametrize("username", ["finance", "pm", "sales", "admin"])
def test_finance_pm_sales_lead_and_admin_may_enter_costs(org, make_project, username):
    # given an approved project whose PM is `pm` and sales lead is `sales`
    project = make_project()
    # when one of the permitted people enters a cost
    entry = _create(org[username], project)
    # then it is in the ledger, exactly, and audited with the actor
    entry.refresh_from_db()
    assert entry.amount == Decimal("1234.56")
    assert entry.category == "implementation"
    assert entry.date == date(2025, 3, 10)
    assert entry.entered_by == org[username]
    event = AuditEvent.objects.get(verb="cost.created")
    assert event.actor == org[username]
    assert event.project_id == project.pk
    assert event.payload["amount"] == "1234.56"


@pytest.mark.parametrize("username", ["staff", "presales", "cost_dir"])
def test_others_are_refused_in_chinese(org, make_project, username):
    # given a project and a user who is neither finance nor on its team
    project = make_project()
    # when they try to enter a cost, then they are refused (or the project is hidden)
    with pytest.raises((Refused, NotVisible)) as exc:
        _create(org[username], project)
    assert "项目" in exc.value.message
    assert not CostEntry.objects.exists()


def test_visible_but_not_permitted_gets_the_reason(org, make_project):
    # given the cost director, who sees every project
    project = make_project()
    # when they enter a cost
    with pytest.raises(Refused) as exc:
        _create(org["cost_dir"], project)
    # then the refusal says who may
    assert "财务部" in exc.value.message


@pytest.mark.parametrize(
    ("field", "value", "fragment"),
    [
        ("amount", "0", "大于 0"),
        ("amount", "-5", "大于 0"),
        ("amount", "12.345", "2 位小数"),
        ("amount", "abc", "不是有效的金额"),
        ("amount", "", "必填"),
        ("category", "travel", "不是有效的费用类别"),
        ("date", "2025-13-01", "有效日期"),
        ("date", "2999-01-01", "不能晚于今天"),
        ("note", "长" * 301, "不能超过 300"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(org, make_project, field, value, fragment):
    project = make_project()
    with pytest.raises(InvalidInput) as exc:
        _create(org["finance"], project, **{field: value})
    assert field in exc.value.fields
    assert fragment in exc.value.fields[field]
    assert not CostEntry.objects.exists()
    assert not AuditEvent.objects.filter(verb="cost.created").exists()


def test_category_by_chinese_label(org, make_project):
    entry = _create(org["finance"], make_project(), category="外购成本")
    assert entry.category == "purchase"


@pytest.mark.parametrize("stage", [Stage.INITIATING, Stage.REJECTED, Stage.CLOSED])
def test_no_costs_on_unapproved_rejected_or_archived_projects(org, make_project, stage):
    project = make_project(stage=stage)
    with pytest.raises(Conflict):
        _create(org["finance"], project)
    assert not CostEntry.objects.exists()


def test_unknown_project_is_not_visible(org):
    with pytest.raises(NotVisible):
        cost_entry_create(
            acting_user=org["finance"],
            project_id=999999,
            category="sales",
            date="2025-03-01",
            amount="1",
            note="",
        )


def test_api_create_and_paginated_list(org, make_project, api):
    project = make_project()
    client = api("pm")
    for day in range(1, 26):
        response = client.post(
            f"/api/v1/projects/{project.pk}/costs/",
            {"category": "management", "date": f"2025-03-{day:02d}", "amount": "10.01"},
            format="json",
        )
        assert response.status_code == 201, response.content
    listing = client.get(f"/api/v1/projects/{project.pk}/costs/").json()
    assert listing["count"] == 25
    assert len(listing["results"]) == 20
    assert listing["results"][0]["date"] == "2025-03-25"
    assert listing["results"][0]["amount"] == "10.01"
    assert listing["results"][0]["category_label"] == "过程管理成本"


def test_api_errors_are_json_with_fields(org, make_project, api):
    project = make_project()
    response = api("finance").post(
        f"/api/v1/projects/{project.pk}/costs/",
        {"category": "sales", "date": "2025-03-01", "amount": "-1"},
        format="json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert "金额" in body["fields"]["amount"]
    forbidden = api("cost_dir").post(
        f"/api/v1/projects/{project.pk}/costs/",
        {"category": "sales", "date": "2025-03-01", "amount": "1"},
        format="json",
    )
    assert forbidden.status_code == 403


def test_api_list_refused_to_outsiders(org, make_project, api):
    project = make_project()
    assert api("staff").get(f"/api/v1/projects/{project.pk}/costs/").status_code in (403, 404)
    assert api("cost_dir").get(f"/api/v1/projects/{project.pk}/costs/").status_code == 200
