"""The indexed due columns of the reminder sweep: FormStep.next_reminder_at and
Project.next_deadline_at say when the sweep next has to look at a step or a project, so each
run reads only what is due (index range scan) instead of every project.

A step gets its column when it is activated; a project when a form of a deadline-bearing kind is
submitted or approved, or a payment is recorded (a deadline may have started or been met). After
a look the sweep moves the column to the moment the next reminder stage begins, or clears it.
"""

from datetime import timedelta

from core.events import subscribe
from projects.models import Project

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
