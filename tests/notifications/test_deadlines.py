"""The policy's deadlines [§18, §22, §27] and the steps' time limits, counted on the 2026 calendar
around National Day (1–7 October off; Sunday 20 September and Saturday 10 October worked)."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from approvals.models import FormStatus
from notifications.budget_notices import budget_change_notify
from notifications.deadlines import project_deadlines
from notifications.workdays import Workdays
from workcal.calendar import add_working_days

from .conftest import approved_contract, at, collect_everything, make_form, make_project

pytestmark = pytest.mark.django_db


def by_kind(items, kind):
    found = [d for d in items if d["kind"] == kind]
    assert len(found) == 1, items
    return found[0]


def test_no_deadline_before_its_starting_point(org):
    # given a project without an approved contract, payments or budget changes
    project = make_project(org)
    # then it has no policy deadline yet
    assert project_deadlines(project, now=at(2026, 9, 29)) == []


def test_commission_must_be_issued_within_3_working_days_of_signing(org):
    # given a contract signed on Tuesday 29 September
    project = make_project(org)
    approved_contract(project, org, date(2026, 9, 29))
    # when nothing is issued yet: due 3 working days later, over the holiday: 30/9, 8/10, 9/10
    item = by_kind(project_deadlines(project, now=at(2026, 10, 8)), "commission_issue")
    assert item["due_date"] == date(2026, 10, 9)
    assert item["status"] == "open"
    assert item["met_at"] is None
    assert item["label"] == "办理项目委托书（合同签订后 3 个工作日内）"
    # and after the due date it is overdue
    item = by_kind(project_deadlines(project, now=at(2026, 10, 10)), "commission_issue")
    assert item["status"] == "overdue"


def test_commission_issued_on_the_last_day_is_met_and_a_day_late_is_overdue(org):
    project = make_project(org)
    approved_contract(project, org, date(2026, 9, 29))
    # given the commission submitted on the due date
    form = make_form(
        project,
        "commission",
        status=FormStatus.IN_REVIEW,
        submitter=org["pmo"],
        submitted_at=at(2026, 10, 9, 17),
    )
    item = by_kind(project_deadlines(project, now=at(2026, 10, 12)), "commission_issue")
    assert (item["status"], item["met_at"], item["form_id"]) == (
        "met",
        at(2026, 10, 9, 17),
        form.pk,
    )

    # given instead a project whose commission came on the worked Saturday 10 October
    late = make_project(org)
    approved_contract(late, org, date(2026, 9, 29))
    make_form(
        late,
        "commission",
        status=FormStatus.IN_REVIEW,
        submitter=org["pmo"],
        submitted_at=at(2026, 10, 10, 9),
    )
    item = by_kind(project_deadlines(late, now=at(2026, 10, 12)), "commission_issue")
    # then it was met late: overdue, with the moment it was done
    assert (item["status"], item["met_at"]) == ("overdue", at(2026, 10, 10, 9))


def test_commission_must_be_approved_within_2_working_days_of_issue(org):
    project = make_project(org)
    approved_contract(project, org, date(2026, 9, 28))
    # given a commission issued on 30 September, the last day before the holiday
    form = make_form(
        project,
        "commission",
        status=FormStatus.IN_REVIEW,
        submitter=org["pmo"],
        submitted_at=at(2026, 9, 30, 15),
    )
    item = by_kind(project_deadlines(project, now=at(2026, 10, 8)), "commission_approve")
    # then approval is due on 9 October (8/10, 9/10)
    assert (item["due_date"], item["status"]) == (date(2026, 10, 9), "open")
    item = by_kind(project_deadlines(project, now=at(2026, 10, 10)), "commission_approve")
    assert item["status"] == "overdue"

    # when it is approved on 9 October
    form.__class__.objects.filter(pk=form.pk).update(
        status=FormStatus.APPROVED, closed_at=at(2026, 10, 9, 11)
    )
    item = by_kind(project_deadlines(project, now=at(2026, 10, 12)), "commission_approve")
    assert (item["status"], item["met_at"]) == ("met", at(2026, 10, 9, 11))


def test_final_accounts_are_due_5_working_days_after_the_last_payment(org):
    project = make_project(org)
    contract = approved_contract(project, org, date(2026, 9, 1))
    # given every payment collected on Monday 28 September
    collect_everything(project, contract, org, date(2026, 9, 28))
    # then the final accounts are due on the worked Saturday: 29/9, 30/9, 8/10, 9/10, 10/10
    item = by_kind(project_deadlines(project, now=at(2026, 10, 9)), "final_accounts")
    assert (item["due_date"], item["status"]) == (date(2026, 10, 10), "open")
    assert item["label"] == "项目决算（全部款项收回后 5 个工作日内）"
    # when the final accounts are submitted on Monday 12 October: met late
    make_form(
        project,
        "final_accounts",
        status=FormStatus.IN_REVIEW,
        submitter=org["finance"],
        submitted_at=at(2026, 10, 12, 9),
    )
    item = by_kind(project_deadlines(project, now=at(2026, 10, 12, 12)), "final_accounts")
    assert (item["status"], item["met_at"]) == ("overdue", at(2026, 10, 12, 9))


def test_no_final_accounts_deadline_while_money_is_owed(org):
    from finance.models import PaymentTerm

    project = make_project(org)
    contract = approved_contract(project, org, date(2026, 9, 1))
    collect_everything(project, contract, org, date(2026, 9, 28))
    PaymentTerm.objects.create(
        project=project, contract_form=contract, position=2, milestone="尾款", amount=1000
    )
    assert [d["kind"] for d in project_deadlines(project, now=at(2026, 10, 9))] == [
        "commission_issue"
    ]


def test_budget_change_notice_is_due_the_next_working_day(org, mailoutbox):
    project = make_project(org)
    # given a budget change approved on 30 September, before the holiday
    change = make_form(
        project,
        "budget_change",
        status=FormStatus.APPROVED,
        submitter=org["cost_dir"],
        data={"reason": "增加外购设备"},
        submitted_at=at(2026, 9, 29),
        closed_at=at(2026, 9, 30, 16),
    )
    item = by_kind(project_deadlines(project, now=at(2026, 10, 8, 9)), "budget_change_notice")
    assert (item["due_date"], item["status"]) == (date(2026, 10, 8), "open")
    # when the notice goes out on 8 October
    log = budget_change_notify(form_id=change.pk, now=at(2026, 10, 8, 9))
    # then the deadline is met, and a second call sends nothing
    item = by_kind(project_deadlines(project, now=at(2026, 10, 9)), "budget_change_notice")
    assert (item["status"], item["met_at"]) == ("met", log.created_at)
    assert budget_change_notify(form_id=change.pk, now=at(2026, 10, 9)) is None


def test_a_late_budget_change_notice_is_overdue(org):
    project = make_project(org)
    change = make_form(
        project,
        "budget_change",
        status=FormStatus.APPROVED,
        submitter=org["cost_dir"],
        closed_at=at(2026, 9, 30, 16),
    )
    budget_change_notify(form_id=change.pk, now=at(2026, 10, 9, 9))
    item = by_kind(project_deadlines(project, now=at(2026, 10, 9)), "budget_change_notice")
    assert item["status"] == "overdue"


def test_pending_steps_show_their_time_limit(org, submit_form):
    project = make_project(org)
    # given a form submitted on 29 September whose step allows 2 working days
    form = submit_form(org, at(2026, 9, 29, 10), project=project)
    item = by_kind(project_deadlines(project, now=at(2026, 10, 8, 17)), "step")
    assert (item["due_date"], item["status"], item["form_id"]) == (
        date(2026, 10, 8),
        "open",
        form.pk,
    )
    assert item["label"] == "审批时限：测试审批单 · 项目管理部审核"
    # after 18:00 on the due date it is overdue
    item = by_kind(project_deadlines(project, now=at(2026, 10, 8, 18, 1)), "step")
    assert item["status"] == "overdue"


def _queries(project, now):
    with CaptureQueriesContext(connection) as ctx:
        project_deadlines(project, now=now)
    return len(ctx.captured_queries)


def test_query_count_does_not_grow_with_the_project(org, submit_form):
    now = at(2026, 10, 12)
    small = make_project(org)
    contract = approved_contract(small, org, date(2026, 9, 1))
    collect_everything(small, contract, org, date(2026, 9, 28))
    make_form(
        small,
        "budget_change",
        status=FormStatus.APPROVED,
        submitter=org["cost_dir"],
        closed_at=at(2026, 9, 30),
    )
    make_form(
        small,
        "commission",
        status=FormStatus.IN_REVIEW,
        submitter=org["pmo"],
        submitted_at=at(2026, 9, 2),
    )
    submit_form(org, at(2026, 9, 29), project=small)

    big = make_project(org)
    contract = approved_contract(big, org, date(2026, 9, 1))
    collect_everything(big, contract, org, date(2026, 9, 28))
    for day in range(1, 9):
        change = make_form(
            big,
            "budget_change",
            status=FormStatus.APPROVED,
            submitter=org["cost_dir"],
            closed_at=at(2026, 8, day * 3),
        )
        budget_change_notify(form_id=change.pk, now=at(2026, 8, day * 3, 12))
    for day in (2, 3, 4):
        make_form(
            big,
            "commission",
            status=FormStatus.IN_REVIEW,
            submitter=org["pmo"],
            submitted_at=at(2026, 9, day),
        )
    for day in (21, 22, 23, 24):
        submit_form(org, at(2026, 9, day), project=big)

    assert len(project_deadlines(big, now=now)) > len(project_deadlines(small, now=now))
    assert _queries(big, now) == _queries(small, now)


def test_the_window_calendar_agrees_with_workcal(db):
    # given a window that ends in the middle of the holiday, so some counts run past it
    days = Workdays(date(2026, 9, 15), date(2026, 10, 3))
    start = date(2026, 9, 10)
    for offset in range(40):
        day = start + timedelta(days=offset)
        for n in (-3, -1, 0, 1, 2, 3, 5):
            assert days.add(day, n) == add_working_days(day, n), (day, n)
