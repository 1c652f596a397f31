"""Reminders with time travel: one working day before, on the day, overdue (to the manager), one
working day later (to the GM) — each once, however often the scan runs."""

from datetime import date

import pytest
from django.test import TestCase

from approvals import services as engine
from approvals.models import FormStatus
from notifications.models import Notification, ReminderLog, ReminderStage
from notifications.reminders import reminders_scan
from org.models import Delegation

from .conftest import approved_contract, at, make_form, make_project

pytestmark = pytest.mark.django_db


def inbox(user):
    """The user's reminders (the approval flow's own notices, kind "form", are tested apart)."""
    return list(
        Notification.objects.filter(recipient=user)
        .exclude(reminder__kind="form")
        .values_list("title", flat=True)
    )


def reminder_mails(mailoutbox):
    return [m for m in mailoutbox if not m.subject.startswith("【待审批】")]


def scan(now):
    """One scan, with its after-commit deliveries run (the test itself is one transaction)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return reminders_scan(now=now)


def scan_twice(now):
    first = scan(now)
    assert scan(now).recorded == []
    return first.recorded


def test_step_reminders_walk_through_the_holiday_and_escalate(org, submit_form, mailoutbox):
    pmo, pmo_mgr, gm = org["pmo"], org["pmo_mgr"], org["gm"]
    # given a form submitted on Tuesday 29 September; its PMO step is due 8 October 18:00
    form = submit_form(org, at(2026, 9, 29, 10))
    step = form.steps.get()
    assert step.due_at == at(2026, 10, 8, 18)

    # when the scan runs the same day: nothing is due yet
    assert scan_twice(at(2026, 9, 29, 11)) == []
    # on 30 September the next working day is 8 October: one working day before
    keys = scan_twice(at(2026, 9, 30, 10))
    assert keys == [f"step:{step.pk}:pass:1:before"]
    assert inbox(pmo) == ["【即将到期】审批时限：测试审批单 · 项目管理部审核"]
    assert inbox(pmo_mgr) == []
    assert [m.to for m in reminder_mails(mailoutbox)] == [["pmo@example.com"]]
    # during the holiday nobody is disturbed
    assert scan_twice(at(2026, 10, 3, 10)) == []
    # on the due date
    assert scan_twice(at(2026, 10, 8, 9)) == [f"step:{step.pk}:pass:1:due"]
    assert len(inbox(pmo)) == 2
    # after 18:00 it is overdue, and the owner's manager hears of it
    assert scan_twice(at(2026, 10, 8, 18, 15)) == [f"step:{step.pk}:pass:1:overdue"]
    assert inbox(pmo_mgr) == ["【已逾期】审批时限：测试审批单 · 项目管理部审核"]
    assert inbox(gm) == []
    # the next morning is still within the first overdue working day: nothing new
    assert scan_twice(at(2026, 10, 9, 10)) == []
    # one working day after the deadline it goes to the GM
    assert scan_twice(at(2026, 10, 9, 18, 15)) == [f"step:{step.pk}:pass:1:gm"]
    assert inbox(gm) == ["【逾期升级】审批时限：测试审批单 · 项目管理部审核"]
    assert len(inbox(pmo)) == 4 and len(inbox(pmo_mgr)) == 2

    # then every reminder exists once, and each was mailed once
    assert ReminderLog.objects.exclude(kind="form").count() == 4
    assert ReminderLog.objects.exclude(kind="form").filter(status="sent").count() == 4
    assert len(reminder_mails(mailoutbox)) == 1 + 1 + 2 + 3


def test_a_decided_step_gets_no_more_reminders(org, submit_form, freeze):
    form = submit_form(org, at(2026, 9, 29, 10))
    freeze(at(2026, 10, 8, 10))
    engine.form_decide(acting_user=org["pmo"], form_id=form.pk, decision="approve")
    assert reminders_scan(now=at(2026, 10, 8, 19)).recorded == []
    assert not Notification.objects.exclude(reminder__kind="form").exists()


def test_a_returned_and_reactivated_step_is_reminded_again(org, submit_form, freeze):
    form = submit_form(org, at(2026, 9, 29, 10))
    step = form.steps.get()
    assert reminders_scan(now=at(2026, 10, 8, 9)).recorded == [f"step:{step.pk}:pass:1:due"]
    # when the form is returned, resubmitted, and its step is due again
    freeze(at(2026, 10, 8, 10))
    engine.form_decide(
        acting_user=org["pmo"], form_id=form.pk, decision="return", comment="补充材料"
    )
    engine.form_submit(acting_user=org["sales"], form_id=form.pk)
    new_step = form.steps.get(round=2)
    # then the new activation (due on the worked Saturday) is reminded under its own key
    assert new_step.due_at == at(2026, 10, 10, 18)
    keys = reminders_scan(now=at(2026, 10, 10, 9)).recorded
    assert keys == [f"step:{new_step.pk}:pass:1:due"]


def test_no_reminders_outside_working_hours_or_on_days_off(org, submit_form):
    submit_form(org, at(2026, 9, 29, 10))
    assert reminders_scan(now=at(2026, 10, 8, 6)).skipped_quiet_time
    assert reminders_scan(now=at(2026, 10, 8, 22)).recorded == []
    assert reminders_scan(now=at(2026, 10, 11, 10)).recorded == []  # an ordinary Sunday
    assert not ReminderLog.objects.exclude(kind="form").exists()


def test_a_delegate_is_reminded_with_the_owner(org, submit_form):
    Delegation.objects.create(
        principal=org["pmo"],
        delegate=org["staff"],
        start_date=date(2026, 10, 8),
        end_date=date(2026, 10, 9),
    )
    submit_form(org, at(2026, 9, 29, 10))
    reminders_scan(now=at(2026, 10, 8, 9))
    assert len(inbox(org["staff"])) == 1
    assert len(inbox(org["pmo"])) == 1


def test_commission_issue_reminders_go_to_pmo_then_up(org):
    pmo, pmo_mgr, gm = org["pmo"], org["pmo_mgr"], org["gm"]
    # given a contract signed 29 September: the commission is due 9 October
    project = make_project(org, name="智慧园区")
    approved_contract(project, org, date(2026, 9, 29))
    keys = scan_twice(at(2026, 10, 8, 10))
    assert keys == [f"project:{project.pk}:commission_issue:0:20261009:before"]
    assert inbox(pmo) == ["【即将到期】办理项目委托书（合同签订后 3 个工作日内）"]
    assert len(inbox(pmo_mgr)) == 1  # a PMO member too
    # the worked Saturday 10 October: overdue, managers told
    keys = scan_twice(at(2026, 10, 10, 10))
    assert keys == [f"project:{project.pk}:commission_issue:0:20261009:overdue"]
    log = ReminderLog.objects.get(key=keys[0])
    assert log.project == project and log.stage == ReminderStage.OVERDUE
    assert "智慧园区" in log.body
    # Monday 12 October: one more working day has passed, the GM is told
    keys = scan_twice(at(2026, 10, 12, 10))
    assert keys == [f"project:{project.pk}:commission_issue:0:20261009:gm"]
    assert "【逾期升级】办理项目委托书（合同签订后 3 个工作日内）" in inbox(gm)

    # when the commission is finally issued, the reminders stop
    make_form(
        project,
        "commission",
        status=FormStatus.IN_REVIEW,
        submitter=pmo,
        submitted_at=at(2026, 10, 12, 11),
    )
    assert ReminderLog.objects.filter(kind="commission_issue").count() == 3
    keys = reminders_scan(now=at(2026, 10, 13, 10)).recorded
    assert not [k for k in keys if "commission_issue" in k]


def _untold_budget_changes(org, n):
    for i in range(n):
        make_form(
            make_project(org),
            "budget_change",
            status=FormStatus.APPROVED,
            submitter=org["cost_dir"],
            closed_at=at(2026, 9, 30, 16, i),
        )


def test_the_scan_tells_many_untold_budget_changes_in_the_queries_of_a_few(org):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    # The first run also creates the audit chain's heads; 8 changes stay within one SQLite
    # insert (more rows are split by its parameter limit, one statement per ~999 values).
    for n in (1, 4, 8):
        _untold_budget_changes(org, n)
        with CaptureQueriesContext(connection) as ctx:
            result = reminders_scan(now=at(2026, 9, 30, 22))
        assert result.budget_notices == n
        counts.append(len(ctx.captured_queries))
    assert counts[1] == counts[2], counts
    # each change is told once, with its own audit row, and nothing is told twice
    assert ReminderLog.objects.filter(kind="budget_change_notice").count() == 13
    from core.audit import audit_verify
    from core.models import AuditEvent

    assert AuditEvent.objects.filter(verb="budget_change.notified").count() == 13
    assert audit_verify() is None
    assert reminders_scan(now=at(2026, 9, 30, 22, 15)).budget_notices == 0


def test_budget_change_notice_is_sent_by_the_scan_once(org, mailoutbox):
    project = make_project(org)
    change = make_form(
        project,
        "budget_change",
        status=FormStatus.APPROVED,
        submitter=org["cost_dir"],
        data={"reason": "增加外购设备"},
        closed_at=at(2026, 9, 30, 16),
    )
    # when the scan runs (even in the evening: the 1-working-day clock runs)
    result = scan(at(2026, 9, 30, 22))
    assert result.budget_notices == 1
    assert reminders_scan(now=at(2026, 9, 30, 22, 15)).budget_notices == 0
    # then everyone concerned got it once: team, sales lead, directors, 财务部, 项目管理部
    log = ReminderLog.objects.get(kind="budget_change_notice")
    told = set(log.notifications.values_list("recipient__username", flat=True))
    assert {"sales", "pm", "staff", "tech_lead", "sales_dir", "cost_dir", "finance"} <= told
    assert {"pmo", "pmo_mgr"} <= told
    assert "ts_mgr" not in told
    assert "增加外购设备" in log.body
    assert log.form == change and log.due_date == date(2026, 10, 8)
    from core.models import AuditEvent

    event = AuditEvent.objects.get(verb="budget_change.notified")
    assert event.payload["on_time"] is True
