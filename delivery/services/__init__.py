"""Every write of 实施: one transaction each, acting_user=, an audit row and a domain event."""

from .acceptance import acceptance_approved, milestone_achieve
from .baseline import baseline_approved, baseline_submit
from .plan import milestone_save, plan_create_from_template, task_save
from .risks import daily_scan, risk_create, risk_review, risk_update
from .tracking import snapshots_refresh, task_progress, timesheet_book

__all__ = [
    "acceptance_approved",
    "baseline_approved",
    "baseline_submit",
    "daily_scan",
    "milestone_achieve",
    "milestone_save",
    "plan_create_from_template",
    "risk_create",
    "risk_review",
    "risk_update",
    "snapshots_refresh",
    "task_progress",
    "task_save",
    "timesheet_book",
]
