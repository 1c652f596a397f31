"""Notices for 实施 events (core.events subscribers, registered in NotificationsConfig.ready).

Synchronous: the in-app rows commit with the change; e-mail and robots follow after commit.
Each notice is keyed by its event, so a redelivered event tells nobody twice.
"""

from django.utils.translation import gettext as _

from core.events import subscribe
from delivery.models import Risk
from org.codes import Dept, RoleCode
from org.models import User
from org.selectors import users_with_role
from projects.models import Project
from sipm.i18n import in_company_language

from . import people
from .links import project_url
from .services import notify


def _project(event):
    return Project.objects.select_related("project_manager", "sales_lead").get(pk=event.project_id)


def _delivery_url(project):
    from django.urls import reverse

    return reverse("delivery-project", args=[project.pk])


@subscribe("delivery.deviation", name="notifications.delivery_deviation", sync=True)
@in_company_language
def delivery_deviation(event):
    """SPI/CPI below the threshold or a slipped milestone: the PM and 项目管理部."""
    project = _project(event)
    p = event.payload
    if p.get("metric") == "milestone":
        body = _("里程碑“%(m)s”计划于 %(d)s 完成，目前尚未达成，请采取纠正措施。") % {
            "m": p.get("milestone"),
            "d": p.get("due"),
        }
    else:
        body = _(
            "第 %(w)s 周 %(metric)s 为 %(v)s，低于预警阈值 %(t)s，请分析偏差并采取纠正措施。"
        ) % {
            "w": p.get("week"),
            "metric": p.get("metric", "").upper(),
            "v": p.get("value"),
            "t": p.get("threshold"),
        }
    return notify(
        key=f"event:{event.pk}:deviation",
        kind="delivery_deviation",
        recipients=[project.project_manager, *people.department_members(Dept.PMO)],
        title=_("【进度偏差】%(name)s") % {"name": project.name},
        body=body,
        url=_delivery_url(project),
        project=project,
    )


@subscribe("risk.review_due", name="notifications.risk_review_due", sync=True)
@in_company_language
def risk_review_due(event):
    risk = Risk.objects.select_related("owner", "project__project_manager").get(
        pk=event.payload["risk"]
    )
    project = risk.project
    return notify(
        key=f"event:{event.pk}:risk_review",
        kind="risk_review",
        recipients=[risk.owner, project.project_manager],
        title=_("【风险复查】%(name)s") % {"name": project.name},
        body=_("风险“%(d)s”应于 %(due)s 复查，请更新其状态和应对措施。")
        % {"d": risk.description[:60], "due": event.payload.get("due")},
        url=_delivery_url(project),
        project=project,
    )


@subscribe("change.approved", name="notifications.change_approved", sync=True)
@in_company_language
def change_approved(event):
    """An approved change that moves cost starts the budget change [§18]: 成本总监 is told."""
    project = _project(event)
    recipients = [project.project_manager, *people.department_members(Dept.PMO)]
    if event.payload.get("budget_change_required"):
        recipients += list(users_with_role(RoleCode.COST_DIR))
        body = _("需求变更已批准，费用影响 %(c)s 元：请成本总监发起项目预算变更。") % {
            "c": event.payload.get("cost_impact")
        }
    else:
        body = _("需求变更已批准，不影响项目费用。")
    return notify(
        key=f"event:{event.pk}:change",
        kind="change_approved",
        recipients=recipients,
        title=_("【需求变更】%(name)s") % {"name": project.name},
        body=body,
        url=project_url(project.pk),
        project=project,
    )


@subscribe("acceptance.recorded", name="notifications.acceptance_recorded", sync=True)
@in_company_language
def acceptance_recorded(event):
    project = _project(event)
    p = event.payload
    recipients = [project.project_manager, project.sales_lead, *people.department_members(Dept.PMO)]
    if p.get("final"):
        recipients += people.department_members(Dept.FIN)
    return notify(
        key=f"event:{event.pk}:acceptance",
        kind="acceptance",
        recipients=recipients,
        title=_("【验收】%(name)s：%(m)s") % {"name": project.name, "m": p.get("name")},
        body=_("客户 %(s)s 于 %(d)s 签字验收。")
        % {"s": p.get("signatory"), "d": p.get("accepted_on")},
        url=project_url(project.pk),
        project=project,
    )


@subscribe("plan.baseline_approved", name="notifications.baseline_approved", sync=True)
@in_company_language
def baseline_approved(event):
    project = _project(event)
    team = list(User.objects.filter(projects=project, is_active=True))
    return notify(
        key=f"event:{event.pk}:baseline",
        kind="plan_baseline",
        recipients=[project.project_manager, *team],
        title=_("【计划基线】%(name)s 第 %(v)s 版已批准")
        % {"name": project.name, "v": event.payload.get("version")},
        body=_("请按计划登记工日并填报任务进度。"),
        url=_delivery_url(project),
        project=project,
    )
