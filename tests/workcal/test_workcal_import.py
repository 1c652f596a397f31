from datetime import date
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from sipm.errors import Refused
from workcal.calendar import add_working_days, fallback_warning, is_working_day, year_has_data
from workcal.models import CalendarDay, CalendarSource, CalendarYear
from workcal.services import calendar_import_csv

pytestmark = pytest.mark.django_db

GOOD_2027 = """date,is_working,name
2027-10-01,0,国庆节
2027-10-02,0,国庆节
2027-10-03,0,国庆节
2027-10-04,0,国庆节
2027-10-05,0,国庆节
2027-10-06,0,国庆节
2027-10-07,0,国庆节
2027-09-26,1,国庆节调休
2027-10-09,1,国庆节调休
"""


def upload(text: str, *, encoding="utf-8", name="2027.csv"):
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def test_good_file_imports_the_year(superuser, today_2026):
    assert "2027" in fallback_warning()
    result = calendar_import_csv(acting_user=superuser, file_obj=upload(GOOD_2027))
    assert result.ok, result.errors
    assert (result.year, result.rows, result.holidays, result.workdays) == (2027, 9, 7, 2)
    assert "已导入 2027 年日历" in result.summary()

    assert CalendarDay.objects.filter(date__year=2027).count() == 365
    assert CalendarDay.objects.get(date=date(2027, 10, 1)).name == "国庆节"
    assert not is_working_day(date(2027, 10, 1))  # Friday, now a holiday
    assert is_working_day(date(2027, 9, 26))  # Sunday worked
    assert is_working_day(date(2027, 10, 8))  # not listed: Friday works
    assert not is_working_day(date(2027, 10, 10))  # not listed: Sunday off
    assert add_working_days(date(2027, 9, 30), 1) == date(2027, 10, 8)

    cal_year = CalendarYear.objects.get(year=2027)
    assert (cal_year.source, cal_year.complete, cal_year.imported_by) == (
        CalendarSource.IMPORT,
        True,
        superuser,
    )
    assert year_has_data(2027)
    assert fallback_warning() is None


def test_no_header_gbk_bom_and_year_argument(superuser):
    text = "2027/2/6,0,春节\r\n\r\n2027-02-07,休,春节\r\n2027-02-20,是,春节调休\r\n"
    result = calendar_import_csv(
        acting_user=superuser, file_obj=BytesIO(text.encode("gbk")), year=2027
    )
    assert result.ok, result.errors
    assert result.rows == 3
    assert CalendarDay.objects.get(date=date(2027, 2, 6)).name == "春节"
    assert is_working_day(date(2027, 2, 20))

    bom = ("\ufeff" + "日期,上班,名称\n2027-01-01,0,元旦\n").encode()
    result = calendar_import_csv(acting_user=superuser, file_obj=BytesIO(bom))
    assert result.ok, result.errors
    assert result.rows == 1
    assert not is_working_day(date(2027, 1, 1))
    assert not is_working_day(date(2027, 2, 20))  # re-import replaced the whole year: a Saturday


def test_bad_rows_are_reported_and_nothing_is_written(superuser):
    text = "\n".join(
        [
            "date,is_working,name",  # 1
            "2027-10-01,0,国庆节",  # 2 good
            "2027-13-01,0,国庆节",  # 3 bad date
            "2027-10-02,maybe,国庆节",  # 4 bad flag
            "2027-10-03",  # 5 one column
            "2027-10-01,0,国庆节",  # 6 duplicate of line 2
            "2028-01-01,0,元旦",  # 7 other year
            "2027-10-04,0," + "长" * 51,  # 8 name too long
            "2027-10-05,0,国庆节,多余",  # 9 four columns
        ]
    )
    result = calendar_import_csv(acting_user=superuser, file_obj=upload(text))
    assert not result.ok
    lines = [e.line for e in result.errors]
    assert lines == [3, 4, 5, 6, 7, 8, 9]
    messages = [str(e) for e in result.errors]
    assert messages[0] == "第 3 行：日期“2027-13-01”无效，应为 YYYY-MM-DD 格式。"
    assert "是否上班“maybe”无效" in messages[1]
    assert "实际 1 列" in messages[2]
    assert "与第 2 行重复" in messages[3]
    assert "不属于 2027 年" in messages[4]
    assert "名称过长" in messages[5]
    assert "实际 4 列" in messages[6]
    assert "未写入任何数据" in result.summary()

    assert not CalendarDay.objects.filter(date__year=2027).exists()
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_year_argument_must_match_the_dates(superuser):
    result = calendar_import_csv(
        acting_user=superuser, file_obj=upload("2027-10-01,0,国庆节\n"), year=2028
    )
    assert [str(e) for e in result.errors] == ["第 1 行：日期 2027-10-01 不属于 2028 年。"]
    assert not CalendarDay.objects.filter(date__year__in=[2027, 2028]).exists()


def test_empty_and_oversized_files(superuser):
    result = calendar_import_csv(acting_user=superuser, file_obj=upload("date,is_working,name\n"))
    assert [str(e) for e in result.errors] == ["文件中没有日期数据。"]
    big = "2027-10-01,0,国庆节\n" * 20000
    result = calendar_import_csv(acting_user=superuser, file_obj=upload(big))
    assert "文件过大" in str(result.errors[0])


def test_import_replaces_a_seeded_year_and_sync_keeps_it(superuser):
    from django.core.management import call_command

    result = calendar_import_csv(acting_user=superuser, file_obj=upload("2026-12-31,0,公司年会\n"))
    assert result.ok
    assert not is_working_day(date(2026, 12, 31))
    assert is_working_day(date(2026, 10, 1))  # National Day not listed: a plain Thursday now
    assert CalendarYear.objects.get(year=2026).source == CalendarSource.IMPORT

    call_command("sync_calendar", "--year", "2026")  # kept: imported years need --force
    assert not is_working_day(date(2026, 12, 31))
    call_command("sync_calendar", "--year", "2026", "--force")
    assert is_working_day(date(2026, 12, 31))
    assert not is_working_day(date(2026, 10, 1))
    assert CalendarYear.objects.get(year=2026).source == CalendarSource.CHINESECALENDAR


def test_import_needs_permission(plain_user):
    with pytest.raises(Refused):
        calendar_import_csv(acting_user=plain_user, file_obj=upload(GOOD_2027))
    assert not CalendarDay.objects.filter(date__year=2027).exists()
