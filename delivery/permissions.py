"""Who may do what in 实施. Each check returns a Chinese refusal or None."""

from django.utils.translation import gettext as _

from org.codes import Dept
from org.selectors import user_sees_all

PMO = Dept.PMO


def is_pmo(user) -> bool:
    return user.is_superuser or (user.department is not None and user.department.code == PMO)


def is_pm(user, project) -> bool:
    return project.project_manager_id is not None and project.project_manager_id == user.pk


def on_team(user, project, member_ids=None) -> bool:
    if is_pm(user, project):
        return True
    if member_ids is None:
        member_ids = set(project.members.values_list("pk", flat=True))
    return user.pk in member_ids


def plan_edit_refusal(user, project) -> str | None:
    if is_pm(user, project) or is_pmo(user):
        return None
    return _("只有本项目的项目经理或项目管理部人员可以编制实施计划。")


def booking_refusal(user, project, task) -> str | None:
    if task.owner_id == user.pk or on_team(user, project):
        return None
    return _("只有项目组成员可以为本项目登记工日。")


def progress_refusal(user, project, task) -> str | None:
    if task.owner_id == user.pk or is_pm(user, project):
        return None
    return _("只有任务负责人或项目经理可以填报任务进度。")


def risk_refusal(user, project) -> str | None:
    if on_team(user, project) or is_pmo(user):
        return None
    return _("只有项目组成员或项目管理部人员可以登记风险与问题。")


def portfolio_allowed(user) -> bool:
    return user.is_authenticated and (is_pmo(user) or user_sees_all(user))
