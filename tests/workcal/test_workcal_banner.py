"""A year without calendar data shows a banner to admins, in the app and in the admin."""

import pytest
from django.urls import reverse

from workcal.models import CalendarYear

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_2027(admin_client, monkeypatch):
    # 2026 is seeded; pretend today is late 2026 so next year's (2027) data is expected.
    from workcal import calendar

    monkeypatch.setattr(calendar, "today", lambda: __import__("datetime").date(2026, 12, 1))
    assert not CalendarYear.objects.filter(year=2027).exists()
    return admin_client


def test_admin_pages_show_the_missing_year_banner(admin_client_2027):
    page = admin_client_2027.get(reverse("admin:index")).content.decode()
    assert "2027" in page and "calendar-warning" in page


def test_app_pages_show_the_banner_to_staff(admin_client_2027):
    page = admin_client_2027.get(reverse("home")).content.decode()
    assert "calendar-warning" in page


def test_non_staff_users_do_not_see_it(client, django_user_model, admin_client_2027):
    user = django_user_model.objects.create_user("plain", password="pw")
    client.force_login(user)
    assert "calendar-warning" not in client.get(reverse("home")).content.decode()


def test_no_banner_once_the_year_is_imported(admin_client_2027):
    from datetime import date

    from workcal.models import CalendarDay

    CalendarYear.objects.create(year=2027, source="import", complete=True)
    CalendarDay.objects.create(date=date(2027, 1, 1), is_working=False, name="元旦")
    assert "calendar-warning" not in admin_client_2027.get(reverse("admin:index")).content.decode()
