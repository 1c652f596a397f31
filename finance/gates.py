"""Preconditions the forms check before they may start (gate(project) → message or None)."""

from django.utils.translation import gettext as _

from .selectors import payment_status


def final_accounts_gate(project) -> str | None:
    """The 项目决算表 may start only when every payment of the contract is collected [§27]."""
    if project is None:
        return _("决算表必须关联项目。")
    status = payment_status(project)
    if status["contract_amount"] is None:
        return _("项目尚无已批准的合同，不能填报决算表。")
    if not status["all_collected"] and status["outstanding"] <= 0:
        return _("合同的付款条款尚有未收回的节点，不能填报决算表。")
    if not status["all_collected"]:
        return _(
            "合同款项尚未全部收回（已收 %(collected)s 元，未收 %(outstanding)s 元），"
            "不能填报决算表。"
        ) % {
            "collected": f"{status['collected']:,}",
            "outstanding": f"{status['outstanding']:,}",
        }
    return None
