"""The labels of 实施's audit verbs (registered with core.verbs)."""

from django.utils.translation import gettext_lazy as _

VERB_LABELS = {
    "plan.created": _("创建实施计划"),
    "plan.imported": _("导入实施计划"),
    "plan.task_saved": _("保存计划任务"),
    "plan.milestone_saved": _("保存里程碑"),
    "task.progress": _("更新任务进度"),
    "timesheet.booked": _("登记工时"),
    "risk.created": _("登记风险"),
    "risk.updated": _("更新风险"),
    "risk.reviewed": _("复核风险"),
    "milestone.achieved": _("里程碑达成"),
    "acceptance.recorded": _("记录验收"),
}
