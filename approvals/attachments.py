"""Attachments: the upload service (size, extension, content sniff, SHA-256, audit), which files
a form may cite, and who may download a file.

A form may cite (in a file field) only a file its author uploaded, or a record of the form's own
project that the author may see: a file another form of that project they see already cites, or
a project record registered by a source (projects: the signed estimate reports). This is checked
when the file is cited (create, update, a step's fill-in), so a form's citations can be trusted:
a file is downloaded by its uploader and by whoever sees a form that cites it. Downloads are
addressed by the file's random `public_id`, never by its sequential id."""

import hashlib
import mimetypes
import os
import uuid

from django.conf import settings
from django.core.files.base import File
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from sipm.errors import InvalidInput, NotVisible

from .audit import audit_append
from .kinds import all_kinds
from .models import Attachment, Form, FormStatus
from .selectors import forms_visible_to

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


def _file_fields(kind):
    return [f.name for f in kind.fields if f.type == "file"]


def _referencing_forms_filter(attachment_id: int) -> Q:
    """Forms whose top-level file fields hold this attachment id."""
    condition = Q(pk__in=[])
    for kind in all_kinds():
        for name in _file_fields(kind):
            condition |= Q(kind=kind.slug, **{f"data__{name}": attachment_id})
    return condition


# Sources of project records a form of the project may cite: f(user, project, attachment_id)
# → bool, each checking that the user may see the record. Registered by the apps that own them.
_PROJECT_FILE_SOURCES = []


def register_project_file_source(source):
    if source not in _PROJECT_FILE_SOURCES:
        _PROJECT_FILE_SOURCES.append(source)
    return source


def may_cite(*, user, project, attachment) -> bool:
    """Own upload, or a record of the same project that the user may see."""
    if attachment.uploaded_by_id == user.pk:
        return True
    if project is None:
        return False
    cited = Form.objects.filter(_referencing_forms_filter(attachment.pk), project=project)
    if forms_visible_to(user, cited.exclude(status=FormStatus.DRAFT)).exists():
        return True
    return any(source(user, project, attachment.pk) for source in _PROJECT_FILE_SOURCES)


def refuse_foreign_files(*, acting_user, spec, project, values, old=None):
    """Raise InvalidInput naming each file field whose newly cited file the user may not cite.

    `values` are cleaned field values; a value already in `old` (the form's stored data) was
    checked when it was first cited."""
    old = old or {}
    errors = {}
    for field in spec.fields:
        if field.type != "file":
            continue
        value = values.get(field.name)
        if value is None or value == old.get(field.name):
            continue
        attachment = Attachment.objects.filter(pk=value).first()
        if attachment is None or not may_cite(
            user=acting_user, project=project, attachment=attachment
        ):
            errors[field.name] = _("只能引用本人上传的文件，或本项目中您有权查看的文件。")
    if errors:
        raise InvalidInput(
            _("表单填写有误：") + "；".join(errors.values()), fields=errors, code="invalid"
        )


def attachment_for_download(*, user, public_id) -> Attachment:
    """The attachment if the user uploaded it or sees a form that cites it; else 404.

    A draft's citation counts only when the draft's author uploaded the file (citations made
    before the citing rule existed are not trusted)."""
    attachment = Attachment.objects.filter(public_id=public_id).first()
    if attachment is not None and attachment.uploaded_by_id == user.pk:
        return attachment
    if attachment is not None:
        forms = Form.objects.filter(_referencing_forms_filter(attachment.pk)).filter(
            ~Q(status=FormStatus.DRAFT) | Q(submitter_id=attachment.uploaded_by_id)
        )
        if forms_visible_to(user, forms).exists():
            return attachment
    raise NotVisible(_("文件不存在或无权下载。"))
