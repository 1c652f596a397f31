"""Human labels of audit-log verbs, one vocabulary for the UI, the API and exports."""

from django.utils.translation import gettext_lazy as _

EVENT_LABELS = {
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
    "notification.preferences": _("修改通知偏好"),
    "step.escalated": _("审批人空缺，已上报"),
    "project.created": _("项目创建"),
    "project.stage": _("项目阶段变更"),
    "project.terminated": _("项目终止"),
    "project.presales_lead": _("指定售前负责人"),
    "project.early_start": _("批准提前开工"),
    "project.team": _("确定项目组"),
    "estimate.uploaded": _("上传估算报告"),
    "estimate.signed": _("售前负责人签字确认估算报告"),
    "presales.recorded": _("记录售前工作"),
    "presales.evaluated": _("售前评估"),
    "attachment.uploaded": _("上传附件"),
    "document.issued": _("生成签章 PDF"),
    "document.restored": _("重新生成 PDF"),
    "delegation.created": _("设置代签委托"),
    "delegation.changed": _("修改代签委托"),
    "delegation.cancelled": _("取消代签委托"),
    "cost.created": _("录入成本"),
    "payment.recorded": _("登记回款"),
    "payment_terms.synced": _("同步付款条款"),
    "budget.change_notice": _("预算变更待通知"),
    "budget_change.notified": _("已通知预算变更"),
    "report.monthly_costs": _("生成月度成本报告"),
    "report.monthly_costs.sent": _("发送月度成本报告"),
    "config.created": _("新增配置"),
    "config.changed": _("修改配置"),
    "config.deleted": _("删除配置"),
}


def event_label(verb: str) -> str:
    return str(EVENT_LABELS.get(verb, verb))
