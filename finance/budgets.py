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

from approvals.models import Form, FormStatus
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
    """{category: budget or None} for one project: one query per source kind group, or one
    query in all when the page read the project's forms first (projects.selectors.
    read_form_states: `project.form_states`, oldest approval first) and none without a source
    form approved."""
    out: dict[str, Decimal | None] = dict.fromkeys(categories.values)
    sources = dict(BUDGET_SOURCES.items())
    groups: dict[tuple, list[str]] = {}
    for category, (kinds, _field) in sources.items():
        groups.setdefault(tuple(kinds), []).append(category)
    datas = _known_datas(project, groups)
    for kinds, codes in groups.items():
        if datas is None:
            forms = (
                _approved(kinds)
                .filter(project=project)
                .order_by("-closed_at", "-id")
                .values_list("data", flat=True)
            )
            rows = _newest_first(forms)
        else:
            rows = datas[kinds]
        pending = set(codes)
        for data in rows:
            for category in list(pending):
                value = _as_decimal((data or {}).get(sources[category][1]))
                if value is not None:
                    out[category] = value
                    pending.discard(category)
            if not pending:
                break
    return out


def _known_datas(project, groups, first=3):
    """For each kind group, the data of its approved forms, newest first, from the forms the
    page read (`project.form_states`); the newest `first` of every group in one query, the rest
    of a group only if its walk gets that far. None when the forms were not read."""
    states = getattr(project, "form_states", None)
    if states is None:
        return None
    newest = {
        kinds: [
            f.pk for f in reversed(states) if f.kind in kinds and f.status == FormStatus.APPROVED
        ]
        for kinds in groups
    }
    head = {pk for pks in newest.values() for pk in pks[:first]}
    read = dict(Form.objects.filter(pk__in=head).values_list("pk", "data")) if head else {}

    def walk(pks):
        yield from (read.get(pk) for pk in pks[:first])
        if len(pks) > first:
            rest = dict(Form.objects.filter(pk__in=pks[first:]).values_list("pk", "data"))
            yield from (rest.get(pk) for pk in pks[first:])

    return {kinds: walk(pks) for kinds, pks in newest.items()}


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
