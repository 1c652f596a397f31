"""The approval queue: cards with key figures, filters and sort; approve one card or a batch."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from org.models import Department

from .. import services
from ..kinds import all_kinds
from ..models import Form
from ..queue import SORTS, QueueFilters, queue_page
from ..selectors import forms_visible_to
from .common import _int_param


def queue_filters(request) -> QueueFilters:
    sort = request.GET.get("sort") or "due"
    return QueueFilters(
        kind=(request.GET.get("kind") or "")[:30],
        project=_int_param(request, "project"),
        department=_int_param(request, "department"),
        overdue=request.GET.get("overdue") == "1",
        delegated=request.GET.get("delegated") == "1",
        sort=sort if sort in SORTS else "due",
    )


@login_required
def queue(request):
    filters = queue_filters(request)
    page = queue_page(request.user, filters, request.GET.get("page"))
    # The navigation badge reuses this count instead of counting again.
    request.sipm_queue_count = page.all_total
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "items": page.items,
        "counts": page.counts,
        "total": page.total,
        "kinds": [(k.slug, k.title) for k in all_kinds()],
        "departments": Department.objects.all(),
        "projects": page.projects,
        "sorts": [(key, label) for key, (_order, label) in SORTS.items()],
        "filters": filters,
        "query": query.urlencode(),
        "next_url": request.get_full_path(),
    }
    if getattr(request, "htmx", False) and request.htmx.target == "queue-list":
        return render(request, "approvals/_queue_list.html", context)
    return render(request, "approvals/queue.html", context)


@login_required
@require_POST
def queue_decide(request):
    """Approve one card (`one`) or the selected cards (`pick`), each on the revision shown."""
    one = request.POST.get("one") or ""
    ids = [one] if one else request.POST.getlist("pick")
    ids = [int(i) for i in ids if str(i).isdigit()][:200]
    shared = request.POST.get("comment", "")
    next_url = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    if not ids:
        messages.warning(request, _("请先选择要审批的事项。"))
        return redirect(next_url or "queue")
    items = [
        {
            "form": pk,
            "revision": request.POST.get(f"rev-{pk}"),
            "decision": "approve",
            "comment": request.POST.get(f"comment-{pk}") or shared,
        }
        for pk in ids
    ]
    results = services.queue_decide(acting_user=request.user, items=items)
    numbers = dict(
        forms_visible_to(request.user, Form.objects.filter(pk__in=ids)).values_list("pk", "number")
    )
    done = [r for r in results if r["status"] == "ok"]
    for r in results:
        number = numbers.get(r["form"], f"#{r['form']}")
        if r["status"] == "ok":
            messages.success(request, _("%(n)s：已同意。") % {"n": number})
        else:
            messages.warning(request, _("%(n)s：未处理——%(m)s") % {"n": number, "m": r["message"]})
    if len(results) > 1:
        messages.info(
            request,
            _("批量审批：%(ok)d 项已同意，%(bad)d 项未处理。")
            % {"ok": len(done), "bad": len(results) - len(done)},
        )
    return redirect(next_url or "queue")
