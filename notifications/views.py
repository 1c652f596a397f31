"""The in-app inbox in the browser: the list, mark one or all read (htmx), the nav badge."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from finance.permissions import cost_view_refusal
from projects.views_estimates import visible_project
from sipm.errors import DomainError, NotVisible

from .deadlines import project_deadlines
from .nudges import form_remind
from .preferences import preference_set
from .selectors import notifications_for, unread_count
from .services import notification_mark_all_read, notification_mark_read

PAGE_SIZE = 20
# htmx event the badge listens to (sent with every change from this page).
CHANGED = "notifications-changed"


def _is_htmx(request) -> bool:
    return bool(getattr(request, "htmx", False))


def _list_context(request):
    unread_only = request.GET.get("unread") == "1"
    qs = notifications_for(request.user, unread_only=unread_only)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return {"page": page, "unread_only": unread_only, "unread": unread_count(request.user)}


@login_required
@require_GET
def notification_list(request):
    return render(request, "notifications/list.html", _list_context(request))


@login_required
@require_POST
def notification_read(request, pk):
    try:
        notification = notification_mark_read(acting_user=request.user, notification_id=pk)
    except NotVisible:
        raise Http404(_("通知不存在。"))
    if _is_htmx(request):
        response = render(request, "notifications/_item.html", {"n": notification})
        response["HX-Trigger"] = CHANGED
        return response
    return redirect("notifications")


@login_required
@require_POST
def notification_read_all(request):
    count = notification_mark_all_read(acting_user=request.user)
    if _is_htmx(request):
        context = _list_context(request)
        context["ok_message"] = _("已将 %(n)d 条通知标为已读。") % {"n": count}
        response = render(request, "notifications/_list.html", context)
        response["HX-Trigger"] = CHANGED
        return response
    messages.success(request, _("已将 %(n)d 条通知标为已读。") % {"n": count})
    return redirect("notifications")


@login_required
@require_GET
def notification_badge(request):
    return render(request, "notifications/_badge.html", {"unread": unread_count(request.user)})


@login_required
@require_POST
def form_remind_view(request, pk):
    """催办 from the form page."""
    try:
        log = form_remind(acting_user=request.user, form_id=pk)
    except NotVisible:
        raise Http404(_("表单不存在或无权查看。"))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        names = "、".join(str(n.recipient) for n in log.notifications.select_related("recipient"))
        messages.success(request, _("已催办：%(names)s。") % {"names": names})
    return redirect("form-detail", pk=pk)


@login_required
@require_POST
def preferences_save(request):
    try:
        preference_set(
            acting_user=request.user,
            email=request.POST.getlist("email"),
            robot=request.POST.getlist("robot"),
            daily_digest=request.POST.get("daily_digest") == "1",
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("通知偏好已保存。"))
    return redirect("profile")


# --- a project's deadlines (the project page's 期限 panel) ---

DEADLINE_STATES = {
    "open": ("text-bg-primary", lambda d: _("进行中")),
    "met": ("text-bg-success", lambda d: _("按时完成")),
    "overdue": (
        "text-bg-danger",
        lambda d: _("逾期完成") if d.get("met_at") else _("已逾期"),
    ),
}


@login_required
@require_GET
def deadlines_panel(request, pk):
    project = visible_project(request.user, pk)
    rows = []
    for d in project_deadlines(project):
        css, label = DEADLINE_STATES.get(d["status"], ("text-bg-secondary", lambda d: d["status"]))
        rows.append({**d, "badge": css, "status_label": label(d)})
    return render(
        request,
        "projects/_deadlines.html",
        {
            "project": project,
            "deadlines": rows,
            "finance_links": cost_view_refusal(request.user, project) is None,
        },
    )
