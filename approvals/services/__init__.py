"""Every write to a form goes through here: lock, check, transition, save, log — one transaction.

Nothing else changes a form's status (the field is protected). Side effects (notifications,
rendering) are queued with transaction.on_commit.
"""

from .decisions import form_decide, form_withdraw
from .drafts import form_correct, form_create, form_update
from .flow import form_submit

__all__ = [
    "form_correct",
    "form_create",
    "form_decide",
    "form_submit",
    "form_update",
    "form_withdraw",
]
