"""折扣权限 — company policy, not the engine's: the discount rate of a quotation and the
`discount_below_limit` condition of its chain (registered with approvals.conditions in
ProjectsConfig.ready).

The limits themselves are projects.DiscountLimit (edited in the admin, audited).
"""

from decimal import Decimal

from django.utils.translation import gettext as _

from org.codes import RoleCode
from org.models import Role
from org.selectors import users_with_role
from sipm.values import to_decimal

from .models import DiscountLimit


def discount_rate(data) -> Decimal | None:
    """折扣率 = 对外报价金额 / 估算价, in percent with two decimals."""
    quote, listed = to_decimal(data.get("quote_amount")), to_decimal(data.get("list_price"))
    if quote is None or listed is None or listed <= 0:
        return None
    return (quote / listed * 100).quantize(Decimal("0.01"))


def role_discount_limit(role_code) -> Decimal | None:
    """The most permissive limit among the role's holders: only below it does no holder suffice."""
    limits = list(
        DiscountLimit.objects.filter(user__in=users_with_role(role_code)).values_list(
            "min_rate", flat=True
        )
    )
    return min(limits) if limits else None


def _fmt_pct(value: Decimal) -> str:
    return f"{value.normalize():f}%"


def discount_below_limit(condition, data) -> tuple[bool, str]:
    rate = discount_rate(data)
    role_code = condition.get("role", RoleCode.SALES_DIR)
    role = Role.objects.filter(code=role_code).first()
    role_name = role.name if role else role_code
    limit = role_discount_limit(role_code)
    if rate is None:
        return False, _("折扣率无法计算（缺少估算价或对外报价金额）")
    if limit is None:
        return False, _("%(role)s未设置折扣权限") % {"role": role_name}
    args = {"rate": _fmt_pct(rate), "role": role_name, "limit": _fmt_pct(limit)}
    if rate < limit:
        return True, _("折扣率 %(rate)s 低于%(role)s权限 %(limit)s") % args
    return False, _("折扣率 %(rate)s 不低于%(role)s权限 %(limit)s") % args
