"""Fuzzing (hypothesis) every write endpoint of the API and the web form of every form kind —
the kinds behind stage gates included: never a 5xx, and nothing invalid ever stored.

Bodies are random JSON: NUL bytes, lone surrogates, huge and deep values, wrong types, the
fields' own names. After each request every stored form value must re-validate to itself and
hold no NUL or surrogate (PostgreSQL refuses both; SQLite would store them)."""

import json

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from approvals.fields import FieldError, clean_value
from approvals.kinds import all_kinds
from approvals.models import Form
from finance.models import CostEntry, Payment
from projects.demo import Driver

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Text with everything: NUL, lone surrogates, control characters, CJK.
chars = st.characters(exclude_categories=())
text = st.text(chars, max_size=40) | st.sampled_from(["\x00", "\ud800", "a\udfffb", "x" * 30000])
scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | text
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(text, inner, max_size=4),
    max_leaves=12,
)


def deep(n):
    return "[" * n + "]" * n


def kinds():
    return list(all_kinds())


def data_for(kind):
    names = [f.name for f in kind.fields]
    return st.dictionaries(st.sampled_from(names) | text, values, max_size=6)


def raw_json(obj) -> bytes:
    # ensure_ascii: lone surrogates travel as \\udXXX escapes, as a hostile client sends them.
    return json.dumps(obj, ensure_ascii=True, default=str).encode()


def assert_clean(form):
    """Every stored value is what the field's own validation would store."""
    form.refresh_from_db()
    kind = next(k for k in kinds() if k.slug == form.kind)
    dumped = json.dumps(form.data, ensure_ascii=False)
    assert "\x00" not in dumped
    assert not any(0xD800 <= ord(ch) <= 0xDFFF for ch in dumped)
    specs = {f.name: f for f in kind.fields}
    for name, stored in form.data.items():
        spec = specs.get(name)
        if spec is None:
            continue  # derived values (e.g. 折扣率) are the kind's own
        try:
            assert clean_value(spec, stored) == stored, (form.kind, name, stored)
        except FieldError as exc:
            raise AssertionError(f"{form.kind}.{name} holds an invalid value {stored!r}: {exc}")


@pytest.fixture
def world(org):
    d = Driver(org)
    project = d.initiate("模糊测试项目").project
    drafts = {}
    for n, kind in enumerate(kinds()):
        # A draft of every kind, gates or not: the fields are what is fuzzed.
        drafts[kind.slug] = Form.objects.create(
            kind=kind.slug,
            number=f"FUZZ-{n}",
            project=project if kind.needs_project or kind.creates_project else None,
            data={},
            submitter=org["sales"],
            department=org["sales"].department,
        )
    api = APIClient()
    api.force_authenticate(org["sales"])
    web = Client()
    web.force_login(org["sales"])
    return {"project": project, "drafts": drafts, "api": api, "web": web, "org": org}


def ok(response):
    assert response.status_code < 500, (response.status_code, response.content[:300])
    return response


@FUZZ
@given(st.data())
def test_creating_forms_of_every_kind(world, data):
    kind = data.draw(st.sampled_from(kinds()))
    body = {"kind": kind.slug, "project": world["project"].pk, "data": data.draw(data_for(kind))}
    response = ok(
        world["api"].post("/api/v1/forms/", raw_json(body), content_type="application/json")
    )
    if response.status_code == 201:
        assert_clean(Form.objects.get(pk=response.json()["id"]))


@FUZZ
@given(st.data())
def test_updating_drafts_of_every_kind(world, data):
    kind = data.draw(st.sampled_from(kinds()))
    form = world["drafts"][kind.slug]
    body = {"data": data.draw(data_for(kind))}
    ok(
        world["api"].patch(
            f"/api/v1/forms/{form.pk}/", raw_json(body), content_type="application/json"
        )
    )
    assert_clean(form)


ACTIONS = [
    "submit",
    "decide",
    "withdraw",
    "correct",
    "route",
    "presales-record",
    "presales-evaluation",
]


@FUZZ
@given(st.data())
def test_every_form_action_and_money_endpoint(world, data):
    kind = data.draw(st.sampled_from(kinds()))
    form = world["drafts"][kind.slug]
    project = world["project"].pk
    url = data.draw(
        st.sampled_from(
            [f"/api/v1/forms/{form.pk}/{a}/" for a in ACTIONS]
            + [
                f"/api/v1/projects/{project}/costs/",
                f"/api/v1/projects/{project}/payments/",
                "/api/v1/auth/token/",
                "/api/v1/auth/password/",
                "/api/v1/auth/logout/",
                "/api/v1/files/",
            ]
        )
    )
    body = data.draw(values)
    ok(world["api"].post(url, raw_json(body), content_type="application/json"))
    assert_clean(form)
    for entry in CostEntry.objects.all():
        assert "\x00" not in entry.note
    assert all(p.amount is not None for p in Payment.objects.all())


@pytest.mark.parametrize("raw", [deep(3000).encode(), deep(101).encode(), b'{"a":' * 200])
def test_over_deep_json_is_400_in_chinese(world, raw):
    form = world["drafts"]["initiation"]
    for method, url in (("post", "/api/v1/forms/"), ("patch", f"/api/v1/forms/{form.pk}/")):
        response = getattr(world["api"], method)(url, raw, content_type="application/json")
        assert response.status_code == 400
        assert any("\u4e00" <= ch <= "\u9fff" for ch in response.json()["message"])


@pytest.mark.parametrize(
    "value", ["名称\x00", "a\ud800b", "x" * 20001], ids=["nul", "surrogate", "long"]
)
def test_nul_surrogate_and_over_long_text_are_400_in_chinese(world, value):
    form = world["drafts"]["initiation"]
    body = raw_json({"data": {"project_name": value}})
    response = world["api"].patch(
        f"/api/v1/forms/{form.pk}/", body, content_type="application/json"
    )
    assert response.status_code == 400
    assert any("\u4e00" <= ch <= "\u9fff" for ch in response.json()["message"])
    form.refresh_from_db()
    assert "project_name" not in form.data


def test_an_over_large_body_is_400_in_chinese(world, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    body = raw_json({"kind": "initiation", "data": {"summary": "长" * 20_000}})
    response = world["api"].post("/api/v1/forms/", body, content_type="application/json")
    assert response.status_code == 400
    assert "过大" in response.json()["message"]


@FUZZ
@given(st.data())
def test_the_web_form_of_every_kind(world, data):
    """The browser's edit page: form-encoded text (NUL and over-long text included)."""
    kind = data.draw(st.sampled_from(kinds()))
    form = world["drafts"][kind.slug]
    web_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=40) | st.sampled_from(
        ["\x00", "名\x00称", "x" * 30000]
    )
    post = data.draw(
        st.dictionaries(st.sampled_from([f.name for f in kind.fields]), web_text, max_size=6)
    )
    response = world["web"].post(f"/forms/{form.pk}/edit/", post)
    assert response.status_code < 500, response.status_code
    if any("\x00" in v or len(v) > 20000 for v in post.values()):
        assert response.status_code == 400
        assert "输入" in response.content.decode()
    assert_clean(form)
