"""Earned-value arithmetic on a baseline snapshot: pure functions of their inputs.

BAC of a task = its planned man-days × the day rate of its owner's position (frozen in the
baseline). PV at a date = Σ BAC × (working days of the task elapsed by then / its working days),
EV = Σ BAC × percent complete, AC = the booked labour cost up to the date. SPI = EV / PV,
CPI = EV / AC. Money is rounded to the cent once, after summing; indices to two decimals.
"""

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from workcal.models import CalendarDay

CENT = Decimal("0.01")
ZERO = Decimal("0")
ONE_DAY = timedelta(days=1)


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def ratio(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    if not denominator:
        return None
    return (numerator / denominator).quantize(CENT, rounding=ROUND_HALF_UP)


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def week_end(monday: date) -> date:
    return monday + timedelta(days=6)


class WorkingDays:
    """The working days of a span, read once (workcal's CalendarDay, Monday–Friday where a day
    has no row — the same rule as workcal.calendar)."""

    def __init__(self, start: date, end: date):
        self.start, self.end = start, end
        stored = dict(
            CalendarDay.objects.filter(date__gte=start, date__lte=end).values_list(
                "date", "is_working"
            )
        )
        self.days = []
        current = start
        while current <= end:
            if stored.get(current, current.weekday() < 5):
                self.days.append(current)
            current += ONE_DAY

    def count(self, start: date, end: date) -> int:
        return sum(1 for d in self.days if start <= d <= end)


def earned_tasks(snapshot: dict) -> list[dict]:
    """The tasks that earn value: implementation work (运维 is tracked against maintenance)."""
    return [t for t in snapshot.get("tasks", []) if not t.get("maintenance")]


def planned_value(tasks: list[dict], upto: date, calendar: WorkingDays) -> tuple[Decimal, Decimal]:
    """(PV, planned man-days) cumulative to `upto`, unrounded."""
    pv, md = ZERO, ZERO
    for task in tasks:
        start, finish = date.fromisoformat(task["start"]), date.fromisoformat(task["finish"])
        if upto < start:
            continue
        total = calendar.count(start, finish)
        if upto >= finish or total == 0:
            share = Decimal(1)
        else:
            share = Decimal(calendar.count(start, upto)) / Decimal(total)
        pv += Decimal(task["bac"]) * share
        md += Decimal(task["man_days"]) * share
    return pv, md


def earned_value(tasks: list[dict], percent: dict[int, int]) -> Decimal:
    return sum((Decimal(t["bac"]) * Decimal(percent.get(t["id"], 0)) / 100 for t in tasks), ZERO)


def figures(*, snapshot, upto, calendar, percent, ac, actual_man_days) -> dict:
    tasks = earned_tasks(snapshot)
    pv, planned_md = planned_value(tasks, upto, calendar)
    ev = earned_value(tasks, percent)
    pv, ev, ac = cents(pv), cents(ev), cents(ac)
    return {
        "pv": pv,
        "ev": ev,
        "ac": ac,
        "spi": ratio(ev, pv),
        "cpi": ratio(ev, ac),
        "bac": cents(sum((Decimal(t["bac"]) for t in tasks), ZERO)),
        "planned_man_days": cents(planned_md),
        "actual_man_days": cents(actual_man_days),
    }
