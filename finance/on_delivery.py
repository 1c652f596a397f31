"""Labour cost from 实施 timesheets into the cost ledger, so the monthly report includes it.

A synchronous subscriber: the ledger line commits (or rolls back) with the booking itself.
One line per cost category of a booking (实施成本 / 维护成本), dated the booking's last day.
"""

from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from core.events import subscribe
from projects.models import Project

from .services import _save_cost

# Booking cost kinds → cost category codes (finance.CostCategory rows seeded by 0003).
CATEGORIES = {"implementation": "implementation", "maintenance": "maintenance"}


@subscribe("timesheet.booked", name="finance.timesheet_cost", sync=True)
def timesheet_cost(event):
    project = Project.objects.get(pk=event.project_id)
    payload = event.payload
    for key, amount in (payload.get("costs") or {}).items():
        amount = Decimal(amount)
        if amount <= 0:
            continue
        _save_cost(
            acting_user=event.actor,
            project=project,
            values={
                "category": CATEGORIES[key],
                "date": date.fromisoformat(payload["date"]),
                "amount": amount,
                "note": (
                    _("工时人工成本：%(md)s 工日（%(dates)s）")
                    % {"md": payload.get("man_days"), "dates": "、".join(payload.get("dates", []))}
                )[:300],
            },
            source="timesheet",
        )
