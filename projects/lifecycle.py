"""How projects react to the approval engine: the engine emits form events (core.events), and
these synchronous subscribers move the project along its lifecycle graph (Project's
transitions) and apply what an approved form decides (pre-sales lead, early start, team,
budget change notice). They run inside the engine's transaction: a refusal here undoes the
approval.
"""

from approvals.models import Form
from core.events import subscribe

from .forms.closeout import final_accounts_approved, handover_approved
from .forms.contract import commission_approved
from .forms.initiation import early_start_approved, presales_approved
from .forms.quotation import budget_change_approved
from .services import (
    project_on_initiation_rejected,
    project_on_initiation_updated,
    project_stage_move,
)

# (form kind, engine event) -> the Project transition it fires.
STAGE_MOVES = {
    ("initiation", "form.approved"): "initiation_approved",
    ("presales", "form.approved"): "presales_approved",
    ("quotation", "form.submitted"): "quotation_submitted",
    ("budget", "form.submitted"): "budget_submitted",
    ("contract", "form.submitted"): "contract_submitted",
    ("contract", "form.approved"): "contract_approved",
    ("commission", "form.submitted"): "commission_submitted",
    ("commission", "form.approved"): "commission_approved",
    ("evaluation", "form.submitted"): "evaluation_submitted",
    ("evaluation", "form.approved"): "evaluation_approved",
    ("final_accounts", "form.approved"): "final_accounts_approved",
    ("handover", "form.approved"): "handover_approved",
}

# What an approved form of a kind decides about its project (after the stage move).
ON_APPROVED = {
    "presales": presales_approved,
    "early_start": early_start_approved,
    "commission": commission_approved,
    "budget_change": budget_change_approved,
    # the approved 决算表 as the record (an event with its figures) [§27]; 归档 re-checked [§28]
    "final_accounts": final_accounts_approved,
    "handover": handover_approved,
}


def _form(event):
    """The event's form, read once for all this module's subscribers to the event."""
    form = event.__dict__.get("_sipm_form")
    if form is None:
        form = event.__dict__["_sipm_form"] = Form.objects.select_related("project").get(
            pk=event.form_id
        )
    return form


@subscribe("form.submitted", "form.approved", name="projects.stage", sync=True)
def move_stage(event):
    transition = STAGE_MOVES.get((event.payload.get("kind"), event.kind))
    if transition and event.project_id:
        project_stage_move(
            project_id=event.project_id,
            transition=transition,
            acting_user=event.actor,
            when=event.created_at,
            form=_form(event),
        )


@subscribe("form.approved", name="projects.on_approved", sync=True)
def apply_approved(event):
    hook = ON_APPROVED.get(event.payload.get("kind"))
    if hook and event.project_id:
        hook(form=_form(event), acting_user=event.actor, when=event.created_at)


@subscribe("form.rejected", name="projects.on_rejected", sync=True)
def initiation_rejected(event):
    if event.payload.get("kind") == "initiation" and event.project_id:
        project_on_initiation_rejected(
            form=_form(event), acting_user=event.actor, when=event.created_at
        )


@subscribe("form.updated", name="projects.initiation_draft", sync=True)
def initiation_updated(event):
    if event.payload.get("kind") == "initiation" and event.project_id:
        project_on_initiation_updated(project_id=event.project_id, data=_form(event).data)
