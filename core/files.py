"""Stored files: the upload service (size, extension, content sniff, SHA-256, audit).

Which forms may cite a file and who may download it are the engine's rules
(approvals.attachments)."""

import hashlib
import mimetypes
import os
import uuid

from django.conf import settings
from django.core.files.base import File
from django.db import transaction
from django.utils.translation import gettext as _

from sipm.errors import InvalidInput

from .audit import audit_append
from .models import Attachment

# Leading bytes of the formats we accept, and of executables we never accept.
SIGNATURES = (
    (b"%PDF-", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"PK\x03\x04", "zip"),
    (b"PK\x05\x06", "zip"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole"),
    (b"Rar!\x1a\x07", "rar"),
    (b"7z\xbc\xaf\x27\x1c", "7z"),
    (b"MZ", "exe"),
    (b"\x7fELF", "exe"),
    (b"\xca\xfe\xba\xbe", "exe"),
    (b"\xcf\xfa\xed\xfe", "exe"),
)
# What the leading bytes may be for each extension. None: no known signature (text, RTF, HTML
# exports that office suites save as .doc/.xls). Old office names also accept OOXML content,
# which users often get by renaming.
EXPECTED: dict[str, set[str | None]] = {
    "pdf": {"pdf"},
    "png": {"png"},
    "jpg": {"jpeg"},
    "jpeg": {"jpeg"},
    "zip": {"zip"},
    "docx": {"zip"},
    "xlsx": {"zip"},
    "pptx": {"zip"},
    "rar": {"rar"},
    "7z": {"7z"},
    "doc": {"ole", "zip", None},
    "xls": {"ole", "zip", None},
    "ppt": {"ole", "zip", None},
    "txt": {None},
}
MAX_NAME = 255


def _sniff(head: bytes):
    for magic, kind in SIGNATURES:
        if head.startswith(magic):
            return kind
    return None


def _extension(name: str) -> str:
    _root, ext = os.path.splitext(name)
    return ext[1:].lower()


def _clean_name(name: str) -> str:
    # Browsers on Windows may send a full path; keep only the last part.
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    name = "".join(ch for ch in name if ch.isprintable())
    if len(name) > MAX_NAME:
        root, ext = os.path.splitext(name)
        name = root[: MAX_NAME - len(ext)] + ext
    return name


def _refuse(message):
    raise InvalidInput(message, fields={"file": message})


def attachment_upload(*, acting_user, uploaded_file) -> Attachment:
    """Check and store one uploaded file; nothing is stored when a check fails."""
    if uploaded_file is None:
        _refuse(_("请选择要上传的文件。"))
    name = _clean_name(uploaded_file.name)
    ext = _extension(name)
    allowed = [e.lower() for e in settings.SIPM_UPLOAD_EXTENSIONS]
    if not name or not ext or ext not in allowed:
        _refuse(
            _("不支持的文件类型“%(ext)s”，允许的类型：%(allowed)s。")
            % {"ext": ext or _("无扩展名"), "allowed": "、".join(allowed)}
        )
    limit = settings.SIPM_UPLOAD_MAX_BYTES
    if uploaded_file.size > limit:
        _refuse(
            _("文件“%(name)s”过大（%(size)s），不能超过 %(limit)s。")
            % {"name": name, "size": _human(uploaded_file.size), "limit": _human(limit)}
        )
    if uploaded_file.size == 0:
        _refuse(_("文件“%(name)s”是空文件。") % {"name": name})
    uploaded_file.seek(0)
    head = uploaded_file.read(8192)
    found = _sniff(head)
    if found == "exe":
        _refuse(_("文件“%(name)s”是可执行程序，不允许上传。") % {"name": name})
    expected = EXPECTED.get(ext, {None, *(k for _m, k in SIGNATURES if k != "exe")})
    if found not in expected or (ext == "txt" and b"\x00" in head):
        _refuse(_("文件“%(name)s”的内容与扩展名 .%(ext)s 不符。") % {"name": name, "ext": ext})
    digest = hashlib.sha256()
    uploaded_file.seek(0)
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
    uploaded_file.seek(0)
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    attachment = Attachment(
        original_name=name,
        size=uploaded_file.size,
        content_type=content_type,
        sha256=digest.hexdigest(),
        uploaded_by=acting_user,
    )
    # The stored name is random: the original name is kept for display and download only.
    attachment.file.save(f"{uuid.uuid4().hex}.{ext}", File(uploaded_file), save=False)
    try:
        with transaction.atomic():
            attachment.save()
            audit_append(
                verb="attachment.uploaded",
                actor=acting_user,
                payload={
                    "attachment": attachment.pk,
                    "name": name,
                    "size": attachment.size,
                    "sha256": attachment.sha256,
                },
            )
    except Exception:
        # Nothing stored when the row is not: remove the orphan file.
        attachment.file.delete(save=False)
        raise
    return attachment


def _human(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size} B"
