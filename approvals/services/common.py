"""Shared steps of the form services: locking, revision bumps, refusing fields not owned."""

from django.utils.translation import gettext as _

from core.events import emit
from sipm.errors import InvalidInput, NotVisible

from ..kinds import lock_owner
from ..models import (
    Form,
)
from ..selectors import form_visible_to


def locked_form(form_id, acting_user) -> Form:
    """Lock the form, then its project: every service takes locks in the order form → project
    → counters → audit head, so two services never wait on each other in a circle."""
    form = Form.objects.select_for_update().filter(pk=form_id).first()
    if form is None or not form_visible_to(acting_user, form):
        raise NotVisible(_("表单不存在或无权查看。"))
    owner = lock_owner(form.project_id)
    if owner is not None:
        form.project = owner  # the locked row: later reads of form.project cost no query
    return form


def emit_form(kind, form, *, actor, on_behalf_of=None, payload=None, when=None):
    """Report what happened to a form on the event stream (core.events), in this transaction.

    Every form event carries the form's number, kind, title and submitter, so subscribers can
    word a message without reading the form again."""
    base = {
        "number": form.number,
        "kind": form.kind,
        "title": str(form.title),
        "submitter": form.submitter_id,
        "status": form.status,
    }
    return emit(
        kind,
        actor=actor,
        on_behalf_of=on_behalf_of,
        project=form.project_id,
        form=form,
        payload={**base, **(payload or {})},
        when=when,
    )


def bump_revision(form, *fields):
    form.revision += 1
    form.save(update_fields=["revision", "updated_at", *fields])


def refuse_unowned(ignored, kind):
    if ignored:
        names = "、".join(str(kind.field(n).label) if kind.field(n) else n for n in ignored)
        raise InvalidInput(
            _("以下字段不能由您填写：%(names)s") % {"names": names},
            fields={n: _("此字段不能由您填写。") for n in ignored},
        )
