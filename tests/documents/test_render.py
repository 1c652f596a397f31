"""The PDF itself: what it says, how it is typeset, and that it is reproducible."""

import io
import shutil
import subprocess

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image
from pypdf import PdfReader

from approvals.models import Form
from approvals.selectors import form_detail_queryset
from core.hashing import data_hash
from documents.render import render_html, render_pdf

from . import pdftools
from .conftest import approve_all, decide, sample_data, submit


def rendered(form):
    return render_pdf(form_detail_queryset().get(pk=form.pk))


class TestApprovedForm:
    def test_given_an_approved_form_then_each_row_pairs_label_value_and_decision(
        self, approved_form
    ):
        form = form_detail_queryset().get(pk=approved_form.pk)
        rows = pdftools.html_rows(render_html(form))
        when = timezone.localtime(form.decisions.first().created_at).strftime("%Y-%m-%d%H:%M")
        for expected in (
            "项目预计合同金额¥1,234,567.50项目预计成功率80.00%",
            "特殊项目否",
            "售前团队赵主管、孙售前",
            "1合同签订¥370,370.252025-07-15",
            "3终验¥246,913.50",
            f"部门经理部门经理审核王市场同意同意立项。王市场{when}",
            "成本总监成本总监审批售前费用郑成本由韩财务代签同意售前费用合理。韩财务",
            "总经理总经理批准不适用特殊项目为“否”",
            "原件存档商务拓展部",
            "抄送财务部",
        ):
            assert any(expected in row for row in rows), expected

    def test_given_an_approved_form_then_the_pdf_shows_fields_record_copies_and_footer(
        self, approved_form, org
    ):
        form = Form.objects.get(pk=approved_form.pk)
        content = rendered(form)
        pages = pdftools.pages_text(content)
        text = "".join(pages)

        # Title and numbers.
        assert "测试项目审批表" in pages[0]
        assert f"表单编号：{form.number}" in pages[0]
        # Fields with their Chinese labels, formatted.
        for label, value in (
            ("项目名称", "某市政务云平台建设项目"),
            ("客户单位名称", "某市大数据管理局"),
            ("项目预计合同金额", "¥1,234,567.50"),
            ("项目预计成功率", "80.00%"),
            ("特殊项目", "否"),
            ("项目级别", "重点"),
            ("工日", "120"),
            ("售前负责人", "孙售前"),
            ("售前团队", "赵主管、孙售前"),
            ("负责部门", "市场部"),
            ("项目估算报告", "估算报告.pdf（51KB）"),
            ("成本意见", "控制在预算内"),
        ):
            assert label in text and value in text, (label, value)
        # The rows field as a sub-table.
        for expected in ("序号", "节点", "合同签订", "¥370,370.25", "2025-07-15", "¥246,913.50"):
            assert expected in text, expected
        # The approval record: people, results, comments, and 代签.
        for expected in ("王市场", "同意立项。", "吴总监", "周技术", "技术方案可行。", "不适用"):
            assert expected in text, expected
        assert "郑成本" in text and "由韩财务代签" in text
        # Copies, approval time and the trust footer.
        for expected in ("抄送/存档", "原件存档", "商务拓展部", "抄送", "财务部", "批准时间"):
            assert expected in text, expected
        assert form.approved_data_hash in text
        assert f"/verify/{form.approved_data_hash}/" in text
        total = len(pages)
        for n, page in enumerate(pages, start=1):
            assert f"第{n}页/共{total}页" in page
            assert form.approved_data_hash in page
        assert "审批中" not in text

    def test_the_chinese_text_is_set_in_an_embedded_noto_cjk_font(self, approved_form):
        fonts = pdftools.font_names(rendered(approved_form))
        assert fonts
        assert all("NotoSansCJK" in name.replace("-", "") for name in fonts), fonts

    def test_the_same_approved_form_renders_to_the_same_bytes(self, approved_form):
        first = rendered(approved_form)
        second = rendered(approved_form)
        assert first == second
        # Dated by the approval, not by the clock of the rendering.
        meta = PdfReader(io.BytesIO(first)).metadata
        closed = Form.objects.get(pk=approved_form.pk).closed_at.replace(microsecond=0)
        assert meta.modification_date == closed

    def test_page_one_is_saved_as_a_png_artifact(self, approved_form):
        png = pdftools.save_page_png(rendered(approved_form), "approved_test_doc")
        with Image.open(png) as image:
            # A4 (210 × 297 mm) at 80 dpi.
            width, height = image.size
            assert 655 <= width <= 665 and 930 <= height <= 940


class TestInReviewForm:
    def test_given_a_form_in_review_then_it_is_marked_not_final_on_every_page(self, in_review_form):
        form = Form.objects.get(pk=in_review_form.pk)
        content = rendered(form)
        pages = pdftools.pages_text(content)
        assert "尚未最终批准" in pages[0]
        for page in pages:
            assert "审批中（非最终版本）" in page
            assert data_hash(form.data) in page
        text = "".join(pages)
        # The active step shows who it waits on; later steps wait.
        assert "郑成本" in text and "审批中" in text and "待审批" in text
        assert "抄送/存档（批准后）" in text
        pdftools.save_page_png(content, "in_review_test_doc")


class TestRecordDetails:
    def test_a_signature_image_replaces_the_typeset_name(self, doc_chain, org):
        buffer = io.BytesIO()
        Image.new("RGB", (120, 40), "white").save(buffer, format="PNG")
        org["sales_dir"].signature.save("wu.png", ContentFile(buffer.getvalue()), save=True)
        signed = rendered(approve_all(org, submit(org)))
        org["sales_dir"].signature.delete(save=True)
        plain = rendered(approve_all(org, submit(org), delegated=False))

        def signature_images(content):
            # The footer's QR code is one image; any other is a signature.
            return len(pdftools.image_objects(content)) - 1

        assert signature_images(signed) == 1
        assert signature_images(plain) == 0

    def test_a_return_and_resubmission_shows_both_rounds(self, doc_chain, org):
        from approvals import services

        form = submit(org)
        decide(org, "mkt_mgr", form, "return", comment="请补充客户资金情况。")
        services.form_submit(acting_user=org["sales"], form_id=form.pk)
        form = approve_all(org, form)
        text = pdftools.text(rendered(form))
        assert "第1次提交" in text and "第2次提交" in text
        assert "退回" in text and "请补充客户资金情况。" in text
        rows = pdftools.html_rows(render_html(form_detail_queryset().get(pk=form.pk)))
        assert any("王市场退回请补充客户资金情况。" in row for row in rows)

    def test_a_long_table_breaks_across_pages_with_its_header_repeated(self, doc_chain, org):
        rows = [
            {"milestone": f"第{i}期付款", "amount": "1000.00", "due_date": "2025-07-15"}
            for i in range(1, 71)
        ]
        form = approve_all(org, submit(org, sample_data(org, payment_terms=rows)))
        content = rendered(form)
        pdftools.save_page_png(content, "long_table_page2", page=2)
        pages = pdftools.pages_text(content)
        assert len(pages) >= 3
        with_rows = [p for p in pages if "期付款" in p]
        assert len(with_rows) >= 2
        for page in with_rows:
            assert "序号节点金额预计日期" in page
        assert "第70期付款" in "".join(pages)


@pytest.mark.django_db
def test_a_real_initiation_form_renders_with_its_project_number(org):
    from approvals import services
    from approvals.kinds import get_kind
    from approvals.models import ChainStepTemplate, ChainTemplate

    kind = get_kind("initiation", missing_ok=True)
    if kind is None:
        pytest.skip("projects.forms does not register the initiation kind")
    if not ChainTemplate.objects.filter(kind="initiation", is_active=True).exists():
        chain = ChainTemplate.objects.create(kind="initiation", version=1, name="立项审批")
        for i, (name, role, approvers) in enumerate(
            [
                ("部门经理审核", "部门经理", "dept_manager:submitter"),
                ("审批售前销售费用", "成本总监", "role:COST_DIR"),
                ("批准立项", "分管销售总监", "role:SALES_DIR"),
            ],
            start=1,
        ):
            ChainStepTemplate.objects.create(
                template=chain, order=i, name=name, role_label=role, approvers=approvers
            )
    data = {
        "project_name": "某银行数据中心机房改造",
        "client_name": "某银行股份有限公司",
        "client_address": "上海市浦东新区世纪大道 100 号",
        "client_contact": "刘经理",
        "client_phone": "021-12345678",
        "summary": "机房供配电、空调与综合布线改造。",
        "estimated_amount": "2800000",
        "client_funding": "资金已列入年度预算。",
        "success_rate": "70",
        "expected_sign_date": "2099-06-30",
        "feasibility": "客户关系良好，技术方案成熟。",
        "presales_budget": "30000",
    }
    form = services.form_create(acting_user=org["sales"], kind="initiation", data=data)
    services.form_submit(acting_user=org["sales"], form_id=form.pk)
    form = Form.objects.get(pk=form.pk)
    for who in ("mkt_mgr", "cost_dir", "sales_dir", "gm"):
        if form.status != "in_review":
            break
        form = services.form_decide(
            acting_user=org[who], form_id=form.pk, decision="approve", comment="同意"
        )
    assert form.status == "approved"
    content = rendered(form)
    text = pdftools.text(content)
    assert "系统集成类项目立项书" in text
    assert form.project.number in text
    assert "项目预计合同金额¥2,800,000.00" in text
    assert "预计售前费用¥30,000.00" in text
    pdftools.save_page_png(content, "initiation")


@pytest.mark.skipif(shutil.which("zbarimg") is None, reason="zbar-tools (zbarimg) not installed")
def test_the_qr_code_decodes_to_the_verification_link(approved_form, tmp_path):
    form = Form.objects.get(pk=approved_form.pk)
    pdf = tmp_path / "doc.pdf"
    pdf.write_bytes(rendered(form))
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "200",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            pdf,
            tmp_path / "p1",
        ],
        check=True,
    )
    out = subprocess.run(
        ["zbarimg", "-q", "--raw", tmp_path / "p1.png"], capture_output=True, text=True
    ).stdout.strip()
    assert out.endswith(f"/verify/{form.approved_data_hash}/")
