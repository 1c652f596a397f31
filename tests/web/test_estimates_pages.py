"""Given an initiated project with its pre-sales lead, when 技术服务部, the lead, sales and
项目管理部 use the project page's panels, then the 项目估算报告 is uploaded, signed and cited by
a 报价审批表 draft, the pre-sales work is recorded and evaluated, and the deadlines are listed —
each refusal a clear Chinese message with nothing changed."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from approvals.models import Form
from core.models import Attachment
from projects.demo import pdf_upload
from projects.estimates import estimate_report_sign, estimate_report_upload
from projects.models import EstimateReport, PresalesRecord
from projects.presales import presales_record_work

SIZES = [5, 100]
MAX_PANEL = 12


def pdf(name="估算报告.pdf"):
    return SimpleUploadedFile(
        name, b"%PDF-1.4\n% estimate\n%%EOF\n", content_type="application/pdf"
    )


@pytest.fixture
def project(driver):
    project = driver.initiate("估算测试项目").project
    driver.presales(project)
    project.refresh_from_db()
    return project


def htmx(client):
    client.defaults["HTTP_HX_REQUEST"] = "true"
    return client


def test_project_page_loads_the_panels(project, users, login):
    html = login(users["sales"]).get(f"/projects/{project.pk}/").content.decode()
    assert f"/projects/{project.pk}/estimates/" in html
    assert f"/projects/{project.pk}/presales/" in html
    assert f"/projects/{project.pk}/deadlines/" in html


def test_ts_member_uploads_then_the_lead_signs(project, users, login):
    # Given 技术服务部's supervisor on the panel
    client = htmx(login(users["ts_lead"]))
    panel = client.get(f"/projects/{project.pk}/estimates/").content.decode()
    assert "estimate-upload-form" in panel
    # When the report is uploaded
    response = client.post(
        f"/projects/{project.pk}/estimates/upload/", {"file": pdf(), "title": "估算 V1"}
    )
    # Then the panel shows it waiting for the lead's signature
    html = response.content.decode()
    assert response.status_code == 200
    assert "估算 V1" in html and "待售前负责人签字" in html
    report = EstimateReport.objects.get()
    assert report.uploaded_by == users["ts_lead"] and not report.is_signed

    # When the pre-sales lead opens the panel, reads the file and signs
    lead = htmx(login(users["presales"]))
    download = lead.get(f"/projects/{project.pk}/estimates/{report.pk}/file/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert "签字确认" in lead.get(f"/projects/{project.pk}/estimates/").content.decode()
    html = lead.post(f"/projects/{project.pk}/estimates/{report.pk}/sign/").content.decode()
    # Then it is signed by them
    report.refresh_from_db()
    assert report.signed_by == users["presales"]
    assert "已签字" in html and "已签字确认估算报告" in html


def stored_files():
    from pathlib import Path

    from django.conf import settings

    return sorted(str(p) for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file())


def test_someone_outside_ts_is_refused_inline_and_nothing_is_kept(project, users, login):
    before = stored_files()
    client = htmx(login(users["sales"]))
    panel = client.get(f"/projects/{project.pk}/estimates/").content.decode()
    assert "estimate-upload-form" not in panel
    response = client.post(f"/projects/{project.pk}/estimates/upload/", {"file": pdf()})
    assert "项目估算报告由技术服务部提交" in response.content.decode()
    assert EstimateReport.objects.count() == 0
    assert not Attachment.objects.filter(uploaded_by=users["sales"]).exists()
    assert stored_files() == before  # the refused upload's file is not left behind


def test_missing_or_bad_file_is_named_under_the_field(project, users, login):
    client = htmx(login(users["ts_lead"]))
    html = client.post(f"/projects/{project.pk}/estimates/upload/", {}).content.decode()
    assert "“估算报告文件”：请选择要上传的文件。" in html and "is-invalid" in html
    bad = SimpleUploadedFile("报告.pdf", b"not a pdf at all", content_type="application/pdf")
    html = client.post(f"/projects/{project.pk}/estimates/upload/", {"file": bad}).content.decode()
    assert "“估算报告文件”" in html and "不符" in html
    assert EstimateReport.objects.count() == 0


def test_plain_post_error_gets_a_page_with_status_400(project, users, login):
    response = login(users["ts_lead"]).post(f"/projects/{project.pk}/estimates/upload/", {})
    assert response.status_code == 400
    assert "“估算报告文件”：请选择要上传的文件。" in response.content.decode()


def test_only_the_lead_may_sign(project, users, login):
    attachment = pdf_upload(users["ts_lead"], "估算.pdf")
    report = estimate_report_upload(
        acting_user=users["ts_lead"], project_id=project.pk, attachment_id=attachment.pk
    )
    client = htmx(login(users["sales_dir"]))
    assert "签字确认" not in client.get(f"/projects/{project.pk}/estimates/").content.decode()
    html = client.post(f"/projects/{project.pk}/estimates/{report.pk}/sign/").content.decode()
    assert "只有本项目的售前负责人可以在估算报告上签字" in html
    report.refresh_from_db()
    assert not report.is_signed


def test_sales_starts_a_quotation_citing_the_signed_report(project, driver, users, login):
    report = driver.estimate(project)
    client = login(users["sales"])
    panel = client.get(f"/projects/{project.pk}/estimates/").content.decode()
    assert "据此发起报价审批表" in panel
    response = client.post(f"/projects/{project.pk}/estimates/{report.pk}/quote/")
    form = Form.objects.get(kind="quotation")
    assert response.url == f"/forms/{form.pk}/edit/"
    assert form.data["estimate_report"] == report.attachment_id
    assert form.status == "draft"
    # The edit page offers the project's signed reports, the cited one selected
    page = client.get(f"/forms/{form.pk}/edit/").content.decode()
    assert f'<option value="{report.attachment_id}" selected>' in page
    # When sales fills in the rest, the cited report stays
    client.post(
        f"/forms/{form.pk}/edit/",
        {
            "estimate_report": str(report.attachment_id),
            "list_price": "1000000",
            "sales_expense": "20000",
            "quote_amount": "900000",
        },
    )
    form.refresh_from_db()
    assert form.data["estimate_report"] == report.attachment_id
    assert form.data["quote_amount"] == "900000.00"
    client.post(f"/forms/{form.pk}/submit/", {"revision": form.revision})
    form.refresh_from_db()
    assert form.status == "in_review"


def test_unsigned_report_cannot_be_quoted(project, users, login):
    attachment = pdf_upload(users["ts_lead"], "估算.pdf")
    report = estimate_report_upload(
        acting_user=users["ts_lead"], project_id=project.pk, attachment_id=attachment.pk
    )
    response = login(users["sales"]).post(
        f"/projects/{project.pk}/estimates/{report.pk}/quote/", follow=True
    )
    assert "尚未经售前负责人签字" in response.content.decode()
    assert not Form.objects.filter(kind="quotation").exists()


def test_others_get_404(project, users, login):
    client = login(users["staff"])
    for url in ("estimates/", "presales/", "deadlines/"):
        assert client.get(f"/projects/{project.pk}/{url}").status_code == 404
    assert client.post(f"/projects/{project.pk}/estimates/upload/", {}).status_code == 404


def _presales_form(project):
    return Form.objects.get(project=project, kind="presales")


def test_lead_records_work_then_pmo_evaluates(project, users, login):
    form = _presales_form(project)
    lead = htmx(login(users["presales"]))
    html = lead.get(f"/projects/{project.pk}/presales/").content.decode()
    assert "提交工作记录" in html
    # An empty record is refused under its field
    html = lead.post(
        f"/projects/{project.pk}/presales/{form.pk}/record/", {"work_record": " "}
    ).content.decode()
    assert "工作记录：必填。" in html
    assert not PresalesRecord.objects.exists()
    html = lead.post(
        f"/projects/{project.pk}/presales/{form.pk}/record/", {"work_record": "完成现场调研与方案"}
    ).content.decode()
    assert "完成现场调研与方案" in html and "待项目管理部评估" in html

    pmo = htmx(login(users["pmo"]))
    html = pmo.get(f"/projects/{project.pk}/presales/").content.decode()
    assert "提交评估" in html
    html = pmo.post(
        f"/projects/{project.pk}/presales/{form.pk}/evaluate/", {"evaluation": "方案质量好"}
    ).content.decode()
    assert "已评估" in html and "方案质量好" in html
    record = PresalesRecord.objects.get()
    assert record.evaluated_by == users["pmo"]


def test_only_pmo_evaluates(project, users, login):
    form = _presales_form(project)
    presales_record_work(acting_user=users["presales"], form_id=form.pk, work_record="调研")
    client = htmx(login(users["sales"]))
    html = client.post(
        f"/projects/{project.pk}/presales/{form.pk}/evaluate/", {"evaluation": "好"}
    ).content.decode()
    assert "售前支持工作评估由项目管理部进行" in html
    assert PresalesRecord.objects.get().evaluated_at is None


def test_deadlines_panel_shows_status_badges(driver, users, login):
    project = driver.initiate("期限测试项目").project
    driver.presales(project)
    driver.quotation(project, driver.estimate(project))
    driver.budget(project)
    driver.contract(project, "HT-T-001")
    html = login(users["sales"]).get(f"/projects/{project.pk}/deadlines/").content.decode()
    assert "办理项目委托书" in html and "进行中" in html
    assert "成本台账" in html  # the sales lead sees the project's money pages


def test_deadlines_panel_without_money_links_for_others(project, users, login):
    html = login(users["presales"]).get(f"/projects/{project.pk}/deadlines/").content.decode()
    assert "暂无期限事项" in html
    assert "成本台账" not in html


@pytest.mark.parametrize("n", SIZES)
def test_estimate_panel_query_count_is_flat(
    project, users, login, django_assert_max_num_queries, n
):
    for i in range(n):
        attachment = pdf_upload(users["ts_lead"], f"估算{i}.pdf")
        report = estimate_report_upload(
            acting_user=users["ts_lead"], project_id=project.pk, attachment_id=attachment.pk
        )
        if i % 2:
            estimate_report_sign(acting_user=users["presales"], report_id=report.pk)
    client = login(users["sales"])
    with django_assert_max_num_queries(MAX_PANEL):
        response = client.get(f"/projects/{project.pk}/estimates/")
    assert response.content.decode().count("data-report=") == n


@pytest.mark.parametrize("n", SIZES)
def test_presales_panel_query_count_is_flat(
    project, users, login, driver, django_assert_max_num_queries, n
):
    for i in range(n - 1):
        form = driver.presales(project)
        if i % 2:
            presales_record_work(acting_user=users["presales"], form_id=form.pk, work_record="记")
    client = login(users["pmo"])
    with django_assert_max_num_queries(MAX_PANEL):
        response = client.get(f"/projects/{project.pk}/presales/")
    assert response.content.decode().count("data-presales=") == n


def test_deadline_badges_for_met_overdue_and_late(project, users, login, monkeypatch):
    import datetime

    from notifications import views as deadline_views

    day = datetime.date(2026, 3, 2)
    met = datetime.datetime(2026, 3, 1, 10, tzinfo=datetime.UTC)

    def fake(p):
        assert p.pk == project.pk
        return [
            {
                "kind": "commission_issue",
                "label": "办理委托书",
                "due_date": day,
                "status": "met",
                "met_at": met,
                "form_id": None,
            },
            {
                "kind": "final_accounts",
                "label": "项目决算",
                "due_date": day,
                "status": "overdue",
                "met_at": None,
                "form_id": None,
            },
            {
                "kind": "budget_change_notice",
                "label": "预算变更告知",
                "due_date": day,
                "status": "overdue",
                "met_at": met,
                "form_id": None,
            },
        ]

    monkeypatch.setattr(deadline_views, "project_deadlines", fake)
    html = login(users["sales"]).get(f"/projects/{project.pk}/deadlines/").content.decode()
    assert 'text-bg-success align-self-start">按时完成' in html
    assert 'text-bg-danger align-self-start">已逾期' in html
    assert 'text-bg-danger align-self-start">逾期完成' in html
    assert "2026-03-02" in html
