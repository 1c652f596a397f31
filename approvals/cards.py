"""Key figures on queue cards: each form kind registers what an approver needs to see without
opening the form (amount, 折扣率 against the limit, budget total, margin …).

A kind's `figures(form, ctx)` must not query: what it needs for a whole page is read once by the
registered prefetchers (`prefetch(forms, user) -> dict`, merged into ctx), so a page of cards
costs the same few queries at any history size.
"""

from collections.abc import Callable
from dataclasses import dataclass

_FIGURES: dict[str, Callable] = {}
_PREFETCHERS: list[Callable] = []


@dataclass
class Figure:
    label: str
    text: str
    tone: str = ""  # "" | "warn" | "ok"


def register_card(slug: str, figures: Callable) -> None:
    _FIGURES[slug] = figures


def register_prefetch(fn: Callable) -> None:
    if fn not in _PREFETCHERS:
        _PREFETCHERS.append(fn)


def card_figures(forms, user) -> dict[int, list[Figure]]:
    forms = list(forms)
    ctx = {"user": user}
    if forms:
        for fn in _PREFETCHERS:
            ctx.update(fn(forms, user) or {})
    out = {}
    for form in forms:
        figures = _FIGURES.get(form.kind)
        out[form.pk] = [f for f in (figures(form, ctx) if figures else []) if f and f.text]
    return out
