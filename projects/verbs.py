"""The labels of the projects' audit verbs (registered with core.verbs)."""

from django.utils.translation import gettext_lazy as _

VERB_LABELS = {
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
}
