"""In-app notices (and their e-mails / robot posts) for the approval engine's events.

Synchronous subscribers: the notice commits with the decision itself, so it is in the inbox
even when no worker runs. Each notice's key is derived from the event, so an event is told once.
"""

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from core.events import subscribe
from org.models import Department, User
from sipm.i18n import in_company_language

from . import categories, people
from .batch import Notice, notify_event
from .links import form_url
from .models import ReminderStage
from .services import notify


def _users(ids):
    return list(
        User.objects.filter(pk__in=[i for i in ids if i], is_active=True)
        .select_related("department")
        .order_by("id")
    )


def _who(user) -> str:
    return str(user) if user is not None else _("系统")


def _form_label(event) -> str:
    p = event.payload
    return f"{p.get('number', '')}《{p.get('title', '')}》"


def _notice(event, suffix, *, recipients, title, body, category, kind="form", step=None):
    return notify(
        key=f"event:{event.pk}:{suffix}",
        kind=kind,
        category=category,
        recipients=recipients,
        title=title,
        body=body,
        url=form_url(event.form_id) if event.form_id else "",
        project=event.project_id,
        form=event.form_id,
        step=step,
        now=event.created_at,
        event=event,
    )


@subscribe("step.activated", name="notifications.waiting_on_you", sync=True)
@in_company_language
def waiting_on_you(event):
    p = event.payload
    seats = set(p.get("assignees") or [])
    # The seat holders and the submitter (named in the text, active or not) in one read.
    people_read = (
        User.objects.filter(pk__in=[i for i in (*seats, p.get("submitter")) if i])
        .select_related("department")
        .in_bulk()
    )
    owners = [u for pk, u in sorted(people_read.items()) if pk in seats and u.is_active]
    recipients = people.with_delegates(owners, timezone.localdate(event.created_at))
    due = parse_datetime(p["due_at"]) if p.get("due_at") else None
    body = _("%(form)s 的“%(step)s”等待您审批，提交人 %(who)s。") % {
        "form": _form_label(event),
        "step": p.get("name", ""),
        "who": _who(people_read.get(p.get("submitter"))),
    }
    if due is not None:
        body += _("处理时限 %(n)d 个工作日（%(due)s 前）。") % {
            "n": p.get("sla_days") or 0,
            "due": timezone.localtime(due).strftime("%Y-%m-%d %H:%M"),
        }
    return _notice(
        event,
        "todo",
        recipients=recipients,
        title=_("【待审批】%(form)s") % {"form": _form_label(event)},
        body=body,
        category=categories.TODO,
        step=p.get("step"),
    )


@subscribe("form.approved", name="notifications.form_approved", sync=True)
@in_company_language
def form_approved(event):
    return _to_submitter(
        event,
        title=_("【已批准】%(form)s") % {"form": _form_label(event)},
        body=_("您提交的 %(form)s 已审批通过。") % {"form": _form_label(event)},
    )


def _to_submitter(event, *, title, body):
    """The outcome of the submitter's form, told to them."""
    return _notice(
        event,
        "result",
        recipients=_users([event.payload.get("submitter")]),
        title=title,
        body=body,
        category=categories.RESULT,
    )


def _opinion(event) -> str:
    p = event.payload
    return _("%(who)s 在“%(step)s”：%(comment)s") % {
        "who": _who(event.actor),
        "step": p.get("name", ""),
        "comment": p.get("comment", ""),
    }


@subscribe("form.returned", name="notifications.form_returned", sync=True)
@in_company_language
def form_returned(event):
    p = event.payload
    if p.get("to_step"):
        return None  # returned to an earlier step: step.activated tells its approver
    return _to_submitter(
        event,
        title=_("【已退回】%(form)s") % {"form": _form_label(event)},
        body=_("您提交的 %(form)s 被退回修改。意见：%(opinion)s")
        % {"form": _form_label(event), "opinion": _opinion(event)},
    )


@subscribe("form.rejected", name="notifications.form_rejected", sync=True)
@in_company_language
def form_rejected(event):
    return _to_submitter(
        event,
        title=_("【已驳回】%(form)s") % {"form": _form_label(event)},
        body=_("您提交的 %(form)s 被驳回。意见：%(opinion)s")
        % {"form": _form_label(event), "opinion": _opinion(event)},
    )


@subscribe("form.decided", name="notifications.decided_for_you", sync=True)
@in_company_language
def decided_for_you(event):
    """代签: the person whose seat a delegate filled is told what was decided in their name."""
    if not event.on_behalf_of_id:
        return None
    p = event.payload
    words = {"approve": _("同意"), "reject": _("驳回"), "return": _("退回修改")}
    body = _("%(who)s 代您审批了 %(form)s 的“%(step)s”：%(decision)s。") % {
        "who": _who(event.actor),
        "form": _form_label(event),
        "step": p.get("name", ""),
        "decision": words.get(p.get("decision"), p.get("decision")),
    }
    if p.get("comment"):
        body += _("意见：%(c)s") % {"c": p["comment"]}
    return _notice(
        event,
        "delegated",
        recipients=_users([event.on_behalf_of_id]),
        title=_("【代签】%(form)s") % {"form": _form_label(event)},
        body=body,
        category=categories.DELEGATED,
    )


@subscribe("form.copied", name="notifications.copies", sync=True)
@in_company_language
def copies_delivered(event):
    """抄送 / 存档: the departments the policy names find the approved form in their list (one
    notice per department, recorded together)."""
    words = {"copy": _("抄送"), "archive": _("存档"), "original": _("原件存档")}
    copies = event.payload.get("copies", [])
    depts = Department.objects.in_bulk([c["department"] for c in copies])
    members = people.members_of_departments(depts)
    notices = []
    for copy in copies:
        dept = depts.get(copy["department"])
        if dept is None:
            continue
        word = words.get(copy["kind"], copy["kind"])
        notices.append(
            Notice(
                key=f"event:{event.pk}:copy:{dept.pk}",
                kind="form",
                stage=ReminderStage.NOTICE,
                category=categories.COPY,
                recipients=members.get(dept.pk, []),
                title=_("【%(word)s】%(form)s") % {"word": word, "form": _form_label(event)},
                body=_("已批准的 %(form)s 已%(word)s至%(dept)s。")
                % {"form": _form_label(event), "word": word, "dept": dept.name},
                url=form_url(event.form_id) if event.form_id else "",
                project_id=event.project_id,
                form_id=event.form_id,
            )
        )
    return notify_event(event, notices)


@subscribe("form.commented", name="notifications.mentioned", sync=True)
@in_company_language
def mentioned(event):
    """People @mentioned in a comment (only those who can see the form are named)."""
    mentions = event.payload.get("mentions") or []
    if not mentions:
        return None
    return _notice(
        event,
        "mentioned",
        recipients=_users(mentions),
        title=_("%(who)s 在 %(number)s 中提到了您")
        % {"who": _who(event.actor), "number": event.payload.get("number", "")},
        body=event.payload.get("body", ""),
        category=categories.NUDGE,
        kind="mention",
    )


@subscribe("step.transferred", name="notifications.transferred_to_you", sync=True)
@in_company_language
def transferred_to_you(event):
    """转交: the new holder of the seat is told that the step now waits on them."""
    p = event.payload
    body = _("%(who)s 将 %(form)s 的“%(step)s”转交给您审批。") % {
        "who": _who(event.actor),
        "form": _form_label(event),
        "step": p.get("name", ""),
    }
    if p.get("comment"):
        body += _("说明：%(c)s") % {"c": p["comment"]}
    return _notice(
        event,
        "transferred",
        recipients=_users([p.get("to")]),
        title=_("【待审批】%(form)s") % {"form": _form_label(event)},
        body=body,
        category=categories.TODO,
        step=p.get("step"),
    )
