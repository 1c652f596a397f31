"""A to-do notice (【待审批】) is done once its work is: when its step no longer waits on the
recipient — they decided (for themselves or as a delegate), the step was decided by someone
else, returned, rejected or withdrawn, or they handed their seat over (转交) — the notice is
marked read, so the unread badge counts only what still waits, as a DingTalk or Feishu to-do
moves to 已处理."""

from django.db.models import Exists, F, OuterRef, Q

from approvals.models import Decision, StepStatus
from core.events import subscribe

from .models import Notification

# The keys of the to-do notices (notifications.on_forms): event:<id>:todo / :transferred.
TODO_KEYS = Q(reminder__key__endswith=":todo") | Q(reminder__key__endswith=":transferred")


@subscribe(
    "form.decided",
    "form.approved",
    "form.rejected",
    "form.returned",
    "form.withdrawn",
    "step.activated",
    "step.transferred",
    name="notifications.todo_done",
    sync=True,
)
def todo_done(event) -> int:
    """Mark the form's finished to-do notices read, in one UPDATE; returns how many."""
    if not event.form_id:
        return 0
    decided = Decision.objects.filter(
        step_id=OuterRef("reminder__step_id"), step_pass=F("step__passes")
    ).filter(Q(decider_id=OuterRef("recipient_id")) | Q(principal_id=OuterRef("recipient_id")))
    done = ~Q(reminder__step__status=StepStatus.ACTIVE) | Q(Exists(decided))
    if event.kind == "step.transferred":
        done |= Q(
            reminder__step_id=event.payload.get("step"), recipient_id=event.payload.get("from")
        )
    return (
        Notification.objects.filter(
            TODO_KEYS,
            read_at__isnull=True,
            reminder__form_id=event.form_id,
            reminder__step_id__isnull=False,
        )
        .filter(done)
        .update(read_at=event.created_at)
    )
