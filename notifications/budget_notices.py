"""The notice of an approved budget change [§18]: everyone concerned hears of it within one
working day, once per change. The approval's own transaction records it (`budget_change_notify`,
a synchronous subscriber); the sweep catches up, in batches, any change an outage left untold
(`budget_change_notify_many`)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals.models import Form, FormStatus
from core.audit import audit_append_many
from projects.policy import deadline_days
from sipm.errors import Conflict, NotVisible
from sipm.i18n import in_company_language

from . import categories
from .batch import Notice, notify_many, notify_notice
from .deadlines import BUDGET_CHANGE_NOTICE, budget_notice_key
from .links import form_url
from .models import DeliveryStatus, ReminderLog, ReminderStage
from .people import budget_change_audiences
from .workdays import Workdays, local_date


def _forms(form_ids):
    return Form.objects.select_related("project").filter(pk__in=form_ids, kind="budget_change")


def _notice(form, recipients, now, days) -> Notice:
    project = form.project
    approved_on = local_date(form.closed_at or now)
    reason = (form.data or {}).get("reason") or ""
    body = _("项目 %(number)s %(name)s 的预算变更（%(form)s）已于 %(date)s 批准。") % {
        "number": project.number,
        "name": project.name,
        "form": form.number,
        "date": approved_on.isoformat(),
    }
    if reason:
        body += _("变更原因：%(reason)s") % {"reason": reason}
    return Notice(
        key=budget_notice_key(form.pk),
        kind=BUDGET_CHANGE_NOTICE,
        stage=ReminderStage.NOTICE,
        recipients=recipients,
        title=_("【预算变更】%(name)s") % {"name": project.name},
        body=body,
        url=form_url(form.pk),
        project_id=project.pk,
        form_id=form.pk,
        due_date=days.add(approved_on, deadline_days(BUDGET_CHANGE_NOTICE)),
        category=categories.BUDGET,
    )


def _audit_row(notice: Notice, acting_user, now) -> dict:
    return {
        "verb": "budget_change.notified",
        "actor": acting_user,
        "form": notice.form_id,
        "project": notice.project_id,
        "payload": {
            "recipients": sorted(u.pk for u in notice.recipients),
            "due_date": notice.due_date.isoformat(),
            "on_time": local_date(now) <= notice.due_date,
        },
    }


def _days(forms, now):
    return Workdays.around([local_date(f.closed_at or now) for f in forms] or [local_date(now)])


@in_company_language
def budget_change_notify(*, form_id, acting_user=None, now=None, deliver="queue", event=None):
    """Tell everyone concerned that a budget change was approved [§18], once per change.

    Safe to call inside the approval's transaction (the notice then commits with it) and again
    from the scan. Returns the ReminderLog, or None if the notice had already gone out.
    """
    now = now or timezone.now()
    with transaction.atomic():
        form = _forms([form_id]).first()
        if form is None or form.project is None:
            raise NotVisible(_("预算变更单不存在。"))
        if form.status != FormStatus.APPROVED:
            raise Conflict(_("预算变更尚未批准，不能发出变更通知。"), code="wrong_state")
        recipients = budget_change_audiences([form.project])[form.project_id]
        notice = _notice(form, recipients, now, _days([form], now))
        log = notify_notice(notice, now=now, deliver=deliver, event=event)
        if log is not None:
            audit_append_many([_audit_row(notice, acting_user, now)])
    return log


@in_company_language
def budget_change_notify_many(form_ids, *, now=None) -> int:
    """`budget_change_notify` for approved changes whose notice is missing, in a fixed number of
    queries whatever their number: one read of the forms, their audiences at once, the notices
    through `notify_many` (e-mails and robots through the outbox), one audit append. Returns how
    many notices this call recorded (a change told meanwhile by another process is skipped)."""
    now = now or timezone.now()
    forms = list(
        _forms(form_ids).filter(status=FormStatus.APPROVED, project__isnull=False).order_by("id")
    )
    if not forms:
        return 0
    audiences = budget_change_audiences(list({f.project_id: f.project for f in forms}.values()))
    days = _days(forms, now)
    notices = [_notice(f, audiences[f.project_id], now, days) for f in forms]
    with transaction.atomic():
        recorded = set(notify_many(notices, now=now))
        audit_append_many([_audit_row(n, None, now) for n in notices if n.key in recorded])
    return len(recorded)


@in_company_language
def record_told(form_ids, *, now=None) -> int:
    """Record approved budget changes as told, without telling anyone: for a history written in
    bulk (the scale seed), whose changes were told in their approval's transaction on the
    system they came from. Their notice rows are then what a running system has, and the sweep
    finds no backlog; the inbox rows of those old notices are not written. Returns how many
    were recorded (a change already told keeps its row)."""
    now = now or timezone.now()
    forms = list(_forms(form_ids).filter(status=FormStatus.APPROVED, project__isnull=False))
    if not forms:
        return 0
    known = set(
        ReminderLog.objects.filter(key__in=[budget_notice_key(f.pk) for f in forms]).values_list(
            "key", flat=True
        )
    )
    forms = [f for f in forms if budget_notice_key(f.pk) not in known]
    days = _days(forms, now)
    rows = []
    for form in forms:
        notice = _notice(form, [], now, days)
        told = form.closed_at or now
        rows.append(
            ReminderLog(
                key=notice.key,
                kind=notice.kind,
                stage=notice.stage,
                project_id=notice.project_id,
                form_id=notice.form_id,
                due_date=notice.due_date,
                title=notice.title,
                body=notice.body,
                url=notice.url,
                status=DeliveryStatus.SENT,
                attempts=1,
                created_at=told,
                sent_at=told,
            )
        )
    ReminderLog.objects.bulk_create(rows, ignore_conflicts=True, batch_size=2000)
    return len(rows)
