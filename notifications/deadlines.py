"""The policy's deadlines for one project, and each pending approval step's time limit.

[§22] 项目委托书 issued (submitted) within 3 working days after the contract's signing date, and
approved within 2 working days after it is issued; [§27] final accounts within 5 working days
after the last payment; [§18] a budget change told to everyone concerned within 1 working day of
its approval. The numbers are data (projects.PolicyDeadline, admin 制度时限; read through
projects.policy), seeded with these values. A deadline appears once its starting point exists
(an approved contract with a signing date, a submitted commission, all money collected, an
approved budget change).

`project_deadlines(project)` is what the API shows; it runs a fixed number of queries whatever the
project holds.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals.kinds import get_kind
from approvals.models import Form, FormStatus, FormStep, StepStatus
from core.models import AuditEvent
from finance.selectors import contract_signed_on, final_accounts_due_many
from projects.models import DeadlineCode
from projects.policy import policy_deadlines

from .models import ReminderLog
from .workdays import Workdays, local_date, start_of_day

OPEN, MET, OVERDUE = "open", "met", "overdue"

# The policy deadlines' kinds are their PolicyDeadline codes; their working days are data.
COMMISSION_ISSUE = DeadlineCode.COMMISSION_ISSUE.value  # [§22]
COMMISSION_APPROVE = DeadlineCode.COMMISSION_APPROVE.value  # [§22]
FINAL_ACCOUNTS = DeadlineCode.FINAL_ACCOUNTS.value  # [§27] (finance.selectors.final_accounts_due)
BUDGET_CHANGE_NOTICE = DeadlineCode.BUDGET_CHANGE_NOTICE.value  # [§18]
STEP = "step"

_KINDS = ("contract", "commission", "final_accounts", "budget_change")


def budget_notice_key(form_id) -> str:
    return f"budget_change:{form_id}:notice"


def _labels(rules=None):
    """Each policy deadline's label, with the working days currently configured."""
    rules = rules or policy_deadlines.rules()
    templates = {
        COMMISSION_ISSUE: _("办理项目委托书（合同签订后 %(days)s 个工作日内）"),
        COMMISSION_APPROVE: _("批准项目委托书（办理后 %(days)s 个工作日内）"),
        FINAL_ACCOUNTS: _("项目决算（全部款项收回后 %(days)s 个工作日内）"),
        BUDGET_CHANGE_NOTICE: _("预算变更告知相关人员（批准后 %(days)s 个工作日内）"),
    }
    return {kind: text % {"days": rules[kind].working_days} for kind, text in templates.items()}


@dataclass
class Deadline:
    kind: str
    label: str
    due_date: date
    status: str
    met_at: datetime | None = None
    form_id: int | None = None
    project_id: int | None = None
    # The moment it becomes overdue: a step's due_at, else the end of the due date.
    due_moment: datetime | None = None
    step: FormStep | None = field(default=None, repr=False)
    form: Form | None = field(default=None, repr=False)
    project: object = field(default=None, repr=False)

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "label": self.label,
            "due_date": self.due_date,
            "status": self.status,
            "met_at": self.met_at,
            "form_id": self.form_id,
        }


def deadline_status(due_date: date, met_at, today: date) -> str:
    if met_at is not None:
        return MET if local_date(met_at) <= due_date else OVERDUE
    return OVERDUE if today > due_date else OPEN


def _parse_date(value) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except (TypeError, ValueError):
        return None


def _latest(forms, **match):
    rows = [f for f in forms if all(getattr(f, k) == v for k, v in match.items())]
    return max(rows, key=lambda f: (f.closed_at or f.created_at, f.pk), default=None)


def step_label(step) -> str:
    spec = get_kind(step.form.kind, missing_ok=True)
    title = spec.title if spec else step.form.kind
    return _("审批时限：%(form)s · %(step)s") % {"form": title, "step": step.name}


def step_deadline(step, now, project=None) -> Deadline:
    """A pending step's time limit; `project` saves a query when the caller has it."""
    if project is None and step.form.project_id:
        project = step.form.project
    due_date = local_date(step.due_at)
    return Deadline(
        kind=STEP,
        label=step_label(step),
        due_date=due_date,
        status=OVERDUE if now > step.due_at else OPEN,
        form_id=step.form_id,
        project_id=step.form.project_id,
        due_moment=step.due_at,
        step=step,
        form=step.form,
        project=project,
    )


def collect_deadlines(project, *, now=None, include_steps=True) -> list[Deadline]:
    """Every deadline of the project, soonest first (see the module docstring)."""
    now = now or timezone.now()
    out = collect_policy_deadlines([project], now=now)[project.pk]
    if include_steps:
        steps = (
            FormStep.objects.filter(
                form__project=project,
                form__status=FormStatus.IN_REVIEW,
                status=StepStatus.ACTIVE,
                due_at__isnull=False,
            )
            .select_related("form")
            .order_by("due_at", "id")
        )
        out.extend(step_deadline(step, now, project) for step in steps)
        out.sort(key=lambda d: (d.due_date, d.kind))
    return out


def _project_forms(project_ids) -> dict[int, list]:
    forms: dict[int, list] = {pid: [] for pid in project_ids}
    rows = (
        Form.objects.filter(project_id__in=project_ids, kind__in=_KINDS)
        .filter(Q(status=FormStatus.APPROVED) | Q(submitted_at__isnull=False))
        .only(
            "id",
            "kind",
            "status",
            "data",
            "submitted_at",
            "closed_at",
            "created_at",
            "previous_id",
            "project_id",
            "round",
        )
    )
    for form in rows:
        forms[form.project_id].append(form)
    return forms


def collect_policy_deadlines(projects, *, now=None) -> dict[int, list[Deadline]]:
    """The policy's deadlines of many projects, soonest first per project: {project_id: [...]}.

    A fixed number of queries whatever the number of projects (the reminder sweep reads its
    whole batch of due projects through this): their forms, the first submissions of their
    commissions and final accounts, the budget-change notices sent, their collections, one
    span of the working-day calendar."""
    now = now or timezone.now()
    today = local_date(now)
    rules = policy_deadlines.rules()
    labels = _labels(rules)
    projects = list(projects)
    by_project = _project_forms([p.pk for p in projects])
    contracts = {
        pid: _latest(forms, kind="contract", status=FormStatus.APPROVED)
        for pid, forms in by_project.items()
    }
    tracked = [
        f.pk
        for forms in by_project.values()
        for f in forms
        if f.kind in ("commission", "final_accounts") and f.submitted_at is not None
    ]
    # The first time each commission / final-accounts form was submitted (a return and a
    # resubmission move submitted_at, not the moment it was first issued).
    first_submitted = {}
    if tracked:
        first_submitted = dict(
            AuditEvent.objects.filter(form_id__in=tracked, verb="form.submitted")
            .values("form_id")
            .annotate(first=Min("created_at"))
            .values_list("form_id", "first")
        )
    changes = [
        f
        for forms in by_project.values()
        for f in forms
        if f.kind == "budget_change" and f.status == FormStatus.APPROVED
    ]
    notices = {}
    if changes:
        notices = dict(
            ReminderLog.objects.filter(
                key__in=[budget_notice_key(f.pk) for f in changes]
            ).values_list("key", "created_at")
        )
    signed = {pid: contract_signed_on(c) for pid, c in contracts.items()}
    bases = [today, *signed.values()]
    bases += [f.submitted_at for forms in by_project.values() for f in forms if f.submitted_at]
    bases += [f.closed_at for f in changes if f.closed_at]
    days = Workdays.around(bases)
    with_contract = {pid: c for pid, c in contracts.items() if c is not None}
    final_due = final_accounts_due_many(with_contract, days) if with_contract else {}
    context = _Context(today, rules, labels, days, first_submitted, notices)
    return {
        p.pk: _policy_deadlines(p, by_project[p.pk], signed[p.pk], final_due.get(p.pk), context)
        for p in projects
    }


@dataclass
class _Context:
    today: date
    rules: dict
    labels: dict
    days: Workdays
    first_submitted: dict
    notices: dict


def _policy_deadlines(project, forms, sign_date, final_due, ctx: _Context) -> list[Deadline]:
    commissions = [f for f in forms if f.kind == "commission" and f.previous_id is None]
    finals = [f for f in forms if f.kind == "final_accounts" and f.submitted_at is not None]
    changes = [f for f in forms if f.kind == "budget_change" and f.status == FormStatus.APPROVED]
    rules, days = ctx.rules, ctx.days
    out: list[Deadline] = []

    def add(kind, due, met_at, form=None):
        out.append(
            Deadline(
                kind=kind,
                label=ctx.labels[kind],
                due_date=due,
                status=deadline_status(due, met_at, ctx.today),
                met_at=met_at,
                form_id=form.pk if form else None,
                project_id=project.pk,
                due_moment=start_of_day(due + timedelta(days=1)),
                form=form,
                project=project,
            )
        )

    def first_issue(f):
        return ctx.first_submitted.get(f.pk) or f.submitted_at

    if sign_date is not None:
        issued = [f for f in commissions if f.submitted_at is not None]
        first = min(issued, key=first_issue, default=None)
        add(
            COMMISSION_ISSUE,
            days.add(sign_date, rules[COMMISSION_ISSUE].working_days),
            first_issue(first) if first else None,
            first,
        )
    live = [
        f
        for f in commissions
        if f.submitted_at is not None and f.status in (FormStatus.IN_REVIEW, FormStatus.APPROVED)
    ]
    current = max(live, key=lambda f: (f.submitted_at, f.pk), default=None)
    if current is not None:
        approved_at = current.closed_at if current.status == FormStatus.APPROVED else None
        add(
            COMMISSION_APPROVE,
            days.add(current.submitted_at, rules[COMMISSION_APPROVE].working_days),
            approved_at,
            current,
        )
    if final_due is not None:
        first = min(finals, key=first_issue, default=None)
        add(FINAL_ACCOUNTS, final_due, first_issue(first) if first else None, first)
    for change in changes:
        if change.closed_at is None:
            continue
        add(
            BUDGET_CHANGE_NOTICE,
            days.add(change.closed_at, rules[BUDGET_CHANGE_NOTICE].working_days),
            ctx.notices.get(budget_notice_key(change.pk)),
            change,
        )
    out.sort(key=lambda d: (d.due_date, d.kind))
    return out


def project_deadlines(project, *, now=None) -> list[dict]:
    """[{kind, label, due_date, status (open/met/overdue), met_at, form_id}], soonest first.

    kind is one of commission_issue, commission_approve, final_accounts, budget_change_notice
    and step (a pending approval step's time limit, ChainStepTemplate.sla_days). A deadline met
    late has status "overdue" and its met_at.
    """
    return [d.as_dict() for d in collect_deadlines(project, now=now)]
