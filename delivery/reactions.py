"""How 实施 reacts to the approval engine: an approved 项目计划基线 becomes the baseline, an
approved 验收单 records the acceptance, an approved 需求变更 is announced. Synchronous: they run
in the approval's transaction, so a refusal here undoes the approval."""

from approvals.models import Form
from core.events import subscribe

from .forms import change_approved
from .services.acceptance import acceptance_approved
from .services.baseline import baseline_approved

ON_APPROVED = {
    "plan_baseline": baseline_approved,
    "change_request": change_approved,
    "acceptance": acceptance_approved,
}


@subscribe("form.approved", name="delivery.on_approved", sync=True)
def apply_approved(event):
    hook = ON_APPROVED.get(event.payload.get("kind"))
    if hook and event.project_id:
        form = Form.objects.select_related("project").get(pk=event.form_id)
        hook(form=form, acting_user=event.actor, when=event.created_at)
