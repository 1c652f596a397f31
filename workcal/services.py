"""Writes to the working-day calendar: package sync and CSV import, one transaction per year."""

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sipm.errors import Refused

from . import sources
from .models import CalendarDay, CalendarSource, CalendarYear

CSV_MAX_BYTES = 256 * 1024
MIN_YEAR, MAX_YEAR = 2000, 2100
NAME_MAX_LENGTH: int = CalendarDay._meta.get_field("name").max_length or 50
_TRUE = {"1", "true", "yes", "y", "是", "班", "上班", "工作日"}
_FALSE = {"0", "false", "no", "n", "否", "休", "休息", "休息日", "节假日"}
_HEADER_FIRST_CELLS = {"date", "日期"}
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d")


def _replace_year(year: int, rows, *, source: str, acting_user=None) -> CalendarYear:
    """Replace every stored day of `year` with `rows` and mark the year complete."""
    with transaction.atomic():
        CalendarDay.objects.filter(
            date__gte=date(year, 1, 1), date__lte=date(year, 12, 31)
        ).delete()
        CalendarDay.objects.bulk_create(
            [CalendarDay(date=d, is_working=w, name=n) for d, w, n in rows], batch_size=500
        )
        cal_year, _created = CalendarYear.objects.update_or_create(
            year=year,
            defaults={
                "source": source,
                "complete": True,
                "imported_at": timezone.now(),
                "imported_by": acting_user,
            },
        )
    return cal_year


@dataclass
class SyncResult:
    synced: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)  # imported / hand-edited years kept
    unsupported: list[int] = field(default_factory=list)


def calendar_sync_from_package(*, years=None, force: bool = False) -> SyncResult:
    """Load chinesecalendar's schedule for `years` (default: every year it covers).

    Years whose data came from a CSV import or hand edits are left alone unless `force`.
    Years the package does not cover are reported in `unsupported`, never guessed.
    """
    supported = sources.supported_years()
    wanted = supported if years is None else sorted(set(years))
    result = SyncResult()
    protected = set(
        CalendarYear.objects.filter(year__in=wanted)
        .exclude(source=CalendarSource.CHINESECALENDAR)
        .values_list("year", flat=True)
    )
    for year in wanted:
        if year not in supported:
            result.unsupported.append(year)
        elif year in protected and not force:
            result.skipped.append(year)
        else:
            _replace_year(year, sources.year_days(year), source=CalendarSource.CHINESECALENDAR)
            result.synced.append(year)
    return result


@dataclass
class RowError:
    line: int  # 1-based line of the file; 0 for a problem with the file as a whole
    message: str

    def __str__(self):
        if self.line:
            return _("第 %(line)d 行：%(message)s") % {"line": self.line, "message": self.message}
        return self.message


@dataclass
class CalendarImportResult:
    """What an import did. Nothing is written unless every row is good (`ok`)."""

    year: int | None = None
    rows: int = 0  # days listed in the file
    holidays: int = 0  # listed days off
    workdays: int = 0  # listed working days
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        if not self.ok:
            return _("导入失败：共 %(count)d 处错误，未写入任何数据。") % {
                "count": len(self.errors)
            }
        return _(
            "已导入 %(year)d 年日历：文件列出 %(rows)d 天（休息 %(holidays)d 天、上班 %(workdays)d 天），"
            "其余日期按周一至周五计算。"
        ) % {
            "year": self.year,
            "rows": self.rows,
            "holidays": self.holidays,
            "workdays": self.workdays,
        }


def _decode(raw: bytes) -> str:
    # Excel on Chinese Windows saves CSV as GBK; everything else is UTF-8 (maybe with a BOM).
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("gb18030")


def _parse_date(text: str) -> date | None:
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _parse_flag(text: str) -> bool | None:
    value = text.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    return None


def calendar_import_csv(*, acting_user, file_obj, year: int | None = None) -> CalendarImportResult:
    """Import one year's schedule from CSV: `date,is_working,name` per line, header optional.

    `is_working` is 1/0 (also true/false, 是/否, 班/休); `name` may be empty. Every day of the
    year not listed follows Monday–Friday. The year is `year` or, if not given, the year of the
    listed dates (they must all be in one year).

    All or nothing: if any row is bad, the result lists every bad row (line number and reason,
    in Chinese) and nothing is written. A good file replaces all stored days of that year and
    marks the year complete with source "import".
    """
    if not (
        acting_user.has_perm("workcal.add_calendarday")
        and acting_user.has_perm("workcal.change_calendarday")
        and acting_user.has_perm("workcal.delete_calendarday")
    ):
        raise Refused(_("您没有导入工作日历的权限。"))

    result = CalendarImportResult(year=year)
    if year is not None and not MIN_YEAR <= year <= MAX_YEAR:
        result.errors.append(
            RowError(
                0,
                _("年份 %(year)s 无效，应在 %(min)d 到 %(max)d 之间。")
                % {"year": year, "min": MIN_YEAR, "max": MAX_YEAR},
            )
        )
        return result
    raw = file_obj.read(CSV_MAX_BYTES + 1)
    if isinstance(raw, str):
        raw = raw.encode("utf-8")
    if len(raw) > CSV_MAX_BYTES:
        result.errors.append(RowError(0, _("文件过大（上限 256 KB），一年的日历不需要这么多行。")))
        return result
    try:
        text = _decode(raw)
    except UnicodeDecodeError:
        result.errors.append(RowError(0, _("无法识别文件编码，请保存为 UTF-8 或 GBK 编码的 CSV。")))
        return result

    parsed: dict[date, tuple[bool, str]] = {}
    first_line: dict[date, int] = {}
    reader = csv.reader(io.StringIO(text))
    data_seen = False
    for cells in reader:
        line = reader.line_num
        cells = [c.strip() for c in cells]
        if not any(cells):
            continue  # blank lines are harmless
        if not data_seen and cells[0].lower() in _HEADER_FIRST_CELLS:
            data_seen = True
            continue
        data_seen = True
        if len(cells) < 2 or len(cells) > 3:
            result.errors.append(
                RowError(
                    line,
                    _("应为 2 或 3 列（日期,是否上班,名称），实际 %(count)d 列。")
                    % {"count": len(cells)},
                )
            )
            continue
        date_text, flag_text = cells[0], cells[1]
        name = cells[2] if len(cells) == 3 else ""
        problems = []
        day = _parse_date(date_text)
        if day is None:
            problems.append(_("日期“%(value)s”无效，应为 YYYY-MM-DD 格式。") % {"value": date_text})
        flag = _parse_flag(flag_text)
        if flag is None:
            problems.append(
                _("是否上班“%(value)s”无效，应为 1（上班）或 0（休息）。") % {"value": flag_text}
            )
        if len(name) > NAME_MAX_LENGTH:
            problems.append(_("名称过长（最多 %(max)d 个字符）。") % {"max": NAME_MAX_LENGTH})
        if day is not None:
            if result.year is None:
                result.year = day.year
            if not MIN_YEAR <= day.year <= MAX_YEAR:
                problems.append(
                    _("日期 %(date)s 超出范围（%(min)d–%(max)d 年）。")
                    % {"date": day, "min": MIN_YEAR, "max": MAX_YEAR}
                )
            elif day.year != result.year:
                problems.append(
                    _("日期 %(date)s 不属于 %(year)d 年。") % {"date": day, "year": result.year}
                )
            elif day in parsed:
                problems.append(
                    _("日期 %(date)s 与第 %(other)d 行重复。")
                    % {"date": day, "other": first_line[day]}
                )
        if problems or day is None or flag is None:  # (a bad date or flag is among the problems)
            result.errors.extend(RowError(line, p) for p in problems)
            continue
        parsed[day] = (flag, name)
        first_line[day] = line

    if result.errors:
        return result
    year = result.year  # the year asked for, else that of the first good row
    if not parsed or year is None:
        result.errors.append(RowError(0, _("文件中没有日期数据。")))
        return result

    days = {d: (w, n) for d, w, n in sources.weekday_days(year)}
    days.update(parsed)
    rows = [(d, w, n) for d, (w, n) in sorted(days.items())]
    _replace_year(year, rows, source=CalendarSource.IMPORT, acting_user=acting_user)
    result.rows = len(parsed)
    result.holidays = sum(1 for w, _n in parsed.values() if not w)
    result.workdays = len(parsed) - result.holidays
    return result


def calendar_day_changed(day: date, *, acting_user=None) -> CalendarYear:
    """Record that a day was edited by hand: its year becomes "manual" so sync keeps it.

    A year that had no schedule gets an incomplete row (still warned about) until an admin
    ticks "complete".
    """
    cal_year, created = CalendarYear.objects.get_or_create(
        year=day.year,
        defaults={"source": CalendarSource.MANUAL, "complete": False, "imported_by": acting_user},
    )
    if not created and cal_year.source != CalendarSource.MANUAL:
        cal_year.source = CalendarSource.MANUAL
        cal_year.save(update_fields=["source"])
    return cal_year
