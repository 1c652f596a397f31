"""The cost categories (CostCategory rows, kept by admins) as the ledger, the budget, the
决算表 and the monthly report read them.

`categories` answers `.values` (codes in display order), `.choices` ((code, name) pairs),
`.label(code)`, `.active_values` and `.budget_sources` ({code: (form kinds, field)}). The table is
read once and cached in the process for CACHE_SECONDS; saving or deleting a category clears the
cache at once in this process. When the table is empty (a test that flushed it) the seeded
DEFAULTS stand in, so the ledger never loses its categories.

`CATEGORY_CODES` is a lazy sequence of the codes for modules that keep them as a constant.
"""

import time
from collections.abc import Sequence

from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy

CACHE_SECONDS = 30
BUDGET_KINDS = ("budget", "budget_change")

# code, name, budget source — the categories of SIPM before they became data (migration 0003).
DEFAULTS = (
    ("presales", gettext_lazy("售前费用"), "initiation:presales_budget"),
    ("implementation", gettext_lazy("实施成本"), "budget:implementation_cost"),
    ("management", gettext_lazy("过程管理成本"), "budget:management_cost"),
    ("maintenance", gettext_lazy("维护成本"), "budget:maintenance_cost"),
    ("purchase", gettext_lazy("外购成本"), "quotation:purchase_cost"),
    ("sales", gettext_lazy("销售费用"), "quotation:sales_expense"),
)


def source_kinds(source: str) -> tuple[tuple[str, ...], str] | None:
    """'budget:implementation_cost' → (("budget", "budget_change"), "implementation_cost")."""
    if not source or ":" not in source:
        return None
    kind, field = source.split(":", 1)
    return (BUDGET_KINDS if kind == "budget" else (kind,)), field


class _Categories:
    def __init__(self):
        self._rows = None
        self._loaded = 0.0

    def clear(self, **_kwargs):
        self._rows = None

    def rows(self) -> list[tuple[str, str, str, bool]]:
        """[(code, name, budget_source, active)] in display order."""
        if self._rows is None or time.monotonic() - self._loaded > CACHE_SECONDS:
            from .models import CostCategory

            rows = list(
                CostCategory.objects.order_by("sort_order", "id").values_list(
                    "code", "name", "budget_source", "active"
                )
            )
            if not rows:
                return [(c, str(n), s, True) for c, n, s in DEFAULTS]
            self._rows, self._loaded = rows, time.monotonic()
        return self._rows

    @property
    def values(self) -> list[str]:
        return [r[0] for r in self.rows()]

    @property
    def active_values(self) -> list[str]:
        return [r[0] for r in self.rows() if r[3]]

    @property
    def choices(self) -> list[tuple[str, str]]:
        return [(r[0], r[1]) for r in self.rows()]

    def label(self, code) -> str:
        return next((r[1] for r in self.rows() if r[0] == code), str(code))

    def code_for(self, text) -> str | None:
        """The code of a category named by its code or its name (either language)."""
        text = str(text or "").strip()
        for code, name, _s, _a in self.rows():
            if text in (code, name, str(gettext_lazy(name))):
                return code
        return None

    @property
    def budget_sources(self) -> dict[str, tuple[tuple[str, ...], str]]:
        out = {}
        for code, _n, source, _a in self.rows():
            parsed = source_kinds(source)
            if parsed:
                out[code] = parsed
        return out


categories = _Categories()


class _LazyCodes(Sequence):
    def __getitem__(self, index):
        return tuple(categories.values)[index]

    def __len__(self):
        return len(categories.values)

    def __iter__(self):
        return iter(categories.values)


CATEGORY_CODES = _LazyCodes()


def connect_signals():
    from .models import CostCategory

    post_save.connect(categories.clear, sender=CostCategory, dispatch_uid="finance.cat.save")
    post_delete.connect(categories.clear, sender=CostCategory, dispatch_uid="finance.cat.del")
