"""The customer's acceptance: an approved 验收单 records the milestone as accepted."""

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import audit_append
from core.events import emit
from sipm.errors import Conflict, InvalidInput
from workcal.calendar import today

from .. import permissions
from ..models import AcceptanceRecord, Milestone
from .common import project_for


def acceptance_approved(*, form, acting_user, when):
    """The engine's on_approved hook of 验收单 (inside the approval's transaction)."""
    data = form.data
    milestone = (
        Milestone.objects.select_for_update()
        .filter(pk=data["milestone"], plan__project_id=form.project_id)
        .first()
    )
    if milestone is None or hasattr(milestone, "acceptance"):
        raise Conflict(_("该验收里程碑不存在或已验收。"), code="precondition")
    accepted_on = date.fromisoformat(data["accepted_on"])
    record = AcceptanceRecord.objects.create(
        milestone=milestone,
        project_id=form.project_id,
        form=form,
        accepted_on=accepted_on,
        signatory=data["signatory"],
        scan_id=data["signed_scan"],
        is_final=milestone.is_final,
    )
    milestone.achieved_on = accepted_on
    milestone.save(update_fields=["achieved_on"])
    payload = {
        "milestone": milestone.pk,
        "name": milestone.name,
        "final": milestone.is_final,
        "accepted_on": accepted_on.isoformat(),
        "signatory": record.signatory,
    }
    audit_append(
        verb="acceptance.recorded",
        actor=acting_user,
        form=form,
        project=form.project_id,
        payload=payload,
    )
    emit(
        "acceptance.recorded",
        actor=acting_user,
        project=form.project_id,
        form=form,
        payload=payload,
    )
    return record


def milestone_achieve(*, acting_user, project_id, milestone_id, on=None):
    """A milestone that needs no customer signature is marked achieved by the PM."""
    with transaction.atomic():
        project = project_for(acting_user, project_id, permissions.plan_edit_refusal)
        ms = (
            Milestone.objects.select_for_update()
            .filter(plan__project=project, pk=milestone_id)
            .first()
        )
        if ms is None:
            raise InvalidInput(_("里程碑不存在。"), fields={"milestone": _("里程碑不存在。")})
        if ms.is_acceptance:
            raise Conflict(_("验收里程碑须通过《验收单》由客户签字确认。"), code="precondition")
        ms.achieved_on = on or today()
        ms.save(update_fields=["achieved_on"])
        payload = {"milestone": ms.pk, "achieved_on": ms.achieved_on.isoformat()}
        audit_append(verb="milestone.achieved", actor=acting_user, project=project, payload=payload)
        emit("milestone.achieved", actor=acting_user, project=project, payload=payload)
        return ms
