from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import reverse

from workcal.context_processors import calendar_warning
from workcal.models import CalendarDay, CalendarSource, CalendarYear

pytestmark = pytest.mark.django_db


def test_calendar_day_changelist_filters_and_search(admin_client_logged_in):
    url = reverse("admin:workcal_calendarday_changelist")
    response = admin_client_logged_in.get(
        url, {"year": "2026", "is_working__exact": "0", "kind": "holiday"}
    )
    assert response.status_code == 200
    assert (
        response.context["cl"].result_count
        == CalendarDay.objects.filter(date__year=2026, is_working=False).exclude(name="").count()
    )
    response = admin_client_logged_in.get(url, {"q": "国庆节调休", "year": "2026"})
    assert {d.date for d in response.context["cl"].result_list} == {
        date(2026, 9, 20),
        date(2026, 10, 10),
    }
    response = admin_client_logged_in.get(url, {"date__year": "2026", "date__month": "10"})
    assert response.status_code == 200


def test_editing_a_day_marks_the_year_manual(admin_client_logged_in):
    url = reverse("admin:workcal_calendarday_change", args=["2026-12-31"])
    response = admin_client_logged_in.post(url, {"is_working": "", "name": "公司年会"})
    assert response.status_code == 302
    day = CalendarDay.objects.get(date=date(2026, 12, 31))
    assert (day.is_working, day.name) == (False, "公司年会")
    assert CalendarYear.objects.get(year=2026).source == CalendarSource.MANUAL

    add = reverse("admin:workcal_calendarday_add")
    response = admin_client_logged_in.post(
        add, {"date": "2027-01-01", "is_working": "", "name": "元旦"}
    )
    assert response.status_code == 302
    cal_year = CalendarYear.objects.get(year=2027)
    assert (cal_year.source, cal_year.complete) == (CalendarSource.MANUAL, False)


def test_year_changelist_shows_warning_and_import_link(admin_client_logged_in, today_2026):
    response = admin_client_logged_in.get(reverse("admin:workcal_calendaryear_changelist"))
    content = response.content.decode()
    assert "2027 年的法定节假日安排尚未导入" in content
    assert reverse("admin:workcal_calendaryear_import") in content


def test_import_view_good_file(admin_client_logged_in, today_2026):
    url = reverse("admin:workcal_calendaryear_import")
    response = admin_client_logged_in.get(url)
    assert response.status_code == 200
    assert response.context["form"].initial["year"] == 2027
    csv_file = SimpleUploadedFile("2027.csv", "2027-10-01,0,国庆节\n".encode())
    response = admin_client_logged_in.post(url, {"file": csv_file, "year": "2027"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("admin:workcal_calendaryear_changelist")
    assert "已导入 2027 年日历" in response.content.decode()
    assert CalendarYear.objects.get(year=2027).complete


def test_import_view_reports_bad_rows(admin_client_logged_in):
    url = reverse("admin:workcal_calendaryear_import")
    csv_file = SimpleUploadedFile("2027.csv", "2027-10-01,0,国庆节\n2027-10-32,0,国庆节\n".encode())
    response = admin_client_logged_in.post(url, {"file": csv_file})
    assert response.status_code == 200
    content = response.content.decode()
    assert "日期“2027-10-32”无效" in content
    assert "未写入任何数据" in content
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_import_view_needs_permission(client, staff_user):
    client.force_login(staff_user)
    response = client.get(reverse("admin:workcal_calendaryear_import"))
    assert response.status_code == 403


def test_sync_action(admin_client_logged_in):
    CalendarDay.objects.filter(date=date(2026, 10, 1)).update(is_working=True)
    CalendarYear.objects.filter(year=2026).update(source=CalendarSource.MANUAL)
    response = admin_client_logged_in.post(
        reverse("admin:workcal_calendaryear_changelist"),
        {"action": "sync_from_package", "_selected_action": ["2026"]},
    )
    assert response.status_code == 302
    assert not CalendarDay.objects.get(date=date(2026, 10, 1)).is_working
    assert CalendarYear.objects.get(year=2026).source == CalendarSource.CHINESECALENDAR


def test_context_processor_only_for_staff(staff_user, plain_user, today_2026):
    request = RequestFactory().get("/")
    request.user = staff_user
    assert calendar_warning(request)["calendar_warning"].startswith("2027 年")
    request.user = plain_user
    assert calendar_warning(request) == {}
    request.user = AnonymousUser()
    assert calendar_warning(request) == {}
    CalendarYear.objects.create(year=2027, source=CalendarSource.IMPORT, complete=True)
    request.user = staff_user
    assert calendar_warning(request) == {"calendar_warning": None}
