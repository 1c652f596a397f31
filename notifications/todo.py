"""A to-do notice (【待审批】) is done once its work is: when its step no longer waits on the
recipient — they decided (for themselves or as a delegate), the step was decided by someone
else, returned, rejected or withdrawn, or they handed their seat over (转交) — the notice is
marked read, so the unread badge counts only what still waits, as a DingTalk or Feishu to-do
moves to 已处理."""

from django.db.models import F, Q

from approvals.models import Decision, FormStep, StepStatus
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
    """Mark the form's finished to-do notices read; returns how many."""
    if not event.form_id:
        return 0
    todo = list(
        Notification.objects.filter(
            TODO_KEYS,
            read_at__isnull=True,
            reminder__form_id=event.form_id,
            reminder__step_id__isnull=False,
        ).values_list("pk", "recipient_id", "reminder__step_id")
    )
    if not todo:
        return 0
    active = set(
        FormStep.objects.filter(
            pk__in={step_id for _pk, _r, step_id in todo}, status=StepStatus.ACTIVE
        ).values_list("pk", flat=True)
    )
    finished = set()  # (step, person) whose part of an active step is done
    for step_id, decider, principal in Decision.objects.filter(
        step_id__in=active, step_pass=F("step__passes")
    ).values_list("step_id", "decider_id", "principal_id"):
        finished |= {(step_id, decider), (step_id, principal)}
    if event.kind == "step.transferred":
        finished.add((event.payload.get("step"), event.payload.get("from")))
    done = [
        pk
        for pk, recipient, step_id in todo
        if step_id not in active or (step_id, recipient) in finished
    ]
    if done:
        Notification.objects.filter(pk__in=done).update(read_at=event.created_at)
    return len(done)
