"""Money in templates: thousands separators and two decimals, empty for no value."""

from django import template

from sipm import values

register = template.Library()


@register.filter
def money(value):
    text = values.money_text(value)
    return text.replace("¥", "") if text else "—"


@register.filter
def percent(value):
    return values.percent_text(value) or "—"
