"""When an admin changes a policy deadline's working days (projects.PolicyDeadline), the deadlines
follow: the project's deadline list and its labels, the selectors of finance and projects, the
budget-change notice — and the reminder sweep looks again at the projects it concerns. Counted on
the 2026 calendar around National Day (1–7 October off; Saturday 10 October worked)."""

from datetime import date

import pytest
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from approvals.models import FormStatus
from finance.selectors import final_accounts_due
from notifications.budget_notices import budget_change_notify
from notifications.deadlines import project_deadlines
from notifications.due import policy_changed
from notifications.models import Notification
from notifications.reminders import reminders_scan
from projects.models import PolicyDeadline, Project
from projects.policy import policy_deadlines
from projects.selectors import commission_issue_due

from .conftest import approved_contract, at, collect_everything, make_form, make_project

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    """A test's changes roll back; the process cache must not keep them for the next test."""
    policy_deadlines.clear()
    yield
    policy_deadlines.clear()


def set_days(code, days):
    row = PolicyDeadline.objects.get(code=code)
    row.working_days = days
    row.save()  # clears the process cache


def by_kind(items, kind):
    (found,) = [d for d in items if d["kind"] == kind]
    return found


def test_the_commission_deadline_follows_the_configured_days(org):
    # given a contract signed on Tuesday 29 September: 3 working days end on 9 October
    project = make_project(org)
    approved_contract(project, org, date(2026, 9, 29))
    item = by_kind(project_deadlines(project, now=at(2026, 9, 29)), "commission_issue")
    assert item["due_date"] == date(2026, 10, 9) == commission_issue_due(project)
    # when an admin allows 1 working day
    set_days("commission_issue", 1)
    # then it is due the next day, and the label says so
    item = by_kind(project_deadlines(project, now=at(2026, 9, 29)), "commission_issue")
    assert item["due_date"] == date(2026, 9, 30) == commission_issue_due(project)
    assert item["label"] == "办理项目委托书（合同签订后 1 个工作日内）"


def test_the_approval_of_the_commission_follows_the_configured_days(org):
    project = make_project(org)
    approved_contract(project, org, date(2026, 9, 28))
    make_form(
        project,
        "commission",
        status=FormStatus.IN_REVIEW,
        submitter=org["pmo"],
        submitted_at=at(2026, 9, 29),
    )
    set_days("commission_approve", 4)  # 30/9, 8/10, 9/10, 10/10
    item = by_kind(project_deadlines(project, now=at(2026, 9, 29)), "commission_approve")
    assert item["due_date"] == date(2026, 10, 10)
    assert item["label"] == "批准项目委托书（办理后 4 个工作日内）"


def test_the_final_accounts_follow_the_configured_days(org):
    # given every payment collected on Monday 28 September: 5 working days end on 10 October
    project = make_project(org)
    contract = approved_contract(project, org, date(2026, 9, 1))
    collect_everything(project, contract, org, date(2026, 9, 28))
    assert final_accounts_due(project) == date(2026, 10, 10)
    # when an admin allows 2 working days: 29/9, 30/9
    set_days("final_accounts", 2)
    assert final_accounts_due(project) == date(2026, 9, 30)
    item = by_kind(project_deadlines(project, now=at(2026, 9, 29)), "final_accounts")
    assert item["due_date"] == date(2026, 9, 30)
    assert item["label"] == "项目决算（全部款项收回后 2 个工作日内）"


def test_the_budget_change_notice_follows_the_configured_days(org):
    project = make_project(org)
    change = make_form(
        project,
        "budget_change",
        status=FormStatus.APPROVED,
        submitter=org["cost_dir"],
        submitted_at=at(2026, 9, 29),
        closed_at=at(2026, 9, 30, 16),
    )
    set_days("budget_change_notice", 2)  # 8/10, 9/10
    item = by_kind(project_deadlines(project, now=at(2026, 10, 8)), "budget_change_notice")
    assert item["due_date"] == date(2026, 10, 9)
    assert item["label"] == "预算变更告知相关人员（批准后 2 个工作日内）"
    log = budget_change_notify(form_id=change.pk, now=at(2026, 10, 8, 9))
    assert log.due_date == date(2026, 10, 9)


def test_the_project_api_shows_the_configured_deadline(org):
    from rest_framework.test import APIClient

    project = make_project(org)
    approved_contract(project, org, date(2026, 9, 29))
    set_days("commission_issue", 1)
    client = APIClient()
    client.force_authenticate(user=org["pmo"])
    body = client.get(f"/api/v1/projects/{project.pk}/").json()
    item = by_kind(body["deadlines"], "commission_issue")
    assert item["due_date"] == "2026-09-30"
    assert item["label"] == "办理项目委托书（合同签订后 1 个工作日内）"


def test_a_change_marks_the_projects_it_concerns_in_one_update(org):
    waiting = make_project(org)  # contract approved, no commission yet
    approved_contract(waiting, org, date(2026, 9, 28))
    issued = make_project(org)  # commission issued, in review
    approved_contract(issued, org, date(2026, 9, 28))
    make_form(
        issued,
        "commission",
        status=FormStatus.IN_REVIEW,
        submitter=org["pmo"],
        submitted_at=at(2026, 9, 29),
    )
    collected = make_project(org)  # commission approved, all money in, no final accounts
    contract = approved_contract(collected, org, date(2026, 9, 1))
    make_form(
        collected,
        "commission",
        status=FormStatus.APPROVED,
        submitter=org["pmo"],
        submitted_at=at(2026, 9, 2),
        closed_at=at(2026, 9, 3),
    )
    collect_everything(collected, contract, org, date(2026, 9, 28))
    make_project(org)  # no contract: no policy deadline at all
    later, now = at(2026, 10, 20), at(2026, 9, 30, 9)
    Project.objects.update(next_deadline_at=later)

    def marked(code):
        Project.objects.update(next_deadline_at=later)
        with CaptureQueriesContext(connection) as ctx:
            count = policy_changed(code, now)
        assert len(ctx.captured_queries) == (0 if code == "budget_change_notice" else 1)
        rows = Project.objects.filter(next_deadline_at=now).values_list("pk", flat=True)
        assert len(rows) == count
        return set(rows)

    assert marked("commission_issue") == {waiting.pk}
    assert marked("commission_approve") == {issued.pk}
    assert marked("final_accounts") == {collected.pk}
    assert marked("budget_change_notice") == set()  # sent on approval, not swept per project
    # a project already due earlier keeps its earlier moment
    Project.objects.filter(pk=waiting.pk).update(next_deadline_at=at(2026, 9, 1))
    policy_changed("commission_issue", now)
    assert Project.objects.get(pk=waiting.pk).next_deadline_at == at(2026, 9, 1)


def _scan(now):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return reminders_scan(now=now).recorded


def test_the_sweep_picks_up_an_admin_change(org, client, freeze):
    # given a contract signed on Tuesday 29 September: the commission is due on 9 October
    project = make_project(org, name="园区改造")
    approved_contract(project, org, date(2026, 9, 29))
    assert _scan(at(2026, 9, 29, 10)) == []
    project.refresh_from_db()
    # so the sweep would look again only the working day before, on 8 October
    assert project.next_deadline_at == at(2026, 10, 8, 0)
    # when the admin shortens the deadline to 1 working day (due 30 September)
    client.force_login(org["admin"])
    row = PolicyDeadline.objects.get(code="commission_issue")
    freeze(at(2026, 9, 29, 11))
    response = client.post(
        reverse("admin:projects_policydeadline_change", args=[row.pk]),
        {"working_days": "1", "clause": row.clause, "description": row.description},
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.next_deadline_at == at(2026, 9, 29, 11)
    # then the next sweep looks at the project and reminds 项目管理部 of tomorrow's deadline
    key = f"project:{project.pk}:commission_issue:0:20260930:before"
    assert _scan(at(2026, 9, 29, 12)) == [key]
    titles = Notification.objects.filter(recipient=org["pmo"], reminder__key=key)
    assert list(titles.values_list("title", flat=True)) == [
        "【即将到期】办理项目委托书（合同签订后 1 个工作日内）"
    ]
