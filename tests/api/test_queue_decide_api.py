"""POST /api/v1/queue/decide/: several queue items at once, each on the revision the caller saw,
each with its own result; and GET /api/v1/queue/ with key figures, flat in queries."""

import pytest

from approvals.models import ChainStepTemplate, Form, FormStatus

from .test_forms_api import submitted

URL = "/api/v1/queue/decide/"


def test_given_two_items_when_batch_approved_then_both_move_on(chain, eorg, client_for):
    a, b = submitted(client_for, eorg), submitted(client_for, eorg)
    body = [
        {"form": a["id"], "revision": a["revision"], "decision": "approve", "comment": "同意"},
        {"form": b["id"], "revision": b["revision"], "decision": "approve", "comment": ""},
    ]
    response = client_for(eorg.mgr).post(URL, body, format="json")
    assert response.status_code == 200, response.json()
    results = response.json()
    assert [r["status"] for r in results] == ["ok", "ok"]
    assert [r["form"] for r in results] == [a["id"], b["id"]]
    assert client_for(eorg.mgr).get("/api/v1/queue/").json()["count"] == 0
    assert client_for(eorg.hr1).get("/api/v1/queue/").json()["count"] == 2


def test_a_stale_item_is_refused_alone_and_the_others_go_through(chain, eorg, client_for):
    # Given the manager saw two forms; one of them changed since (another decision bumped it)
    a, b = submitted(client_for, eorg), submitted(client_for, eorg)
    Form.objects.filter(pk=b["id"]).update(revision=b["revision"] + 1)
    body = [
        {"form": a["id"], "revision": a["revision"], "decision": "approve"},
        {"form": b["id"], "revision": b["revision"], "decision": "approve"},
    ]
    # When they approve both
    results = client_for(eorg.mgr).post(URL, body, format="json").json()
    # Then the one they saw goes through, the changed one is "stale" and untouched
    assert results[0]["status"] == "ok"
    assert results[1]["status"] == "stale" and results[1]["message"]
    assert Form.objects.get(pk=b["id"]).current_step == 1
    assert Form.objects.get(pk=a["id"]).current_step == 2


def test_an_opinion_the_chain_requires_is_checked_per_item(chain, eorg, client_for):
    ChainStepTemplate.objects.filter(template=chain, order=1).update(comment_required=True)
    a, b = submitted(client_for, eorg), submitted(client_for, eorg)
    body = [
        {"form": a["id"], "revision": a["revision"], "comment": "核对无误"},
        {"form": b["id"], "revision": b["revision"], "comment": ""},
    ]
    results = client_for(eorg.mgr).post(URL, body, format="json").json()
    assert [r["status"] for r in results] == ["ok", "invalid"]
    assert "comment" in results[1]["fields"]


def test_items_not_mine_or_unknown_get_their_own_status(chain, eorg, client_for):
    a = submitted(client_for, eorg)
    body = [
        {"form": a["id"], "revision": a["revision"]},
        {"form": 999999, "revision": 0},
    ]
    # The GM sees every form but holds no seat on it; hr1 does not even see it
    results = client_for(eorg.gm).post(URL, body, format="json").json()
    assert results[0]["status"] == "forbidden"
    assert client_for(eorg.hr1).post(URL, body[:1], format="json").json()[0]["status"] == (
        "not_found"
    )
    assert results[1]["status"] == "not_found"
    assert Form.objects.get(pk=a["id"]).status == FormStatus.IN_REVIEW


def test_bad_bodies_are_400_and_change_nothing(chain, eorg, client_for):
    a = submitted(client_for, eorg)
    client = client_for(eorg.mgr)
    for body in ([], [{"form": a["id"]}], {"form": a["id"]}, [{"form": "x", "revision": 0}]):
        response = client.post(URL, body, format="json")
        assert response.status_code == 400, (body, response.json())
        assert set(response.json()) == {"code", "message", "fields"}
    assert Form.objects.get(pk=a["id"]).current_step == 1


def test_the_queue_api_shows_working_days_and_is_flat(
    chain, eorg, client_for, django_assert_max_num_queries
):
    for n in (2, 12):
        while Form.objects.filter(status=FormStatus.IN_REVIEW).count() < n:
            submitted(client_for, eorg)
        with django_assert_max_num_queries(12):
            body = client_for(eorg.mgr).get("/api/v1/queue/").json()
        assert body["count"] == n
        item = body["results"][0]
        assert item["due_working_days"] is not None and item["batch"] is True
        assert item["comment_required"] is False and isinstance(item["figures"], list)


@pytest.mark.parametrize("path", ["/api/schema/"])
def test_the_schema_documents_batch_decide(client_for, eorg, path):
    text = client_for(eorg.sales).get(path).content.decode()
    assert "/api/v1/queue/decide/" in text and "QueueDecisionOut" in text
