"""Uploads (size, extension, content sniff, SHA-256) and who may download a file."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from core.models import Attachment, AuditEvent

from .conftest import API_KIND

URL = "/api/v1/files/"
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n"


def upload(client, name="报告.pdf", content=PDF):
    return client.post(URL, {"file": SimpleUploadedFile(name, content)}, format="multipart")


def test_given_a_pdf_when_uploaded_then_its_name_size_and_sha256_come_back(eorg, client_for):
    response = upload(client_for(eorg.sales))
    assert response.status_code == 201
    body = response.json()
    assert body["name"] == "报告.pdf"
    assert body["size"] == len(PDF)
    assert body["sha256"] == hashlib.sha256(PDF).hexdigest()
    stored = Attachment.objects.get(pk=body["id"])
    assert stored.uploaded_by == eorg.sales
    assert stored.content_type == "application/pdf"
    assert AuditEvent.objects.filter(verb="attachment.uploaded").count() == 1


def test_a_windows_path_in_the_name_is_dropped(eorg, client_for):
    response = upload(client_for(eorg.sales), name="C:\\Users\\张\\合同.pdf")
    assert response.json()["name"] == "合同.pdf"


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("tool.exe", b"MZ\x90\x00", "不支持的文件类型"),
        ("noext", PDF, "不支持的文件类型"),
        ("photo.pdf", b"\x89PNG\r\n\x1a\n....", "不符"),
        ("readme.txt", b"MZ\x90\x00\x03", "可执行程序"),
        ("notes.txt", b"abc\x00def", "不符"),
        ("contract.docx", PDF, "不符"),
        ("empty.pdf", b"", "空文件"),
    ],
)
def test_bad_files_are_refused_in_chinese_and_nothing_is_stored(
    eorg, client_for, name, content, words
):
    response = upload(client_for(eorg.sales), name=name, content=content)
    assert response.status_code == 400
    body = response.json()
    assert words in body["message"]
    assert words in body["fields"]["file"]
    assert Attachment.objects.count() == 0


@override_settings(SIPM_UPLOAD_MAX_BYTES=16)
def test_a_file_over_the_limit_is_refused(eorg, client_for):
    response = upload(client_for(eorg.sales))
    assert response.status_code == 400
    assert "过大" in response.json()["fields"]["file"]
    assert Attachment.objects.count() == 0


def test_no_file_is_400(eorg, client_for):
    response = client_for(eorg.sales).post(URL, {}, format="multipart")
    assert response.status_code == 400
    assert "file" in response.json()["fields"]


def test_old_office_names_accept_ole_and_ooxml_content(eorg, client_for):
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 32
    assert upload(client_for(eorg.sales), "旧.doc", ole).status_code == 201
    assert upload(client_for(eorg.sales), "新.xls", b"PK\x03\x04rest").status_code == 201
    assert upload(client_for(eorg.sales), "说明.txt", "中文说明".encode()).status_code == 201


class TestDownload:
    def test_the_uploader_downloads_the_same_bytes(self, eorg, client_for):
        public_id = upload(client_for(eorg.sales)).json()["public_id"]
        response = client_for(eorg.sales).get(f"{URL}{public_id}/")
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF
        assert "attachment" in response["Content-Disposition"]

    def test_someone_else_gets_404_until_they_see_a_form_that_references_it(
        self, chain, eorg, client_for
    ):
        body = upload(client_for(eorg.sales)).json()
        file_id, public_id = body["id"], body["public_id"]
        assert client_for(eorg.mgr).get(f"{URL}{public_id}/").status_code == 404
        form = client_for(eorg.sales).post(
            "/api/v1/forms/",
            {"kind": API_KIND, "data": {"days": 1, "evidence": file_id}},
            format="json",
        )
        assert form.status_code == 201
        client_for(eorg.sales).post(f"/api/v1/forms/{form.json()['id']}/submit/")
        assert client_for(eorg.mgr).get(f"{URL}{public_id}/").status_code == 200
        response = client_for(eorg.outsider).get(f"{URL}{public_id}/")
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"

    def test_an_unknown_file_is_404(self, eorg, client_for):
        unknown = "00000000-0000-4000-8000-000000000000"
        assert client_for(eorg.sales).get(f"{URL}{unknown}/").status_code == 404

    def test_the_sequential_id_is_no_download_address(self, eorg, client_for):
        file_id = upload(client_for(eorg.sales)).json()["id"]
        assert client_for(eorg.sales).get(f"{URL}{file_id}/").status_code == 404
