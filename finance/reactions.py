"""Finance's reactions to the approval engine's events (registered in FinanceConfig.ready)."""

from approvals.models import Form
from core.events import subscribe

from .services import payment_terms_from_contract


@subscribe("form.approved", name="finance.payment_terms", sync=True)
def contract_payment_terms(event):
    """The approved contract's payment schedule becomes the project's collection plan (回款).
    Inside the approval's transaction: a schedule that conflicts with collections undoes it."""
    if event.payload.get("kind") == "contract" and event.project_id:
        form = Form.objects.get(pk=event.form_id)
        payment_terms_from_contract(form=form, acting_user=event.actor)
