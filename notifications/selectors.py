"""Reads: a user's inbox and unread count, and the reminders recorded for a project."""

from .models import Notification, ReminderLog


def notifications_for(user, *, unread_only: bool = False):
    """The user's notifications, newest first."""
    qs = Notification.objects.filter(recipient=user)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at", "-id")


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def project_reminders(project):
    """What was sent about the project's deadlines and steps, newest first."""
    return (
        ReminderLog.objects.filter(project=project)
        .select_related("form", "step")
        .order_by("-created_at", "-id")
    )
