"""Working-day arithmetic over a span of dates read with one query.

workcal.calendar answers one question per query; a deadline list or a reminder scan asks many
about nearby dates, so it reads the span once and answers locally. Outside the span it falls
back to workcal.calendar (same rules: a stored day wins, otherwise Monday–Friday).
"""

from datetime import date, datetime, time, timedelta

from workcal import calendar as cal
from workcal.models import CalendarDay

ONE_DAY = timedelta(days=1)
SHANGHAI = cal.SHANGHAI


def local_date(value) -> date:
    if isinstance(value, datetime):
        return value.astimezone(SHANGHAI).date()
    return value


def start_of_day(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=SHANGHAI)


class Workdays:
    def __init__(self, start: date, end: date):
        if end < start:
            start, end = end, start
        self.start, self.end = start, end
        self._known = dict(
            CalendarDay.objects.filter(date__gte=start, date__lte=end).values_list(
                "date", "is_working"
            )
        )

    @classmethod
    def around(cls, days, *, before: int = 10, after: int = 40) -> "Workdays":
        """A window covering every date in `days` with room for n-working-day steps after it."""
        days = [local_date(d) for d in days if d is not None]
        if not days:
            days = [cal.today()]
        return cls(min(days) - timedelta(days=before), max(days) + timedelta(days=after))

    def is_working(self, day: date) -> bool:
        if self.start <= day <= self.end:
            return self._known.get(day, day.weekday() < 5)
        return cal.is_working_day(day)

    def add(self, day, n: int) -> date:
        """Same answer as workcal.calendar.add_working_days(day, n)."""
        day = local_date(day)
        step = ONE_DAY if n >= 0 else -ONE_DAY
        if not (self.start <= day <= self.end):
            return cal.add_working_days(day, n)
        current, left = day, abs(n)
        if left == 0:
            while not self.is_working(current):
                current += step
            return current
        while left:
            current += step
            if not (self.start <= current <= self.end):
                # Past the window: let the calendar finish the count from here.
                return cal.add_working_days(current - step, left if n > 0 else -left)
            if self.is_working(current):
                left -= 1
        return current
