"""The org admin: every changelist and add page loads; delegation dates are validated."""

import datetime

import pytest
from django.urls import reverse

from org.admin import DelegationAdminForm

pytestmark = pytest.mark.django_db

MODELS = ["department", "user", "role", "roleassignment", "initiationrule", "delegation"]


@pytest.fixture
def admin_client_(org, client):
    client.force_login(org["admin"])
    return client


@pytest.mark.parametrize("model", MODELS)
def test_changelist_loads(admin_client_, model):
    response = admin_client_.get(reverse(f"admin:org_{model}_changelist"))
    assert response.status_code == 200


@pytest.mark.parametrize("model", MODELS)
def test_add_page_loads(admin_client_, model):
    response = admin_client_.get(reverse(f"admin:org_{model}_add"))
    assert response.status_code == 200


def test_user_change_page_and_search(admin_client_, org):
    response = admin_client_.get(reverse("admin:org_user_change", args=[org["sales"].pk]))
    assert response.status_code == 200
    response = admin_client_.get(reverse("admin:org_user_changelist"), {"q": "张销售"})
    assert response.status_code == 200
    assert "sales" in response.content.decode()


def test_non_staff_cannot_open_admin(org, client):
    client.force_login(org["sales"])
    response = client.get(reverse("admin:org_delegation_changelist"))
    assert response.status_code == 302


def form_data(org, **overrides):
    today = datetime.date.today()
    data = {
        "principal": org["sales_dir"].pk,
        "delegate": org["gm"].pk,
        "start_date": today.isoformat(),
        "end_date": (today + datetime.timedelta(days=2)).isoformat(),
        "active": "on",
        "note": "",
    }
    data.update(overrides)
    return data


def test_delegation_form_accepts_valid_dates(org):
    form = DelegationAdminForm(data=form_data(org))
    assert form.is_valid(), form.errors


def test_delegation_form_rejects_end_before_start(org):
    today = datetime.date.today()
    form = DelegationAdminForm(
        data=form_data(org, end_date=(today - datetime.timedelta(days=1)).isoformat())
    )
    assert not form.is_valid()
    assert form.errors["end_date"] == ["结束日期不能早于开始日期。"]
    assert "__all__" not in form.errors


def test_delegation_form_rejects_self(org):
    form = DelegationAdminForm(data=form_data(org, delegate=org["sales_dir"].pk))
    assert not form.is_valid()
    assert form.errors["delegate"] == ["代理人不能是委托人本人。"]
    assert "__all__" not in form.errors


def test_delegation_admin_post_creates(admin_client_, org):
    response = admin_client_.post(reverse("admin:org_delegation_add"), form_data(org))
    assert response.status_code == 302
    from org.models import Delegation

    assert Delegation.objects.filter(principal=org["sales_dir"], delegate=org["gm"]).exists()
