"""The indexed due columns of the reminder sweep: FormStep.next_reminder_at and
Project.next_deadline_at say when the sweep next has to look at a step or a project, so each
run reads only what is due (index range scan) instead of every project.

A step gets its column when it is activated; a project when a form of a deadline-bearing kind is
submitted or approved, or a payment is recorded (a deadline may have started or been met), and
when an admin changes the working days of a policy deadline it has pending (one UPDATE for all
of them). After a look the sweep moves the column to the moment the next reminder stage begins,
or clears it.
"""

from datetime import timedelta

from django.db.models import Exists, OuterRef, Q

from approvals.models import Form, FormStatus
from core.events import subscribe
from finance.models import Payment
from projects.models import DeadlineCode, Project
from projects.policy import DEADLINE_CHANGED

from .workdays import start_of_day

DEADLINE_KINDS = frozenset({"contract", "commission", "final_accounts"})


def deadlines_changed(project_id, when):
    """The project's policy deadlines may have changed: the next sweep looks at it."""
    if project_id:
        Project.objects.filter(pk=project_id).update(next_deadline_at=when)


@subscribe(
    "form.submitted", "form.approved", "payment.recorded", name="notifications.due", sync=True
)
def _deadlines_may_change(event):
    """委托书 / 决算 deadlines may have started or been met: the reminder sweep looks again."""
    if event.kind == "payment.recorded" or event.payload.get("kind") in DEADLINE_KINDS:
        deadlines_changed(event.project_id, event.created_at)


def _forms(kind, **match):
    return Exists(Form.objects.filter(project=OuterRef("pk"), kind=kind, **match))


def pending_deadline(code) -> Q | None:
    """The projects that may have the policy deadline `code` running and not yet met (a
    superset is fine: the sweep recomputes each and clears what has nothing pending), or None
    for a deadline the sweep does not follow per project (the budget-change notice goes out on
    approval)."""
    contract = _forms("contract", status=FormStatus.APPROVED)
    if code == DeadlineCode.COMMISSION_ISSUE:
        issued = _forms("commission", previous__isnull=True, submitted_at__isnull=False)
        return Q(contract) & ~Q(issued)
    if code == DeadlineCode.COMMISSION_APPROVE:
        return Q(_forms("commission", previous__isnull=True, status=FormStatus.IN_REVIEW))
    if code == DeadlineCode.FINAL_ACCOUNTS:
        paid = Exists(Payment.objects.filter(project=OuterRef("pk")))
        submitted = _forms("final_accounts", submitted_at__isnull=False)
        return Q(contract) & Q(paid) & ~Q(submitted)
    return None


def policy_changed(code, when) -> int:
    """A policy deadline's working days changed: every project whose pending deadline of that
    kind moves is due for the next sweep (one UPDATE); returns how many."""
    pending = pending_deadline(code)
    if pending is None:
        return 0
    later = Q(next_deadline_at__isnull=True) | Q(next_deadline_at__gt=when)
    return Project.objects.filter(pending, later).update(next_deadline_at=when)


@subscribe(DEADLINE_CHANGED, name="notifications.due.policy", sync=True)
def _policy_deadline_changed(event):
    policy_changed(event.payload.get("code"), event.created_at)


def step_activated(step, when):
    step.next_reminder_at = when


def next_boundary(*, now, days, due_date, due_moment, gm_moment):
    """The first moment after `now` at which the item's reminder stage changes, or None."""
    before = start_of_day(days.add(due_date, -1))
    on_the_day = start_of_day(due_date)
    later = [b for b in (before, on_the_day, due_moment, gm_moment) if b > now]
    return min(later) if later else None


def gm_moment_of_step(days, due_date, due_moment):
    from datetime import datetime

    from .workdays import SHANGHAI

    return datetime.combine(days.add(due_date, 1), due_moment.astimezone(SHANGHAI).timetz())


def gm_moment_of_policy(days, due_date):
    return start_of_day(days.add(due_date, 1) + timedelta(days=1))
