"""Reads of projects with visibility: a project is seen by whoever sees one of its forms, its
team, directors, the GM, admins, and roles that run every project (项目管理部, 财务)."""

from decimal import Decimal
from typing import NamedTuple

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Exists, F, OuterRef, Q, Window
from django.db.models.functions import RowNumber

from approvals.models import Form, FormCopy, FormStatus, StepAssignee
from approvals.selectors import visible_project_parts
from org.codes import DIRECTOR_ROLES, Dept
from org.models import User
from org.selectors import user_sees_all_projects
from sipm.values import to_decimal

from .models import DeadlineCode, Project
from .policy import deadline_days


def visible_project_ids(user):
    """The ids of the projects the user sees (not counting roles that see all), as one UNION of
    index-backed id sets: the project's team, its members, and the projects of the forms the
    user sees (approvals.selectors.visible_project_parts). The database reads only the user's own
    rows instead of testing every project with correlated EXISTS subqueries."""

    team = [
        Project.objects.filter(**{field: user.pk}).order_by().values("pk")
        for field in ("initiator_id", "sales_lead_id", "presales_lead_id", "project_manager_id")
    ]
    team.append(
        Project.members.through.objects.filter(user_id=user.pk).order_by().values("project_id")
    )
    parts = visible_project_parts(user)
    forms = [Form.objects.all()] if parts is None else parts
    team += [
        part.filter(project_id__isnull=False).order_by().values("project_id") for part in forms
    ]
    first, *rest = team
    return first.union(*rest)


TEAM_FIELDS = ("initiator_id", "sales_lead_id", "presales_lead_id", "project_manager_id")
NEWEST = ("-created_at", "-id")
# Seats and copies carry their project's created_at (approvals.models.project_copy_field).
CARRIED_NEWEST = ("-project_created_at", "-project_id")


def newest_visible_ids(user, n, base=None) -> list[int]:
    """The ids of the newest `n` projects of `base` (a filtered Project query) that `user` sees,
    newest first (created_at, then id), in one query.

    Where the database can order and limit the branches of a UNION (PostgreSQL), each id set
    of visible_project_ids gives only its own newest `n` (a project among the newest `n`
    visible ones is among the newest `n` of a set it belongs to), and the union of those
    lists is cut to `n`. Each branch is a semi-join the planner can drive either way: from
    the created_at index while the set is dense (the copies of a department's forms, the
    forms of a managed department) or from the set's own index while it is sparse (a
    person's projects, through the (person, created_at) indexes). The seats a person holds or
    held, and the copies their department got, carry their project's created_at, so those
    branches read the head of an index in project order, however many there are. Nothing
    reads all the ids a user sees, and fetching n + 1 gives a count capped at n."""
    base = Project.objects.all() if base is None else base
    if not user.is_authenticated or base.query.is_empty():
        return []
    newest = base.order_by(*NEWEST).values_list("pk", flat=True)
    if user_sees_all_projects(user):
        return list(newest[:n])
    if not connection.features.supports_slicing_ordering_in_compound:
        # SQLite: no LIMIT inside a compound SELECT; the plain filter (small data).
        return list(newest.filter(pk__in=visible_project_ids(user))[:n])
    branches = [base.filter(**{field: user.pk}) for field in TEAM_FIELDS]
    members = Project.members.through.objects.filter(project_id=OuterRef("pk"), user_id=user.pk)
    branches.append(base.filter(Exists(members)))
    branches = [b.order_by(*NEWEST).values_list("pk", "created_at")[:n] for b in branches]
    parts = visible_project_parts(user)
    filtered = bool(base.query.where)
    for part in [Form.objects.all()] if parts is None else parts:
        if part.model in (StepAssignee, FormCopy):
            # Seats and copies carry their project's created_at: the newest projects of a
            # person's seats or a department's copies are the head of an index range (a
            # person may hold thousands of seats, a department gets tens of thousands).
            rows = part.filter(project_id__in=base.values("pk")) if filtered else part
            rows = rows.filter(project_id__isnull=False).order_by(*CARRIED_NEWEST)
            branches.append(rows.values_list("project_id", "project_created_at").distinct()[:n])
        else:
            within = base.filter(Exists(part.filter(project_id=OuterRef("pk"))))
            branches.append(within.order_by(*NEWEST).values_list("pk", "created_at")[:n])
    first, *rest = branches
    rows = first.union(*rest).order_by(*NEWEST)[:n]
    return [pk for pk, _created in rows]


def visible_page(user, base, number, per_page, *, ahead=2, related=()):
    """One page of the projects of `base` that `user` sees, newest first, as a Django Page.
    The count is exact up to `ahead` pages beyond this one and capped there (then
    `page.paginator.capped`): a list never counts all that a user sees, yet the next pages
    are always reachable. A page number past the end gives the last page."""
    try:
        number = max(1, int(number))
    except (TypeError, ValueError):
        number = 1
    limit = (number + ahead) * per_page
    ids = newest_visible_ids(user, limit + 1, base)
    paginator = Paginator([], per_page)
    paginator.capped = len(ids) > limit
    paginator.count = min(len(ids), limit)
    number = min(number, paginator.num_pages)
    shown = ids[(number - 1) * per_page : number * per_page]
    rows = base.filter(pk__in=shown).select_related(*related).in_bulk() if shown else {}
    return Page([rows[pk] for pk in shown if pk in rows], number, paginator)


def projects_visible_to(user, qs=None):
    qs = Project.objects.all() if qs is None else qs
    if not user.is_authenticated:
        return qs.none()
    if user_sees_all_projects(user):
        return qs
    return qs.filter(pk__in=visible_project_ids(user))


def project_visible_to(user, project) -> bool:
    return projects_visible_to(user, Project.objects.filter(pk=project.pk)).exists()


# --- The forms of a project, as the gates and the lifecycle read them ---------------------------


def _forms(project, kind, exclude=()):

    return (
        Form.objects.filter(project=project, kind=kind)
        .exclude(pk__in=[pk for pk in exclude if pk])
        .order_by("closed_at", "id")
    )


def approved_forms(project, kind, exclude=()):
    """Approved forms of a kind on the project, oldest approval first."""

    return _forms(project, kind, exclude).filter(status=FormStatus.APPROVED)


class FormState(NamedTuple):
    """What the gates read of a form: `form_in_review` answers with one (its `number`)."""

    pk: int
    kind: str
    status: str
    number: str


def read_form_states(project):
    """Read the kind and status of every form of the project once, for a page that asks many
    gates at a time (the project page's 发起 list): `has_approved` and `form_in_review` then
    answer from this project object without a query each. Services never call it: their gates
    read the database inside their transaction."""
    project.form_states = [
        FormState(*row)
        for row in Form.objects.filter(project=project)
        .order_by("closed_at", "id")
        .values_list("pk", "kind", "status", "number")
    ]
    return project


def _known_forms(project, kind, exclude, status):
    """The project's forms of `kind` in `status` from `read_form_states`, or None if not read."""
    states = getattr(project, "form_states", None)
    if states is None:
        return None
    return [f for f in states if f.kind == kind and f.status == status and f.pk not in exclude]


def has_approved(project, kind, exclude=()) -> bool:
    known = _known_forms(project, kind, exclude, FormStatus.APPROVED)
    if known is not None:
        return bool(known)
    return approved_forms(project, kind, exclude).exists()


def latest_approved(project, kind):
    """The newest approved form of a kind on the project, or None (no query when the page read
    the project's forms first and none of the kind is approved)."""
    known = _known_forms(project, kind, (), FormStatus.APPROVED)
    if known is not None:
        return Form.objects.filter(pk=known[-1].pk).first() if known else None
    return approved_forms(project, kind).last()


def form_in_review(project, kind, exclude=()):
    known = _known_forms(project, kind, exclude, FormStatus.IN_REVIEW)
    if known is not None:
        return known[0] if known else None
    return _forms(project, kind, exclude).filter(status=FormStatus.IN_REVIEW).first()


def signed_estimate_reports(project):
    from .models import EstimateReport

    return EstimateReport.objects.filter(project=project, signed_at__isnull=False).select_related(
        "attachment", "signed_by", "uploaded_by"
    )


def estimate_reports(project):
    from .models import EstimateReport

    return EstimateReport.objects.filter(project=project).select_related(
        "attachment", "signed_by", "uploaded_by"
    )


BUDGET_FIGURES = ("implementation_cost", "management_cost", "maintenance_cost")


def budget_figures(data: dict) -> dict:
    figures = {name: to_decimal(data.get(name)) or Decimal("0") for name in BUDGET_FIGURES}
    figures["total"] = sum(figures.values(), Decimal("0"))
    figures["performance_split"] = list(data.get("performance_split") or [])
    return figures


def budget_versions(project, newest=None) -> list[dict]:
    """The versions of the project's budget [§17–§18], oldest first: the approved 项目预算表
    (version 1), then each approved 项目预算变更 in the order they were approved. `newest`:
    only the last that many, still numbered from the first (a project may gather hundreds)."""

    if getattr(project, "form_states", None) is not None and not has_approved(project, "budget"):
        return []  # the page read the project's forms: no approved 项目预算表, no versions
    forms = Form.objects.filter(
        project=project, kind__in=("budget", "budget_change"), status=FormStatus.APPROVED
    )
    first = forms.filter(kind="budget").order_by("closed_at", "id")
    first_at, first_id = first.values("closed_at")[:1], first.values("id")[:1]
    # A change approved before any budget cannot be, and is never numbered first.
    since = Q(closed_at__gt=first_at) | Q(closed_at=first_at, id__gte=first_id)
    numbered = (
        forms.filter(since)
        .annotate(
            budget_version=Window(RowNumber(), order_by=(F("closed_at").asc(), F("id").asc()))
        )
        .select_related("submitter")
        .order_by("-closed_at", "-id")
    )
    rows = list(numbered[:newest] if newest else numbered)
    return [
        {
            "version": form.budget_version,
            "form": form,
            "kind": form.kind,
            "approved_at": form.closed_at,
            "figures": budget_figures(form.data),
            "reason": form.data.get("reason", ""),
        }
        for form in reversed(rows)
    ]


def current_budget(project) -> dict | None:
    versions = budget_versions(project, newest=1)
    return versions[-1] if versions else None


def quote_for_client(project):
    """The amount that may be quoted to the client: only an approved 报价审批表's [§19(2)]."""
    from decimal import Decimal

    form = latest_approved(project, "quotation")
    return Decimal(form.data["quote_amount"]) if form is not None else None


def commission_issue_due(project):
    """项目管理部 issues the commission within 3 working days (PolicyDeadline
    "commission_issue") of the contract's signing, which counts from the contract's approval
    (finance.selectors.contract_signed_on) [§22]."""
    # finance reads projects' selectors at load time: imported where used to avoid a cycle
    from finance.selectors import contract_signed_on
    from workcal.calendar import add_working_days  # lower layer, as before

    signed = contract_signed_on(latest_approved(project, "contract"))
    if signed is None:
        return None
    return add_working_days(signed, deadline_days(DeadlineCode.COMMISSION_ISSUE))


def budget_change_recipients(project):
    """Who must hear of an approved budget change within 1 working day [§18]: the budget's
    issuers, the GM, 财务部, the project's sales lead, pre-sales lead, manager and members."""

    ids = budget_change_recipient_ids([project])[project.pk]
    return User.objects.filter(pk__in=ids, is_active=True).order_by("id")


def budget_change_recipient_ids(projects) -> dict[int, set[int]]:
    """`budget_change_recipients`' user ids for each of `projects`, in three queries whatever
    their number (not yet filtered on being active)."""

    members: dict[int, set[int]] = {}
    rows = Project.members.through.objects.filter(project_id__in=[p.pk for p in projects])
    for project_id, user_id in rows.values_list("project_id", "user_id"):
        members.setdefault(project_id, set()).add(user_id)
    everyone = set(
        User.objects.filter(
            is_active=True,
            role_assignments__active=True,
            role_assignments__role__code__in=DIRECTOR_ROLES,
        ).values_list("pk", flat=True)
    )
    everyone |= set(
        User.objects.filter(is_active=True, department__code=Dept.FIN).values_list("pk", flat=True)
    )
    out = {}
    for project in projects:
        ids = {project.sales_lead_id, project.presales_lead_id, project.project_manager_id}
        ids |= members.get(project.pk, set()) | everyone
        ids.discard(None)
        out[project.pk] = ids
    return out


def final_accounts_prefill(project) -> dict:
    """What the 项目决算表 starts from (finance.proposals): the contract, the collections, the
    ledger's costs, the margin, the 项目委托书's split and the commission of the tier table."""
    # finance reads projects' selectors at load time: imported where used to avoid a cycle
    from finance.proposals import final_accounts_proposal

    return dict(final_accounts_proposal(project).values)


def projects_initiated_by(day):
    """Projects whose 立项书 was approved on or before `day`: 财务部's monthly cost analysis
    covers them [§4]."""
    from datetime import datetime, time

    from django.utils import timezone

    end = timezone.make_aware(datetime.combine(day, time.max))
    approved = Form.objects.filter(
        kind="initiation", status=FormStatus.APPROVED, closed_at__lte=end
    ).values("project_id")
    return Project.objects.filter(pk__in=approved).order_by("number")


def project_visible_for(user, project_id) -> Project | None:
    """The project with this id if `user` may see it (the engine's owner lookup); a malformed
    id is simply not found."""
    try:
        pk = int(project_id)
    except (TypeError, ValueError):
        return None
    return projects_visible_to(user).filter(pk=pk).first()
