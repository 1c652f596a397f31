"""Notices for project events: a budget change told to everyone concerned [§18], the people
an approved form puts on the project."""

from django.utils.translation import gettext as _

from core.events import subscribe
from org.models import User
from sipm.i18n import in_company_language

from . import categories
from .budget_notices import budget_change_notify
from .links import project_url
from .services import notify


@subscribe("budget.changed", name="notifications.budget_changed", sync=True)
def budget_changed(event):
    """In the approval's transaction: the notice is recorded (and delivered to each person's
    inbox) with the approval itself; e-mails and robots follow through the outbox."""
    return budget_change_notify(form_id=event.form_id, acting_user=event.actor, event=event)


def _project_notice(event, suffix, user_ids, title, body):
    users = list(
        User.objects.filter(pk__in=[u for u in user_ids if u], is_active=True).select_related(
            "department"
        )
    )
    return notify(
        key=f"event:{event.pk}:{suffix}",
        kind="project",
        category=categories.PROJECT,
        recipients=users,
        title=title,
        body=body,
        url=project_url(event.project_id),
        project=event.project_id,
        form=event.form_id,
        now=event.created_at,
        event=event,
    )


@subscribe("project.presales_lead_set", name="notifications.presales_lead", sync=True)
@in_company_language
def presales_lead_set(event):
    p = event.payload
    return _project_notice(
        event,
        "presales",
        [p.get("to"), *(p.get("team") or [])],
        _("【售前支持】%(name)s") % {"name": p.get("name", "")},
        _("您已被指定为项目“%(name)s”的售前负责人或售前团队成员。") % {"name": p.get("name", "")},
    )


@subscribe("project.team_set", name="notifications.team", sync=True)
@in_company_language
def team_set(event):
    p = event.payload
    return _project_notice(
        event,
        "team",
        [p.get("manager"), *(p.get("members") or [])],
        _("【项目委托】%(name)s") % {"name": p.get("name", "")},
        _("项目委托书已批准：您已加入项目“%(name)s”的项目组。") % {"name": p.get("name", "")},
    )
