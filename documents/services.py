"""Issuing a form's PDF: an approved form's document is rendered once, stored and logged; a form
in review is rendered on demand and marked 审批中. Nothing else writes RenderedDocument."""

import logging
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals.models import Form, FormStatus
from approvals.selectors import form_detail_queryset, form_visible_to
from core.audit import audit_append
from sipm.errors import Conflict, DomainError, NotVisible

from .models import RenderedDocument
from .render import render_pdf, sha256_bytes

logger = logging.getLogger(__name__)

PRINTABLE = (FormStatus.APPROVED, FormStatus.IN_REVIEW)


class DocumentPending(DomainError):
    """The approved form's PDF is being issued in the background: ask again in a moment."""

    status = 202
    code = "generating"


@dataclass(frozen=True)
class Download:
    content: bytes
    filename: str
    sha256: str
    final: bool


def _filename(form, final: bool) -> str:
    suffix = "" if final else "-" + _("审批中")
    return f"{form.number}-{form.title}{suffix}.pdf"


def _stored_bytes(doc: RenderedDocument) -> bytes | None:
    """The stored file if it is still exactly what was issued, else None."""
    try:
        with doc.file.open("rb") as fh:
            content = fh.read()
    except (OSError, ValueError):
        return None
    return content if sha256_bytes(content) == doc.sha256 else None


def document_issue(*, form_id, acting_user=None) -> RenderedDocument:
    """The stored PDF of an approved form, rendering and storing it the first time.

    Idempotent and safe to race: rendering happens outside any lock (it takes a few hundred
    milliseconds); the row is then written under the form's row lock, and a loser of the race
    discards its own file and returns the winner's (the bytes are identical anyway)."""
    existing = RenderedDocument.objects.filter(form_id=form_id).first()
    if existing is not None and _stored_bytes(existing) is not None:
        return existing
    form = form_detail_queryset().filter(pk=form_id).first()
    if form is None:
        raise NotVisible(_("表单不存在或无权查看。"))
    if form.status != FormStatus.APPROVED:
        raise Conflict(_("只有已批准的表单才能生成正式文件。"), code="wrong_state")
    content = render_pdf(form)
    with transaction.atomic():
        locked = Form.objects.select_for_update().get(pk=form_id)
        doc = RenderedDocument.objects.select_for_update().filter(form_id=form_id).first()
        if doc is not None and doc.pk != getattr(existing, "pk", None):
            return doc  # another request issued it meanwhile
        verb = "document.issued"
        old_name = None
        if doc is not None:
            # The stored file is gone or altered: put the document back, and say so in the log.
            verb = "document.restored"
            logger.error("Stored PDF of form %s missing or altered; re-rendered", locked.number)
            old_name = doc.file.name
        else:
            doc = RenderedDocument(form_id=form_id)
        doc.file.save(f"{locked.number}.pdf", ContentFile(content), save=False)
        # If the transaction does not commit, the new file must not linger.
        new_name = doc.file.name
        transaction.on_commit(lambda: _delete_file(old_name))
        doc.sha256 = sha256_bytes(content)
        doc.data_hash = locked.approved_data_hash
        doc.size = len(content)
        doc.rendered_at = timezone.now()
        try:
            with transaction.atomic():
                doc.save()
        except IntegrityError:
            _delete_file(new_name)
            return RenderedDocument.objects.get(form_id=form_id)
        try:
            audit_append(
                verb=verb,
                actor=acting_user,
                form=locked,
                project=locked.project_id,
                payload={"sha256": doc.sha256, "data_hash": doc.data_hash, "size": doc.size},
            )
        except BaseException:
            _delete_file(new_name)
            raise
    return doc


def _delete_file(name) -> None:
    if name:
        RenderedDocument._meta.get_field("file").storage.delete(name)


def _enqueue_issue(form_id) -> None:
    from .tasks import render_approved_form  # tasks import this module

    try:
        render_approved_form.delay(form_id)
    except Exception:  # broker down: the outbox relay issues it (form.approved's delivery)
        logger.warning("PDF of form %s not queued (broker unreachable)", form_id)


def document_download(*, acting_user, form_id) -> Download:
    """The PDF a user may download: the stored one for an approved form, a fresh 审批中
    rendering for a form in review; other forms have no document (Conflict)."""
    # The form alone: a stored file needs nothing more; a fresh rendering reads the rest.
    form = Form.objects.filter(pk=form_id).first()
    if form is None or not form_visible_to(acting_user, form):
        raise NotVisible(_("表单不存在或无权查看。"))
    if form.status not in PRINTABLE:
        raise Conflict(
            _("表单当前状态为“%(s)s”，只有审批中或已批准的表单可以下载 PDF。")
            % {"s": form.get_status_display()},
            code="not_printable",
        )
    if form.status == FormStatus.APPROVED:
        # Never rendered on the request path: the stored file, or a background issue.
        for attempt in (1, 2):
            doc = RenderedDocument.objects.filter(form_id=form.pk).first()
            content = _stored_bytes(doc) if doc is not None else None
            if doc is not None and content is not None:
                return Download(content, _filename(form, True), doc.sha256, True)
            if attempt == 1:
                _enqueue_issue(form.pk)  # an eager Celery (tests, no worker) issues it right here
        raise DocumentPending(_("正式 PDF 正在生成，请稍候几秒后刷新。"))
    content = render_pdf(form_detail_queryset().get(pk=form.pk))
    return Download(content, _filename(form, False), sha256_bytes(content), False)
