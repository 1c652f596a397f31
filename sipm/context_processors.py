"""What every page's navigation needs: the queue badge and which menu entries to show."""

from django.utils.functional import SimpleLazyObject


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def queue_count():
        # The queue page has counted already; elsewhere one indexed count.
        known = getattr(request, "sipm_queue_count", None)
        if known is not None:
            return known
        from approvals.selectors import queue_for

        return queue_for(user).count()

    def dashboard():
        from projects.dashboard import may_see_dashboard

        return may_see_dashboard(user)

    def reports():
        from finance.permissions import report_refusal

        return report_refusal(user) is None

    return {
        "nav_queue_count": SimpleLazyObject(queue_count),
        "nav_dashboard": SimpleLazyObject(dashboard),
        "nav_reports": SimpleLazyObject(reports),
    }
