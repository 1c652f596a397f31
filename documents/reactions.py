"""The signed PDF of an approved form is issued in the background: an asynchronous subscriber to
the engine's form.approved event (core.events), run by the outbox after the approval commits —
and by the relay if the broker was down then."""

from core.events import subscribe

from .services import document_issue


@subscribe("form.approved", name="documents.issue_pdf")
def issue_pdf(event):
    document_issue(form_id=event.form_id)
