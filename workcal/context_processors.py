"""Template context: the missing-holiday-schedule banner, for staff only."""

from .calendar import fallback_warning


def calendar_warning(request):
    """`calendar_warning`: the Chinese warning text, or None; absent for non-staff users.

    Add "workcal.context_processors.calendar_warning" to TEMPLATES context_processors and
    include "workcal/_calendar_warning.html" in the base templates.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_staff:
        return {}
    return {"calendar_warning": fallback_warning()}
