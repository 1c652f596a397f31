"""Conditions of conditional steps, stored as JSON in the chain template and read from the form.

    {"field": "is_special", "op": "eq", "value": true}
    {"field": "estimated_amount", "op": "gt", "value": "5000000"}
    {"any": [cond, ...]}   {"all": [cond, ...]}   {"not": cond}
    {"op": "discount_below_limit", "role": "SALES_DIR"}   (registered by projects.discounts)

Evaluation is pure: it returns (applies, reason) and never writes.
"""

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sipm.values import to_decimal

_OPS = {
    "eq": lambda a, b: a == b,
    "ne": lambda a, b: a != b,
    "gt": lambda a, b: a is not None and a > b,
    "gte": lambda a, b: a is not None and a >= b,
    "lt": lambda a, b: a is not None and a < b,
    "lte": lambda a, b: a is not None and a <= b,
    "truthy": lambda a, b: bool(a),
}
# (phrase when the comparison holds, phrase when it does not)
_OP_WORDS = {
    "eq": (gettext_lazy("等于"), gettext_lazy("不等于")),
    "ne": (gettext_lazy("不等于"), gettext_lazy("等于")),
    "gt": (gettext_lazy("高于"), gettext_lazy("未超过")),
    "gte": (gettext_lazy("不低于"), gettext_lazy("低于")),
    "lt": (gettext_lazy("低于"), gettext_lazy("不低于")),
    "lte": (gettext_lazy("不高于"), gettext_lazy("高于")),
}


def _shown(value):
    if isinstance(value, Decimal):
        return f"{value:,f}" if value == value.to_integral() else f"{value:,.2f}"
    return value


def _num(value):
    if isinstance(value, bool) or value is None:
        return value
    number = to_decimal(value)
    return value if number is None else number


def _label(kind, name):
    spec = kind.field(name) if kind else None
    return spec.label if spec else name


# Operators that need company policy (e.g. the discount authority) are registered by the app
# that owns the policy (projects.discounts): op name -> fn(condition, data) -> (applies, reason).
_CUSTOM_OPS: dict = {}


def register_op(name: str, fn) -> None:
    _CUSTOM_OPS[name] = fn


def evaluate(condition, data: dict, kind=None) -> tuple[bool, str]:
    if not condition:
        return True, ""
    if "any" in condition:
        results = [evaluate(c, data, kind) for c in condition["any"]]
        hits = [r for ok, r in results if ok]
        if hits:
            return True, "；".join(hits)
        return False, _("均不满足：") + "；".join(r for _ok, r in results)
    if "all" in condition:
        results = [evaluate(c, data, kind) for c in condition["all"]]
        if all(ok for ok, _r in results):
            return True, "；".join(r for _ok, r in results)
        return False, "；".join(r for ok, r in results if not ok)
    if "not" in condition:
        ok, reason = evaluate(condition["not"], data, kind)
        return (not ok), (_("并非：") + reason)
    op = condition.get("op", "eq")
    if op in _CUSTOM_OPS:
        return _CUSTOM_OPS[op](condition, data)
    name = condition["field"]
    actual, expected = _num(data.get(name)), _num(condition.get("value"))
    try:
        ok = _OPS[op](actual, expected)
    except TypeError:
        ok = False
    label = _label(kind, name)
    if op == "truthy" or isinstance(expected, bool):
        want = True if op == "truthy" else expected
        ok = (bool(actual) != want) if op == "ne" else (bool(actual) == want)
        shown = _("是") if bool(actual) else _("否")
        return ok, _("%(label)s为“%(value)s”") % {"label": label, "value": shown}
    if actual is None:
        return ok, _("%(label)s未填") % {"label": label}
    reason = _("%(label)s %(actual)s %(op)s %(expected)s") % {
        "label": label,
        "actual": _shown(actual),
        "op": _OP_WORDS[op][0 if ok else 1],
        "expected": _shown(expected),
    }
    return ok, reason
