"""Downloading the PDF (API and web), storing it once, and the public verification page."""

import hashlib
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from knox.models import AuthToken
from rest_framework.test import APIClient

from approvals import services
from approvals.models import Form
from core.hashing import data_hash
from core.models import AuditEvent
from documents import services as doc_services
from documents.models import RenderedDocument

from . import pdftools
from .conftest import DOC_KIND, decide, sample_data, submit

SHANGHAI = ZoneInfo("Asia/Shanghai")


def api_as(user):
    client = APIClient()
    _instance, token = AuthToken.objects.create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def pdf_url(form):
    return reverse("api-form-pdf", args=[form.pk])


class TestApiDownload:
    def test_given_an_approved_form_when_downloaded_then_it_is_stored_once_and_served_again(
        self, approved_form, org, monkeypatch
    ):
        response = api_as(org["sales"]).get(pdf_url(approved_form))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert "attachment" in response["Content-Disposition"]
        doc = RenderedDocument.objects.get(form=approved_form)
        assert doc.sha256 == hashlib.sha256(response.content).hexdigest()
        assert response["X-Document-SHA256"] == doc.sha256
        assert response["X-Document-Final"] == "1"
        assert doc.data_hash == Form.objects.get(pk=approved_form.pk).approved_data_hash
        assert (
            AuditEvent.objects.filter(form_id=approved_form.pk, verb="document.issued").count() == 1
        )

        # Then: later downloads come from storage, byte for byte, without rendering.
        def no_render(form):
            raise AssertionError("rendered again")

        monkeypatch.setattr(doc_services, "render_pdf", no_render)
        again = api_as(org["gm"]).get(pdf_url(approved_form))
        assert again.status_code == 200
        assert again.content == response.content
        assert RenderedDocument.objects.filter(form=approved_form).count() == 1

    def test_a_stored_file_that_was_altered_is_rendered_again_to_the_same_bytes(
        self, approved_form, org
    ):
        first = api_as(org["sales"]).get(pdf_url(approved_form)).content
        doc = RenderedDocument.objects.get(form=approved_form)
        with doc.file.open("wb") as fh:
            fh.write(b"%PDF-1.7 tampered")
        second = api_as(org["sales"]).get(pdf_url(approved_form))
        assert second.content == first
        assert AuditEvent.objects.filter(
            form_id=approved_form.pk, verb="document.restored"
        ).exists()

    def test_a_form_in_review_is_rendered_on_demand_and_not_stored(self, in_review_form, org):
        response = api_as(org["sales"]).get(pdf_url(in_review_form))
        assert response.status_code == 200
        assert response["X-Document-Final"] == "0"
        assert "审批中（非最终版本）" in pdftools.text(response.content)
        assert not RenderedDocument.objects.exists()

    def test_a_draft_is_refused_with_409_json(self, doc_chain, org):
        draft = services.form_create(acting_user=org["sales"], kind=DOC_KIND, data=sample_data(org))
        response = api_as(org["sales"]).get(pdf_url(draft))
        assert response.status_code == 409
        assert response.json()["code"] == "not_printable"
        assert "草稿" in response.json()["message"]

    def test_a_rejected_form_is_refused_too(self, doc_chain, org):
        form = decide(org, "mkt_mgr", submit(org), "reject", comment="不立项。")
        response = api_as(org["sales"]).get(pdf_url(form))
        assert response.status_code == 409

    def test_a_user_who_cannot_see_the_form_gets_404(self, approved_form, org):
        response = api_as(org["staff"]).get(pdf_url(approved_form))
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
        assert not RenderedDocument.objects.exists()

    def test_a_copy_department_member_may_download(self, approved_form, org):
        # 杨商务 (商务拓展部) keeps the original.
        assert api_as(org["bd"]).get(pdf_url(approved_form)).status_code == 200

    def test_an_anonymous_request_is_refused(self, approved_form):
        response = APIClient().get(pdf_url(approved_form))
        assert response.status_code in (401, 403)

    def test_an_accept_header_for_pdf_still_gets_json_errors(self, doc_chain, org):
        draft = services.form_create(acting_user=org["sales"], kind=DOC_KIND, data=sample_data(org))
        response = api_as(org["sales"]).get(pdf_url(draft), HTTP_ACCEPT="application/pdf")
        assert response.status_code == 409
        assert response.json()["code"] == "not_printable"


class TestWebDownload:
    def test_the_form_page_button_downloads_the_pdf_with_a_session(
        self, approved_form, org, client
    ):
        client.force_login(org["sales"])
        response = client.get(reverse("form-pdf", args=[approved_form.pk]))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert "filename*=UTF-8''" in response["Content-Disposition"]

    def test_a_stored_download_reads_the_form_and_its_file_only(
        self, approved_form, org, client, django_assert_max_num_queries
    ):
        """A re-download is a file read: session, user, the form, the user's roles and
        delegations, its visibility, the stored document (none of the form's steps, decisions or
        copies)."""
        client.force_login(org["sales"])
        first = client.get(reverse("form-pdf", args=[approved_form.pk]))
        assert first.status_code == 200
        with django_assert_max_num_queries(7):
            again = client.get(reverse("form-pdf", args=[approved_form.pk]))
        assert again.status_code == 200 and again.content == first.content

    def test_a_draft_shows_a_chinese_message_with_409(self, doc_chain, org, client):
        draft = services.form_create(acting_user=org["sales"], kind=DOC_KIND, data=sample_data(org))
        client.force_login(org["sales"])
        response = client.get(reverse("form-pdf", args=[draft.pk]))
        assert response.status_code == 409
        assert "只有审批中或已批准的表单可以下载 PDF" in response.content.decode()

    def test_an_invisible_form_is_404(self, approved_form, org, client):
        client.force_login(org["staff"])
        assert client.get(reverse("form-pdf", args=[approved_form.pk])).status_code == 404


class TestVerification:
    def test_the_approved_data_hash_is_on_record_without_login(self, approved_form, client):
        form = Form.objects.get(pk=approved_form.pk)
        response = client.get(reverse("document-verify", args=[form.approved_data_hash]))
        assert response.status_code == 200
        page = response.content.decode()
        assert 'data-result="on-record"' in page
        assert form.number in page and "测试项目审批表" in page
        assert form.closed_at.astimezone(SHANGHAI).strftime("%Y-%m-%d") in page
        # Nothing more: not the content, not the people.
        for secret in ("某市政务云平台建设项目", "某市大数据管理局", "张销售", "1,234,567"):
            assert secret not in page

    def test_the_pdf_files_own_hash_is_on_record(self, approved_form, org, client):
        content = doc_services.document_download(
            acting_user=org["sales"], form_id=approved_form.pk
        ).content
        digest = hashlib.sha256(content).hexdigest()
        response = client.get(reverse("document-verify", args=[digest]))
        assert 'data-result="on-record"' in response.content.decode()
        assert "PDF 文件摘要" in response.content.decode()

    def test_uploading_the_pdf_checks_its_hash(self, approved_form, org, client):
        from django.core.files.uploadedfile import SimpleUploadedFile

        content = doc_services.document_download(
            acting_user=org["sales"], form_id=approved_form.pk
        ).content
        response = client.post(
            reverse("document-verify-lookup"),
            {"file": SimpleUploadedFile("x.pdf", content, "application/pdf")},
            follow=True,
        )
        assert 'data-result="on-record"' in response.content.decode()
        altered = content.replace(b"%%EOF", b"%%EOF\n%")
        response = client.post(
            reverse("document-verify-lookup"),
            {"file": SimpleUploadedFile("x.pdf", altered, "application/pdf")},
            follow=True,
        )
        assert 'data-result="not-on-record"' in response.content.decode()

    def test_an_unknown_or_in_review_hash_is_not_on_record(self, in_review_form, client):
        form = Form.objects.get(pk=in_review_form.pk)
        for digest in ("0" * 64, data_hash(form.data)):
            response = client.get(reverse("document-verify", args=[digest]))
            assert response.status_code == 200
            page = response.content.decode()
            assert 'data-result="not-on-record"' in page
            assert form.number not in page

    def test_a_malformed_hash_is_a_clear_400(self, client):
        response = client.get(reverse("document-verify", args=["not-a-hash"]))
        assert response.status_code == 400
        assert "不是有效的 SHA-256 摘要" in response.content.decode()

    def test_the_lookup_form_redirects_a_pasted_hash(self, client):
        digest = "A" * 64
        response = client.get(reverse("document-verify-lookup"), {"hash": f" {digest} "})
        assert response.status_code == 302
        assert response["Location"] == reverse("document-verify", args=[digest.lower()])

    def test_the_api_answers_the_same_without_login(self, approved_form):
        form = Form.objects.get(pk=approved_form.pk)
        client = APIClient()
        body = client.get(reverse("api-document-verify", args=[form.approved_data_hash])).json()
        assert body["on_record"] is True
        assert body["documents"] == [
            {
                "number": form.number,
                "title": "测试项目审批表",
                "approved_on": form.closed_at.astimezone(SHANGHAI).date().isoformat(),
                "matched": "data",
            }
        ]
        assert (
            client.get(reverse("api-document-verify", args=["f" * 64])).json()["on_record"] is False
        )


@pytest.mark.django_db
def test_issuing_a_draft_document_is_refused(doc_chain, org):
    from sipm.errors import Conflict

    form = submit(org)
    with pytest.raises(Conflict):
        doc_services.document_issue(form_id=form.pk)
    assert not RenderedDocument.objects.exists()


def test_the_background_task_issues_once(approved_form):
    from documents.tasks import render_approved_form

    first = render_approved_form(approved_form.pk)
    second = render_approved_form(approved_form.pk)
    assert first == second == RenderedDocument.objects.get(form=approved_form).sha256
    assert AuditEvent.objects.filter(form_id=approved_form.pk, verb="document.issued").count() == 1


def test_the_pdf_button_shows_only_for_printable_forms(approved_form, in_review_form, org):
    from django.template.loader import render_to_string

    draft = services.form_create(acting_user=org["sales"], kind=DOC_KIND, data=sample_data(org))
    url = reverse("form-pdf", args=[approved_form.pk])
    assert url in render_to_string("documents/_pdf_button.html", {"form": approved_form})
    assert "审批中" in render_to_string("documents/_pdf_button.html", {"form": in_review_form})
    assert "form-pdf" not in render_to_string("documents/_pdf_button.html", {"form": draft})
