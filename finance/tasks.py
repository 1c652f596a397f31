"""Periodic work: the month-end cost report [§4].

Schedule `finance.tasks.monthly_cost_report` daily (e.g. 01:00 Asia/Shanghai). Each run reports
the latest month whose last working day is already over; once that month's report exists (and was
mailed) a rerun does nothing.
"""

from datetime import date, timedelta

from celery import shared_task

from workcal.calendar import add_working_days
from workcal.calendar import today as shanghai_today

from .reports import data
from .reports.services import monthly_report_generate, monthly_report_notify


def last_working_day(month: data.Month) -> date:
    return add_working_days(month.next_start, -1)


def month_due(today: date) -> data.Month:
    """The latest month whose last working day is before `today`."""
    this_month = data.Month(today.replace(day=1))
    if last_working_day(this_month) < today:
        return this_month
    return data.Month((this_month.start - timedelta(days=1)).replace(day=1))


@shared_task
def monthly_cost_report(month: str | None = None) -> int:
    """Generate (once) and mail (once) the report of `month` ("YYYY-MM", default: the month
    due today); returns the MonthlyReport id."""
    target = data.parse_month(month) if month else month_due(shanghai_today())
    report = monthly_report_generate(month=target)
    monthly_report_notify(report_id=report.pk)
    return report.pk
