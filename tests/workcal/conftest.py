from datetime import date

import pytest

from workcal import calendar


@pytest.fixture
def today_2026(monkeypatch):
    """Pin "today" to 2026-11-25 (Shanghai): 2026 has data, 2027 does not."""
    monkeypatch.setattr(calendar, "today", lambda: date(2026, 11, 25))
    return date(2026, 11, 25)


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("calendar-admin", "admin@example.com", "pw")


@pytest.fixture
def staff_user(django_user_model):
    return django_user_model.objects.create_user("staff", password="pw", is_staff=True)


@pytest.fixture
def plain_user(django_user_model):
    return django_user_model.objects.create_user("plain", password="pw")


@pytest.fixture
def admin_client_logged_in(client, superuser):
    client.force_login(superuser)
    return client
