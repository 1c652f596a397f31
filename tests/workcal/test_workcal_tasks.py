from datetime import date
from unittest import mock

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from workcal import calendar
from workcal.models import CalendarNotice, CalendarSource, CalendarYear
from workcal.tasks import calendar_missing_notice

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def admins(settings):
    settings.ADMINS = [("运维", "ops@example.com")]


def test_notice_is_sent_once_per_day_per_year(today_2026, monkeypatch):
    assert calendar_missing_notice.delay().get() == [2027]
    assert len(mail.outbox) == 1
    assert "2027 年法定节假日安排尚未导入" in mail.outbox[0].subject
    assert mail.outbox[0].to == ["ops@example.com"]

    assert calendar_missing_notice() == []  # same day: nothing more
    assert len(mail.outbox) == 1

    monkeypatch.setattr(calendar, "today", lambda: date(2026, 11, 26))
    assert calendar_missing_notice() == [2027]
    assert len(mail.outbox) == 2
    assert CalendarNotice.objects.count() == 2


def test_no_notice_when_data_is_there(today_2026):
    CalendarYear.objects.create(year=2027, source=CalendarSource.IMPORT, complete=True)
    assert calendar_missing_notice() == []
    assert mail.outbox == []


def test_failed_mail_is_retried(today_2026):
    with (
        mock.patch("workcal.tasks.mail_admins", side_effect=OSError("smtp down")),
        pytest.raises(OSError),
    ):
        calendar_missing_notice()
    assert not CalendarNotice.objects.exists()
    assert calendar_missing_notice() == [2027]
    assert len(mail.outbox) == 1


def test_sync_calendar_command(capsys):
    CalendarYear.objects.all().delete()
    call_command("sync_calendar")
    out = capsys.readouterr().out
    assert "已同步" in out
    assert CalendarYear.objects.filter(complete=True).count() == len(range(2004, 2027))

    call_command("sync_calendar", "--year", "2026")
    assert "已同步 1 年：2026" in capsys.readouterr().out

    with pytest.raises(CommandError, match="没有 2027 年的数据"):
        call_command("sync_calendar", "--year", "2027")
