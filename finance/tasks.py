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


# --- On-demand builds of the report's files for the browser (finance.views polls them) ----------
# A build is not the month's stored report: it reflects the ledger now, and is kept under a
# random token in the default storage. Its state is the storage itself, shared by the web and
# worker processes: "<token>.done" marks a finished file, "<token>.error" a failed one.

BUILD_DIR = "reports/builds"
BUILD_FORMATS = ("xlsx", "pdf")
BUILD_KEEP = timedelta(days=1)


def build_path(token: str, ext: str) -> str:
    if not token.isalnum() or len(token) != 32:
        raise ValueError("bad build token")
    return f"{BUILD_DIR}/{token}.{ext}"


@shared_task
def monthly_report_build(month: str, fmt: str, token: str) -> str:
    """Build one file (xlsx or pdf) of `month`'s report under `token`; a rerun after success
    does nothing. Builds older than a day are removed."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from .reports.services import build_files

    if fmt not in BUILD_FORMATS:
        raise ValueError(f"unknown format {fmt}")
    done = build_path(token, "done")
    if default_storage.exists(done):
        return token
    try:
        files, _summary = build_files(data.parse_month(month), formats=(fmt,))
        target = build_path(token, fmt)
        if default_storage.exists(target):
            default_storage.delete(target)
        default_storage.save(target, ContentFile(files[fmt]))
        default_storage.save(done, ContentFile(b"ok"))
    except Exception as exc:
        default_storage.save(build_path(token, "error"), ContentFile(str(exc).encode()[:2000]))
        raise
    _prune_builds(default_storage)
    return token


def _prune_builds(storage):
    from django.utils import timezone

    try:
        _dirs, names = storage.listdir(BUILD_DIR)
    except (FileNotFoundError, NotImplementedError):
        return
    cutoff = timezone.now() - BUILD_KEEP
    for name in names:
        path = f"{BUILD_DIR}/{name}"
        try:
            if storage.get_modified_time(path) < cutoff:
                storage.delete(path)
        except (FileNotFoundError, NotImplementedError):
            continue
