"""The reminder scan: one working day before a deadline, on the day, and when overdue — then to
the owner's manager, and one working day later to the GM.

Each reminder has a key (e.g. "step:12:pass:1:due"); it is recorded at most once
(notifications.batch, which records a run's reminders in a fixed number of queries and leaves
the sending to the event outbox), so a scan that runs twice, two beat instances, or a task
redelivered after a worker died send nothing twice.
Reminders go out on working days between SIPM_REMINDER_HOURS (default 8–20 o'clock, Shanghai);
what fell due meanwhile goes out at the next such scan.

A run reads only what is due: steps by FormStep.next_reminder_at and projects by
Project.next_deadline_at (partial indexes; see notifications.due), then moves each column to the
start of its next reminder stage. Its queries depend on what is due, not on how many projects
exist; one run at a time (an advisory lock), so a slow run never piles up behind another.
"""

from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals.models import Form, FormStatus, FormStep, StepStatus
from core.bulk import bulk_set
from projects.models import Project
from projects.policy import policy_deadlines
from sipm.i18n import in_company_language

from . import due, people
from .batch import Notice, notify_many
from .budget_notices import budget_change_notify_many
from .deadlines import (
    BUDGET_CHANGE_NOTICE,
    COMMISSION_APPROVE,
    COMMISSION_ISSUE,
    FINAL_ACCOUNTS,
    STEP,
    collect_policy_deadlines,
    step_deadline,
)
from .links import form_url, project_url
from .models import ReminderLog, ReminderStage
from .services import deliveries_retry
from .workdays import SHANGHAI, Workdays

POLICY_KINDS = (COMMISSION_ISSUE, COMMISSION_APPROVE, FINAL_ACCOUNTS)
# Steps and projects looked at per run at most; the rest wait for the next run (oldest first).
SWEEP_BATCH = 2000
# Reminders recorded per transaction.
SEND_BATCH = 500
# Budget changes approved longer ago than this (e.g. before SIPM went live) get no late notice.
BUDGET_NOTICE_LOOKBACK = timedelta(days=30)
BUDGET_NOTICE_BATCH = 200


@dataclass
class ScanResult:
    recorded: list[str] = field(default_factory=list)  # keys of the reminders sent now
    budget_notices: int = 0
    retried: int = 0
    skipped_quiet_time: bool = False
    skipped_busy: bool = False  # another sweep was still running


def reminder_stage(*, now, due_date, due_moment, gm_moment, next_working_day):
    """Which reminder is due at `now` (a working day), or None."""
    today = now.astimezone(SHANGHAI).date()
    if now >= gm_moment:
        return ReminderStage.GM
    if now >= due_moment:
        return ReminderStage.OVERDUE
    if today == due_date:
        return ReminderStage.DUE
    if today < due_date <= next_working_day:
        return ReminderStage.BEFORE
    return None


def _recipients(stage, owners, day, gms, delegates=None):
    people_told = people.with_delegates(owners, day, known=delegates)
    if stage in (ReminderStage.OVERDUE, ReminderStage.GM):
        people_told += people.managers_of(owners, gms)
    if stage == ReminderStage.GM:
        people_told += gms
    return people._active(people_told)


def _title(stage, label):
    return {
        ReminderStage.BEFORE: _("【即将到期】%(label)s"),
        ReminderStage.DUE: _("【今日到期】%(label)s"),
        ReminderStage.OVERDUE: _("【已逾期】%(label)s"),
        ReminderStage.GM: _("【逾期升级】%(label)s"),
    }[stage] % {"label": label}


def _stage_note(stage):
    return {
        ReminderStage.BEFORE: _("将于下一个工作日到期，请及时处理。"),
        ReminderStage.DUE: _("今天到期，请在今天内处理。"),
        ReminderStage.OVERDUE: _("已逾期，已通知其部门经理。"),
        ReminderStage.GM: _("逾期已超过 1 个工作日，已上报总经理。"),
    }[stage]


def _names(users):
    return "、".join(str(u) for u in users) or _("（无人）")


def _due_steps(now):
    """Active steps whose next reminder stage has begun (index range scan, at most a batch)."""
    return list(
        FormStep.objects.filter(status=StepStatus.ACTIVE, next_reminder_at__lte=now)
        .select_related("form__project")
        .order_by("next_reminder_at", "id")[:SWEEP_BATCH]
    )


def _due_projects(now):
    return list(
        Project.objects.filter(next_deadline_at__lte=now).order_by("next_deadline_at", "id")[
            :SWEEP_BATCH
        ]
    )


def _policy_items(projects, now) -> dict[int, list]:
    """{project_id: [(deadline, owners)]}: the unmet policy deadlines of the due projects, read
    for the whole batch at once."""
    deadlines = collect_policy_deadlines(projects, now=now)
    items = [
        item
        for rows in deadlines.values()
        for item in rows
        if item.kind in POLICY_KINDS and item.met_at is None
    ]
    out: dict[int, list] = {pk: [] for pk in deadlines}
    for item, owners in zip(items, people.policy_owners(items), strict=True):
        out[item.project_id].append((item, owners))
    return out


def _key(item, stage):
    if item.kind == STEP:
        return f"step:{item.step.pk}:pass:{item.step.passes}:{stage}"
    return (
        f"project:{item.project_id}:{item.kind}:{item.form_id or 0}:{item.due_date:%Y%m%d}:{stage}"
    )


def _body(item, stage, owners):
    due = item.due_date.isoformat()
    if item.kind == STEP:
        form = item.form
        text = _("%(number)s 的“%(step)s”待 %(owners)s 处理，处理时限 %(due)s。") % {
            "number": form.number,
            "step": item.step.name,
            "owners": _names(owners),
            "due": timezone.localtime(item.due_moment, SHANGHAI).strftime("%Y-%m-%d %H:%M"),
        }
    else:
        project = item.project
        text = _("项目 %(number)s %(name)s：%(label)s，到期日 %(due)s，负责人 %(owners)s。") % {
            "number": project.number,
            "name": project.name,
            "label": item.label,
            "due": due,
            "owners": _names(owners),
        }
    return text + _stage_note(stage)


def _budget_notices(now) -> int:
    """Approved budget changes whose notice is missing (the approval's own transaction records
    it; an outage or a restore can leave some untold), told in one batch of at most
    BUDGET_NOTICE_BATCH per run, oldest first."""
    done = ReminderLog.objects.filter(kind=BUDGET_CHANGE_NOTICE, form_id__isnull=False).values(
        "form_id"
    )
    pending = (
        Form.objects.filter(
            kind="budget_change",
            status=FormStatus.APPROVED,
            project__isnull=False,
            closed_at__gte=now - BUDGET_NOTICE_LOOKBACK,
        )
        .exclude(pk__in=done)
        .order_by("closed_at", "id")
        .values_list("pk", flat=True)[:BUDGET_NOTICE_BATCH]
    )
    ids = list(pending)
    return budget_change_notify_many(ids, now=now) if ids else 0


def _due_stage(item, gm_moment, now, days):
    today = now.astimezone(SHANGHAI).date()
    return reminder_stage(
        now=now,
        due_date=item.due_date,
        due_moment=item.due_moment,
        gm_moment=gm_moment,
        next_working_day=days.add(today, 1),
    )


def _send(result, due_now, now, gms):
    """Record the reminders whose stage has begun: [(item, owners, stage)]. Those recorded
    before (a rerun, another instance) are skipped after one read of their keys; the batch
    records each new one at most once (its key is unique), so a race still sends nothing
    twice. The e-mails and robot posts go out through the event outbox."""
    keyed = [(_key(item, stage), item, owners, stage) for item, owners, stage in due_now]
    sent: set[str] = set()
    keys = [k for k, *_rest in keyed]
    for i in range(0, len(keys), 1000):
        sent.update(
            ReminderLog.objects.filter(key__in=keys[i : i + 1000]).values_list("key", flat=True)
        )
    today = now.astimezone(SHANGHAI).date()
    keyed = [row for row in keyed if row[0] not in sent]
    delegates = people.delegates_of([u for _k, _i, owners, _s in keyed for u in owners], today)
    notices = [
        Notice(
            key=key,
            kind=item.kind,
            stage=stage,
            recipients=_recipients(stage, owners, today, gms, delegates),
            title=_title(stage, item.label),
            body=_body(item, stage, owners),
            url=form_url(item.form_id) if item.form_id else project_url(item.project_id),
            project_id=_pk(item.project),
            form_id=_pk(item.form),
            step_id=_pk(item.step),
            due_date=item.due_date,
        )
        for key, item, owners, stage in keyed
    ]
    recorded = set()
    for i in range(0, len(notices), SEND_BATCH):
        recorded.update(notify_many(notices[i : i + SEND_BATCH], now=now))
    result.recorded += [n.key for n in notices if n.key in recorded]


def _pk(value):
    return getattr(value, "pk", value)


def _in_reminder_hours(now) -> bool:
    start, end = getattr(settings, "SIPM_REMINDER_HOURS", (8, 20))
    return start <= now.astimezone(SHANGHAI).hour < end


SWEEP_LOCK = 0x5199_0001  # the advisory lock key of the sweep (PostgreSQL)


@contextmanager
def _sweep_lock():
    """One sweep at a time: a run that finds another still going returns at once instead of
    piling up behind it (PostgreSQL advisory lock; elsewhere runs are not concurrent)."""
    if connection.vendor != "postgresql":
        yield True
        return
    with connection.cursor() as cur:
        cur.execute("SELECT pg_try_advisory_lock(%s)", [SWEEP_LOCK])
        got = cur.fetchone()[0]
    try:
        yield got
    finally:
        if got:
            with connection.cursor() as cur:
                cur.execute("SELECT pg_advisory_unlock(%s)", [SWEEP_LOCK])


def reminders_scan(*, now=None) -> ScanResult:
    """Send every reminder that is due now and not yet sent; see the module docstring."""
    with _sweep_lock() as got:
        if not got:
            return ScanResult(skipped_busy=True)
        return _scan(now=now)


@in_company_language
def _scan(*, now=None) -> ScanResult:
    now = now or timezone.now()
    # The policy's working days as they are now, whatever another process changed meanwhile.
    policy_deadlines.clear()
    result = ScanResult(budget_notices=_budget_notices(now))
    today = now.astimezone(SHANGHAI).date()
    days = Workdays(today - timedelta(days=60), today + timedelta(days=30))
    if not (days.is_working(today) and _in_reminder_hours(now)):
        result.skipped_quiet_time = True
        result.retried = deliveries_retry(now=now)
        return result
    gms = people.gm_users()
    due_now: list[tuple] = []  # (deadline, owners, stage) whose reminder stage has begun
    steps = _due_steps(now)
    owners = people.step_owners([s for s in steps if s.form.status == FormStatus.IN_REVIEW])
    for step in steps:
        step.next_reminder_at = None
        if step.form.status != FormStatus.IN_REVIEW or step.due_at is None:
            continue
        item = step_deadline(step, now)
        gm_moment = due.gm_moment_of_step(days, item.due_date, item.due_moment)
        stage = _due_stage(item, gm_moment, now, days)
        if stage is not None:
            due_now.append((item, owners.get(step.pk, []), stage))
        step.next_reminder_at = due.next_boundary(
            now=now, days=days, due_date=item.due_date, due_moment=item.due_moment,
            gm_moment=gm_moment,
        )  # fmt: skip
    projects = _due_projects(now)
    policy_items = _policy_items(projects, now) if projects else {}
    for project in projects:
        project.next_deadline_at = None
        for item, item_owners in policy_items[project.pk]:
            gm_moment = due.gm_moment_of_policy(days, item.due_date)
            stage = _due_stage(item, gm_moment, now, days)
            if stage is not None:
                due_now.append((item, item_owners, stage))
            nxt = due.next_boundary(
                now=now, days=days, due_date=item.due_date, due_moment=item.due_moment,
                gm_moment=gm_moment,
            )  # fmt: skip
            if nxt is not None and (
                project.next_deadline_at is None or nxt < project.next_deadline_at
            ):
                project.next_deadline_at = nxt
    # Sent first, then the columns move on: a send that fails leaves its item due for the next run.
    _send(result, due_now, now, gms)
    bulk_set(steps, "next_reminder_at")
    bulk_set(projects, "next_deadline_at")
    result.retried = deliveries_retry(now=now)
    return result
