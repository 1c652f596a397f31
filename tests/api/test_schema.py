"""The OpenAPI schema and its docs page generate cleanly."""

import pytest
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator

CORE_MODULES = ("approvals/", "projects/", "org/", "sipm/")


def test_schema_endpoint_answers(db, client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    assert b"/api/v1/forms/{id}/decide/" in response.content


def test_docs_page_answers(db, client):
    assert client.get("/api/docs/").status_code == 200


@pytest.fixture
def schema_problems(db):
    GENERATOR_STATS.reset()
    with GENERATOR_STATS.silence():
        schema = SchemaGenerator().get_schema(request=None, public=True)
    problems = list(GENERATOR_STATS._warn_cache) + list(GENERATOR_STATS._error_cache)
    GENERATOR_STATS.reset()
    return schema, problems


def test_the_core_api_generates_without_warnings(schema_problems):
    schema, problems = schema_problems
    ours = [p for p in problems if any(f"/{m}" in p.split(":", 1)[0] for m in CORE_MODULES)]
    assert not ours, "\n".join(ours)
    for path in ("/api/v1/queue/", "/api/v1/forms/{id}/route/", "/api/v1/files/"):
        assert path in schema["paths"]


def test_the_whole_schema_generates_without_warnings(schema_problems):
    _schema, problems = schema_problems
    assert not problems, "\n".join(problems)


def test_every_operation_documents_the_json_error_body(client):
    import yaml

    schema = yaml.safe_load(client.get("/api/schema/").content)
    assert set(schema["components"]["schemas"]["Error"]["required"]) == {
        "code",
        "message",
        "fields",
    }
    operations = [
        op for ops in schema["paths"].values() for op in ops.values() if "responses" in op
    ]
    assert operations
    for op in operations:
        for status in ("400", "403", "404", "409"):
            assert status in op["responses"], (op.get("operationId"), status)
