from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest

from workcal import sources
from workcal.calendar import (
    add_working_days,
    due_at,
    fallback_warning,
    is_working_day,
    missing_years,
    working_days_between,
    year_has_data,
)
from workcal.models import CalendarDay, CalendarSource, CalendarYear

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def days(start: date, end: date):
    d = start
    while d <= end:
        yield d
        d += timedelta(days=1)


# --- the seed (migration 0002) ---------------------------------------------------------------


def test_migration_seeds_every_year_the_package_covers():
    years = sources.supported_years()
    assert years[0] == 2004 and years[-1] >= 2026
    seeded = CalendarYear.objects.filter(complete=True, source=CalendarSource.CHINESECALENDAR)
    assert sorted(seeded.values_list("year", flat=True)) == years
    expected = (date(years[-1], 12, 31) - date(years[0], 1, 1)).days + 1
    assert CalendarDay.objects.count() == expected


def test_seed_agrees_with_the_package_for_every_day():
    wrong = [
        d
        for d, working in CalendarDay.objects.values_list("date", "is_working")
        if working != chinese_calendar.is_workday(d)
    ]
    assert wrong == []


# --- National Day and Spring Festival 2026 ---------------------------------------------------


def test_national_day_2026():
    for d in days(date(2026, 10, 1), date(2026, 10, 7)):
        assert chinese_calendar.is_holiday(d)
        assert not is_working_day(d), d
        assert CalendarDay.objects.get(date=d).name == "国庆节"
    # Make-up working days (checked against the State Council notice): Sun 9-20, Sat 10-10.
    for d in (date(2026, 9, 20), date(2026, 10, 10)):
        assert d.weekday() >= 5
        assert chinese_calendar.is_workday(d)
        assert is_working_day(d), d
        assert CalendarDay.objects.get(date=d).name == "国庆节调休"
    assert is_working_day(date(2026, 10, 8))
    assert not is_working_day(date(2026, 10, 11))  # an ordinary Sunday
    assert CalendarDay.objects.get(date=date(2026, 10, 11)).name == ""


def test_spring_festival_2026():
    for d in days(date(2026, 2, 15), date(2026, 2, 23)):
        assert chinese_calendar.is_holiday(d)
        assert not is_working_day(d), d
        assert CalendarDay.objects.get(date=d).name == "春节"
    for d in (date(2026, 2, 14), date(2026, 2, 28)):  # Saturdays worked
        assert chinese_calendar.is_workday(d)
        assert is_working_day(d)
        assert CalendarDay.objects.get(date=d).name == "春节调休"
    assert not is_working_day(date(2026, 2, 16))  # a Monday off


def test_weekday_after_the_package_matches():
    assert is_working_day(date(2026, 1, 4))  # Sunday worked for New Year
    assert CalendarDay.objects.get(date=date(2026, 4, 5)).name == "清明节"


# --- counting working days -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (date(2026, 9, 30), 1, date(2026, 10, 8)),  # over the whole National Day week
        (date(2026, 9, 30), 2, date(2026, 10, 9)),
        (date(2026, 9, 30), 3, date(2026, 10, 10)),  # the Saturday worked
        (date(2026, 9, 30), 4, date(2026, 10, 12)),
        (date(2026, 10, 3), 0, date(2026, 10, 8)),  # 0 from a holiday: next working day
        (date(2026, 10, 3), 1, date(2026, 10, 8)),  # 1 from a holiday: the first working day after
        (date(2026, 9, 30), 0, date(2026, 9, 30)),
        (date(2026, 9, 18), 1, date(2026, 9, 20)),  # Fri + 1 = Sunday worked
        (date(2026, 2, 13), 1, date(2026, 2, 14)),  # Fri + 1 = Saturday worked
        (date(2026, 2, 13), 2, date(2026, 2, 24)),  # then the whole Spring Festival off
        (date(2026, 2, 12), 5, date(2026, 2, 26)),
        (date(2026, 10, 8), -1, date(2026, 9, 30)),  # backwards over the holiday
        (date(2026, 2, 24), -2, date(2026, 2, 13)),
    ],
)
def test_add_working_days(start, n, expected):
    assert add_working_days(start, n) == expected


def test_add_working_days_matches_the_package_all_2026():
    # find_workday(n, d) first moves to a working day, so it agrees with "n working days after d"
    # only from a working day; from any day it agrees for n = 0.
    for start in days(date(2026, 1, 1), date(2026, 11, 30)):
        assert add_working_days(start, 0) == chinese_calendar.find_workday(0, start), start
        if chinese_calendar.is_workday(start):
            for n in (1, 2, 5, 10):
                expected = chinese_calendar.find_workday(n, start)
                assert add_working_days(start, n) == expected, (start, n)


def test_add_working_days_uses_few_queries(django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        assert add_working_days(date(2026, 1, 30), 20) == date(2026, 3, 5)
    with django_assert_max_num_queries(2):
        add_working_days(date(2026, 1, 1), 200)


def test_working_days_between():
    assert working_days_between(date(2026, 9, 30), date(2026, 10, 10)) == 3
    assert working_days_between(date(2026, 9, 30), date(2026, 9, 30)) == 0
    assert working_days_between(date(2026, 10, 10), date(2026, 9, 30)) == -3
    assert working_days_between(date(2026, 2, 13), date(2026, 2, 24)) == 2
    for start in days(date(2026, 9, 1), date(2026, 10, 20)):
        for n in (1, 3, 7):
            assert working_days_between(start, add_working_days(start, n)) == n


def test_working_days_between_is_one_query(django_assert_num_queries):
    with django_assert_num_queries(1):
        assert working_days_between(date(2026, 1, 1), date(2026, 12, 31)) == sum(
            1 for d in days(date(2026, 1, 2), date(2026, 12, 31)) if chinese_calendar.is_workday(d)
        )


# --- a year without data (2027) --------------------------------------------------------------


def test_2027_falls_back_to_monday_to_friday(today_2026):
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(date(2027, 10, 1))
    assert not year_has_data(2027)
    assert year_has_data(2026)
    assert is_working_day(date(2027, 10, 1))  # a Friday, no schedule yet
    assert not is_working_day(date(2027, 10, 2))
    assert add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 1)
    assert add_working_days(date(2027, 10, 1), 1) == date(2027, 10, 4)
    assert working_days_between(date(2027, 1, 1), date(2027, 12, 31)) == sum(
        1 for d in days(date(2027, 1, 2), date(2027, 12, 31)) if d.weekday() < 5
    )
    assert due_at(datetime(2027, 10, 1, 9, tzinfo=SHANGHAI), 1) == datetime(
        2027, 10, 4, 18, tzinfo=SHANGHAI
    )
    assert missing_years() == [2027]
    assert missing_years(upto=2028) == [2027, 2028]
    assert fallback_warning() == "2027 年的法定节假日安排尚未导入，当前按周一至周五计算工作日。"


def test_no_warning_when_both_years_have_data(today_2026):
    CalendarYear.objects.create(year=2027, source=CalendarSource.IMPORT, complete=True)
    assert missing_years() == []
    assert fallback_warning() is None


def test_incomplete_year_still_warns(today_2026):
    CalendarYear.objects.create(year=2027, source=CalendarSource.MANUAL, complete=False)
    assert not year_has_data(2027)
    assert "2027 年" in fallback_warning()


def test_warning_lists_several_years(monkeypatch):
    from workcal import calendar

    monkeypatch.setattr(calendar, "today", lambda: date(2030, 3, 1))
    assert fallback_warning().startswith("2030、2031 年的法定节假日安排尚未导入")


# --- due_at ----------------------------------------------------------------------------------


def test_due_at_is_shanghai_aware():
    # 2026-09-30 17:00 UTC is already 10-01 01:00 in Shanghai: count from the holiday.
    result = due_at(datetime(2026, 9, 30, 17, 0, tzinfo=UTC), 1)
    assert result == datetime(2026, 10, 8, 18, 0, tzinfo=SHANGHAI)
    assert result.utcoffset() == timedelta(hours=8)
    assert str(result.tzinfo) == "Asia/Shanghai"
    assert result == datetime(2026, 10, 8, 10, 0, tzinfo=UTC)


def test_due_at_uses_the_shanghai_date_not_the_utc_date():
    # 15:59 UTC on 9-30 is 23:59 in Shanghai, still 9-30: one working day later is 10-08.
    assert due_at(datetime(2026, 9, 30, 15, 59, tzinfo=UTC), 1) == datetime(
        2026, 10, 8, 18, tzinfo=SHANGHAI
    )
    # 16:00 UTC on 9-29 is 00:00 on 9-30 in Shanghai: + 1 is 10-08 too, not 9-30.
    assert due_at(datetime(2026, 9, 29, 16, 0, tzinfo=UTC), 1) == datetime(
        2026, 10, 8, 18, tzinfo=SHANGHAI
    )


def test_due_at_naive_and_date_inputs_and_hour():
    assert due_at(datetime(2026, 2, 13, 23, 0), 2) == datetime(2026, 2, 24, 18, tzinfo=SHANGHAI)
    assert due_at(date(2026, 2, 13), 2, hour=9) == datetime(2026, 2, 24, 9, tzinfo=SHANGHAI)
    with pytest.raises(ValueError):
        due_at(date(2026, 2, 13), 2, hour=24)
