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
    from .models import CalendarDay

    if end < start:
        start, end = end, start
    return dict(
        CalendarDay.objects.filter(date__gte=start, date__lte=end).values_list("date", "is_working")
    )


def today() -> date:
    """Today in Shanghai."""
    return datetime.now(SHANGHAI).date()


def is_working_day(day: date) -> bool:
    day = _as_date(day)
    return _overrides(day, day).get(day, _weekday_rule(day))


def add_working_days(day: date, n: int) -> date:
    """The n-th working day after `day`.

    n = 0 gives `day` itself if it is a working day, else the next working day. A negative n
    counts backwards: the |n|-th working day before `day`. Usually one query; a longer stretch
    than expected costs one more query per extra window.
    """
    day = _as_date(day)
    n = int(n)
    step = ONE_DAY if n >= 0 else -ONE_DAY
    left = abs(n)
    # The longest run of days off is ~10 (Spring Festival); the window covers n working days
    # with room to spare, and the next window is fetched only if it does not.
    window = left * 2 + 21

    current = day
    known: dict[date, bool] = {}
    edge = current - step  # last day already fetched, in the direction of travel

    def works(d: date) -> bool:
        nonlocal known, edge
        if (d - edge) * (1 if n >= 0 else -1) > timedelta(0):  # past the fetched window
            edge = d + step * window
            known = _overrides(d, edge)
        return known.get(d, _weekday_rule(d))

    if n == 0:
        while not works(current):
            current += step
        return current
    while left:
        current += step
        if works(current):
            left -= 1
    return current


def working_days_between(start: date, end: date) -> int:
    """How many working days lie after `start` up to and including `end` (one query).

    This is "overdue by N working days" when start is the deadline and end is today; it is 0
    when end == start and negative (the same count, negated) when end is before start.
    """
    start, end = _as_date(start), _as_date(end)
    if end < start:
        return -working_days_between(end, start)
    if end == start:
        return 0
    known = _overrides(start + ONE_DAY, end)
    count, current = 0, start + ONE_DAY
    while current <= end:
        if known.get(current, _weekday_rule(current)):
            count += 1
        current += ONE_DAY
    return count


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
