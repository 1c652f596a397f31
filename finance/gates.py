"""Preconditions the forms check before they may start (gate(project) → message or None)."""

from django.utils.translation import gettext as _

from approvals.models import Form, FormStatus

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


def archive_gate(project) -> str | None:
    """No 归档 while money is unsettled [§27–§28]: every payment collected, the 决算表 approved,
    and the ledger still agreeing with it (or each difference explained in it)."""
    from .proposals import reconciliation
    from .selectors import approved_final_accounts

    status = payment_status(project)
    if not status["all_collected"]:
        return _("合同款项尚未全部收回（未收 %(o)s 元），不能归档。") % {
            "o": f"{status['outstanding']:,}"
        }
    final = approved_final_accounts(project)
    if final is None:
        return _("《项目决算表》尚未批准，不能归档。")
    unexplained = [
        r["category"]
        for r in reconciliation(project, final.data or {})
        if r["difference"] != "0.00" and not r.get("note")
    ]
    if unexplained:
        return _("成本台账与已批准的《项目决算表》不一致（%(c)s），请更正决算表后再归档。") % {
            "c": "、".join(unexplained)
        }
    return None


def open_presales_work(project) -> list[str]:
    """Numbers of the project's 售前支持工作协调单 whose 工作记录 is still 待填写 (approved without
    a record) or that are still in review."""

    forms = Form.objects.filter(
        project=project, kind="presales", status__in=(FormStatus.APPROVED, FormStatus.IN_REVIEW)
    ).filter(presales_record__isnull=True)
    return list(forms.order_by("id").values_list("number", flat=True))
