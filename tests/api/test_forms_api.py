"""Forms through the API: create, edit, submit, decide, withdraw, correct, route — each with its
refusals (400 bad input, 403 not yours, 404 not visible, 409 wrong state or stale)."""

from approvals.models import Form, FormStatus
from org.models import Delegation

from .conftest import API_KIND

URL = "/api/v1/forms/"


def create(client, data=None, **extra):
    body = {"kind": API_KIND, "data": data or {"days": 3, "reason": "年假"}, **extra}
    return client.post(URL, body, format="json")


def draft(client_for, eorg, data=None):
    response = create(client_for(eorg.sales), data)
    assert response.status_code == 201, response.json()
    return response.json()


def submitted(client_for, eorg, data=None):
    form = draft(client_for, eorg, data)
    response = client_for(eorg.sales).post(f"{URL}{form['id']}/submit/", {}, format="json")
    assert response.status_code == 200, response.json()
    return response.json()


def decide(client, form_id, decision="approve", **body):
    return client.post(f"{URL}{form_id}/decide/", {"decision": decision, **body}, format="json")


def assert_error(response, status, code=None):
    assert response.status_code == status, response.json()
    body = response.json()
    assert set(body) == {"code", "message", "fields"}
    assert body["message"]
    if code:
        assert body["code"] == code
    return body


class TestCreate:
    def test_given_a_salesperson_when_creating_then_a_numbered_draft_comes_back(
        self, chain, eorg, client_for
    ):
        form = draft(client_for, eorg)
        assert form["status"] == "draft"
        assert form["number"].startswith("API-")
        assert form["data"] == {"days": 3, "reason": "年假"}
        assert form["submitter"]["username"] == "sales"
        assert form["revision"] == 0 and form["version"] == 1
        assert [e["verb"] for e in form["events"]] == ["form.created"]

    def test_extra_body_fields_are_ignored_never_applied(self, chain, eorg, client_for):
        response = create(
            client_for(eorg.sales),
            status="approved",
            number="HACK-1",
            submitter=eorg.gm.pk,
            approver=eorg.sales.pk,
            revision=99,
        )
        assert response.status_code == 201
        form = Form.objects.get(pk=response.json()["id"])
        assert form.status == FormStatus.DRAFT
        assert form.number != "HACK-1"
        assert form.submitter == eorg.sales
        assert form.revision == 0

    def test_bad_values_give_400_naming_each_field_and_create_nothing(
        self, chain, eorg, client_for
    ):
        body = assert_error(
            create(client_for(eorg.sales), {"days": "abc", "amount": "10.005"}), 400, "invalid"
        )
        assert "天数" in body["fields"]["days"]
        assert "金额" in body["fields"]["amount"]
        assert Form.objects.count() == 0

    def test_unknown_kind_and_non_object_data_are_400(self, chain, eorg, client_for):
        client = client_for(eorg.sales)
        body = assert_error(client.post(URL, {"kind": "nope", "data": {}}, format="json"), 400)
        assert "kind" in body["fields"]
        body = assert_error(client.post(URL, {"kind": API_KIND, "data": [1]}, format="json"), 400)
        assert "data" in body["fields"]

    def test_a_field_owned_by_a_step_is_refused_to_the_submitter(self, chain, eorg, client_for):
        body = assert_error(create(client_for(eorg.sales), {"days": 2, "hr_note": "自批"}), 400)
        assert "hr_note" in body["fields"]
        assert Form.objects.count() == 0

    def test_a_project_the_user_cannot_see_is_404(self, chain, eorg, client_for):
        assert_error(create(client_for(eorg.sales), project=999999), 404, "not_found")

    def test_anonymous_is_401(self, chain, client_for):
        assert_error(create(client_for(None)), 401, "not_authenticated")


class TestUpdate:
    def test_given_a_draft_when_patched_with_its_revision_then_data_merges(
        self, chain, eorg, client_for
    ):
        form = draft(client_for, eorg)
        response = client_for(eorg.sales).patch(
            f"{URL}{form['id']}/", {"data": {"days": 5}, "revision": 0}, format="json"
        )
        assert response.status_code == 200
        assert response.json()["data"] == {"days": 5, "reason": "年假"}
        assert response.json()["revision"] == 1

    def test_a_stale_revision_is_409_and_changes_nothing(self, chain, eorg, client_for):
        form = draft(client_for, eorg)
        client = client_for(eorg.sales)
        client.patch(f"{URL}{form['id']}/", {"data": {"days": 5}}, format="json")
        response = client.patch(
            f"{URL}{form['id']}/", {"data": {"days": 9}, "revision": 0}, format="json"
        )
        assert_error(response, 409, "stale")
        assert Form.objects.get(pk=form["id"]).data["days"] == 5

    def test_missing_data_is_400(self, chain, eorg, client_for):
        form = draft(client_for, eorg)
        body = assert_error(client_for(eorg.sales).patch(f"{URL}{form['id']}/", {}), 400)
        assert "data" in body["fields"]

    def test_another_users_draft_is_404(self, chain, eorg, client_for):
        form = draft(client_for, eorg)
        response = client_for(eorg.sales2).patch(
            f"{URL}{form['id']}/", {"data": {"days": 5}}, format="json"
        )
        assert_error(response, 404)

    def test_someone_who_sees_it_but_did_not_submit_it_is_403(self, chain, eorg, client_for):
        form = draft(client_for, eorg)
        response = client_for(eorg.gm).patch(
            f"{URL}{form['id']}/", {"data": {"days": 5}}, format="json"
        )
        assert_error(response, 403, "forbidden")

    def test_a_form_in_review_cannot_be_patched(self, chain, eorg, client_for):
        form = submitted(client_for, eorg)
        response = client_for(eorg.sales).patch(
            f"{URL}{form['id']}/", {"data": {"days": 5}}, format="json"
        )
        assert_error(response, 409, "wrong_state")


class TestSubmitAndDecide:
    def test_submit_starts_the_chain_with_the_assignees_of_the_first_step(
        self, chain, eorg, client_for
    ):
        form = submitted(client_for, eorg)
        assert form["status"] == "in_review"
        assert form["current_step"] == 1
        first = form["steps"][0]
        assert first["status"] == "active"
        assert [a["username"] for a in first["assignees"]] == ["mgr"]
        assert first["due_at"]

    def test_submit_with_missing_required_field_is_400(self, chain, eorg, client_for):
        form = draft(client_for, eorg, {"reason": "没写天数"})
        response = client_for(eorg.sales).post(f"{URL}{form['id']}/submit/", {}, format="json")
        body = assert_error(response, 400)
        assert "天数" in body["fields"]["days"]

    def test_submitting_twice_is_409(self, chain, eorg, client_for):
        form = submitted(client_for, eorg)
        response = client_for(eorg.sales).post(f"{URL}{form['id']}/submit/", {}, format="json")
        assert_error(response, 409, "wrong_state")

    def test_a_visible_form_not_waiting_on_me_is_403(self, chain, eorg, client_for):
        form = submitted(client_for, eorg)
        assert_error(decide(client_for(eorg.gm), form["id"]), 403, "forbidden")

    def test_an_invisible_form_is_404(self, chain, eorg, client_for):
        form = submitted(client_for, eorg)
        assert_error(decide(client_for(eorg.outsider), form["id"]), 404)
        response = client_for(eorg.outsider).get(f"{URL}{form['id']}/")
        assert_error(response, 404, "not_found")

    def test_full_chain_with_fill_in_step_and_countersign(self, chain, eorg, client_for):
        form = submitted(client_for, eorg, {"days": 2})
        fid = form["id"]
        assert decide(client_for(eorg.mgr), fid, comment="同意").status_code == 200
        # The fill-in step refuses fields it does not own, and approval without its field.
        body = assert_error(decide(client_for(eorg.hr1), fid, data={"days": 30}), 400)
        assert "days" in body["fields"]
        body = assert_error(decide(client_for(eorg.hr1), fid), 400)
        assert "hr_note" in body["fields"]
        response = decide(client_for(eorg.hr1), fid, data={"hr_note": "已核实"})
        assert response.status_code == 200
        for user in (eorg.d1, eorg.d2, eorg.d3):
            response = decide(client_for(user), fid, comment="会签同意")
            assert response.status_code == 200, response.json()
        result = response.json()
        assert result["status"] == "approved"
        assert result["data"]["hr_note"] == "已核实"
        assert [s["status"] for s in result["steps"]] == [
            "approved",
            "approved",
            "approved",
            "skipped",
        ]
        assert len(result["decisions"]) == 5
        decision = result["decisions"][0]
        assert decision["decider"]["username"] == "mgr"
        assert decision["on_behalf_of"] is None
        assert decision["comment"] == "同意"
        assert len(decision["data_hash"]) == 64
        assert result["copies"][0]["department"]["code"] == "FIN"
        assert "form.approved" in [e["verb"] for e in result["events"]]
        # Deciding on a closed form is a conflict, not a refusal.
        assert_error(decide(client_for(eorg.d1), fid), 409)

    def test_a_stale_decision_is_409(self, chain, eorg, client_for):
        form = submitted(client_for, eorg)
        response = decide(client_for(eorg.mgr), form["id"], revision=form["revision"] - 1)
        assert_error(response, 409, "stale")
        response = decide(client_for(eorg.mgr), form["id"], step=2)
        assert_error(response, 409, "stale")

    def test_bad_decision_input_is_400_with_field_messages(self, chain, eorg, client_for):
        form = submitted(client_for, eorg)
        body = assert_error(decide(client_for(eorg.mgr), form["id"], "maybe"), 400)
        assert "decision" in body["fields"]
        body = assert_error(decide(client_for(eorg.mgr), form["id"], "return"), 400)
        assert "comment" in body["fields"]
        body = assert_error(decide(client_for(eorg.mgr), form["id"], to_step="x"), 400)
        assert "to_step" in body["fields"]

    def test_return_sends_the_form_back_to_the_submitter_who_edits_and_resubmits(
        self, chain, eorg, client_for
    ):
        form = submitted(client_for, eorg)
        response = decide(client_for(eorg.mgr), form["id"], "return", comment="天数不对")
        assert response.json()["status"] == "returned"
        client = client_for(eorg.sales)
        response = client.patch(f"{URL}{form['id']}/", {"data": {"days": 1}}, format="json")
        assert response.status_code == 200
        response = client.post(f"{URL}{form['id']}/submit/", {}, format="json")
        assert response.json()["status"] == "in_review"
        assert response.json()["round"] == 2

    def test_a_delegate_decides_and_the_decision_names_the_principal(self, chain, eorg, client_for):
        import datetime

        today = datetime.date.today()
        Delegation.objects.create(
            principal=eorg.mgr,
            delegate=eorg.sales2,
            start_date=today - datetime.timedelta(days=1),
            end_date=today + datetime.timedelta(days=1),
        )
        form = submitted(client_for, eorg)
        response = decide(client_for(eorg.sales2), form["id"], comment="代签")
        assert response.status_code == 200, response.json()
        decision = response.json()["decisions"][0]
        assert decision["decider"]["username"] == "sales2"
        assert decision["on_behalf_of"]["username"] == "mgr"


class TestWithdrawAndCorrect:
    def test_withdraw_before_any_decision_then_not_after(self, chain, eorg, client_for):
        form = submitted(client_for, eorg)
        client = client_for(eorg.sales)
        response = client.post(f"{URL}{form['id']}/withdraw/")
        assert response.status_code == 200
        assert response.json()["status"] == "withdrawn"
        client.post(f"{URL}{form['id']}/submit/", {}, format="json")
        decide(client_for(eorg.mgr), form["id"])
        assert_error(client.post(f"{URL}{form['id']}/withdraw/"), 409)

    def test_only_the_submitter_withdraws(self, chain, eorg, client_for):
        form = submitted(client_for, eorg)
        assert_error(client_for(eorg.mgr).post(f"{URL}{form['id']}/withdraw/"), 403)

    def test_correct_an_approved_form_makes_a_linked_draft_version(self, chain, eorg, client_for):
        form = submitted(client_for, eorg)
        fid = form["id"]
        client = client_for(eorg.sales)
        assert_error(client.post(f"{URL}{fid}/correct/"), 409, "wrong_state")
        decide(client_for(eorg.mgr), fid)
        decide(client_for(eorg.hr1), fid, data={"hr_note": "可以"})
        for user in (eorg.d1, eorg.d2, eorg.d3):
            decide(client_for(user), fid)
        response = client.post(f"{URL}{fid}/correct/")
        assert response.status_code == 201
        new = response.json()
        assert new["status"] == "draft"
        assert new["version"] == 2
        assert new["previous"]["id"] == fid
        assert new["number"] == f"{form['number']}-V2"
        assert_error(client.post(f"{URL}{fid}/correct/"), 409)


class TestRoute:
    def test_a_draft_shows_the_active_chain_with_conditional_steps_explained(
        self, chain, eorg, client_for
    ):
        form = draft(client_for, eorg)
        response = client_for(eorg.sales).get(f"{URL}{form['id']}/route/")
        assert response.status_code == 200
        route = response.json()
        assert route["source"] == "template"
        assert [s["order"] for s in route["steps"]] == [1, 2, 3, 4]
        assert route["steps"][0]["assignees"] == [{"id": eorg.mgr.pk, "name": "mgr"}]
        gm_step = route["steps"][3]
        assert gm_step["conditional"] is True and gm_step["applies"] is False
        assert gm_step["reason"]

    def test_a_submitted_form_shows_its_round_with_step_status(self, chain, eorg, client_for):
        form = submitted(client_for, eorg, {"days": 2, "is_special": True})
        response = client_for(eorg.mgr).get(f"{URL}{form['id']}/route/")
        route = response.json()
        assert route["source"] == "round" and route["round"] == 1
        assert [s["status"] for s in route["steps"]] == ["active", "pending", "pending", "pending"]
        assert route["steps"][3]["applies"] is True

    def test_route_of_an_invisible_form_is_404(self, chain, eorg, client_for):
        form = draft(client_for, eorg)
        assert_error(client_for(eorg.outsider).get(f"{URL}{form['id']}/route/"), 404)


class TestList:
    def test_lists_only_visible_forms_with_filters(self, chain, eorg, client_for):
        first = submitted(client_for, eorg)
        draft(client_for, eorg)
        client = client_for(eorg.sales)
        assert client.get(URL).json()["count"] == 2
        only = client.get(URL, {"status": "in_review"}).json()
        assert [f["id"] for f in only["results"]] == [first["id"]]
        assert client.get(URL, {"kind": "other"}).json()["count"] == 0
        assert client.get(URL, {"search": first["number"]}).json()["count"] == 1
        assert client_for(eorg.outsider).get(URL).json()["count"] == 0
        # The manager sees the submitted one only: it waits on them.
        assert client_for(eorg.mgr).get(URL).json()["count"] == 1

    def test_a_bad_filter_is_400(self, chain, eorg, client_for):
        body = assert_error(client_for(eorg.sales).get(URL, {"status": "lost"}), 400)
        assert "status" in body["fields"]
        body = assert_error(client_for(eorg.sales).get(URL, {"project": "x"}), 400)
        assert "project" in body["fields"]
