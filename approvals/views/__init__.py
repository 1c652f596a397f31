"""Browser views of forms: the approval queue, a form's page, drafts, submit, decide, withdraw.

Thin: parse, call one service or selector, render. Domain errors become Django messages (a
conflict is a warning on the form's page, never an error page); htmx requests get partials.
"""

from .detail import form_decide, form_detail, form_file, form_route
from .edit import form_correct, form_edit, form_new, form_submit, form_withdraw
from .queue import queue, queue_decide
from .seats import form_add_signer, form_comment, form_transfer

__all__ = [
    "form_add_signer",
    "form_comment",
    "form_transfer",
    "form_correct",
    "form_decide",
    "form_detail",
    "form_edit",
    "form_file",
    "form_new",
    "form_route",
    "form_submit",
    "form_withdraw",
    "queue",
    "queue_decide",
]
