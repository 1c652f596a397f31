from django import template

from core.verbs import verb_label

register = template.Library()


@register.filter
def event_label(verb):
    return verb_label(verb)
