"""Helpers that drive a project through the API as the demo users (org.demo), checking at every
approval step that someone else is refused and that a stale decision is refused."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from org.models import Department
from projects.models import Project

PDF = b"%PDF-1.7\n%demo\n%%EOF\n"


class Api:
    def __init__(self, org):
        self.org = org
        self._clients = {}

    def __call__(self, username) -> APIClient:
        if username not in self._clients:
            client = APIClient()
            client.force_authenticate(user=self.org[username])
            self._clients[username] = client
        return self._clients[username]

    def uid(self, username) -> int:
        return self.org[username].pk

    # --- requests -------------------------------------------------------------------------

    def ok(self, response, status=200):
        assert response.status_code == status, (response.status_code, response.json())
        return response.json()

    def refused(self, response, status, code=None):
        assert response.status_code == status, (response.status_code, response.json())
        body = response.json()
        assert body["message"], body
        if code:
            assert body["code"] == code, body
        return body

    def create(self, username, kind, data, project=None):
        body = {"kind": kind, "data": data}
        if project is not None:
            body["project"] = project
        return self(username).post("/api/v1/forms/", body, format="json")

    def submit(self, username, form_id):
        return self(username).post(f"/api/v1/forms/{form_id}/submit/", {}, format="json")

    def decide(self, username, form_id, decision="approve", **body):
        return self(username).post(
            f"/api/v1/forms/{form_id}/decide/", {"decision": decision, **body}, format="json"
        )

    def form(self, username, form_id):
        return self.ok(self(username).get(f"/api/v1/forms/{form_id}/"))

    def project(self, username, project_id):
        return self.ok(self(username).get(f"/api/v1/projects/{project_id}/"))

    def stage(self, project_id):
        return Project.objects.get(pk=project_id).stage

    def upload(self, username, name="资料.pdf"):
        response = self(username).post(
            "/api/v1/files/", {"file": SimpleUploadedFile(name, PDF)}, format="multipart"
        )
        return self.ok(response, 201)["id"]

    # --- whole steps ----------------------------------------------------------------------

    def start(self, username, kind, data, project=None):
        """Create and submit a form; return its detail."""
        form = self.ok(self.create(username, kind, data, project), 201)
        return self.ok(self.submit(username, form["id"]))

    def run_chain(self, form_id, steps):
        """steps: (username, data to fill or None) in chain order; every one approves.

        Before each approval: the step is in the approver's queue, a director who sees the form
        but does not hold the step is refused (403), and a stale revision is refused (409)."""
        detail = None
        for username, data in steps:
            detail = self.form(username, form_id)
            assert detail["status"] == "in_review", detail["status"]
            active = next(s for s in detail["steps"] if s["status"] == "active")
            holders = {a["username"] for a in active["assignees"]}
            assert username in holders, (active["name"], holders)
            queue = self.ok(self(username).get("/api/v1/queue/", {"page_size": 100}))
            assert form_id in [item["form"]["id"] for item in queue["results"]]
            # Someone who sees the form but holds no step of this round (a director if one is
            # free, else the submitter): refused. Those who held a step get a 409 instead.
            involved = {a["username"] for s in detail["steps"] for a in s["assignees"]}
            directors = [
                u for u in ("gm", "sales_dir", "cost_dir", "tech_lead") if u not in involved
            ]
            intruder = directors[0] if directors else detail["submitter"]["username"]
            self.refused(self.decide(intruder, form_id, comment="越权"), 403, "forbidden")
            stale = self.decide(username, form_id, revision=detail["revision"] - 1)
            self.refused(stale, 409, "stale")
            body = {"comment": "同意", "revision": detail["revision"], "status": "approved"}
            if data:
                body["data"] = data
            detail = self.ok(self.decide(username, form_id, **body))
        assert detail["status"] == "approved", detail["status"]
        return detail


def today():
    return timezone.localdate()


def later(days):
    return (today() + datetime.timedelta(days=days)).isoformat()


def dept(code) -> int:
    return Department.objects.get(code=code).pk


def initiation_data(name="智慧园区一期"):
    return {
        "project_name": name,
        "client_name": "某市大数据局",
        "client_address": "某市政务中心 3 号楼",
        "client_contact": "刘处长",
        "client_phone": "010-12345678",
        "summary": "园区监控、门禁与运维平台集成",
        "estimated_amount": "6000000.00",
        "client_funding": "财政专项资金已批复",
        "success_rate": "70",
        "expected_sign_date": later(60),
        "feasibility": "客户需求明确，竞争对手少",
        "presales_budget": "50000.00",
        "is_special": False,
    }


INITIATION_CHAIN = [("mkt_mgr", None), ("cost_dir", None), ("sales_dir", None), ("gm", None)]


def presales_chain(api):
    return [
        ("mkt_mgr", None),
        ("ts_mgr", {"presales_lead": api.uid("presales"), "presales_team": [api.uid("ts_lead")]}),
        ("tech_lead", None),
    ]


QUOTATION_CHAIN = [
    ("pmo", {"implementation_man_days": "120", "maintenance_man_days": "30"}),
    ("admin_dept", {"purchase_cost": "300000.00"}),
    ("mkt_mgr", None),
    ("ts_mgr", None),
    ("pmo_mgr", None),
    ("admin_dept", None),
    ("tech_lead", None),
    ("sales_dir", None),
    ("gm", None),
]
BUDGET_CHAIN = [("tech_lead", None), ("sales_dir", None), ("cost_dir", None), ("gm", None)]
CONTRACT_CHAIN = [
    ("mkt_mgr", None),
    ("dev_mgr", None),
    ("pmo_mgr", None),
    ("sales_dir", None),
    ("tech_lead", None),
    ("gm", None),
]
COMMISSION_CHAIN = [("pm", None), ("dev_mgr", None), ("tech_lead", None)]


def quotation_data(report_id):
    return {
        "estimate_report": report_id,
        "list_price": "1000000.00",
        "sales_expense": "20000.00",
        "quote_amount": "800000.00",
    }


def budget_data():
    return {
        "implementation_cost": "400000.00",
        "management_cost": "50000.00",
        "maintenance_cost": "30000.00",
        "performance_split": [
            {"department": dept("DEV"), "ratio": "60"},
            {"department": dept("TS"), "ratio": "40"},
        ],
    }


def contract_data(file_id, number="HT-2026-001"):
    return {
        "contract_no": number,
        "contract_amount": "800000.00",
        "sign_date": today().isoformat(),
        "payment_terms": [
            {"milestone": "预付款", "amount": "400000.00", "due_date": later(10)},
            {"milestone": "验收款", "amount": "400000.00", "due_date": later(90)},
        ],
        "contract_file": file_id,
    }


def commission_data(api):
    return {
        "man_days": "120",
        "start_date": later(1),
        "end_date": later(90),
        "implementation_fee": "400000.00",
        "project_manager": api.uid("pm"),
        "members": [api.uid("pm"), api.uid("staff")],
        "dept_manager": api.uid("dev_mgr"),
        "performance_split": [{"department": dept("DEV"), "ratio": "100"}],
        # Pre-filled from the budget (DEV 60 / TS 40) where there is one: the change's reason.
        "change_reasons": [{"field": "performance_split", "reason": "实施全部由软件开发部承担"}],
    }


def final_accounts_data():
    # Every figure is pre-filled from the contract, the collections, the ledger and the
    # 项目委托书's split [§27]; only the notes are typed.
    return {"notes": "全部款项已收回"}


def handover_data(file_id):
    return {
        "items": [
            {"name": "竣工文档", "type": "文档", "count": 3},
            {"name": "源代码光盘", "type": "光盘", "count": 1, "note": "刻盘"},
        ],
        "archive": file_id,
    }
