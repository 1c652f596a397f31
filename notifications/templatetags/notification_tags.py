"""The 催办 button of the form page and the preferences card of the profile page."""

from django import template

from .. import categories
from ..nudges import nudge_state
from ..preferences import preference_for

register = template.Library()


@register.inclusion_tag("notifications/_remind_button.html")
def remind_button(form):
    step, done = nudge_state(form)
    return {"form": form, "step": step, "done": done}


@register.inclusion_tag("notifications/_preferences.html", takes_context=True)
def notification_preferences(context):
    pref = preference_for(context["request"].user)
    rows = [
        {
            "code": code,
            "label": label,
            "email": code in pref["email"],
            "robot": code in pref["robot"],
        }
        for code, label in categories.LABELS.items()
    ]
    return {"rows": rows, "daily_digest": pref["daily_digest"], "request": context["request"]}
