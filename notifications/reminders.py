"""The reminder scan: one working day before a deadline, on the day, and when overdue — then to
the owner's manager, and one working day later to the GM.

Each reminder has a key (e.g. "step:12:pass:1:due"); `notify` records it at most once, so a scan
that runs twice, two beat instances, or a task redelivered after a worker died send nothing twice.
Reminders go out on working days between SIPM_REMINDER_HOURS (default 8–20 o'clock, Shanghai);
what fell due meanwhile goes out at the next such scan.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals.models import Form, FormStatus, FormStep, StepStatus
from projects.models import Project, Stage
from sipm.i18n import in_company_language

from . import people
from .deadlines import (
    BUDGET_CHANGE_NOTICE,
    COMMISSION_APPROVE,
    COMMISSION_ISSUE,
    FINAL_ACCOUNTS,
    STEP,
    collect_deadlines,
    step_deadline,
)
from .links import form_url, project_url
from .models import ReminderLog, ReminderStage
from .services import budget_change_notify, deliveries_retry, notify
from .workdays import SHANGHAI, Workdays, start_of_day

POLICY_KINDS = (COMMISSION_ISSUE, COMMISSION_APPROVE, FINAL_ACCOUNTS)
# Projects whose policy deadlines can be running.
POLICY_STAGES = (
    Stage.CONTRACTING,
    Stage.SIGNED,
    Stage.COMMISSIONING,
    Stage.IMPLEMENTING,
    Stage.EVALUATING,
    Stage.SETTLING,
    Stage.HANDOVER,
)
# Budget changes approved longer ago than this (e.g. before SIPM went live) get no late notice.
BUDGET_NOTICE_LOOKBACK = timedelta(days=30)


@dataclass
class ScanResult:
    recorded: list[str] = field(default_factory=list)  # keys of the reminders sent now
    budget_notices: int = 0
    retried: int = 0
    skipped_quiet_time: bool = False


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


def _recipients(stage, owners, day, gms):
    people_told = people.with_delegates(owners, day)
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


def _step_items(now, horizon):
    steps = list(
        FormStep.objects.filter(
            status=StepStatus.ACTIVE,
            form__status=FormStatus.IN_REVIEW,
            due_at__isnull=False,
            due_at__lt=horizon,
        )
        .select_related("form__project")
        .order_by("due_at", "id")
    )
    owners = people.step_owners(steps)
    for step in steps:
        yield step_deadline(step, now), owners.get(step.pk, [])


def _policy_items(now, horizon_date):
    projects = Project.objects.filter(
        Q(stage__in=POLICY_STAGES) | Q(forms__kind="commission", forms__status=FormStatus.IN_REVIEW)
    ).distinct()
    for project in projects:
        for item in collect_deadlines(project, now=now, include_steps=False):
            if item.kind in POLICY_KINDS and item.met_at is None and item.due_date <= horizon_date:
                yield item, people.policy_owners(item.kind, item.form)


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
        .values_list("pk", flat=True)
    )
    return sum(
        1
        for form_id in list(pending)
        if budget_change_notify(form_id=form_id, now=now, deliver="inline") is not None
    )


def _in_reminder_hours(now) -> bool:
    start, end = getattr(settings, "SIPM_REMINDER_HOURS", (8, 20))
    return start <= now.astimezone(SHANGHAI).hour < end


@in_company_language
def reminders_scan(*, now=None) -> ScanResult:
    """Send every reminder that is due now and not yet sent; see the module docstring."""
    now = now or timezone.now()
    result = ScanResult(budget_notices=_budget_notices(now))
    today = now.astimezone(SHANGHAI).date()
    days = Workdays(today - timedelta(days=60), today + timedelta(days=30))
    if not (days.is_working(today) and _in_reminder_hours(now)):
        result.skipped_quiet_time = True
        result.retried = deliveries_retry(now=now)
        return result
    next_working_day = days.add(today, 1)
    horizon_date = next_working_day
    horizon = start_of_day(horizon_date + timedelta(days=1))
    gms = people.gm_users()
    items = [*_step_items(now, horizon), *_policy_items(now, horizon_date)]
    for item, owners in items:
        if item.kind == STEP:
            due_time = item.due_moment.astimezone(SHANGHAI).timetz()
            gm_moment = datetime.combine(days.add(item.due_date, 1), due_time)
        else:
            gm_moment = start_of_day(days.add(item.due_date, 1) + timedelta(days=1))
        stage = reminder_stage(
            now=now,
            due_date=item.due_date,
            due_moment=item.due_moment,
            gm_moment=gm_moment,
            next_working_day=next_working_day,
        )
        if stage is None:
            continue
        recipients = _recipients(stage, owners, today, gms)
        if not recipients:
            continue
        key = _key(item, stage)
        log = notify(
            key=key,
            kind=item.kind,
            stage=stage,
            recipients=recipients,
            title=_title(stage, item.label),
            body=_body(item, stage, owners),
            url=form_url(item.form_id) if item.form_id else project_url(item.project_id),
            project=item.project,
            form=item.form,
            step=item.step,
            due_date=item.due_date,
            now=now,
            deliver="inline",
        )
        if log is not None:
            result.recorded.append(key)
    result.retried = deliveries_retry(now=now)
    return result
