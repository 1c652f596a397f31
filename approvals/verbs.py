"""The labels of the engine's audit verbs (registered with core.verbs)."""

from django.utils.translation import gettext_lazy as _

VERB_LABELS = {
    "form.created": _("创建草稿"),
    "form.updated": _("修改"),
    "form.submitted": _("提交审批"),
    "form.decision.approve": _("同意"),
    "form.decision.reject": _("驳回"),
    "form.decision.return": _("退回修改"),
    "form.approved": _("审批通过"),
    "form.withdrawn": _("撤回"),
    "form.corrected": _("创建更正版本"),
    "form.reminded": _("催办"),
    "step.escalated": _("审批人空缺，已上报"),
    "step.signer_added": _("加签"),
    "step.transferred": _("转交"),
    "form.commented": _("评论"),
}
