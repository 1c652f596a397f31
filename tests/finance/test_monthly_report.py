"""The monthly cost report [§4]: totals that match the ledger, in JSON, xlsx and PDF; the task."""

import io
import json
import random
from datetime import date
from decimal import Decimal

import pytest
from django.core import mail
from django.db.models import Sum
from openpyxl import load_workbook
from pypdf import PdfReader

from finance.categories import categories
from finance.models import CostEntry, MonthlyReport
from finance.reports import data
from finance.reports.services import build_files
from finance.tasks import month_due, monthly_cost_report
from org.models import Department

from .conftest import at

D = Decimal
MONTH = "2025-03"


@pytest.fixture
def ledger(org, make_project, approved_form):
    """Projects in two departments with random cost lines in February, March and April; the
    last two have lines dated before their 立项书 was approved (after March, or not yet)."""
    rng = random.Random(5)
    mkt, ts = Department.objects.get(code="MKT"), Department.objects.get(code="TS")
    projects = [make_project(department=mkt if i % 2 else ts) for i in range(6)]
    approved_form(
        projects[0], "budget", {"implementation_cost": "5000.00", "management_cost": "1000"}
    )
    approved_form(projects[1], "quotation", {"purchase_cost": "300.50"})
    late = make_project(approved_at=at(2025, 4, 1, 0, 0))  # approved after March
    unapproved = make_project(approved_at=False)
    for project in [*projects, late, unapproved]:
        for _i in range(12):
            CostEntry.objects.create(
                project=project,
                category=rng.choice(categories.values),
                date=date(2025, rng.choice([2, 3, 4]), rng.randint(1, 28)),
                amount=D(rng.randint(1, 9_999_999)) / 100,
                entered_by=org["finance"],
            )
    return [*projects, late, unapproved]


def _ledger_sum(projects, **filters):
    total = CostEntry.objects.filter(project__in=projects, **filters).aggregate(s=Sum("amount"))[
        "s"
    ]
    return (total or D(0)).quantize(D("0.01"))


def _expected(projects):
    month = dict(date__gte=date(2025, 3, 1), date__lte=date(2025, 3, 31))
    return {
        "month": _ledger_sum(projects, **month),
        "cumulative": _ledger_sum(projects, date__lte=date(2025, 3, 31)),
        "by_category": {c: _ledger_sum(projects, category=c, **month) for c in categories.values},
    }


def test_json_totals_match_the_ledger(org, ledger, api):
    expected = _expected(ledger)
    response = api("cost_dir").get(f"/api/v1/reports/monthly-costs/?month={MONTH}&format=json")
    assert response.status_code == 200
    body = json.loads(b"".join(response.streaming_content))
    assert body["month"] == MONTH
    # every project with lines up to March; the two approved later are flagged 立项前成本
    assert len(body["projects"]) == 8
    flagged = {p["project_id"] for p in body["projects"] if p["pre_initiation"]}
    assert flagged == {ledger[6].pk, ledger[7].pk}
    assert all("立项前成本" in p["stage"] for p in body["projects"] if p["pre_initiation"])
    totals = body["totals"]
    assert D(totals["month_total"]) == expected["month"]
    assert D(totals["cumulative"]) == expected["cumulative"]
    assert {c: D(v) for c, v in totals["month"].items()} == expected["by_category"]
    assert sum(D(p["month_total"]) for p in body["projects"]) == expected["month"]
    # department totals add up to the grand total
    departments = {d["name"]: d for d in body["departments"]}
    assert set(departments) == {"市场部", "技术服务部"}
    assert sum(D(d["month_total"]) for d in departments.values()) == expected["month"]
    mkt = [p for p in ledger if p.department.code == "MKT"]
    assert D(departments["市场部"]["month_total"]) == _expected(mkt)["month"]
    # budget and variance of the budgeted project
    first = next(p for p in body["projects"] if p["project_id"] == ledger[0].pk)
    assert first["budget"] == "6000.00"
    assert D(first["variance"]) == D(first["cumulative"]) - D("6000.00")
    assert D(totals["budget"]) == D("6300.50")


def test_xlsx_reads_back_with_the_same_totals(org, ledger):
    expected = _expected(ledger)
    files, summary = build_files(data.parse_month(MONTH), formats=("xlsx",))
    book = load_workbook(io.BytesIO(files["xlsx"]))
    detail = book["项目明细"]
    assert detail.freeze_panes == "A2"
    header = [c.value for c in detail[1]]
    assert header[:4] == ["项目编号", "项目名称", "部门", "阶段"]
    month_col = header.index("本月合计") + 1
    rows = list(detail.iter_rows(min_row=2, values_only=True))
    data_rows, total_row = rows[:-1], rows[-1]
    assert len(data_rows) == 8
    assert sum(D(str(r[month_col - 1])) for r in data_rows) == expected["month"]
    # the totals row holds formulas over the data rows
    letter = detail.cell(row=1, column=month_col).column_letter
    assert total_row[0] == "合计"
    assert total_row[month_col - 1] == f"=SUM({letter}2:{letter}9)"
    assert detail.cell(row=2, column=month_col).number_format == "#,##0.00"
    # the summary sheet has the totals as values
    sheet = book["汇总"]
    last = [r for r in sheet.iter_rows(min_row=2, values_only=True) if r and r[0] == "合计"][0]
    assert D(str(last[header.index("本月合计") - 2])) == expected["month"]
    assert D(summary["totals"]["cumulative"]) == expected["cumulative"]


def test_pdf_shows_the_totals_in_chinese(org, ledger, api):
    expected = _expected(ledger)
    response = api("finance").get(f"/api/v1/reports/monthly-costs/?month={MONTH}&format=pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "月度项目成本报告" in text
    assert "技术服务部" in text
    assert f"{expected['month']:,.2f}" in text


def test_xlsx_download_and_permissions(org, ledger, api):
    url = f"/api/v1/reports/monthly-costs/?month={MONTH}&format=xlsx"
    response = api("gm").get(url)
    assert response.status_code == 200
    assert "monthly-costs-2025-03.xlsx" in response["Content-Disposition"]
    assert api("staff").get(url).status_code == 403
    assert api("pm").get(url).status_code == 403
    bad = api("gm").get("/api/v1/reports/monthly-costs/?month=2025-13")
    assert bad.status_code == 400 and "month" in bad.json()["fields"]
    fmt = api("gm").get(f"/api/v1/reports/monthly-costs/?month={MONTH}&format=doc")
    assert fmt.status_code == 400 and "format" in fmt.json()["fields"]


def test_task_is_idempotent_one_report_one_email(org, ledger, django_capture_on_commit_callbacks):
    expected = _expected(ledger)
    with django_capture_on_commit_callbacks(execute=True):
        first = monthly_cost_report(MONTH)
        second = monthly_cost_report(MONTH)
    assert first == second
    assert MonthlyReport.objects.count() == 1
    report = MonthlyReport.objects.get()
    assert D(report.summary["totals"]["month_total"]) == expected["month"]
    assert report.xlsx.name.endswith(".xlsx") and report.pdf.name.endswith(".pdf")
    # (other apps' hooks may add in-app notices with their own mails; the report mail is ours)
    reports = [m for m in mail.outbox if m.attachments]
    assert len(reports) == 1
    message = reports[0]
    assert sorted(message.to) == sorted([org["cost_dir"].email, org["gm"].email])
    assert f"{expected['month']}" in message.body
    assert {name for name, _content, _mime in message.attachments} == {
        "monthly-costs-2025-03.xlsx",
        "monthly-costs-2025-03.pdf",
    }


@pytest.mark.parametrize(
    ("today", "month"),
    [
        (date(2025, 5, 30), "2025-04"),  # Friday, May's last working day: April is due
        (date(2025, 5, 31), "2025-05"),  # Saturday after it: May is due
        (date(2025, 6, 2), "2025-05"),
        (date(2025, 1, 1), "2024-12"),
    ],
)
def test_month_due_after_the_last_working_day(db, today, month):
    assert month_due(today).label == month


def test_page_reconciles_the_report_with_the_ledger(org, ledger):
    from django.test import Client

    client = Client()
    client.force_login(org["cost_dir"])
    page = client.get(f"/reports/monthly/?month={MONTH}").content.decode()
    expected = _expected(ledger)["month"]
    assert f"成本台账本月合计 ¥{expected:,.2f}，与报表一致" in page
    assert "其中 2 个项目含立项批准前的成本" in page


@pytest.mark.parametrize("top", [0, 3, 100])
def test_summary_from_the_database_equals_the_fold_of_the_rows(org, ledger, make_project, top):
    # given the ledger, a project without a department and two projects with equal March costs
    # (the top list breaks the tie by id)
    lonely = make_project()
    lonely.department = None
    lonely.save(update_fields=["department"])
    for project in (lonely, ledger[2]):
        CostEntry.objects.create(
            project=project,
            category="sales",
            date=date(2025, 3, 31),
            amount=D("99999999.99"),
            entered_by=org["finance"],
        )
    month = data.parse_month(MONTH)
    # when the totals are aggregated by the database (what the PDF and the page use)
    summary = data.summarize(month, top=top)
    # then they equal the totals folded from every row, department by department
    folded = data.Accumulator(top=top)
    for row in data.iter_rows(month):
        folded.add(row)
    assert summary.summary(month) == folded.summary(month)
    assert list(summary.departments) == list(folded.departments)
    assert "未分配部门" in summary.departments
    assert summary.top_rows() == folded.top_rows()
    assert len(summary.top_rows()) == min(top, folded.active_projects)
    assert (summary.active_projects, summary.pre_initiation_projects) == (
        folded.active_projects,
        folded.pre_initiation_projects,
    )
    # and run() without sinks gives the same
    assert data.run(month, top=top).summary(month) == folded.summary(month)
