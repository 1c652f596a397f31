"""Projects through the API: the visible list with filters, one project, termination."""

import pytest

from approvals.models import Form
from projects.models import Project, Stage

URL = "/api/v1/projects/"


def make_project(initiator, number, name="智慧园区", client="某市政府", **extra):
    return Project.objects.create(
        number=number,
        name=name,
        client_name=client,
        department=initiator.department,
        initiator=initiator,
        sales_lead=initiator,
        **extra,
    )


@pytest.fixture
def projects(org):
    return {
        "park": make_project(org["sales"], "SI-2026-0001"),
        "bank": make_project(org["cs_sales"], "SI-2026-0002", name="银行机房", client="某银行"),
    }


class TestList:
    def test_a_salesperson_sees_only_their_projects(self, org, projects, client_for):
        body = client_for(org["sales"]).get(URL).json()
        assert [p["number"] for p in body["results"]] == ["SI-2026-0001"]
        first = body["results"][0]
        assert first["stage"] == "initiating" and first["stage_label"] == "立项申请"
        assert first["client"] == "某市政府"
        assert first["department"]["code"] == "MKT"

    def test_directors_see_all_and_filter_by_stage_department_and_search(
        self, org, projects, client_for
    ):
        client = client_for(org["gm"])
        assert client.get(URL).json()["count"] == 2
        assert client.get(URL, {"department": "CS"}).json()["count"] == 1
        dept_id = org["sales"].department_id
        assert client.get(URL, {"department": dept_id}).json()["count"] == 1
        assert client.get(URL, {"search": "银行"}).json()["count"] == 1
        assert client.get(URL, {"search": "0001"}).json()["count"] == 1
        assert client.get(URL, {"search": "某市"}).json()["count"] == 1
        assert client.get(URL, {"stage": "initiating"}).json()["count"] == 2
        assert client.get(URL, {"stage": "closed"}).json()["count"] == 0

    def test_a_bad_stage_is_400(self, org, client_for):
        response = client_for(org["gm"]).get(URL, {"stage": "nowhere"})
        assert response.status_code == 400
        assert "stage" in response.json()["fields"]


class TestDetail:
    def test_detail_has_team_forms_and_deadlines(self, org, projects, client_for):
        park = projects["park"]
        park.members.add(org["pm"])
        Form.objects.create(
            kind="initiation", number="LX-2026-0001", project=park, submitter=org["sales"]
        )
        body = client_for(org["sales"]).get(f"{URL}{park.pk}/").json()
        assert body["number"] == "SI-2026-0001"
        assert body["team"]["sales_lead"]["username"] == "sales"
        assert [m["username"] for m in body["team"]["members"]] == ["pm"]
        assert [(f["kind"], f["number"], f["status"]) for f in body["forms"]] == [
            ("initiation", "LX-2026-0001", "draft")
        ]
        assert isinstance(body["deadlines"], list)
        assert isinstance(body["budget_versions"], list)

    def test_an_invisible_project_is_404(self, org, projects, client_for):
        response = client_for(org["sales"]).get(f"{URL}{projects['bank'].pk}/")
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"


class TestTerminate:
    def test_the_sales_lead_terminates_with_a_reason(self, org, projects, client_for):
        park = projects["park"]
        response = client_for(org["sales"]).post(
            f"{URL}{park.pk}/terminate/", {"reason": "客户取消", "stage": "closed"}, format="json"
        )
        assert response.status_code == 200
        assert response.json()["stage"] == "terminated"
        park.refresh_from_db()
        assert park.stage == Stage.TERMINATED and park.terminated_reason == "客户取消"

    def test_refusals(self, org, projects, client_for):
        park = projects["park"]
        park.members.add(org["pm"])
        url = f"{URL}{park.pk}/terminate/"
        response = client_for(org["sales"]).post(url, {}, format="json")
        assert response.status_code == 400
        assert "reason" in response.json()["fields"]
        assert client_for(org["pm"]).post(url, {"reason": "x"}, format="json").status_code == 403
        other = client_for(org["cs_sales"]).post(url, {"reason": "x"}, format="json")
        assert other.status_code == 404
        client_for(org["gm"]).post(url, {"reason": "丢标"}, format="json")
        again = client_for(org["gm"]).post(url, {"reason": "丢标"}, format="json")
        assert again.status_code == 409
        assert again.json()["code"] == "wrong_state"
