"""What every delivery service shares: the visible project, locked; the stage it must be in."""

from django.utils.translation import gettext as _

from projects.models import Project, Stage
from projects.selectors import project_visible_to
from sipm.errors import Conflict, NotVisible, Refused

# Implementation work is booked while the project is being implemented; maintenance after the
# final acceptance, until the project is archived.
MAINTENANCE_STAGES = (Stage.IMPLEMENTING, Stage.EVALUATING, Stage.SETTLING, Stage.HANDOVER)


def project_for(acting_user, project_id, refusal_fn=None, *, lock=True) -> Project:
    qs = Project.objects.select_for_update() if lock else Project.objects.all()
    project = qs.filter(pk=project_id).first()
    if project is None or not project_visible_to(acting_user, project):
        raise NotVisible(_("项目不存在或无权查看。"))
    if refusal_fn is not None:
        refusal = refusal_fn(acting_user, project)
        if refusal:
            raise Refused(refusal)
    return project


def require_implementing(project):
    if project.stage != Stage.IMPLEMENTING:
        raise Conflict(
            _("项目当前阶段为“%(s)s”，只有实施阶段的项目可以进行此操作。")
            % {"s": project.get_stage_display()},
            code="wrong_state",
        )


def plan_of(project):
    from ..models import Plan

    plan = Plan.objects.filter(project=project).first()
    if plan is None:
        raise Conflict(_("本项目尚未编制实施计划。"), code="no_plan")
    return plan


def bump(plan):
    plan.revision += 1
    plan.save(update_fields=["revision"])
