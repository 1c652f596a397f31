"""Who-approves-what configuration changes leave a row in the hash-chained audit log, with the
old and new values, and the log still verifies."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from core.audit import audit_verify
from core.models import AuditEvent
from org.models import Role, RoleAssignment
from projects.models import DiscountLimit

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_(org, client):
    client.force_login(org["admin"])
    return client


def _config_rows(model):
    return [
        e
        for e in AuditEvent.objects.filter(verb__startswith="config.")
        if e.payload["model"] == model
    ]


def test_a_role_assignment_added_changed_and_deleted_in_the_admin_is_audited(admin_client_, org):
    # given the admin assigns the PM role to `staff`
    role = Role.objects.get(code="PM")
    response = admin_client_.post(
        reverse("admin:org_roleassignment_add"),
        {"user": org["staff"].pk, "role": role.pk, "active": "on"},
    )
    assert response.status_code == 302
    assignment = RoleAssignment.objects.get(user=org["staff"], role=role)
    # when it is switched off, then deleted
    admin_client_.post(
        reverse("admin:org_roleassignment_change", args=[assignment.pk]),
        {"user": org["staff"].pk, "role": role.pk},
    )
    admin_client_.post(
        reverse("admin:org_roleassignment_delete", args=[assignment.pk]), {"post": "yes"}
    )
    # then three rows name the admin, the object and what changed
    rows = _config_rows("org.roleassignment")
    assert [r.verb for r in rows] == ["config.created", "config.changed", "config.deleted"]
    assert all(r.actor_id == org["admin"].pk and r.payload["pk"] == assignment.pk for r in rows)
    assert rows[1].payload["changes"] == {"active": [True, False]}
    assert rows[2].payload["old"]["role"] == role.pk
    assert audit_verify() is None


def test_a_discount_limit_change_is_audited_with_old_and_new_rate(admin_client_, org):
    limit = DiscountLimit.objects.get(user=org["sales_dir"])
    old = str(limit.min_rate)
    admin_client_.post(
        reverse("admin:projects_discountlimit_change", args=[limit.pk]),
        {"user": org["sales_dir"].pk, "min_rate": "80.00"},
    )
    (row,) = _config_rows("projects.discountlimit")
    assert row.payload["changes"] == {"min_rate": [old, "80.00"]}


def test_saving_without_a_change_writes_nothing(admin_client_, org):
    limit = DiscountLimit.objects.get(user=org["sales_dir"])
    admin_client_.post(
        reverse("admin:projects_discountlimit_change", args=[limit.pk]),
        {"user": org["sales_dir"].pk, "min_rate": str(limit.min_rate)},
    )
    assert _config_rows("projects.discountlimit") == []


def test_a_new_signature_is_audited(org, client):
    client.force_login(org["gm"])
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), "white").save(buffer, "PNG")
    png = buffer.getvalue()
    client.post(reverse("profile-signature"), {"signature": SimpleUploadedFile("s.png", png)})
    (row,) = _config_rows("org.user")
    assert row.actor_id == org["gm"].pk
    assert row.payload["changes"]["signature"][1].startswith("signatures/")
    assert "password" not in str(row.payload)
