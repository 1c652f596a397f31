"""Reads about people and roles, shared by the engine, the API and the UI."""

from django.utils import timezone

from .codes import DIRECTOR_ROLES, RoleCode
from .models import Delegation, InitiationRule, RoleAssignment, User

DIRECTOR_ROLE_CODES = DIRECTOR_ROLES


def users_with_role(code: str):
    return User.objects.filter(
        is_active=True, role_assignments__role__code=code, role_assignments__active=True
    ).order_by("id")


def _roles(user) -> list[tuple]:
    """(code, sees_all_forms, sees_all_projects, forms_scope) of the user's active roles: one
    query per user object (a request's user is fresh each request)."""
    cache = getattr(user, "_sipm_roles", None)
    if cache is None:
        cache = list(
            RoleAssignment.objects.filter(user=user, active=True).values_list(
                "role__code", "role__sees_all_forms", "role__sees_all_projects", "role__forms_scope"
            )
        )
        user._sipm_roles = cache
    return cache


def user_role_codes(user) -> set[str]:
    if not user.is_authenticated:
        return set()
    return {code for code, *_flags in _roles(user)}


def user_has_role(user, code: str) -> bool:
    return code in user_role_codes(user)


def user_sees_all(user) -> bool:
    """Admins, directors and the GM see every form and project."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return any(sees_all_forms for _code, sees_all_forms, _p, _s in _roles(user))


def user_sees_all_projects(user) -> bool:
    """Directors, the GM and admins, plus roles such as 项目管理部 and 财务 that run every project."""
    if user_sees_all(user):
        return True
    return any(sees_all_projects for _code, _f, sees_all_projects, _s in _roles(user))


def user_forms_scope(user) -> str:
    """The widest `Role.forms_scope` the user holds: "submitted", "approved" or ""."""
    if not user.is_authenticated:
        return ""
    scopes = {scope for _code, _f, _p, scope in _roles(user)}
    return next((s for s in ("submitted", "approved") if s in scopes), "")


def departments_managed_by(principals):
    """A query of the ids of the departments managed by any of `principals` (a subquery)."""
    from .models import Department

    return Department.objects.filter(manager_id__in=principals).values("pk")


def principals_for(user, day=None) -> list[int]:
    """The ids of the user and of everyone who delegated to them on `day` (today: the local
    date). One query per user object and day, as `_roles` (a request's user is fresh each
    request; a page asks for them from several selectors)."""
    day = day or timezone.localdate()
    cache = getattr(user, "_sipm_principals", None)
    if cache is None or cache[0] != day:
        ids = [user.pk]
        ids += (
            Delegation.objects.active_on(day)
            .filter(delegate=user)
            .values_list("principal_id", flat=True)
        )
        cache = user._sipm_principals = (day, ids)
    return list(cache[1])


def active_delegates_of(user_ids, day=None) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    rows = Delegation.objects.active_on(day).filter(principal_id__in=list(user_ids))
    for principal_id, delegate_id in rows.values_list("principal_id", "delegate_id"):
        out.setdefault(principal_id, []).append(delegate_id)
    return out


def initiation_refusal(user) -> str | None:
    """None when the user holds 立项权 [§2]; otherwise the reason, in the user's language."""
    from django.utils.translation import gettext as _

    if not user.is_authenticated or not user.is_active:
        return _("请先登录。")
    if user.department_id is None:
        return _("您没有所属部门，无立项权。")
    rules = InitiationRule.objects.filter(active=True, department_id=user.department_id)
    for rule in rules:
        if user.position < rule.min_position:
            continue
        if rule.sales_only and not user_has_role(user, RoleCode.SALES):
            continue
        return None
    return _(
        "您没有立项权：只有总经办成员、市场部和客户服务部的销售人员、"
        "技术服务部主管及以上人员可以发起立项。"
    )


def department_manager(department):
    return department.manager if department is not None else None


def superusers():
    return User.objects.filter(is_active=True, is_superuser=True).order_by("id")


def today():
    return timezone.localdate()
