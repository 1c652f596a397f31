"""The monthly report's one SQL statement, assembled from Django-compiled parts.

Costs are aggregated per project in two grouped scans of the ledger (the month's lines by
category; every line up to the month's end in one plain sum); budgets come from the latest approved form carrying each figure,
picked with ROW_NUMBER() per project and summed; both are joined to the approved projects. Each
part is compiled by the ORM for the database in use (PostgreSQL or SQLite), so the statement is
portable; only the joins of the derived tables are written here.
"""

from django.db import connection
from django.db.models import F, Q, Sum, Window
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, RowNumber

from ..budgets import BUDGET_SOURCES, SUM_FIELD
from ..models import CostCategory, CostEntry

CATEGORIES = tuple(CostCategory.values)


def _sql(qs):
    sql, params = qs.query.sql_with_params()
    return sql, list(params)


def month_costs_part(month):
    """(project_id, m_<category>…) over the month's lines only."""
    qs = (
        CostEntry.objects.filter(date__gte=month.start, date__lte=month.end)
        .order_by()
        .values("project_id")
        .annotate(
            **{
                f"m_{c}": Sum("amount", filter=Q(category=c), output_field=SUM_FIELD)
                for c in CATEGORIES
            }
        )
    )
    return _sql(qs)


def cumulative_costs_part(month):
    """(project_id, cum): every line up to the month's end, one plain SUM."""
    qs = (
        CostEntry.objects.filter(date__lte=month.end)
        .order_by()
        .values("project_id")
        .annotate(cum=Sum("amount", output_field=SUM_FIELD))
    )
    return _sql(qs)


def budget_part():
    """(project_id, value) rows: per category, the latest approved form's figure."""
    from approvals.models import Form, FormStatus

    parts, params = [], []
    for category in CATEGORIES:
        kinds, field = BUDGET_SOURCES[category]
        qs = (
            Form.objects.filter(
                kind__in=kinds, status=FormStatus.APPROVED, **{f"data__{field}__isnull": False}
            )
            .order_by()
            .annotate(
                budget_value=Cast(KeyTextTransform(field, "data"), SUM_FIELD),
                budget_rank=Window(
                    RowNumber(),
                    partition_by=[F("project_id")],
                    order_by=[F("closed_at").desc(), F("id").desc()],
                ),
            )
            .filter(budget_rank=1)
            .values_list("project_id", "budget_value")
        )
        sql, p = _sql(qs)
        parts.append(f"SELECT * FROM ({sql}) b_{category}")
        params += p
    return " UNION ALL ".join(parts), params


def initiated_part(month_over):
    from approvals.models import Form, FormStatus

    qs = (
        Form.objects.filter(kind="initiation", status=FormStatus.APPROVED, closed_at__lt=month_over)
        .order_by()
        .values_list("project_id", flat=True)
    )
    return _sql(qs)


def report_sql(month, month_over) -> tuple[str, list]:
    from org.models import Department
    from projects.models import Project

    q = connection.ops.quote_name
    month_costs, month_params = month_costs_part(month)
    cumulative, cumulative_params = cumulative_costs_part(month)
    budgets, budget_params = budget_part()
    initiated, initiated_params = initiated_part(month_over)
    month_cols = ", ".join(f"m.{q('m_' + c)}" for c in CATEGORIES)
    # Numbers and codes are ASCII: bytewise order is right and much cheaper than the locale's.
    collate = ' COLLATE "C"' if connection.vendor == "postgresql" else ""
    sql = f"""
        SELECT p.id, p.number, p.name, d.name, p.stage, {month_cols}, c.cum, b.budget
        FROM {q(Project._meta.db_table)} p
        LEFT JOIN {q(Department._meta.db_table)} d ON d.id = p.department_id
        LEFT JOIN ({month_costs}) m ON m.project_id = p.id
        LEFT JOIN ({cumulative}) c ON c.project_id = p.id
        LEFT JOIN (
            SELECT u.project_id, SUM(u.budget_value) AS budget
            FROM ({budgets}) u GROUP BY u.project_id
        ) b ON b.project_id = p.id
        WHERE p.id IN ({initiated})
        ORDER BY d.sort_order, d.code{collate}, p.number{collate}
    """
    return sql, month_params + cumulative_params + budget_params + initiated_params
