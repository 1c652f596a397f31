"""Working days in Asia/Shanghai: one place answers "N working days after date D".

CalendarDay holds the real schedule (every day of each year with data, see CalendarYear). A day
without a row follows the Monday–Friday rule, so a year nobody has loaded yet (2027 until its
schedule is published and imported) still works; `fallback_warning()` tells the admins about it.

Every function accepts a `date`; an aware `datetime` is first converted to its Shanghai date, a
naive one is taken as Shanghai wall-clock time.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext

SHANGHAI = ZoneInfo("Asia/Shanghai")
ONE_DAY = timedelta(days=1)


def _as_date(value) -> date:
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = value.astimezone(SHANGHAI)
        return value.date()
    if isinstance(value, date):
        return value
    raise TypeError(f"expected a date, got {type(value).__name__}")


def _weekday_rule(day: date) -> bool:
    return day.weekday() < 5


def _overrides(start: date, end: date) -> dict[date, bool]:
    """Stored days between start and end (both included, in either order): one query."""
    # Imported here: this module is imported while apps load (settings, context processors).
    from .models import CalendarDay

    if end < start:
        start, end = end, start
    return dict(
        CalendarDay.objects.filter(date__gte=start, date__lte=end).values_list("date", "is_working")
    )


def local_date(value) -> date:
    """The Shanghai date of an aware datetime; a date is returned as it is."""
    return _as_date(value)


def start_of_day(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=SHANGHAI)


def today() -> date:
    """Today in Shanghai."""
    return datetime.now(SHANGHAI).date()


class Workdays:
    """The one implementation of working-day arithmetic, over a span of dates read with one
    query. A count that runs past the span reads the next stretch (one more query), so callers
    that ask many questions about nearby dates (a deadline list, the reminder sweep) build one
    `Workdays` and ask it everything; the module functions below build one per question.
    """

    # The longest run of days off is ~10 (Spring Festival): each extension reads this much more.
    STRETCH = timedelta(days=31)

    def __init__(self, start, end):
        start, end = _as_date(start), _as_date(end)
        if end < start:
            start, end = end, start
        self.start, self.end = start, end
        self._known = _overrides(start, end)

    @classmethod
    def around(cls, days, *, before: int = 10, after: int = 40) -> "Workdays":
        """A span covering every date in `days` with room for n-working-day steps after it."""
        days = [_as_date(d) for d in days if d is not None] or [today()]
        return cls(min(days) - timedelta(days=before), max(days) + timedelta(days=after))

    def _cover(self, day: date) -> None:
        if day < self.start:
            lo = min(day, self.start - self.STRETCH)
            self._known.update(_overrides(lo, self.start - ONE_DAY))
            self.start = lo
        elif day > self.end:
            hi = max(day, self.end + self.STRETCH)
            self._known.update(_overrides(self.end + ONE_DAY, hi))
            self.end = hi

    def is_working(self, day) -> bool:
        day = _as_date(day)
        self._cover(day)
        return self._known.get(day, _weekday_rule(day))

    def add(self, day, n: int) -> date:
        """The n-th working day after `day`.

        n = 0 gives `day` itself if it is a working day, else the next working day. A negative
        n counts backwards: the |n|-th working day before `day`.
        """
        current, n = _as_date(day), int(n)
        step = ONE_DAY if n >= 0 else -ONE_DAY
        left = abs(n)
        if left == 0:
            while not self.is_working(current):
                current += step
            return current
        while left:
            current += step
            if self.is_working(current):
                left -= 1
        return current

    def between(self, start, end) -> int:
        """How many working days lie after `start` up to and including `end`; negative when
        `end` is before `start`."""
        start, end = _as_date(start), _as_date(end)
        if end < start:
            return -self.between(end, start)
        count, current = 0, start + ONE_DAY
        while current <= end:
            count += self.is_working(current)
            current += ONE_DAY
        return count


def is_working_day(day: date) -> bool:
    day = _as_date(day)
    return Workdays(day, day).is_working(day)


def add_working_days(day: date, n: int) -> date:
    """The n-th working day after `day` (see Workdays.add); usually one query."""
    day, n = _as_date(day), int(n)
    # The span covers n working days with room to spare; Workdays reads more only if not.
    reach = timedelta(days=abs(n) * 2 + 21)
    return Workdays(day, day + reach if n >= 0 else day - reach).add(day, n)


def working_days_between(start: date, end: date) -> int:
    """How many working days lie after `start` up to and including `end` (one query).

    This is "overdue by N working days" when start is the deadline and end is today; it is 0
    when end == start and negative (the same count, negated) when end is before start.
    """
    start, end = _as_date(start), _as_date(end)
    if start == end:
        return 0
    lo, hi = min(start, end), max(start, end)
    return Workdays(lo + ONE_DAY, hi).between(start, end)


def due_at(start: datetime, n: int, *, hour: int = 18) -> datetime:
    """A deadline n working days after `start`, at `hour` o'clock of that day in Shanghai.

    The counting starts from the Shanghai date of `start` (an aware datetime is converted; a
    naive one is read as Shanghai time; a plain date works too). The result is aware, in
    Asia/Shanghai.
    """
    if not 0 <= hour <= 23:
        raise ValueError("hour must be between 0 and 23")
    day = add_working_days(_as_date(start), n)
    return datetime.combine(day, time(hour), tzinfo=SHANGHAI)


def year_has_data(year: int) -> bool:
    """True if `year` has a complete holiday schedule (else it follows Monday–Friday)."""
    from .models import CalendarYear

    return CalendarYear.objects.filter(year=year, complete=True).exists()


def missing_years(upto: int | None = None, *, since: int | None = None) -> list[int]:
    """Years from `since` (default: this year) to `upto` (default: next year) without data."""
    from .models import CalendarYear

    this_year = today().year
    since = this_year if since is None else since
    upto = this_year + 1 if upto is None else upto
    if upto < since:
        return []
    have = set(
        CalendarYear.objects.filter(year__gte=since, year__lte=upto, complete=True).values_list(
            "year", flat=True
        )
    )
    return [y for y in range(since, upto + 1) if y not in have]


def fallback_warning() -> str | None:
    """The admin banner text when this year or next year has no schedule, else None."""
    years = missing_years()
    if not years:
        return None
    return gettext("%(years)s 年的法定节假日安排尚未导入，当前按周一至周五计算工作日。") % {
        "years": "、".join(str(y) for y in years)
    }
