"""Bad input through the API gets a clear Chinese error as JSON {code, message, fields} with a
4xx status and changes nothing — never a 500 or an HTML page. Each test here reproduces a case
found by fuzzing the running API (schemathesis and hand-made requests)."""

import pytest
from django.test import RequestFactory
from drf_spectacular.generators import SchemaGenerator

from approvals.fields import MAX_ID, FieldError, FieldSpec, clean_value
from approvals.kinds import FormKind, register, unregister
from approvals.models import Form
from finance.models import CostEntry, Payment
from projects.models import Project, Stage
from sipm.api_errors import server_error

FORMS = "/api/v1/forms/"
MEASURE_KIND = "test_api_measure"


def assert_error(response, status):
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"code", "message", "fields"}
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["message"]), body["message"]
    return body


@pytest.fixture
def measure_kind():
    """A kind with an unbounded decimal and a list of people, like 工日 and 项目组成员."""
    kind = register(
        FormKind(
            slug=MEASURE_KIND,
            title="接口健壮性测试单",
            prefix="RB",
            fields=(
                FieldSpec("man_days", "工日", "decimal"),
                FieldSpec("team", "成员", "users"),
            ),
            submitter_fields=frozenset({"man_days", "team"}),
            needs_project=False,
        )
    )
    yield kind
    unregister(MEASURE_KIND)


@pytest.fixture
def project(org):
    return Project.objects.create(
        number="SI-2026-9001",
        name="健壮性测试项目",
        department=org["sales"].department,
        initiator=org["sales"],
        sales_lead=org["sales"],
        project_manager=org["pm"],
        stage=Stage.IMPLEMENTING,
    )


# --- request bodies that are not what a JSON API expects ------------------------------------


@pytest.mark.parametrize("raw", [b'{"kind": ', b"NaN", b'{"data": Infinity}', b"\xff\xfe"])
def test_given_a_malformed_json_body_then_400_in_chinese_and_no_form(
    raw, eorg, api_kind, client_for
):
    response = client_for(eorg.sales).post(FORMS, raw, content_type="application/json")
    body = assert_error(response, 400)
    assert "JSON parse error" not in body["message"]
    assert not Form.objects.exists()


def test_given_a_json_null_body_then_the_message_is_chinese_not_drf_english(eorg, client_for):
    response = client_for(eorg.sales).post(FORMS, b"null", content_type="application/json")
    body = assert_error(response, 400)
    assert "No data provided" not in body["message"] + str(body["fields"])


def test_a_missing_field_is_named_by_its_chinese_label_in_the_message(eorg, client_for):
    body = assert_error(client_for(eorg.sales).post(FORMS, {}, format="json"), 400)
    assert "“表单类型”" in body["message"]
    assert set(body["fields"]) == {"kind"}


def test_a_multipart_body_without_a_boundary_is_400_in_chinese(eorg, client_for):
    response = client_for(eorg.sales).post(
        "/api/v1/files/", b"garbage", content_type="multipart/form-data"
    )
    body = assert_error(response, 400)
    assert "Multipart" not in body["message"]


def test_an_unsupported_media_type_has_its_own_code(eorg, client_for):
    response = client_for(eorg.sales).post("/api/v1/files/", {"file": "x"}, format="json")
    assert assert_error(response, 415)["code"] == "unsupported_media_type"


# --- ids and numbers beyond what the database or Decimal can hold ---------------------------


def test_given_a_project_filter_beyond_a_bigint_then_400_not_an_overflow(eorg, client_for):
    response = client_for(eorg.sales).get(FORMS, {"project": str(MAX_ID + 1)})
    assert set(assert_error(response, 400)["fields"]) == {"project"}


def test_given_a_project_filter_at_the_bigint_limit_then_simply_nothing(eorg, client_for):
    response = client_for(eorg.sales).get(FORMS, {"project": str(MAX_ID)})
    assert response.status_code == 200
    assert response.json()["results"] == []


def test_given_a_numeric_department_filter_beyond_a_bigint_then_no_projects(org, client_for):
    response = client_for(org["gm"]).get("/api/v1/projects/", {"department": "9" * 20})
    assert response.status_code == 200
    assert response.json()["count"] == 0


@pytest.mark.parametrize("value", ["1e30", "1e999999999", 10**30])
def test_given_a_huge_unbounded_decimal_then_the_field_is_named_and_the_draft_unchanged(
    value, eorg, measure_kind, client_for
):
    client = client_for(eorg.sales)
    form = client.post(FORMS, {"kind": MEASURE_KIND, "data": {"man_days": "2"}}, format="json")
    assert form.status_code == 201, form.json()
    response = client.patch(
        f"{FORMS}{form.json()['id']}/", {"data": {"man_days": value}}, format="json"
    )
    body = assert_error(response, 400)
    assert "“工日”" in body["fields"]["man_days"]
    assert Form.objects.get(pk=form.json()["id"]).data == {"man_days": "2.00"}


def test_given_a_person_id_beyond_a_bigint_then_the_person_does_not_exist(
    eorg, measure_kind, client_for
):
    client = client_for(eorg.sales)
    form = client.post(FORMS, {"kind": MEASURE_KIND, "data": {}}, format="json").json()
    response = client.patch(
        f"{FORMS}{form['id']}/", {"data": {"team": [eorg.sales.pk, 10**30]}}, format="json"
    )
    assert "所选人员不存在" in assert_error(response, 400)["fields"]["team"]
    assert Form.objects.get(pk=form["id"]).data == {}


def test_an_unbounded_decimal_field_is_capped_like_money():
    with pytest.raises(FieldError):
        clean_value(FieldSpec("man_days", "工日", "decimal"), "1000000000000")
    assert clean_value(FieldSpec("man_days", "工日", "decimal"), "12.5") == "12.50"


# --- URLs the router does not know, and the last line of defence -----------------------------


def test_an_unknown_api_url_answers_json_and_a_web_url_still_its_page(eorg, client_for):
    client = client_for(eorg.sales)
    body = assert_error(client.get(f"{FORMS}-1/"), 404)
    assert body["code"] == "not_found"
    web = client.get("/no-such-page/")
    assert web.status_code == 404
    assert not web["Content-Type"].startswith("application/json")


def test_an_unexpected_error_under_api_answers_json_and_elsewhere_html():
    factory = RequestFactory()
    api = server_error(factory.get("/api/v1/forms/"))
    assert api.status_code == 500
    assert api["Content-Type"].startswith("application/json")
    assert b'"code": "server_error"' in api.content
    web = server_error(factory.get("/projects/"))
    assert web.status_code == 500
    assert web["Content-Type"].startswith("text/html")


# --- the money side's JSON endpoints ---------------------------------------------------------


@pytest.mark.parametrize("raw", [b"null", b"[]", b"[null, null]", b'"text"', b"123"])
def test_given_a_cost_body_that_is_not_an_object_then_400_and_no_cost(
    raw, org, project, client_for
):
    response = client_for(org["finance"]).post(
        f"/api/v1/projects/{project.pk}/costs/", raw, content_type="application/json"
    )
    assert_error(response, 400)
    assert not CostEntry.objects.exists()


@pytest.mark.parametrize("note", [[], {"a": 1}, ["x"], True])
def test_given_a_cost_note_that_is_not_text_then_the_note_is_named_and_nothing_stored(
    note, org, project, client_for
):
    body = {"category": "implementation", "date": "2026-01-05", "amount": "10.00", "note": note}
    response = client_for(org["finance"]).post(
        f"/api/v1/projects/{project.pk}/costs/", body, format="json"
    )
    body = assert_error(response, 400)
    assert set(body["fields"]) == {"note"}
    assert "“说明”" in body["message"]
    assert not CostEntry.objects.exists()


@pytest.mark.parametrize("raw", [b"null", b"[]", b"123"])
def test_given_a_payment_body_that_is_not_an_object_then_400(raw, org, project, client_for):
    response = client_for(org["finance"]).post(
        f"/api/v1/projects/{project.pk}/payments/", raw, content_type="application/json"
    )
    assert_error(response, 400)
    assert not Payment.objects.exists()


@pytest.mark.parametrize("term", [True, 1.5, [1], {"id": 1}])
def test_given_a_payment_term_that_is_not_an_integer_then_the_term_is_named(
    term, org, project, client_for
):
    body = {"term": term, "amount": "1.00", "date": "2026-01-05"}
    response = client_for(org["finance"]).post(
        f"/api/v1/projects/{project.pk}/payments/", body, format="json"
    )
    assert set(assert_error(response, 400)["fields"]) == {"term"}
    assert not Payment.objects.exists()


@pytest.mark.parametrize("fmt", ["json", "xlsx", "pdf"])
def test_given_the_last_representable_month_then_400_not_a_broken_stream(fmt, org, client_for):
    response = client_for(org["finance"]).get(
        "/api/v1/reports/monthly-costs/", {"month": "9999-12", "format": fmt}
    )
    assert set(assert_error(response, 400)["fields"]) == {"month"}


# --- the schema describes what the API really answers ----------------------------------------


def test_the_estimates_list_is_documented_as_the_plain_list_it_returns(db):
    schema = SchemaGenerator().get_schema(request=None, public=True)
    get = schema["paths"]["/api/v1/projects/{id}/estimates/"]["get"]
    assert get["responses"]["200"]["content"]["application/json"]["schema"]["type"] == "array"


def test_whole_number_fields_have_a_ceiling():
    from approvals.fields import FieldError, FieldSpec, clean_value

    spec = FieldSpec("duration_days", "提前实施工期", "int", min_value=1)
    assert clean_value(spec, "30") == 30
    with pytest.raises(FieldError):
        clean_value(spec, str(10**30))


def test_token_endpoint_is_throttled_with_a_json_error(db, monkeypatch):
    from django.core.cache import cache
    from rest_framework.test import APIClient
    from rest_framework.throttling import ScopedRateThrottle

    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"auth": "3/minute"})
    cache.clear()
    client = APIClient()
    codes = [
        client.post("/api/v1/auth/token/", {"username": "nobody", "password": "x"}, format="json")
        for _ in range(4)
    ]
    assert [r.status_code for r in codes] == [400, 400, 400, 429]
    assert codes[-1].json()["code"] == "throttled" and codes[-1].json()["message"]
    cache.clear()
