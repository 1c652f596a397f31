"""The monthly report's one SQL statement, assembled from Django-compiled parts.

Costs come from one grouped pass over the ledger up to the month's end: per project, the month's
lines by category (FILTERed sums) and every line (the cumulative sum). On PostgreSQL that pass is
an index-only scan of the covering index `cost_project_cover` (project, date, category, amount)
in project order, aggregated as a stream. Budgets come from the latest approved form carrying
each figure with a value (DISTINCT ON per project on PostgreSQL, ROW_NUMBER() elsewhere), summed
per project. Both are joined to the approved projects. Each part is compiled by the ORM for the
database in use (PostgreSQL or SQLite); only the joins of the derived tables are written here.
"""

from django.db import connection
from django.db.models import F, Q, Sum, Window
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, RowNumber

from approvals.models import Form
from org.models import Department
from projects.models import Project

from ..budgets import BUDGET_SOURCES, SUM_FIELD
from ..categories import CATEGORY_CODES
from ..models import CostEntry

CATEGORIES = CATEGORY_CODES


def _sql(qs):
    sql, params = qs.query.sql_with_params()
    return sql, list(params)


def costs_part(month):
    """(project_id, m_<category>…, cum) over every line up to the month's end, one pass."""
    in_month = Q(date__gte=month.start)
    qs = (
        CostEntry.objects.filter(date__lte=month.end)
        .order_by()
        .values("project_id")
        .annotate(
            **{
                f"m_{c}": Sum("amount", filter=in_month & Q(category=c), output_field=SUM_FIELD)
                for c in CATEGORIES
            },
            cum=Sum("amount", output_field=SUM_FIELD),
        )
    )
    return _sql(qs)


def _latest_values(kinds, field):
    """(project_id, budget_value): the figure of the latest approved form of `kinds` that has a
    value for `field` (a cleared field is stored as null and leaves the older figure standing)."""

    qs = (
        Form.objects.approved()
        .of_kind(*kinds)
        # Has the key, and its value is not JSON null (how a cleared field is stored).
        .filter(**{f"data__{field}__isnull": False})
        .exclude(**{f"data__{field}": None})
        .annotate(budget_value=Cast(KeyTextTransform(field, "data"), SUM_FIELD))
    )
    if connection.features.can_distinct_on_fields:
        # One sort and a Unique step; cheaper than numbering every row with a window.
        qs = qs.order_by("project_id", "-closed_at", "-id").distinct("project_id")
    else:
        qs = (
            qs.order_by()
            .annotate(
                budget_rank=Window(
                    RowNumber(),
                    partition_by=[F("project_id")],
                    order_by=[F("closed_at").desc(), F("id").desc()],
                )
            )
            .filter(budget_rank=1)
        )
    return _sql(qs.values_list("project_id", "budget_value"))


def budget_part():
    """(project_id, budget_value) rows: per category, the latest approved form's figure."""
    parts, params = [], []
    for category in CATEGORIES:
        if category not in BUDGET_SOURCES:
            continue  # a category without a budget source (admin data) has no budget
        kinds, field = BUDGET_SOURCES[category]
        sql, p = _latest_values(kinds, field)
        parts.append(f"SELECT * FROM ({sql}) b_{category}")
        params += p
    if not parts:
        return "SELECT NULL AS project_id, NULL AS budget_value WHERE 1 = 0", []
    return " UNION ALL ".join(parts), params


def initiated_part(month_over):

    qs = (
        Form.objects.approved()
        .of_kind("initiation")
        .filter(closed_at__lt=month_over)
        .order_by()
        .values_list("project_id", flat=True)
    )
    return _sql(qs)


def _rows_sql(month, month_over) -> tuple[str, list, str]:
    """(select, params, collate) of the report's rows, unordered: every project with an approved
    立项书 by the month's end or ledger lines up to it, with the department's sort keys."""
    q = connection.ops.quote_name
    costs, costs_params = costs_part(month)
    budgets, budget_params = budget_part()
    initiated, initiated_params = initiated_part(month_over)
    # 0.00, not 0: a project without lines gets the same two-place zero as a sum would.
    month_cols = ", ".join(f"COALESCE(c.{q('m_' + c)}, 0.00) AS {q('m_' + c)}" for c in CATEGORIES)
    # Numbers and codes are ASCII: bytewise order is right and much cheaper than the locale's.
    collate = ' COLLATE "C"' if connection.vendor == "postgresql" else ""
    sql = f"""
        SELECT p.id AS pid, p.number AS number, p.name AS name, d.name AS dept, p.stage AS stage,
            {month_cols}, COALESCE(c.cum, 0.00) AS cum, b.budget AS budget,
            CASE WHEN i.project_id IS NULL THEN 1 ELSE 0 END AS pre,
            d.sort_order AS dept_sort, d.code{collate} AS dept_code
        FROM {q(Project._meta.db_table)} p
        LEFT JOIN {q(Department._meta.db_table)} d ON d.id = p.department_id
        LEFT JOIN (SELECT DISTINCT x.project_id FROM ({initiated}) x) i ON i.project_id = p.id
        LEFT JOIN ({costs}) c ON c.project_id = p.id
        LEFT JOIN (
            SELECT u.project_id, SUM(u.budget_value) AS budget
            FROM ({budgets}) u GROUP BY u.project_id
        ) b ON b.project_id = p.id
        WHERE i.project_id IS NOT NULL OR c.project_id IS NOT NULL
    """
    # A project with lines up to the month's end is listed even if its 立项书 was approved
    # later (costs dated before the approval): the `pre` column flags it as pre-initiation cost,
    # so the report's month total always equals the ledger's.
    return sql, initiated_params + costs_params + budget_params, collate


def _row_columns(prefix="") -> str:
    """The columns data.iter_rows reads, in its order."""
    q = connection.ops.quote_name
    names = ["pid", "number", "name", "dept", "stage", *(f"m_{c}" for c in CATEGORIES)]
    return ", ".join(f"{prefix}{q(n)}" for n in [*names, "cum", "budget", "pre"])


def report_sql(month, month_over) -> tuple[str, list]:
    """Every row of the report, in the report's order (department, then project number)."""
    rows, params, collate = _rows_sql(month, month_over)
    sql = f"""
        SELECT {_row_columns("r.")} FROM ({rows}) r
        ORDER BY r.dept_sort, r.dept_code, r.number{collate}
    """
    return sql, params


def _month_total(prefix="") -> str:
    q = connection.ops.quote_name
    return " + ".join(f"{prefix}{q('m_' + c)}" for c in CATEGORIES) or "0.00"


def summary_sql(month, month_over, top: int) -> tuple[str, list]:
    """The report's totals without its rows: one line per department (kind 0, in the report's
    department order) with its sums, then the `top` projects with the largest spend of the month
    (kind 1, largest first, ties by id), each as data.iter_rows reads it.

    Columns: kind, the row columns of _row_columns(), then per department the sum of the
    cumulative costs of its projects with a budget, its number of projects, of projects with
    costs in the month, of projects listed for pre-initiation costs; and the two sort keys.
    Department lines carry their sums in the row columns (pid, number, name and stage empty)."""
    q = connection.ops.quote_name
    rows, params, _collate = _rows_sql(month, month_over)
    month_sums = ", ".join(f"SUM({q('m_' + c)})" for c in CATEGORIES)
    month_cols = ", ".join(q("m_" + c) for c in CATEGORIES)
    # Rounded: on SQLite the sums are floats, and ties must compare as cents do.
    total = f"ROUND({_month_total()}, 2)"
    sql = f"""
        WITH r AS ({rows}),
        t AS (SELECT r.*, {total} AS month_total FROM r)
        SELECT 0 AS kind, NULL AS pid, NULL AS number, NULL AS name, MAX(dept) AS dept,
            NULL AS stage, {month_sums}, SUM(cum) AS cum,
            SUM(budget) AS budget, NULL AS pre,
            SUM(CASE WHEN budget IS NOT NULL THEN cum END) AS budgeted_cost,
            COUNT(*) AS projects,
            SUM(CASE WHEN month_total > 0 THEN 1 ELSE 0 END) AS active,
            SUM(pre) AS pre_projects,
            dept_sort AS k1, dept_code AS k2, NULL AS k3, NULL AS k4
        FROM t GROUP BY dept_sort, dept_code
        UNION ALL
        SELECT 1, pid, number, name, dept, stage, {month_cols}, cum, budget, pre,
            NULL, NULL, NULL, NULL, NULL, NULL, -month_total, pid
        FROM (
            SELECT * FROM t WHERE month_total > 0 ORDER BY month_total DESC, pid LIMIT {int(top)}
        ) top_rows
        ORDER BY kind, k1, k2, k3, k4
    """
    return sql, params
