"""Hooks for other apps (deadlines, notifications) to react to money events after commit.

`on_payment_recorded(fn)` registers fn(payment_id=...), called after a collection is committed
(the deadlines helper starts the final-accounts deadline when payment_status says all collected).
`on_monthly_report(fn)` registers fn(report_id=...), called after a monthly report is generated
and mailed (for in-app notifications). A failing hook is logged and does not stop the others.
"""

import logging

logger = logging.getLogger(__name__)

_payment_hooks: list = []
_report_hooks: list = []


def on_payment_recorded(fn):
    if fn not in _payment_hooks:
        _payment_hooks.append(fn)
    return fn


def on_monthly_report(fn):
    if fn not in _report_hooks:
        _report_hooks.append(fn)
    return fn


def _fire(hooks, **kwargs):
    for fn in list(hooks):
        try:
            fn(**kwargs)
        except Exception:
            logger.exception("finance hook %r failed", fn)


def fire_payment_recorded(*, payment_id):
    _fire(_payment_hooks, payment_id=payment_id)


def fire_monthly_report(*, report_id):
    _fire(_report_hooks, report_id=report_id)
