"""The approval queue: what waits on me, filters, counts by kind."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import render
from django.utils import timezone

from org.models import Department

from ..kinds import all_kinds
from ..selectors import queue_for
from .common import _int_param

QUEUE_PAGE_SIZE = 25


@login_required
def queue(request):
    base = queue_for(request.user)
    kind = request.GET.get("kind") or ""
    project_id = _int_param(request, "project")
    department_id = _int_param(request, "department")
    rows = base
    if kind:
        rows = rows.filter(step__form__kind=kind)
    if project_id:
        rows = rows.filter(step__form__project_id=project_id)
    if department_id:
        rows = rows.filter(step__form__department_id=department_id)
    page = Paginator(rows, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    items = [
        {
            "seat": row,
            "step": row.step,
            "form": row.step.form,
            "overdue": row.step.due_at is not None and row.step.due_at < now,
            "delegated": row.user_id != request.user.pk,
        }
        for row in page
    ]
    titles = {k.slug: k.title for k in all_kinds()}
    counts = [
        {"kind": c["step__form__kind"], "title": titles.get(c["step__form__kind"]), "n": c["n"]}
        for c in base.order_by().values("step__form__kind").annotate(n=Count("id"))
    ]
    context = {
        "items": items,
        "page": page,
        "counts": counts,
        "total": sum(c["n"] for c in counts),
        "kinds": [(k.slug, k.title) for k in all_kinds()],
        "departments": Department.objects.all(),
        "projects": _queue_projects(base),
        "filters": {"kind": kind, "project": project_id, "department": department_id},
    }
    if getattr(request, "htmx", False) and request.htmx.target == "queue-list":
        return render(request, "approvals/_queue_list.html", context)
    return render(request, "approvals/queue.html", context)


def _queue_projects(base):
    seen = {}
    for number, pk, name in base.order_by().values_list(
        "step__form__project__number", "step__form__project_id", "step__form__project__name"
    ):
        if pk and pk not in seen:
            seen[pk] = f"{number} {name}"
    return sorted(seen.items(), key=lambda kv: kv[1])
