"""The monthly cost report's figures [§4], computed set-based in SQL and streamed.

One statement (finance.reports.sql) gives every approved project (its 立项书 approved before
the month was over; a rejected initiation never is) with the month's costs by category, its
cumulative costs up to the month's end and its budget (see finance.budgets). Rows come from
a server-side cursor; department and grand totals are folded from the same stream, so memory
stays flat however many projects there are.
"""

import heapq
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from operator import add
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.utils.translation import gettext as _

from projects.models import Stage
from sipm.errors import InvalidInput
from sipm.values import to_decimal

from ..categories import CATEGORY_CODES, categories
from ..validation import cents
from .sql import report_sql, summary_sql

SHANGHAI = ZoneInfo("Asia/Shanghai")
CATEGORIES = CATEGORY_CODES
ZERO = Decimal("0.00")
PG_SETTINGS = (
    "SET LOCAL jit = off",
    "SET LOCAL cursor_tuple_fraction = 1.0",
    "SET LOCAL work_mem = '64MB'",
    "SET LOCAL enable_hashagg = off",
)


@dataclass(frozen=True)
class Month:
    start: date

    @property
    def end(self) -> date:
        return self.next_start - timedelta(days=1)

    @property
    def next_start(self) -> date:
        return (self.start.replace(day=28) + timedelta(days=4)).replace(day=1)

    @property
    def label(self) -> str:
        return self.start.strftime("%Y-%m")

    @property
    def title(self) -> str:
        return _("%(y)d 年 %(m)d 月") % {"y": self.start.year, "m": self.start.month}


def parse_month(text) -> Month:
    try:
        year, month = (int(part) for part in str(text or "").strip().split("-"))
        start = date(year, month, 1)
        if date.max - start < timedelta(days=31):
            # 9999-12 has no next month to end the report at: refuse it here, not mid-stream.
            raise ValueError(text)
        return Month(start)
    except (TypeError, ValueError):
        message = _("“月份”：请输入有效的月份（格式 YYYY-MM）。")
        raise InvalidInput(message, fields={"month": message})


class Row(NamedTuple):
    project_id: int
    number: str
    name: str
    department: str
    stage: str
    month: tuple  # Decimal per category, in CATEGORIES order
    month_total: Decimal
    cumulative: Decimal
    budget: Decimal | None
    variance: Decimal | None  # cumulative − budget
    variance_pct: Decimal | None
    # Costs of a project whose 立项书 was approved after the month (lines dated before it).
    pre_initiation: bool = False


def variance_pct(variance, budget):
    if variance is None or not budget:
        return None
    return cents(variance * 100 / budget)


def _money(value) -> Decimal | None:
    """A sum from the database as cents: Decimal on PostgreSQL, a float or int on SQLite
    (whose float sums of whole cents round back exactly)."""
    value = to_decimal(value)
    return None if value is None else cents(value)


def _fetch(month: Month, chunk_size, statement=report_sql):
    """The raw rows of the report's statement (or `statement`'s) from a server-side cursor, in
    one transaction.

    On PostgreSQL, for this transaction only: no JIT (compiling the plan's expressions costs
    seconds, far more than the cheap per-row work it would speed up); plan the cursor for all its
    rows, not the first 10 %; room for the sorts in memory; and no hashed aggregates: the
    planner underestimates their cost for ~100k groups of numeric sums (measured at 1M lines:
    ~0.9 s hashing the ledger pass against ~0.3 s aggregating the covering index's ordered
    index-only scan as a stream).
    """
    month_over = datetime.combine(month.next_start, time(0), tzinfo=SHANGHAI)
    sql, params = statement(month, month_over)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for setting in PG_SETTINGS:
                    cursor.execute(setting)
        cursor = connection.chunked_cursor()
        try:
            cursor.execute(sql, params)
            while rows := cursor.fetchmany(chunk_size):
                yield from rows
        finally:
            cursor.close()


class _RowReader:
    """Report rows (Row) from the statement's raw row values (see sql._row_columns)."""

    def __init__(self):
        self.stage_labels = {value: str(label) for value, label in Stage.choices}
        self.unassigned = _("未分配部门")
        self.pre_label = _("立项前成本")
        self.n = len(CATEGORIES)
        # PostgreSQL returns the sums as Decimals with two places already (numeric(14,2)
        # summed, budgets cast to numeric(20,2)); other databases need them converted to cents.
        self.exact = connection.vendor == "postgresql"

    def money(self, values):
        """The month's sums by category, the cumulative sum and the budget, as cents."""
        n = self.n
        if self.exact:
            return tuple(values[5 : 5 + n]), values[5 + n], values[6 + n]
        return (
            tuple([_money(v) for v in values[5 : 5 + n]]),
            _money(values[5 + n]),
            _money(values[6 + n]),
        )

    def row(self, values) -> Row:
        pk, number, name, dept, stage = values[:5]
        spent, cumulative, budget = self.money(values)
        pre_initiation = bool(values[7 + self.n])
        if budget is None:
            variance = pct = None
        else:
            variance = cumulative - budget
            pct = variance_pct(variance, budget)
        return Row(
            pk,
            number,
            name,
            dept or self.unassigned,
            self.stage_labels.get(stage, stage)
            + (f"（{self.pre_label}）" if pre_initiation else ""),
            spent,
            sum(spent, ZERO),
            cumulative,
            budget,
            variance,
            pct,
            pre_initiation,
        )


def iter_rows(month: Month, chunk_size=5000):
    row = _RowReader().row
    for values in _fetch(month, chunk_size):
        yield row(values)


@dataclass
class Totals:
    name: str = ""
    projects: int = 0
    month: list = field(default_factory=lambda: [ZERO] * len(CATEGORIES))
    month_total: Decimal = ZERO
    cumulative: Decimal = ZERO
    budget: Decimal = ZERO
    # Variance over the projects that have a budget: their costs − their budgets.
    budgeted_cost: Decimal = ZERO

    def add(self, row: Row):
        self.projects += 1
        self.month = list(map(add, self.month, row.month))
        self.month_total += row.month_total
        self.cumulative += row.cumulative
        if row.budget is not None:
            self.budget += row.budget
            self.budgeted_cost += row.cumulative

    @property
    def variance(self) -> Decimal | None:
        return self.budgeted_cost - self.budget if self.budget else None

    @property
    def variance_pct(self) -> Decimal | None:
        return variance_pct(self.variance, self.budget)

    def merge(self, other: "Totals"):
        self.projects += other.projects
        self.month = list(map(add, self.month, other.month))
        self.month_total += other.month_total
        self.cumulative += other.cumulative
        self.budget += other.budget
        self.budgeted_cost += other.budgeted_cost

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "projects": self.projects,
            "month": {c: str(v) for c, v in zip(CATEGORIES, self.month, strict=True)},
            "month_total": str(self.month_total),
            "cumulative": str(self.cumulative),
            "budget": str(self.budget),
            "variance": _s(self.variance),
            "variance_pct": _s(self.variance_pct),
        }


def _s(value):
    return None if value is None else str(value)


def row_as_dict(row: Row) -> dict:
    return {
        "project_id": row.project_id,
        "number": row.number,
        "name": row.name,
        "department": row.department,
        "stage": row.stage,
        "month": {c: str(v) for c, v in zip(CATEGORIES, row.month, strict=True)},
        "month_total": str(row.month_total),
        "cumulative": str(row.cumulative),
        "budget": _s(row.budget),
        "variance": _s(row.variance),
        "variance_pct": _s(row.variance_pct),
        "pre_initiation": row.pre_initiation,
    }


class Accumulator:
    """Department and grand totals, plus the projects with the largest spend of the month."""

    def __init__(self, top=0):
        self.departments: dict[str, Totals] = {}
        self._grand: Totals | None = None
        self.top = top
        self._heap: list = []
        # Projects with any cost in the month (the PDF lists the largest of them).
        self.active_projects = 0
        # Projects listed for costs dated before their 立项书's approval.
        self.pre_initiation_projects = 0

    @property
    def grand(self) -> Totals:
        """The grand total, folded from the department totals once the rows are in (so each
        row is added to one Totals only)."""
        if self._grand is None:
            self._grand = Totals(name=_("合计"))
            for dept in self.departments.values():
                self._grand.merge(dept)
        return self._grand

    def add(self, row: Row):
        self._grand = None
        dept = self.departments.get(row.department)
        if dept is None:
            dept = self.departments[row.department] = Totals(name=row.department)
        dept.add(row)
        if row.month_total > 0:
            self.active_projects += 1
        if row.pre_initiation:
            self.pre_initiation_projects += 1
        if self.top and row.month_total > 0:
            item = (row.month_total, -row.project_id, row)
            if len(self._heap) < self.top:
                heapq.heappush(self._heap, item)
            elif item > self._heap[0]:
                heapq.heapreplace(self._heap, item)

    def set_top(self, rows: list[Row]):
        """The top projects when they were selected elsewhere (largest first)."""
        self._heap = [(row.month_total, -row.project_id, row) for row in rows[: self.top]]

    def top_rows(self) -> list[Row]:
        return [item[2] for item in sorted(self._heap, reverse=True)]

    def summary(self, month: Month) -> dict:
        return {
            "month": month.label,
            "categories": {c: str(label) for c, label in categories.choices},
            "totals": self.grand.as_dict(),
            "departments": [t.as_dict() for t in self.departments.values()],
        }


def run(month: Month, sinks=(), top=0) -> Accumulator:
    """Stream the rows once through the accumulator and each sink (sink.add(row)). Without
    sinks nothing needs the rows: the totals and the top projects come from summarize()."""
    if not sinks:
        return summarize(month, top=top)
    acc = Accumulator(top=top)
    for row in iter_rows(month):
        acc.add(row)
        for sink in sinks:
            sink.add(row)
    return acc


def summarize(month: Month, top=0) -> Accumulator:
    """The accumulator run() would fold from every row (department and grand totals, counts,
    the `top` projects with the largest spend of the month), aggregated by the database in one
    statement (sql.summary_sql): ~100 rows reach Python instead of one per project."""
    reader = _RowReader()
    n = reader.n
    acc = Accumulator(top=top)
    top_rows = []
    for values in _fetch(month, 1000, statement=lambda m, over: summary_sql(m, over, top)):
        kind, values = values[0], values[1:]
        if kind == 1:
            top_rows.append(reader.row(values))
            continue
        spent, cumulative, budget = reader.money(values)
        budgeted_cost, projects, active, pre = values[8 + n : 12 + n]
        name = values[3] or reader.unassigned
        totals = Totals(
            name=name,
            projects=projects,
            month=list(spent),
            month_total=sum(spent, ZERO),
            cumulative=cumulative,
            budget=ZERO if budget is None else budget,
            budgeted_cost=ZERO if budgeted_cost is None else _money(budgeted_cost),
        )
        if name in acc.departments:  # a department named like the unassigned label
            acc.departments[name].merge(totals)
        else:
            acc.departments[name] = totals
        acc.active_projects += active
        acc.pre_initiation_projects += pre
    acc.set_top(top_rows)
    return acc
