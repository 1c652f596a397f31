"""The home page (工作台): what waits on the user, their drafts and forms in review, the latest
activity on their forms and their unread notifications. It gathers from every app, so it lives
at the top, beside the URL configuration."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from approvals.kinds import all_kinds
from approvals.models import EDITABLE_STATUSES, Form, FormStatus
from approvals.selectors import events_with_forms, queue_for
from core.models import AuditEvent
from notifications.models import Notification

HOME_QUEUE_TOP = 5
HOME_LIST_TOP = 10
HOME_RECENT_FORMS = 50


def _notifications(user):
    """The user's unread in-app notifications, newest first."""
    return list(
        Notification.objects.filter(recipient=user, read_at__isnull=True).order_by(
            "-created_at", "-id"
        )[:HOME_LIST_TOP]
    )


@login_required
def home(request):
    user = request.user
    queue = queue_for(user)
    now = timezone.now()
    top = [
        {
            "seat": row,
            "form": row.step.form,
            "step": row.step,
            "overdue": row.step.due_at is not None and row.step.due_at < now,
            "delegated": row.user_id != user.pk,
        }
        for row in queue[:HOME_QUEUE_TOP]
    ]
    drafts = list(
        Form.objects.filter(submitter=user, status__in=EDITABLE_STATUSES)
        .select_related("project")
        .order_by("-updated_at")[:HOME_LIST_TOP]
    )
    mine_in_review = list(
        Form.objects.filter(submitter=user, status=FormStatus.IN_REVIEW)
        .select_related("project")
        .order_by("-submitted_at")[:HOME_LIST_TOP]
    )
    # The latest events on the user's most recently changed forms (every event that changes a
    # form bumps its updated_at): an index range on the form ids, not a scan of the whole log.
    recent = list(
        Form.objects.filter(submitter=user)
        .order_by("-updated_at")
        .values_list("pk", flat=True)[:HOME_RECENT_FORMS]
    )
    activity = events_with_forms(
        AuditEvent.objects.filter(form_id__in=recent)
        .select_related("actor", "on_behalf_of")
        .order_by("-id")[:HOME_LIST_TOP]
        if recent
        else []
    )
    creating = [k for k in all_kinds() if k.creates_project]
    # Counted once: the navigation badge reuses it.
    request.sipm_queue_count = queue.count()
    return render(
        request,
        "projects/home.html",
        {
            "queue_count": request.sipm_queue_count,
            "queue_top": top,
            "drafts": drafts,
            "mine_in_review": mine_in_review,
            "activity": activity,
            "notifications": _notifications(user),
            "creating_kinds": creating,
        },
    )
