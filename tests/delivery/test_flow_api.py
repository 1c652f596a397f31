"""Done when: through the API, a PM plans a project (template, then an Excel WBS across the 2026
National Day holiday), the baseline is approved by its chain, the team books man-days (refused
on the holiday unless overtime, refused on Sunday, refused beyond 1 man-day a day, accepted on
the 调休 Saturday 2026-10-10), EV figures come out to the cent, a deviation alert reaches the PM
and 项目管理部, a requirement change is approved and calls for a budget change, the customer's
final acceptance is recorded with its signed scan, and only then is the project evaluated, the
evaluation pre-filled with plan vs actual."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from core.models import DomainEvent
from delivery.models import Baseline, WeekSnapshot
from finance.models import CostEntry
from notifications.models import Notification
from projects.models import Stage

pytestmark = pytest.mark.django_db

BASE = "/api/v1/delivery/projects/{}/"


def workbook(rows, milestones=()):
    book = Workbook()
    sheet = book.active
    sheet.title = "任务"
    sheet.append(["阶段", "任务名称", "负责人", "计划开始", "计划完成", "计划工日", "前置任务"])
    for row in rows:
        sheet.append(row)
    ms = book.create_sheet("里程碑")
    ms.append(["里程碑", "计划日期", "验收", "最终验收"])
    for row in milestones:
        ms.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("计划.xlsx", out.getvalue())


WBS = [
    ["需求调研", "需求调研与确认", "pm", "2026-09-28", "2026-10-09", "10", ""],
    ["开发集成", "系统集成", "staff", "2026-10-10", "2026-10-16", "20", "需求调研与确认"],
    ["运维", "系统运维", "staff", "2026-10-26", "2026-11-06", "5", "系统集成"],
]
MILESTONES = [["最终验收", "2026-10-23", "是", "是"]]


def url(project, tail=""):
    return BASE.format(project.pk) + tail


def test_plan_track_accept_evaluate(org, api, project):
    pm = api("pm")
    # Plan from the template: the seed's seven phases, sized from the commission.
    overview = api.ok(
        pm.post(url(project, "plan/"), {"template": "system_integration"}, format="json"), 201
    )
    phases = [t["phase"] for t in overview["tasks"]]
    assert phases == ["需求调研", "方案设计", "开发集成", "测试", "部署上线", "验收", "运维"]
    assert (
        sum(Decimal(t["planned_man_days"]) for t in overview["tasks"] if not t["maintenance"]) == 60
    )
    # Someone outside the team may not plan.
    api.refused(api("sales").post(url(project, "tasks/"), {"name": "x"}, format="json"), 403)

    # A bad Excel file is refused row by row and the plan is left as it was.
    bad = workbook([["需求调研", "", "nobody", "2026-10-01", "2026-09-30", "x", ""]])
    body = api.refused(
        pm.post(url(project, "plan/import/"), {"file": bad}, format="multipart"), 400
    )
    assert "第 2 行" in body["message"] and "负责人" in body["message"]
    assert len(api.ok(pm.get(url(project)))["tasks"]) == 7
    # The real WBS from Excel.
    overview = api.ok(
        pm.post(
            url(project, "plan/import/"), {"file": workbook(WBS, MILESTONES)}, format="multipart"
        )
    )
    tasks = {t["name"]: t for t in overview["tasks"]}
    t1, t2 = tasks["需求调研与确认"]["id"], tasks["系统集成"]["id"]
    t3 = tasks["系统运维"]["id"]
    assert tasks["系统运维"]["maintenance"] is True
    assert tasks["系统集成"]["depends_on"] == [t1]
    final = next(m for m in overview["milestones"] if m["is_final"])

    # No booking before the baseline is approved.
    entry = {"task": t1, "date": "2026-09-28", "man_days": "1"}
    api.refused(pm.post(url(project, "timesheet/"), {"entries": [entry]}, format="json"), 409)

    # Baseline V1 through its chain: 项目管理部经理 → 技术团队负责人.
    baseline = api.ok(pm.post(url(project, "baselines/"), {}, format="json"), 201)
    # 运维 (5 man-days) is tracked against maintenance, not in the implementation baseline.
    assert (baseline["version"], baseline["man_days"], baseline["cost"]) == (1, "30.00", "36000.00")
    api.refused(pm.post(url(project, "baselines/"), {}, format="json"), 409)
    api.run_chain(baseline["form"], [("pmo_mgr", None), ("tech_lead", None)])
    assert Baseline.objects.get(pk=baseline["id"]).approved_at is not None

    # Timesheets across the National Day week.
    ts = url(project, "timesheet/")
    week1 = [
        {"task": t1, "date": d, "man_days": "1"} for d in ("2026-09-28", "2026-09-29", "2026-09-30")
    ]
    api.ok(pm.post(ts, {"entries": week1}, format="json"), 201)
    holiday = {"task": t1, "date": "2026-10-06", "man_days": "0.5"}
    body = api.refused(pm.post(ts, {"entries": [holiday]}, format="json"), 400)
    assert "不是工作日" in body["message"]
    api.ok(pm.post(ts, {"entries": [{**holiday, "overtime": True}]}, format="json"), 201)
    too_much = [{"task": t1, "date": "2026-10-08", "man_days": "0.6"}] * 2
    body = api.refused(pm.post(ts, {"entries": too_much}, format="json"), 400)
    assert "上限" in body["message"]
    after = [{"task": t1, "date": d, "man_days": "1"} for d in ("2026-10-08", "2026-10-09")]
    api.ok(pm.post(ts, {"entries": after}, format="json"), 201)
    staff = api("staff")
    sunday = {"task": t2, "date": "2026-10-11", "man_days": "1"}
    api.refused(staff.post(ts, {"entries": [sunday]}, format="json"), 400)
    tiaoxiu = {"task": t2, "date": "2026-10-10", "man_days": "1"}  # 调休: a working Saturday
    api.ok(staff.post(ts, {"entries": [tiaoxiu]}, format="json"), 201)
    api.refused(api("bd").post(ts, {"entries": [tiaoxiu]}, format="json"), 403)
    maintenance = {"task": t3, "date": "2026-10-26", "man_days": "1"}
    body = api.refused(staff.post(ts, {"entries": [maintenance]}, format="json"), 409)
    assert "验收" in body["message"]

    # Progress as of the week.
    api.ok(
        pm.post(
            url(project, f"tasks/{t1}/progress/"),
            {"percent": 100, "on": "2026-10-09"},
            format="json",
        )
    )
    api.ok(
        pm.post(
            url(project, f"tasks/{t2}/progress/"),
            {"percent": 10, "on": "2026-10-10"},
            format="json",
        )
    )
    api.refused(
        api("staff").post(url(project, f"tasks/{t1}/progress/"), {"percent": 50}, format="json"),
        403,
    )

    # EV of the week of 2026-10-05 (to Sunday 10-11), to the cent: BAC 12,000 + 24,000 (1,200
    # a man-day); PV = 12,000 + 24,000 × 1/6 working days (10-10) = 16,000; EV = 12,000 +
    # 2,400; AC = 6 man-days + 0.5 overtime = 6.5 × 1,200 = 7,800.
    weeks = {w["week"]: w for w in api.ok(pm.get(url(project, "evm/")))}
    w = weeks["2026-10-05"]
    assert (w["pv"], w["ev"], w["ac"], w["spi"], w["cpi"]) == (
        "16000.00",
        "14400.00",
        "7800.00",
        "0.90",
        "1.85",
    )
    assert (w["planned_man_days"], w["actual_man_days"]) == ("13.33", "6.50")
    assert weeks["2026-09-28"]["pv"] == "7200.00"  # 3 of T1's 5 working days
    # The labour cost reached the ledger (implementation cost).
    ledger = CostEntry.objects.filter(project=project, category="implementation")
    assert sum(e.amount for e in ledger) == Decimal("7800.00")

    # This week everything is planned done (SPI 0.40 < 0.90) and the first bookings cost money
    # before any progress (CPI 0): one alert each, to the PM and 项目管理部, not repeated.
    alerts = DomainEvent.objects.filter(kind="delivery.deviation", project_id=project.pk)
    assert sorted(a.payload["metric"] for a in alerts) == ["cpi", "spi"]
    told = set(
        Notification.objects.filter(title__contains="进度偏差").values_list(
            "recipient__username", flat=True
        )
    )
    assert {"pm", "pmo", "pmo_mgr"} <= told

    # Risks: register, matrix, review.
    risk = api.ok(
        pm.post(
            url(project, "risks/"),
            {
                "description": "核心交换机到货延迟",
                "probability": 4,
                "impact": 5,
                "owner": api.uid("staff"),
            },
            format="json",
        ),
        201,
    )
    assert risk["score"] == 20
    api.refused(
        pm.post(url(project, "risks/"), {"description": "x", "probability": 9}, format="json"), 400
    )

    # A requirement change adding cost: PMO manager → tech lead → GM (cost > 0).
    change = {
        "scope": "增加门禁子系统对接",
        "reason": "客户新增需求",
        "man_days_impact": "10",
        "schedule_impact_days": 5,
        "cost_impact": "12000.00",
        "customer_confirmed": True,
    }
    api.refused(api.create("staff", "change_request", change, project.pk), 403)
    form = api.start("pm", "change_request", change, project.pk)
    api.run_chain(form["id"], [("pmo_mgr", None), ("tech_lead", None), ("gm", None)])
    overview = api.ok(pm.get(url(project)))
    assert overview["changes_awaiting_budget"] == [form["number"]]
    assert Notification.objects.filter(
        recipient=org["cost_dir"], title__contains="需求变更"
    ).exists()

    # A re-plan is a new version with a reason; version 1 stays.
    body = api.refused(pm.post(url(project, "baselines/"), {}, format="json"), 400)
    assert "reason" in body["fields"]
    api.ok(pm.patch(url(project, f"tasks/{t2}/"), {"planned_man_days": "28"}, format="json"))
    v2 = api.ok(
        pm.post(url(project, "baselines/"), {"reason": "需求变更增加工日"}, format="json"), 201
    )
    assert v2["version"] == 2 and v2["man_days"] == "38.00"
    api.run_chain(v2["form"], [("pmo_mgr", None), ("tech_lead", None)])
    assert [b["version"] for b in api.ok(pm.get(url(project)))["baselines"]] == [1, 2]

    # No evaluation before the final acceptance [§26].
    evaluation = {"conclusion": "good", "score": "88", "opinion": "按期完成"}
    body = api.refused(api.create("pmo", "evaluation", evaluation, project.pk), 409, "precondition")
    assert "验收" in body["message"]

    # The customer's final acceptance with the signed scan; 项目管理部 confirms.
    scan = api.upload("pm", "验收单签字.pdf")
    acceptance = {
        "milestone": final["id"],
        "accepted_on": "2026-10-23",
        "signatory": "刘处长",
        "signed_scan": scan,
        "conclusion": "系统运行正常，同意验收",
    }
    form = api.start("pm", "acceptance", acceptance, project.pk)
    api.run_chain(form["id"], [("pmo", None)])
    overview = api.ok(pm.get(url(project)))
    assert overview["final_accepted"] is True
    assert overview["acceptances"][0]["signatory"] == "刘处长"

    # Maintenance man-days after the acceptance, against the budget's maintenance cost.
    api.ok(staff.post(ts, {"entries": [maintenance]}, format="json"), 201)
    figures = api.ok(pm.get(url(project)))["figures"]
    assert (figures["maintenance_man_days"], figures["maintenance_cost"]) == ("1.00", "1200.00")
    assert figures["maintenance_budget"] == "50000.00"
    assert CostEntry.objects.get(project=project, category="maintenance").amount == 1200

    # Now the evaluation, pre-filled with plan vs actual.
    created = api.ok(api.create("pmo", "evaluation", evaluation, project.pk), 201)
    assert created["data"]["planned_man_days"] == "38.00"
    assert created["data"]["actual_man_days"] == "6.50"
    assert created["data"]["actual_cost"] == "7800.00"
    form = api.ok(api.submit("pmo", created["id"]))
    api.run_chain(form["id"], [("pmo_mgr", None)])
    assert api.stage(project.pk) == Stage.SETTLING
    assert WeekSnapshot.objects.filter(project=project).exists()
