"""Given a signed project, when people use its money pages and the monthly cost report, then
costs are entered and imported row by row, collections are recorded by 财务部 only, the final
accounts show their figures, and the report's files are built and downloaded — with Chinese
messages under the fields and nothing changed on bad input."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from finance.models import CostEntry, Payment, PaymentTerm
from finance.services import cost_entry_create, payment_record

SIZES = [5, 100]
MAX_COSTS = 13
MAX_PAYMENTS = 16
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def signed(driver):
    project = driver.initiate("财务页面项目").project
    driver.presales(project)
    driver.quotation(project, driver.estimate(project))
    driver.budget(project)
    driver.contract(project, "HT-WEB-001")
    project.refresh_from_db()
    return project


def today():
    from workcal.calendar import today as shanghai_today

    return shanghai_today()


def add_costs(project, user, n):
    for i in range(n):
        cost_entry_create(
            acting_user=user,
            project_id=project.pk,
            category="implementation",
            date=today().isoformat(),
            amount="100.00",
            note=f"成本{i}",
        )


def xlsx_upload(rows, name="成本.xlsx"):
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=XLSX)


# --- the cost ledger -------------------------------------------------------------------------


def test_sales_lead_adds_a_cost(signed, users, login):
    client = login(users["sales"])
    page = client.get(f"/projects/{signed.pk}/costs/").content.decode()
    assert 'id="cost-form"' in page and "实施成本" in page
    response = client.post(
        f"/projects/{signed.pk}/costs/",
        {"category": "implementation", "date": today().isoformat(), "amount": "1,234.50"},
    )
    assert response.status_code == 302
    entry = CostEntry.objects.get()
    assert entry.amount == Decimal("1234.50") and entry.entered_by == users["sales"]
    page = client.get(response.url).content.decode()
    assert "1,234.50" in page and "成本记录已保存" in page


def test_bad_cost_is_shown_under_its_fields_and_nothing_is_saved(signed, users, login):
    response = login(users["finance"]).post(
        f"/projects/{signed.pk}/costs/",
        {"category": "餐费", "date": "2099-01-01", "amount": "十万", "note": "x"},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "“费用类别”：“餐费”不是有效的费用类别" in html
    assert "“发生日期”：日期不能晚于今天" in html
    assert "“金额”：“十万”不是有效的金额" in html
    assert 'value="x"' in html  # what was typed stays in the form
    assert CostEntry.objects.count() == 0


def test_who_may_not_see_costs_is_refused_or_404(signed, users, login):
    response = login(users["presales"]).get(f"/projects/{signed.pk}/costs/")
    assert response.status_code == 403
    assert "只有财务部、总监、总经理" in response.content.decode()
    assert login(users["staff"]).get(f"/projects/{signed.pk}/costs/").status_code == 404
    response = login(users["presales"]).post(
        f"/projects/{signed.pk}/costs/",
        {"category": "implementation", "date": today().isoformat(), "amount": "1"},
    )
    assert response.status_code == 403
    assert CostEntry.objects.count() == 0


def test_director_sees_costs_but_cannot_enter(signed, users, login):
    html = login(users["sales_dir"]).get(f"/projects/{signed.pk}/costs/").content.decode()
    assert 'id="cost-form"' not in html
    assert "只有财务部人员、本项目的项目经理或销售负责人可以录入项目成本" in html


def test_import_reports_bad_rows_and_saves_the_good(signed, users, login):
    upload = xlsx_upload(
        [
            ["日期", "费用类别", "金额", "说明"],
            [today().isoformat(), "实施成本", 1000, "第一笔"],
            [today().isoformat(), "差旅", 50, ""],
            ["2001-13-40", "维护成本", -5, ""],
        ]
    )
    response = login(users["finance"]).post(
        f"/projects/{signed.pk}/costs/import/", {"file": upload}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="import-errors"' in html
    assert "成功导入 1 行" in html and "2 行有错误未导入" in html
    assert "“差旅”不是有效的费用类别" in html and "金额必须大于 0" in html
    assert list(CostEntry.objects.values_list("note", flat=True)) == ["第一笔"]


def test_import_of_a_non_excel_file_names_the_field(signed, users, login):
    upload = SimpleUploadedFile("成本.xlsx", b"not a workbook", content_type=XLSX)
    response = login(users["finance"]).post(
        f"/projects/{signed.pk}/costs/import/", {"file": upload}
    )
    assert response.status_code == 400
    assert "无法读取文件" in response.content.decode()
    assert CostEntry.objects.count() == 0


def test_import_template_is_a_workbook_with_the_headers(signed, users, login):
    response = login(users["finance"]).get(f"/projects/{signed.pk}/costs/template.xlsx")
    assert response["Content-Type"] == XLSX
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]] == ["日期", "费用类别", "金额", "说明"]
    assert sheet.data_validations.dataValidation[0].formula1.count(",") == 5


def test_the_template_round_trips_through_the_import(signed, users, login):
    client = login(users["finance"])
    book = load_workbook(
        io.BytesIO(client.get(f"/projects/{signed.pk}/costs/template.xlsx").content)
    )
    book.active.append([today(), "外购成本", 88.5, "设备"])
    buffer = io.BytesIO()
    book.save(buffer)
    upload = SimpleUploadedFile("模板.xlsx", buffer.getvalue(), content_type=XLSX)
    client.post(f"/projects/{signed.pk}/costs/import/", {"file": upload})
    assert CostEntry.objects.get().amount == Decimal("88.50")


@pytest.mark.parametrize("n", SIZES)
def test_cost_page_query_count_is_flat(signed, users, login, django_assert_max_num_queries, n):
    add_costs(signed, users["finance"], n)
    client = login(users["finance"])
    with django_assert_max_num_queries(MAX_COSTS):
        response = client.get(f"/projects/{signed.pk}/costs/")
    assert response.content.decode().count("cost-row") == min(n, 25)
    if n > 25:
        last = client.get(f"/projects/{signed.pk}/costs/?page=4").content.decode()
        assert last.count("cost-row") == 25 and "4 / 4" in last


# --- payments --------------------------------------------------------------------------------


def test_finance_records_a_collection(signed, users, login):
    term = PaymentTerm.objects.filter(project=signed).order_by("position").first()
    client = login(users["finance"])
    page = client.get(f"/projects/{signed.pk}/payments/").content.decode()
    assert "合同签订" in page and "900,000.00" in page and 'id="payment-form"' in page
    response = client.post(
        f"/projects/{signed.pk}/payments/",
        {"term": term.pk, "amount": "100000", "date": today().isoformat(), "note": "首付"},
    )
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "100,000.00" in page and "800,000.00" in page  # collected / outstanding
    assert Payment.objects.get().note == "首付"


def test_collection_above_what_is_owed_is_refused_under_the_amount(signed, users, login):
    term = PaymentTerm.objects.filter(project=signed).order_by("position").first()
    response = login(users["finance"]).post(
        f"/projects/{signed.pk}/payments/",
        {"term": term.pk, "amount": "999999", "date": today().isoformat()},
    )
    assert response.status_code == 400
    assert "超过该付款节点的未收金额" in response.content.decode()
    assert Payment.objects.count() == 0


def test_only_finance_records_collections(signed, users, login):
    term = PaymentTerm.objects.filter(project=signed).first()
    client = login(users["sales"])
    page = client.get(f"/projects/{signed.pk}/payments/").content.decode()
    assert 'id="payment-form"' not in page and "回款由财务部登记" in page
    response = client.post(
        f"/projects/{signed.pk}/payments/",
        {"term": term.pk, "amount": "1", "date": today().isoformat()},
    )
    assert response.status_code == 403
    assert "只有财务部人员可以登记回款" in response.content.decode()
    assert Payment.objects.count() == 0


@pytest.mark.parametrize("n", SIZES)
def test_payments_page_query_count_is_flat(signed, users, login, django_assert_max_num_queries, n):
    term = PaymentTerm.objects.filter(project=signed).first()
    for _i in range(n):
        payment_record(
            acting_user=users["finance"],
            project_id=signed.pk,
            term=term.pk,
            amount="10.00",
            date=today().isoformat(),
        )
    client = login(users["finance"])
    with django_assert_max_num_queries(MAX_PAYMENTS):
        response = client.get(f"/projects/{signed.pk}/payments/")
    assert response.content.decode().count("payment-row") == n


# --- final accounts --------------------------------------------------------------------------


def test_final_accounts_show_the_figures(signed, users, login):
    add_costs(signed, users["finance"], 3)
    html = login(users["finance"]).get(f"/projects/{signed.pk}/final-accounts/").content.decode()
    assert "900,000.00" in html  # contract
    assert "899,700.00" in html  # gross margin: 900,000 − 300
    assert "市场部" in html and "360,000.00" in html  # 40 % of the contract
    assert "款项尚未全部收回" in html


def test_final_accounts_refused_for_the_presales_lead(signed, users, login):
    response = login(users["presales"]).get(f"/projects/{signed.pk}/final-accounts/")
    assert response.status_code == 403


# --- the monthly cost report -----------------------------------------------------------------


def test_monthly_report_shows_department_totals(signed, users, login):
    add_costs(signed, users["finance"], 2)
    month = today().strftime("%Y-%m")
    html = login(users["cost_dir"]).get(f"/reports/monthly/?month={month}").content.decode()
    assert 'id="report-departments"' in html
    assert "市场部" in html and "200.00" in html
    assert signed.number in html


def test_monthly_report_refused_for_sales_and_bad_month_named(users, login):
    response = login(users["sales"]).get("/reports/monthly/")
    assert response.status_code == 403
    assert "只有财务部、各位总监、总经理和系统管理员" in response.content.decode()
    response = login(users["finance"]).get("/reports/monthly/?month=2025-13")
    assert response.status_code == 400
    assert "“月份”：请输入有效的月份" in response.content.decode()


def test_xlsx_build_is_polled_then_downloaded(signed, users, login):
    add_costs(signed, users["finance"], 1)
    month = today().strftime("%Y-%m")
    client = login(users["finance"])
    html = client.post(
        "/reports/monthly/build/", {"month": month, "format": "xlsx"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    # Eager in tests: the build is done by the time the partial renders
    assert 'data-state="ready"' in html
    token = html.split("/reports/monthly/build/")[1].split("/")[0]
    status = client.get(f"/reports/monthly/build/{token}/").content.decode()
    assert 'data-state="ready"' in status and "report-download" in status
    response = client.get(f"/reports/monthly/build/{token}/download/")
    assert response["Content-Disposition"].endswith(f'monthly-costs-{month}.xlsx"')
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert len(book.sheetnames) == 2
    # Another user cannot fetch this build
    assert login(users["cost_dir"]).get(f"/reports/monthly/build/{token}/").status_code == 404


def test_pending_build_polls_until_done(users, login, monkeypatch):
    from finance import views

    monkeypatch.setattr(views.monthly_report_build, "delay", lambda *a, **k: None)
    html = (
        login(users["finance"])
        .post("/reports/monthly/build/", {"month": "2025-01", "format": "pdf"})
        .content.decode()
    )
    assert 'data-state="pending"' in html and 'hx-trigger="every 1s"' in html
    assert "progress-bar" in html


def test_bad_build_request_is_explained(users, login):
    html = (
        login(users["finance"])
        .post("/reports/monthly/build/", {"month": "2025-01", "format": "doc"})
        .content.decode()
    )
    assert "“格式”：只支持 xlsx 或 pdf。" in html


def test_pdf_build(users, login):
    client = login(users["finance"])
    html = client.post("/reports/monthly/build/", {"month": "2025-01", "format": "pdf"}).content
    token = html.decode().split("/reports/monthly/build/")[1].split("/")[0]
    response = client.get(f"/reports/monthly/build/{token}/download/")
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_archived_report_download(users, login):
    from finance.reports.data import Month
    from finance.reports.services import monthly_report_generate

    monthly_report_generate(month=Month(date(2025, 1, 1)))
    client = login(users["gm"])
    html = client.get("/reports/monthly/?month=2025-01").content.decode()
    assert "/reports/monthly/archive/2025-01/xlsx/" in html
    response = client.get("/reports/monthly/archive/2025-01/pdf/")
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert client.get("/reports/monthly/archive/2025-02/pdf/").status_code == 404
