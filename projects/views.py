"""Browser views: projects (list and page); the finance/director dashboard is projects.dashboard."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from approvals.kinds import all_kinds
from approvals.selectors import events_with_forms, forms_visible_to
from approvals.webforms import money_text
from core.models import AuditEvent
from finance.selectors import budget_vs_actual
from org.selectors import user_sees_all
from sipm.errors import DomainError

from . import services
from .models import STAGE_ORDER, STAGE_RANK, Project, Stage
from .selectors import (
    budget_versions,
    latest_approved,
    projects_visible_to,
    read_form_states,
    visible_page,
)

PROJECT_PAGE_SIZE = 20


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
    if getattr(project, "form_states", None) is None:
        read_form_states(project)  # the gates below read the project's forms once, not per kind
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


FORMS_PER_PAGE = 25
VERSIONS_SHOWN = 10


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
    # The kind and status of every form, read once: the 发起 list's gates, the contract, the
    # budget versions and the budget-vs-actual card answer "is there an approved …" from it.
    read_form_states(project)
    # The 表单 card: the forms the user sees, newest first, a page at a time (a project can
    # gather hundreds); a form's data is not read for its row.
    visible = forms_visible_to(request.user, project.forms.all())
    forms_page = Paginator(
        visible.select_related("submitter").defer("data").order_by("-created_at", "-id"),
        FORMS_PER_PAGE,
    ).get_page(request.GET.get("fp"))
    forms = list(forms_page)
    titles = {k.slug: k.title for k in all_kinds()}
    for form in forms:
        form.kind_title = titles.get(form.kind, form.kind)
    # One visibility rule for every card: the history shows the events of the forms the user
    # sees (and the project's own events), never a link to a form the user cannot open.
    history = events_with_forms(
        AuditEvent.objects.filter(project_id=project.pk)
        .filter(Q(form_id__isnull=True) | Q(form_id__in=visible.order_by().values("pk")))
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
    # The newest budget versions, or all of them on request (a project may gather hundreds).
    all_versions = request.GET.get("versions") == "all"
    versions = _render_safely(budget_versions, project, None if all_versions else VERSIONS_SHOWN)
    bva = _render_safely(budget_vs_actual, project)
    return render(
        request,
        "projects/detail.html",
        {
            "project": project,
            "forms": forms,
            "forms_page": forms_page,
            "history": history,
            "timeline": timeline,
            "side_way": side_way,
            "startable": _startable(request.user, project),
            "budget_versions": [
                {**v, "total_text": money_text(v["figures"]["total"])} for v in versions or []
            ],
            # Versions are numbered from 1, so the newest number is how many there are.
            "budget_version_count": versions[-1]["version"] if versions else 0,
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
