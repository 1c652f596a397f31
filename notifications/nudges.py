"""催办: the submitter nudges the people a step waits on — at most once per step per working day,
recorded in the form's history (audit row and event)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals.models import Form, FormStatus, FormStep, StepStatus
from approvals.selectors import form_visible_to
from core.audit import audit_append
from core.events import emit
from sipm.errors import Conflict, NotVisible, Refused
from sipm.i18n import company_language
from workcal.calendar import add_working_days

from . import categories, people
from .links import form_url
from .models import ReminderLog
from .services import notify


def nudge_key(step, day) -> str:
    return f"nudge:step:{step.pk}:pass:{step.passes}:{day:%Y%m%d}"


def _workday(now):
    # A nudge on a day off counts for the next working day.
    return add_working_days(timezone.localdate(now), 0)


def nudge_state(form, *, now=None):
    """(active step, already nudged in this working day?) for the form page's button."""
    if form.status != FormStatus.IN_REVIEW:
        return None, False
    step = FormStep.objects.filter(
        form=form, round=form.round, order=form.current_step, status=StepStatus.ACTIVE
    ).first()
    if step is None:
        return None, False
    done = ReminderLog.objects.filter(key=nudge_key(step, _workday(now or timezone.now())))
    return step, done.exists()


def form_remind(*, acting_user, form_id, now=None) -> ReminderLog:
    """Nudge the undecided approvers of the form's active step (and their delegates)."""
    now = now or timezone.now()
    with transaction.atomic():
        form = Form.objects.select_for_update().filter(pk=form_id).first()
        if form is None or not form_visible_to(acting_user, form):
            raise NotVisible(_("表单不存在或无权查看。"))
        if form.submitter_id != acting_user.pk:
            raise Refused(_("只有申请人可以催办。"))
        step, _done = nudge_state(form, now=now)
        if step is None:
            raise Conflict(_("表单不在审批中，无需催办。"), code="wrong_state")
        owners = people.step_owners([step]).get(step.pk, [])
        day = _workday(now)
        recipients = people.with_delegates(owners, timezone.localdate(now))
        if not recipients:
            raise Conflict(_("当前步骤没有待处理的审批人。"), code="no_assignee")
        payload = {
            "step": step.order,
            "name": step.name,
            "to": [u.pk for u in recipients],
            "day": day.isoformat(),
            "number": form.number,
            "kind": form.kind,
            "title": str(form.title),
        }
        event = emit(
            "form.nudged", actor=acting_user, project=form.project_id, form=form, payload=payload
        )
        with company_language():
            due = timezone.localtime(step.due_at).strftime("%Y-%m-%d %H:%M") if step.due_at else ""
            body = _("%(who)s 催办：%(number)s《%(title)s》的“%(step)s”正等待您处理。") % {
                "who": acting_user,
                "number": form.number,
                "title": form.title,
                "step": step.name,
            }
            if due:
                body += _("处理时限 %(due)s。") % {"due": due}
            title = _("【催办】%(number)s《%(title)s》") % {
                "number": form.number,
                "title": form.title,
            }
        log = notify(
            key=nudge_key(step, day),
            kind="nudge",
            category=categories.NUDGE,
            recipients=recipients,
            title=title,
            body=body,
            url=form_url(form.pk),
            project=form.project_id,
            form=form,
            step=step,
            now=now,
            event=event,
        )
        if log is None:
            raise Conflict(
                _("今天已催办过“%(step)s”，每个步骤每个工作日只能催办一次。") % {"step": step.name},
                code="already_reminded",
            )
        audit_append(
            verb="form.reminded",
            actor=acting_user,
            form=form,
            project=form.project_id,
            payload=payload,
        )
    return log
