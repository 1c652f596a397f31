"""The labels of the money side's audit verbs (registered with core.verbs)."""

from django.utils.translation import gettext_lazy as _

VERB_LABELS = {
    "cost.created": _("录入成本"),
    "payment.recorded": _("登记回款"),
    "payment_terms.synced": _("同步付款条款"),
    "budget.change_notice": _("预算变更待通知"),
    "budget_change.notified": _("已通知预算变更"),
    "report.monthly_costs": _("生成月度成本报告"),
    "report.monthly_costs.sent": _("发送月度成本报告"),
}
