"""Day-by-day schedules built from the `chinesecalendar` package, without touching the database.

Kept free of model imports so the data migration can use it with historical models.
"""

from datetime import date, timedelta

# The package uses short names for a few festivals; the calendar shows the usual full names.
_FULL_NAMES = {"清明": "清明节", "端午": "端午节", "中秋": "中秋节"}
FIRST_YEAR = 2004
WORKDAY_SUFFIX = "调休"


def _holiday_enum():
    from chinese_calendar.constants import Holiday

    return Holiday


def supported_years() -> list[int]:
    """Every year the installed chinesecalendar covers (2004 through its last year)."""
    from chinese_calendar.constants import holidays

    years = {d.year for d in holidays}
    return list(range(min(years), max(years) + 1))


def holiday_name(value) -> str:
    """Chinese name for a chinesecalendar holiday (enum member or its English value)."""
    holiday_cls = _holiday_enum()
    try:
        member = value if isinstance(value, holiday_cls) else holiday_cls(value)
    except ValueError:
        return str(value)
    return _FULL_NAMES.get(member.chinese, member.chinese)


def year_days(year: int) -> list[tuple[date, bool, str]]:
    """(date, is_working, name) for every day of `year` according to chinesecalendar.

    Holidays carry the festival's name (国庆节); weekend days made working carry "<festival>调休";
    ordinary weekdays and weekends have an empty name. Raises NotImplementedError for a year the
    package does not cover.
    """
    import chinese_calendar

    rows = []
    day, end = date(year, 1, 1), date(year, 12, 31)
    while day <= end:
        is_holiday, holiday = chinese_calendar.get_holiday_detail(day)
        name = ""
        if holiday is not None:
            name = holiday_name(holiday)
            if not is_holiday:
                name = f"{name}{WORKDAY_SUFFIX}"
        rows.append((day, not is_holiday, name[:50]))
        day += timedelta(days=1)
    return rows


def weekday_days(year: int) -> list[tuple[date, bool, str]]:
    """Every day of `year` by the Monday–Friday rule (used to fill days a CSV import omits)."""
    day, end = date(year, 1, 1), date(year, 12, 31)
    rows = []
    while day <= end:
        rows.append((day, day.weekday() < 5, ""))
        day += timedelta(days=1)
    return rows
