"""Key figures on queue cards: each form kind registers what an approver needs to see without
opening the form (amount, 折扣率 against the limit, budget total, margin …).

A kind's `figures(form, ctx)` must not query: what it needs for a whole page is read once by the
registered prefetchers (`prefetch(forms, user) -> dict`, merged into ctx), so a page of cards
costs the same few queries at any history size.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from workcal.calendar import SHANGHAI

_FIGURES: dict[str, Callable] = {}
_PREFETCHERS: list[Callable] = []
ONE_DAY = timedelta(days=1)


@dataclass
class Figure:
    label: str
    text: str
    tone: str = ""  # "" | "warn" | "ok"


def register_card(slug: str, figures: Callable) -> None:
    _FIGURES[slug] = figures


def register_prefetch(fn: Callable) -> None:
    if fn not in _PREFETCHERS:
        _PREFETCHERS.append(fn)


def card_figures(forms, user) -> dict[int, list[Figure]]:
    forms = list(forms)
    ctx = {"user": user}
    if forms:
        for fn in _PREFETCHERS:
            ctx.update(fn(forms, user) or {})
    out = {}
    for form in forms:
        fn = _FIGURES.get(form.kind)
        out[form.pk] = [f for f in (fn(form, ctx) if fn else []) if f and f.text]
    return out


def _as_date(value) -> date:
    if isinstance(value, datetime):
        return value.astimezone(SHANGHAI).date()
    return value


class WorkSpan:
    """Working days between dates of one page, from one read of the calendar."""

    def __init__(self, days):
        from workcal.models import CalendarDay

        days = [_as_date(d) for d in days if d is not None]
        self.start, self.end = (min(days), max(days)) if days else (None, None)
        self.known = (
            dict(
                CalendarDay.objects.filter(date__gte=self.start, date__lte=self.end).values_list(
                    "date", "is_working"
                )
            )
            if days
            else {}
        )

    def _works(self, day: date) -> bool:
        return self.known.get(day, day.weekday() < 5)

    def between(self, start, end) -> int | None:
        """Working days after `start` up to and including `end` (negative if end < start)."""
        if start is None or end is None:
            return None
        start, end = _as_date(start), _as_date(end)
        if end < start:
            return -self.between(end, start)
        count, current = 0, start + ONE_DAY
        while current <= end:
            count += self._works(current)
            current += ONE_DAY
        return count
