"""Notices about money: subscribers to finance's events (payment.recorded, report.monthly_ready).

They run inside the finance transaction (sync), so the in-app notice commits with the change;
each notice has its own key, so a repeated call sends nothing twice.
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from core.events import subscribe
from finance.models import MonthlyReport, Payment
from finance.selectors import final_accounts_due
from org.codes import MONTHLY_REPORT_ROLES
from org.selectors import users_with_role
from sipm.i18n import in_company_language

from . import people
from .deadlines import FINAL_ACCOUNTS
from .links import project_url
from .services import notify

REPORT_ROLES = MONTHLY_REPORT_ROLES  # the month-end cost report goes to them [§4]


@in_company_language
def final_accounts_started(*, payment_id, event=None):
    """When the last payment is in, tell 财务部 the final accounts are due [§27]."""
    payment = Payment.objects.select_related("project").filter(pk=payment_id).first()
    if payment is None:
        return None
    project = payment.project
    due = final_accounts_due(project)
    if due is None:
        return None
    return notify(
        key=f"project:{project.pk}:{FINAL_ACCOUNTS}:{due:%Y%m%d}:start",
        kind=FINAL_ACCOUNTS,
        recipients=people.department_members(people.OWNER_DEPARTMENTS[FINAL_ACCOUNTS]),
        title=_("【项目决算】%(name)s 已全部回款") % {"name": project.name},
        body=_("项目 %(number)s 的款项已全部收回，请在 %(due)s 前完成《项目决算表》。")
        % {"number": project.number, "due": due.isoformat()},
        url=project_url(project.pk),
        project=project,
        due_date=due,
        event=event,
    )


@in_company_language
def monthly_report_ready(*, report_id, event=None):
    """Put the month-end cost report in the cost director's and the GM's inbox."""
    report = MonthlyReport.objects.filter(pk=report_id).first()
    if report is None:
        return None
    recipients = [u for code in REPORT_ROLES for u in users_with_role(code)]
    month = report.month.strftime("%Y-%m")
    return notify(
        key=f"monthly_report:{report.pk}",
        kind="monthly_report",
        recipients=recipients,
        title=_("【月度成本报告】%(month)s") % {"month": month},
        body=_("%(month)s 的项目费用统计分析报告已生成，报告文件同时通过邮件发送。")
        % {"month": month},
        url=f"{reverse('monthly-report')}?month={month}",
        event=event,
    )


@subscribe("payment.recorded", name="notifications.final_accounts", sync=True)
def on_payment_recorded(event):
    final_accounts_started(payment_id=event.payload["payment"], event=event)


@subscribe("report.monthly_ready", name="notifications.monthly_report", sync=True)
def on_monthly_report(event):
    monthly_report_ready(report_id=event.payload["report"], event=event)
