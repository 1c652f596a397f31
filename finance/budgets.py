"""Where each cost category's budget comes from: the latest approved form that carries it.

The 项目预算表 (and its approved changes) sets the implementation, management and maintenance
budgets [§17–§18]; the 立项书 sets the pre-sales expense the cost director approved [§1]; the
approved 报价审批表 gives the purchase cost and the expected sales expense [§13]. For each field
the latest approved form (by approval time) that has a value for it wins, so a budget change that
only restates some fields leaves the others as they were.
"""

from collections.abc import Mapping
from decimal import Decimal

from django.db.models import DecimalField

from approvals.models import Form
from sipm.values import to_decimal

from .categories import BUDGET_KINDS, categories


class _Sources(Mapping):
    """category code → (form kinds, field name in the form's data), read from each
    CostCategory's budget_source (admin data); a category without a source has no budget."""

    def __getitem__(self, code):
        return categories.budget_sources[code]

    def __iter__(self):
        return iter(categories.budget_sources)

    def __len__(self):
        return len(categories.budget_sources)


BUDGET_SOURCES = _Sources()

SUM_FIELD = DecimalField(max_digits=20, decimal_places=2)


def _approved(kinds):

    return Form.objects.approved().of_kind(*kinds)


_as_decimal = to_decimal


def project_budget(project) -> dict[str, Decimal | None]:
    """{category: budget or None} for one project (one query per source kind group)."""
    out: dict[str, Decimal | None] = dict.fromkeys(categories.values)
    sources = dict(BUDGET_SOURCES.items())
    groups: dict[tuple, list[str]] = {}
    for category, (kinds, _field) in sources.items():
        groups.setdefault(kinds, []).append(category)
    for kinds, codes in groups.items():
        forms = (
            _approved(kinds)
            .filter(project=project)
            .order_by("-closed_at", "-id")
            .values_list("data", flat=True)
        )
        pending = set(codes)
        for data in _newest_first(forms):
            for category in list(pending):
                value = _as_decimal((data or {}).get(sources[category][1]))
                if value is not None:
                    out[category] = value
                    pending.discard(category)
            if not pending:
                break
    return out


def _newest_first(rows, first=3):
    """The rows of an ordered query, reading past the first few only if the caller asks: the
    newest approved forms usually hold every figure, and a project may have hundreds."""
    head = list(rows[:first])
    yield from head
    if len(head) == first:
        yield from rows[first:]


def latest_budget_data(project) -> dict:
    """The data of the latest approved 项目预算表 or 预算变更 (empty dict if none)."""
    data = (
        _approved(BUDGET_KINDS)
        .filter(project=project)
        .order_by("-closed_at", "-id")
        .values_list("data", flat=True)
        .first()
    )
    return data or {}
