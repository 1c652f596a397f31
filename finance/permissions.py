"""Who may see and write the money side. Each check returns a Chinese refusal or None."""

from django.utils.translation import gettext as _

from org.codes import Dept, RoleCode
from org.selectors import DIRECTOR_ROLE_CODES, user_has_role, user_sees_all

FINANCE_DEPT = Dept.FIN
FINANCE_ROLE = RoleCode.FINANCE


def is_finance(user) -> bool:
    """A member of 财务部, or anyone holding the FINANCE role."""
    if not user.is_authenticated or not user.is_active:
        return False
    dept = getattr(user, "department", None)
    if dept is not None and dept.code == FINANCE_DEPT:
        return True
    return user_has_role(user, FINANCE_ROLE)


def is_pmo(user) -> bool:
    return user.is_authenticated and user.is_active and user_has_role(user, RoleCode.PMO)


def _on_team(user, project) -> bool:
    return user.pk in (project.project_manager_id, project.sales_lead_id)


def cost_entry_refusal(user, project) -> str | None:
    if not user.is_authenticated or not user.is_active:
        return _("请先登录。")
    if user.is_superuser or is_finance(user) or _on_team(user, project):
        return None
    return _("只有财务部人员、本项目的项目经理或销售负责人可以录入项目成本。")


def cost_view_refusal(user, project) -> str | None:
    if not user.is_authenticated or not user.is_active:
        return _("请先登录。")
    # 项目管理部 starts the budget and evaluates the project [§17, §26]: it reads the money pages.
    if is_finance(user) or user_sees_all(user) or _on_team(user, project) or is_pmo(user):
        return None
    return _("只有财务部、总监、总经理、项目管理部、本项目的项目经理或销售负责人可以查看项目成本。")


def payment_refusal(user) -> str | None:
    if not user.is_authenticated or not user.is_active:
        return _("请先登录。")
    if is_finance(user):
        return None
    return _("只有财务部人员可以登记回款。")


def report_refusal(user) -> str | None:
    """The monthly cost report: 财务部, the directors, the GM and admins."""
    if not user.is_authenticated or not user.is_active:
        return _("请先登录。")
    if user.is_superuser or is_finance(user):
        return None
    if any(user_has_role(user, code) for code in DIRECTOR_ROLE_CODES):
        return None
    return _("只有财务部、各位总监、总经理和系统管理员可以查看月度成本报告。")
