"""Every write to a form goes through here: lock, check, transition, save, log — one transaction.

Nothing else changes a form's status (the field is protected). Side effects (notifications,
rendering) are queued with transaction.on_commit.
"""

from .comments import form_comment_add
from .decisions import form_decide, form_withdraw
from .drafts import form_correct, form_create, form_update
from .flow import form_submit
from .seats import queue_decide, step_add_signer, step_transfer

__all__ = [
    "form_comment_add",
    "form_correct",
    "form_create",
    "form_decide",
    "form_submit",
    "form_update",
    "form_withdraw",
    "queue_decide",
    "step_add_signer",
    "step_transfer",
]
