"""Browser views: the home page, projects (list and page) and the finance/director dashboard."""

from collections import defaultdict
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.db.models.fields.json import KT
from django.db.models.functions import Substr
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from approvals.kinds import all_kinds
from approvals.models import Form, FormStatus, FormStep, StepStatus
from approvals.selectors import events_with_forms, forms_visible_to
from approvals.webforms import money_text
from core.models import AuditEvent
from finance.selectors import budget_vs_actual
from org.codes import RoleCode
from org.selectors import user_has_role, user_sees_all
from sipm.errors import DomainError
from sipm.values import to_decimal

from . import services
from .models import OPEN_STAGES, STAGE_ORDER, STAGE_RANK, Project, Stage
from .selectors import budget_versions, latest_approved, projects_visible_to, visible_page

PROJECT_PAGE_SIZE = 20


def may_see_dashboard(user) -> bool:
    return user.is_authenticated and (user_sees_all(user) or user_has_role(user, RoleCode.FINANCE))


@login_required
def project_list(request):
    qs = Project.objects.all()
    stage = request.GET.get("stage") or ""
    q = (request.GET.get("q") or "").strip()
    if stage:
        qs = qs.filter(stage=stage)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(number__icontains=q) | Q(client_name__icontains=q))
    # Newest first; the count is capped a few pages ahead (never all the visible projects).
    page = visible_page(
        request.user,
        qs,
        request.GET.get("page"),
        PROJECT_PAGE_SIZE,
        related=("department", "sales_lead"),
    )
    for p in page:
        p.amount_text = money_text(p.estimated_amount)
    context = {
        "page": page,
        "stages": Stage.choices,
        "filters": {"stage": stage, "q": q},
        "creating_kinds": [k for k in all_kinds() if k.creates_project],
    }
    if getattr(request, "htmx", False) and request.htmx.target == "project-list":
        return render(request, "projects/_project_list.html", context)
    return render(request, "projects/list.html", context)


def _timeline(project):
    rank = STAGE_RANK.get(project.stage)
    side = project.stage if project.stage not in STAGE_RANK else None
    items = []
    for stage in STAGE_ORDER:
        if rank is None:
            state = "skipped"
        elif STAGE_RANK[stage] < rank:
            state = "done"
        elif STAGE_RANK[stage] == rank:
            state = "current"
        else:
            state = "todo"
        items.append({"value": stage, "label": Stage(stage).label, "state": state})
    return items, (Stage(side).label if side else None)


def _startable(user, project):
    """Kinds the user may start on this project, each with the gate's refusal if any."""
    out = []
    if not project.is_open:
        return out
    for kind in all_kinds():
        if kind.creates_project or not kind.needs_project:
            continue
        if kind.may_start and kind.may_start(user, project):
            continue
        blocked = kind.gate(project, {}) if kind.gate else None
        out.append({"kind": kind, "blocked": blocked})
    return out


def _render_safely(func, *args):
    """A side panel's figures, or None when the project has none to show (a DomainError)."""
    try:
        return func(*args)
    except DomainError:
        return None


@login_required
def project_detail(request, pk):
    project = (
        projects_visible_to(
            request.user,
            Project.objects.select_related(
                "department", "initiator", "sales_lead", "presales_lead", "project_manager"
            ).prefetch_related("members"),
        )
        .filter(pk=pk)
        .first()
    )
    if project is None:
        raise Http404(_("项目不存在或无权查看。"))
    forms = list(
        forms_visible_to(request.user, project.forms.select_related("submitter")).order_by(
            "created_at"
        )
    )
    titles = {k.slug: k.title for k in all_kinds()}
    for form in forms:
        form.kind_title = titles.get(form.kind, form.kind)
    # One visibility rule for every card: the history shows the events of the forms the 表单
    # card lists (and the project's own events), never a link to a form the user cannot open.
    history = events_with_forms(
        AuditEvent.objects.filter(project_id=project.pk)
        .filter(Q(form_id__isnull=True) | Q(form_id__in=[f.pk for f in forms]))
        .select_related("actor", "on_behalf_of")
        .order_by("-id")[:30],
        known=forms,
    )
    timeline, side_way = _timeline(project)
    project.amount_text = money_text(project.estimated_amount)
    contract = latest_approved(project, "contract")
    project.signed_amount_text = (
        money_text(contract.data.get("contract_amount")) if contract is not None else ""
    )
    versions = _render_safely(budget_versions, project)
    bva = _render_safely(budget_vs_actual, project)
    return render(
        request,
        "projects/detail.html",
        {
            "project": project,
            "forms": forms,
            "history": history,
            "timeline": timeline,
            "side_way": side_way,
            "startable": _startable(request.user, project),
            "budget_versions": [
                {**v, "total_text": money_text(v["figures"]["total"])} for v in versions or []
            ],
            "bva": _money_cells(bva, ("budget", "actual", "variance")),
            "may_terminate": project.is_open
            and (user_sees_all(request.user) or project.sales_lead_id == request.user.pk),
        },
    )


def _money_cells(rows, names):
    if not rows:
        return rows
    return [{**r, **{f"{n}_text": money_text(r.get(n)) for n in names}} for r in rows]


@login_required
@require_POST
def project_terminate(request, pk):
    try:
        services.project_terminate(
            acting_user=request.user, project_id=pk, reason=request.POST.get("reason", "")
        )
    except DomainError as exc:
        if exc.status == 404:
            raise Http404(exc.message)
        messages.error(request, exc.message)
    else:
        messages.success(request, _("项目已终止。"))
    return redirect("project-detail", pk=pk)


@login_required
def dashboard(request):
    if not may_see_dashboard(request.user):
        raise PermissionDenied(_("只有财务和总监可以查看统计看板。"))
    now = timezone.now()
    by_stage = dict(Project.objects.order_by().values_list("stage").annotate(n=Count("id")))
    stage_chart = {
        "labels": [str(label) for value, label in Stage.choices if by_stage.get(value)],
        "values": [by_stage[value] for value, _label in Stage.choices if by_stage.get(value)],
    }
    titles = {k.slug: k.title for k in all_kinds()}
    waiting = (
        FormStep.objects.filter(status=StepStatus.ACTIVE, form__status=FormStatus.IN_REVIEW)
        .order_by()
        .values("form__kind")
        .annotate(n=Count("id"), late=Count("id", filter=Q(due_at__lt=now)))
    )
    approvals_chart = {"labels": [], "waiting": [], "overdue": []}
    for row in waiting:
        approvals_chart["labels"].append(str(titles.get(row["form__kind"], row["form__kind"])))
        approvals_chart["waiting"].append(row["n"] - row["late"])
        approvals_chart["overdue"].append(row["late"])
    return render(
        request,
        "projects/dashboard.html",
        {
            "stage_chart": stage_chart,
            "approvals_chart": approvals_chart,
            "pipeline_chart": _pipeline(),
            "totals": {
                "open_projects": sum(by_stage.get(s, 0) for s in OPEN_STAGES),
                "waiting": sum(approvals_chart["waiting"]) + sum(approvals_chart["overdue"]),
                "overdue": sum(approvals_chart["overdue"]),
            },
        },
    )


def _pipeline():
    """项目预计合同金额 of open projects by the month their contract is expected to be signed:
    two aggregate queries, however many projects there are."""
    creating = [k.slug for k in all_kinds() if k.creates_project]
    statuses = [FormStatus.IN_REVIEW, FormStatus.APPROVED]
    # A corrected initiation replaces the earlier one: count each project once, latest wins.
    rows = (
        Form.objects.filter(kind__in=creating, project__stage__in=OPEN_STAGES, status__in=statuses)
        .exclude(project__stage=Stage.INITIATING, status=FormStatus.APPROVED)
        .exclude(Exists(Form.objects.filter(previous=OuterRef("pk"), status__in=statuses)))
        .annotate(month=Substr(KT("data__expected_sign_date"), 1, 7))
        .order_by()
    )
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for month, total in (
        rows.filter(project__estimated_amount__isnull=False)
        .values("month")
        .annotate(total=Sum("project__estimated_amount"))
        .values_list("month", "total")
    ):
        if month and len(month) == 7 and total is not None:
            sums[month] += total
    # Projects without an amount of their own (rare): the form's figure, checked here.
    for month, raw in rows.filter(project__estimated_amount__isnull=True).values_list(
        "month", KT("data__estimated_amount")
    ):
        value = to_decimal(raw)
        if month and len(month) == 7 and value is not None:
            sums[month] += value
    months = sorted(sums)
    cents = Decimal("0.01")
    return {"labels": months, "values": [str(sums[m].quantize(cents)) for m in months]}
