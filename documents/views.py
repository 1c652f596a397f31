"""Browser views: download a form's PDF, and the public page that verifies a document."""

import hashlib

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from sipm.errors import DomainError

from .responses import pdf_response
from .selectors import documents_on_record, normalize_digest
from .services import DocumentPending, document_download


@login_required
@require_GET
def form_pdf(request, pk):
    try:
        download = document_download(acting_user=request.user, form_id=pk)
    except DomainError as exc:
        pending = isinstance(exc, DocumentPending)
        response = render(
            request,
            "documents/pdf_refused.html",
            {"message": exc.message, "form_id": pk, "pending": pending},
            status=exc.status,
        )
        if pending:
            response["Retry-After"] = "3"
        return response
    return pdf_response(download, inline=request.GET.get("inline") == "1")


def _render_verify(request, digest, *, status=200, error=""):
    records = documents_on_record(digest) if digest else []
    return render(
        request,
        "documents/verify.html",
        {"digest": digest, "records": records, "error": error, "checked": bool(digest)},
        status=status,
    )


@require_GET
def verify(request, digest):
    """Public (no login): is a document with this SHA-256 on record? Number, title, date only."""
    normalized = normalize_digest(digest)
    if normalized is None:
        return _render_verify(
            request,
            "",
            status=400,
            error=_("“%(d)s”不是有效的 SHA-256 摘要。") % {"d": digest[:80]},
        )
    if normalized != digest:
        return redirect("document-verify", digest=normalized)
    return _render_verify(request, normalized)


@require_http_methods(["GET", "POST"])
def verify_lookup(request):
    """The verification form: paste a SHA-256, or upload the PDF to have its SHA-256 taken."""
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            return _render_verify(request, "", status=400, error=_("请选择要核验的 PDF 文件。"))
        if upload.size > settings.SIPM_UPLOAD_MAX_BYTES:
            return _render_verify(request, "", status=400, error=_("文件过大，无法核验。"))
        sha = hashlib.sha256()
        for chunk in upload.chunks():
            sha.update(chunk)
        return redirect("document-verify", digest=sha.hexdigest())
    raw = request.GET.get("hash", "").strip()
    if not raw:
        return _render_verify(request, "")
    normalized = normalize_digest(raw)
    if normalized is None:
        return _render_verify(
            request, "", status=400, error=_("“%(d)s”不是有效的 SHA-256 摘要。") % {"d": raw[:80]}
        )
    return redirect("document-verify", digest=normalized)
