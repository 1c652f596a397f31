"""Background issuing of an approved form's PDF, so the first download is served from storage."""

from celery import shared_task

from .services import document_issue


@shared_task
def render_approved_form(form_id: int) -> str:
    """Idempotent: a form whose document is already stored (and intact) is left alone.
    Returns the PDF's SHA-256."""
    return document_issue(form_id=form_id).sha256
