"""Login hardening: lockout per account and per address (web login and API token alike, shown in
Chinese, stored in the database, lifted in the admin), forwarded addresses believed only from
trusted proxies, tokens that expire and are revoked at logout and at every password change, and
Django's full password validators wherever a password is set."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client, override_settings
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from org.demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db

LIMIT = 5  # settings.AXES_FAILURE_LIMIT's default
LOCKED = "登录失败次数过多"


def web_login(client, username, password, **extra):
    return client.post("/login/", {"username": username, "password": password}, **extra)


def api_token(client, username, password, **extra):
    return client.post(
        "/api/v1/auth/token/", {"username": username, "password": password}, format="json", **extra
    )


def test_given_wrong_passwords_on_the_web_login_then_even_the_right_one_is_refused(org):
    client = Client()
    for _ in range(LIMIT - 1):
        assert web_login(client, "gm", "wrong").status_code == 200  # the form again
    assert web_login(client, "gm", "wrong").status_code == 429  # the last allowed failure
    response = web_login(client, "gm", DEMO_PASSWORD)
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AccessAttempt.objects.filter(username="gm").exists()  # in the database: all workers


def test_the_account_is_locked_from_any_address(org):
    for i in range(LIMIT):
        web_login(Client(REMOTE_ADDR=f"10.0.0.{i + 1}"), "gm", "wrong")
    response = web_login(Client(REMOTE_ADDR="10.0.9.9"), "gm", DEMO_PASSWORD)
    assert response.status_code == 429


def test_the_address_is_locked_for_every_account(org):
    client = Client(REMOTE_ADDR="10.1.1.1")
    for name in ("gm", "sales", "pmo", "finance", "staff"):
        web_login(client, name, "wrong")
    assert web_login(client, "cost_dir", DEMO_PASSWORD).status_code == 429
    # Another address logs in as that account.
    assert web_login(Client(REMOTE_ADDR="10.1.1.2"), "cost_dir", DEMO_PASSWORD).status_code == 302


def test_the_api_token_endpoint_counts_towards_the_same_lockout(org):
    client = APIClient()
    for _ in range(LIMIT - 1):
        assert api_token(client, "gm", "wrong").status_code == 400
    web_login(Client(), "gm", "wrong")  # the fifth failure, on the web
    response = api_token(client, "gm", DEMO_PASSWORD)
    assert response.status_code == 429
    body = response.json()
    assert body["code"] == "locked_out" and LOCKED in body["message"]
    assert "token" not in body


def test_a_new_x_forwarded_for_per_request_does_not_escape_the_lockout(org):
    """No trusted proxy is configured: the header is the client's own and counts for nothing."""
    client = APIClient()
    for i in range(LIMIT):
        api_token(client, f"nobody{i}", "wrong", HTTP_X_FORWARDED_FOR=f"203.0.113.{i}")
    response = api_token(client, "gm", DEMO_PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert response.status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"127.0.0.1"}


@override_settings(SIPM_TRUSTED_PROXIES=["127.0.0.1"])
def test_behind_a_trusted_proxy_the_forwarded_address_counts(org):
    client = APIClient()
    for i in range(LIMIT):
        api_token(client, f"nobody{i}", "wrong", HTTP_X_FORWARDED_FOR="203.0.113.5")
    locked = api_token(client, "gm", DEMO_PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert locked.status_code == 429
    # A spoofed left-most entry does not help: the proxy appended the real address.
    spoofed = api_token(
        client, "gm", DEMO_PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.5"
    )
    assert spoofed.status_code == 429
    other = api_token(client, "gm", DEMO_PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.8")
    assert other.status_code == 200


def test_an_admin_lifts_the_lockout_in_the_admin(org):
    for _ in range(LIMIT):
        web_login(Client(), "gm", "wrong")
    assert web_login(Client(), "gm", DEMO_PASSWORD).status_code == 429
    admin = Client(REMOTE_ADDR="10.9.9.9")
    admin.force_login(org["admin"])
    page = admin.get("/admin/axes/accessattempt/")
    assert page.status_code == 200 and "gm" in page.content.decode()
    ids = [str(pk) for pk in AccessAttempt.objects.values_list("pk", flat=True)]
    response = admin.post(
        "/admin/axes/accessattempt/",
        {"action": "delete_selected", "_selected_action": ids, "post": "yes"},
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
    assert web_login(Client(), "gm", DEMO_PASSWORD).status_code == 302


# --- Tokens -----------------------------------------------------------------------------------


def token_client(username="sales"):
    client = APIClient()
    body = api_token(client, username, DEMO_PASSWORD).json()
    client.credentials(HTTP_AUTHORIZATION=f"Token {body['token']}")
    return client, body


def test_the_token_response_states_its_expiry_and_the_token_stops_working_then(org):
    client, body = token_client()
    expiry = timezone.datetime.fromisoformat(body["expiry"])
    assert timedelta(hours=1) < expiry - timezone.now() <= timedelta(hours=12, minutes=1)
    assert client.get("/api/v1/me/").status_code == 200
    AuthToken.objects.update(expiry=timezone.now() - timedelta(seconds=1))
    assert client.get("/api/v1/me/").status_code == 401


def test_logout_revokes_the_token_it_was_made_with(org):
    client, _body = token_client()
    other, _ = token_client()
    assert client.post("/api/v1/auth/logout/").status_code == 204
    assert client.get("/api/v1/me/").status_code == 401
    assert other.get("/api/v1/me/").status_code == 200
    assert other.post("/api/v1/auth/logout/?all=1").status_code == 204
    assert not AuthToken.objects.filter(user=org["sales"]).exists()


def test_a_password_change_by_the_api_revokes_every_token(org):
    client, _ = token_client()
    other, _ = token_client()
    response = client.post(
        "/api/v1/auth/password/",
        {"old_password": DEMO_PASSWORD, "new_password": "Qh7!vLm2-sipm"},
        format="json",
    )
    assert response.status_code == 204
    assert client.get("/api/v1/me/").status_code == 401
    assert other.get("/api/v1/me/").status_code == 401
    assert api_token(APIClient(), "sales", "Qh7!vLm2-sipm").status_code == 200


def test_a_password_change_in_the_profile_revokes_every_token(org):
    client, _ = token_client()
    web = Client()
    web.force_login(org["sales"])
    response = web.post(
        "/profile/password/",
        {
            "old_password": DEMO_PASSWORD,
            "new_password1": "Qh7!vLm2-sipm",
            "new_password2": "Qh7!vLm2-sipm",
        },
    )
    assert response.status_code == 302
    assert client.get("/api/v1/me/").status_code == 401
    assert web.get("/profile/").status_code == 200  # this browser stays logged in


def test_a_password_set_in_the_admin_revokes_every_token(org):
    client, _ = token_client()
    admin = Client()
    admin.force_login(org["admin"])
    url = f"/admin/org/user/{org['sales'].pk}/password/"
    response = admin.post(url, {"password1": "Qh7!vLm2-sipm", "password2": "Qh7!vLm2-sipm"})
    assert response.status_code == 302, response.content.decode()[:500]
    assert client.get("/api/v1/me/").status_code == 401


# --- Password validators ----------------------------------------------------------------------

WEAK = ["12345678", "password", "sales123"]


@pytest.mark.parametrize("weak", WEAK)
def test_the_api_refuses_a_weak_password_in_chinese(org, weak):
    client, _ = token_client()
    response = client.post(
        "/api/v1/auth/password/",
        {"old_password": DEMO_PASSWORD, "new_password": weak},
        format="json",
    )
    assert response.status_code == 400
    body = response.json()
    assert "new_password" in body["fields"] and "密码" in body["message"]
    org["sales"].refresh_from_db()
    assert org["sales"].check_password(DEMO_PASSWORD)


@pytest.mark.parametrize("weak", WEAK)
def test_the_profile_refuses_a_weak_password(org, weak):
    web = Client()
    web.force_login(org["sales"])
    response = web.post(
        "/profile/password/",
        {"old_password": DEMO_PASSWORD, "new_password1": weak, "new_password2": weak},
    )
    assert response.status_code == 400
    assert "密码" in response.content.decode()
    org["sales"].refresh_from_db()
    assert org["sales"].check_password(DEMO_PASSWORD)


@pytest.mark.parametrize("weak", WEAK)
def test_the_admin_refuses_a_weak_password(org, weak):
    admin = Client()
    admin.force_login(org["admin"])
    url = f"/admin/org/user/{org['sales'].pk}/password/"
    response = admin.post(url, {"password1": weak, "password2": weak})
    assert response.status_code == 200  # the form again, with the validators' errors
    org["sales"].refresh_from_db()
    assert org["sales"].check_password(DEMO_PASSWORD)


def test_adding_a_user_in_the_admin_applies_the_validators(org):
    admin = Client()
    admin.force_login(org["admin"])
    response = admin.post(
        "/admin/org/user/add/",
        {"username": "newbie", "password1": "12345678", "password2": "12345678"},
    )
    assert response.status_code == 200
    from org.models import User

    assert not User.objects.filter(username="newbie").exists()
