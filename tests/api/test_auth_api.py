"""Token login and /me/."""

import datetime

from rest_framework.test import APIClient

from org.demo import DEMO_PASSWORD
from org.models import Delegation


def test_given_demo_credentials_when_asking_for_a_token_then_it_opens_the_api(org):
    client = APIClient()
    response = client.post(
        "/api/v1/auth/token/", {"username": "sales", "password": DEMO_PASSWORD}, format="json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = client.get("/api/v1/me/")
    assert me.status_code == 200
    assert me.json()["username"] == "sales"


def test_each_login_gets_its_own_token_with_its_expiry(org):
    client = APIClient()
    body = {"username": "gm", "password": DEMO_PASSWORD}
    first = client.post("/api/v1/auth/token/", body, format="json").json()
    second = client.post("/api/v1/auth/token/", body, format="json").json()
    assert first["token"] != second["token"]
    assert first["expiry"] and second["expiry"]


def test_bad_credentials_are_400_json_and_give_no_token(org):
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": "sales", "password": "wrong"}, format="json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "bad_credentials"
    assert body["message"] == "用户名或密码错误。"
    assert "password" in body["fields"]


def test_an_inactive_user_gets_no_token(org):
    org["staff"].is_active = False
    org["staff"].save()
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": "staff", "password": DEMO_PASSWORD}, format="json"
    )
    assert response.status_code == 400


def test_missing_fields_are_named(db):
    response = APIClient().post("/api/v1/auth/token/", {}, format="json")
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"username", "password"}


def test_a_wrong_token_and_no_token_are_401(db):
    client = APIClient()
    assert client.get("/api/v1/me/").status_code == 401
    client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    response = client.get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_me_shows_department_roles_initiation_right_and_delegations(org, client_for):
    today = datetime.date.today()
    Delegation.objects.create(
        principal=org["sales_dir"],
        delegate=org["sales"],
        start_date=today,
        end_date=today + datetime.timedelta(days=3),
    )
    me = client_for(org["sales"]).get("/api/v1/me/").json()
    assert me["name"] == "张销售"
    assert me["department"]["code"] == "MKT"
    assert me["position_label"] == "员工"
    assert [r["code"] for r in me["roles"]] == ["SALES"]
    assert me["can_initiate"] is True and me["initiation_refusal"] is None
    [delegation] = me["delegations"]
    assert delegation["direction"] == "taken"
    assert delegation["principal"]["username"] == "sales_dir"
    assert delegation["active_today"] is True


def test_me_explains_why_a_user_cannot_initiate(org, client_for):
    me = client_for(org["staff"]).get("/api/v1/me/").json()
    assert me["can_initiate"] is False
    assert "立项权" in me["initiation_refusal"]
