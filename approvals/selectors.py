"""Reads of forms: visibility, the approval queue, and the prefetches that keep queries flat.

Visibility is a query filter (indexed EXISTS subqueries), not per-object permission rows: it
stays fast with millions of forms. A form is seen by (the README's "Who sees what" table):
- its submitter (drafts: only they, and the roles that see everything);
- the approvers of its steps (past and current) and their delegates;
- the departments that received a copy, once approved (抄送/存档);
- the manager of the submitter's department (and their delegates) once submitted;
- roles by `Role.forms_scope`: every approved form (财务部 [§3, §4]) or every submitted form
  (项目管理部 [§16–§28]);
- directors and the GM (roles with `sees_all_forms`), and administrators: everything.
"""

from django.db.models import Exists, OuterRef, Prefetch, Q

from org.selectors import (
    departments_managed_by,
    principals_for,
    user_forms_scope,
    user_sees_all,
)

from .models import Decision, Form, FormCopy, FormStatus, FormStep, StepAssignee


def forms_visible_to(user, qs=None):
    qs = Form.objects.all() if qs is None else qs
    if not user.is_authenticated:
        return qs.none()
    if user_sees_all(user):
        return qs
    principals = principals_for(user)
    # Who holds or held a seat, including whoever handed theirs on (转交).
    approver = StepAssignee.objects.filter(step__form=OuterRef("pk")).filter(
        Q(user_id__in=principals) | Q(transferred_from_id__in=principals)
    )
    submitted = ~Q(status=FormStatus.DRAFT)
    condition = Q(submitter_id__in=principals) | Q(Exists(approver))
    condition |= submitted & Q(department_id__in=departments_managed_by(principals))
    scope = user_forms_scope(user)
    if scope == "submitted":
        condition |= submitted
    elif scope == "approved":
        condition |= Q(status=FormStatus.APPROVED)
    if user.department_id:
        copy = FormCopy.objects.filter(form=OuterRef("pk"), department_id=user.department_id)
        condition |= Q(Exists(copy))
    return qs.filter(condition)


def seats_held(principals):
    """The seats the principals hold or held, and those they handed on (转交), as two sets each
    read through its own (person, project created_at) index (StepAssignee's Meta)."""
    return [
        StepAssignee.objects.filter(user_id__in=principals),
        StepAssignee.objects.filter(transferred_from_id__in=principals),
    ]


def visible_project_parts(user):
    """forms_visible_to(user) as querysets whose `project_id`s together are the projects of the
    forms the user sees, each one read through an index, for project visibility: forms
    (submitter, department, status), seats (seats_held) and the department's copies, which
    carry their form's project and its creation time. None: every form. Keep the branches in
    step with forms_visible_to (tests/projects/test_visibility_shape.py checks)."""
    if not user.is_authenticated:
        return []
    if user_sees_all(user):
        return None
    principals = principals_for(user)
    submitted = ~Q(status=FormStatus.DRAFT)
    parts = [Form.objects.filter(submitter_id__in=principals), *seats_held(principals)]
    # The managed departments as values, read first (one small query): the planner then knows
    # how many forms they have, and a user who manages none gets no part at all.
    managed = list(departments_managed_by(principals).values_list("pk", flat=True))
    if managed:
        parts.append(Form.objects.filter(submitted, department_id__in=managed))
    scope = user_forms_scope(user)
    if scope == "submitted":
        parts.append(Form.objects.filter(submitted))
    elif scope == "approved":
        parts.append(Form.objects.approved())
    if user.department_id:
        parts.append(FormCopy.objects.filter(department_id=user.department_id))
    return parts


def events_with_forms(events, known=()):
    """Audit rows with `.form` set: core.AuditEvent names its form by id only. Forms the caller
    already has (`known`) are reused; the rest are read in one query."""
    events = list(events)
    forms = {f.pk: f for f in known}
    missing = {e.form_id for e in events if e.form_id and e.form_id not in forms}
    if missing:
        forms.update(Form.objects.in_bulk(missing))
    for event in events:
        event.form = forms.get(event.form_id)
    return events


def form_visible_to(user, form) -> bool:
    if user.is_authenticated and user_sees_all(user):
        return True
    return forms_visible_to(user, Form.objects.filter(pk=form.pk)).exists()


def form_detail_queryset():
    return Form.objects.select_related(
        "submitter", "department", "project", "chain", "previous"
    ).prefetch_related(
        Prefetch(
            "steps",
            queryset=FormStep.objects.order_by("round", "order").prefetch_related(
                Prefetch("assignees", queryset=StepAssignee.objects.select_related("user")),
            ),
        ),
        Prefetch(
            "decisions",
            queryset=Decision.objects.select_related("decider", "on_behalf_of", "step").order_by(
                "created_at", "id"
            ),
        ),
        Prefetch("copies", queryset=FormCopy.objects.select_related("department")),
    )


def queue_for(user, principals=None):
    """Seats waiting on the user, as themselves or as a delegate, oldest due first.

    Returns StepAssignee rows (the seat: `user` is the principal the seat belongs to). An open
    seat is one whose step is active and whose holder has not decided yet (StepAssignee.is_open),
    so the read is a range of a partial index, whatever the history holds."""
    principals = principals_for(user) if principals is None else principals
    return (
        StepAssignee.objects.filter(user_id__in=principals, is_open=True)
        .select_related(
            "user",
            "step",
            "step__form",
            "step__form__project",
            "step__form__submitter",
            "step__form__department",
        )
        .order_by("due_at", "step_id")
    )
