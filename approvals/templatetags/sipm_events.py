from django import template

from approvals.events import event_label as _event_label

register = template.Library()


@register.filter
def event_label(verb):
    return _event_label(verb)
