"""Notice categories: what a person chooses channels for (in-app always; e-mail; robot)."""

from django.utils.translation import gettext_lazy as _

TODO = "todo"
RESULT = "result"
COPY = "copy"
DELEGATED = "delegated"
REMINDER = "reminder"
NUDGE = "nudge"
REPORT = "report"
BUDGET = "budget"
PROJECT = "project"

LABELS = {
    TODO: _("待我审批"),
    RESULT: _("我的表单审批结果"),
    COPY: _("抄送与存档"),
    DELEGATED: _("他人代我审批"),
    REMINDER: _("到期提醒与逾期升级"),
    NUDGE: _("催办"),
    REPORT: _("月度成本报告"),
    BUDGET: _("预算变更"),
    PROJECT: _("项目人员与阶段"),
}
ALL = tuple(LABELS)

# ReminderLog.kind -> category, for notices recorded without one.
_BY_KIND = {
    "step": REMINDER,
    "commission_issue": REMINDER,
    "commission_approve": REMINDER,
    "final_accounts": REMINDER,
    "budget_change_notice": BUDGET,
    "monthly_report": REPORT,
}


def of_kind(kind: str) -> str:
    return kind if kind in LABELS else _BY_KIND.get(kind, REMINDER)


def choices():
    return [(k, str(v)) for k, v in LABELS.items()]
