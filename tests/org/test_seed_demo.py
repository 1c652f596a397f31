"""seed_demo: refuses in production, is idempotent, leaves every department with a manager."""

import io

import pytest
from django.core.management import CommandError, call_command

from org.demo import DEMO_PASSWORD, DEMO_USERS, seed_demo_org
from org.models import Department, Role, RoleAssignment, User

pytestmark = pytest.mark.django_db


def test_refuses_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        call_command("seed_demo", stdout=io.StringIO())
    assert not User.objects.filter(username="sales").exists()


def test_force_runs_without_debug(settings):
    settings.DEBUG = False
    out = io.StringIO()
    call_command("seed_demo", "--force", stdout=out)
    assert User.objects.filter(username="gm").exists()
    assert "sipm-demo" in out.getvalue()
    assert "张销售" in out.getvalue()


def test_runs_with_debug(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    assert User.objects.get(username="admin").is_superuser


def counts():
    return (
        User.objects.count(),
        RoleAssignment.objects.count(),
        Department.objects.count(),
        Role.objects.count(),
        list(Department.objects.values_list("code", "manager__username")),
    )


def test_idempotent():
    seed_demo_org()
    before = counts()
    password_hash = User.objects.get(username="sales").password
    seed_demo_org()
    assert counts() == before
    assert User.objects.get(username="sales").password == password_hash


def test_every_department_has_a_manager(org):
    assert Department.objects.count() == 13
    assert not Department.objects.filter(manager__isnull=True).exists()


def test_every_demo_user_logs_in_with_the_demo_password(org, client):
    for spec in DEMO_USERS:
        assert client.login(username=spec.username, password=DEMO_PASSWORD), spec.username
        user = User.objects.get(username=spec.username)
        assert user.display_name
        assert user.email == f"{spec.username}@example.com"


def test_roles_and_managers(org):
    assert org["gm"].managed_departments.filter(code__in=["GM", "GMO"]).count() == 2
    assert set(
        RoleAssignment.objects.filter(user=org["sales_dir"]).values_list("role__code", flat=True)
    ) == {"SALES_DIR"}
    assert not RoleAssignment.objects.filter(user=org["staff"]).exists()


def test_discount_limits():
    from django.apps import apps

    try:
        DiscountLimit = apps.get_model("projects", "DiscountLimit")
    except LookupError:
        pytest.skip("projects.DiscountLimit does not exist")
    users = seed_demo_org()
    assert str(DiscountLimit.objects.get(user=users["sales_dir"]).min_rate) == "85.00"
    assert str(DiscountLimit.objects.get(user=users["gm"]).min_rate) == "0.00"


def test_restores_the_organisation_after_a_flush():
    Department.objects.all().delete()
    Role.objects.all().delete()
    users = seed_demo_org()
    assert Department.objects.count() == 13
    assert users["ts_lead"].department.code == "TS"
