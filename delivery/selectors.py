"""Reads of 实施: the plan, its baselines, the commission's limits, earned value, risks and the
portfolio. Visibility is the project's (projects.selectors)."""

from decimal import Decimal

from django.db.models import Count, OuterRef, Q, Subquery, Sum

from approvals.models import FormStatus
from projects.models import Project, Stage
from projects.selectors import approved_forms, current_budget, latest_approved
from sipm.values import to_decimal

from .models import (
    OPEN_RISK_STATUSES,
    AcceptanceRecord,
    Baseline,
    DayRate,
    Milestone,
    Plan,
    Risk,
    Task,
    TimesheetEntry,
    WeekSnapshot,
)

ZERO = Decimal("0")


def plan_for(project):
    return Plan.objects.filter(project=project).first()


def plan_tasks(plan):
    return (
        Task.objects.filter(plan=plan)
        .select_related("phase", "owner")
        .prefetch_related("depends_on")
        .order_by("phase__order", "order", "id")
    )


def current_baseline(plan) -> Baseline | None:
    if plan is None:
        return None
    return plan.baselines.filter(approved_at__isnull=False).order_by("-version").first()


def baseline_in_review(plan) -> Baseline | None:
    return plan.baselines.filter(form__status=FormStatus.IN_REVIEW).first()


def day_rates() -> dict[int, Decimal]:
    return dict(DayRate.objects.values_list("position", "rate"))


def commission_figures(project) -> dict | None:
    """项目委托书 [§23]: 实施工日, 实施工期 and 实施费用, as approved."""
    form = latest_approved(project, "commission")
    if form is None:
        return None
    data = form.data
    return {
        "form": form,
        "man_days": to_decimal(data.get("man_days")) or Decimal("0"),
        "start_date": data.get("start_date"),
        "end_date": data.get("end_date"),
        "fee": to_decimal(data.get("implementation_fee")) or Decimal("0"),
    }


def approved_changes(project):
    return approved_forms(project, "change_request")


def change_totals(project) -> dict:
    totals = {"man_days": ZERO, "cost": ZERO, "days": 0}
    for form in approved_changes(project):
        totals["man_days"] += to_decimal(form.data.get("man_days_impact")) or Decimal("0")
        totals["cost"] += to_decimal(form.data.get("cost_impact")) or Decimal("0")
        totals["days"] += int(form.data.get("schedule_impact_days") or 0)
    return totals


def changes_awaiting_budget(project) -> list:
    """Approved changes that move cost and were approved after the budget's current version:
    a new 项目预算表 version (预算变更 [§18]) is due."""
    budget = current_budget(project)
    since = budget["approved_at"] if budget else None
    out = []
    for form in approved_changes(project):
        if not to_decimal(form.data.get("cost_impact")):
            continue
        if since is None or form.closed_at > since:
            out.append(form)
    return out


def final_acceptance(project) -> AcceptanceRecord | None:
    return AcceptanceRecord.objects.filter(project=project, is_final=True).first()


def booked_totals(project) -> dict:
    rows = (
        TimesheetEntry.objects.filter(project=project)
        .values("maintenance")
        .annotate(md=Sum("man_days"), cost=Sum("cost"))
    )
    out = {"man_days": ZERO, "cost": ZERO, "maint_man_days": ZERO, "maint_cost": ZERO}
    for row in rows:
        if row["maintenance"]:
            out["maint_man_days"], out["maint_cost"] = row["md"], row["cost"]
        else:
            out["man_days"], out["cost"] = row["md"], row["cost"]
    return out


def plan_vs_actual(project) -> dict:
    """Planned (baseline) vs actual man-days and cost, against the commission and the budget's
    maintenance cost; the figures the 项目评估 starts from."""
    plan = plan_for(project)
    baseline = current_baseline(plan)
    snapshot = latest_snapshot(project)
    booked = booked_totals(project)
    commission = commission_figures(project)
    budget = current_budget(project)
    return {
        "commission": commission,
        "baseline": baseline,
        "planned_man_days": baseline.man_days if baseline else None,
        "planned_cost": baseline.cost if baseline else None,
        "actual_man_days": booked["man_days"],
        "actual_cost": booked["cost"],
        "maintenance_man_days": booked["maint_man_days"],
        "maintenance_cost": booked["maint_cost"],
        "maintenance_budget": budget["figures"]["maintenance_cost"] if budget else None,
        "snapshot": snapshot,
        "spi": snapshot.spi if snapshot else None,
        "cpi": snapshot.cpi if snapshot else None,
    }


def latest_snapshot(project) -> WeekSnapshot | None:
    return WeekSnapshot.objects.filter(project=project).order_by("-week").first()


def snapshots(project):
    return WeekSnapshot.objects.filter(project=project).order_by("week")


def risks_of(project):
    return Risk.objects.filter(project=project).select_related("owner")


def risk_matrix(project) -> list[list[int]]:
    """Open risks and issues counted by [probability-1][impact-1]."""
    grid = [[0] * 5 for _ in range(5)]
    rows = (
        Risk.objects.filter(project=project, status__in=OPEN_RISK_STATUSES)
        .values("probability", "impact")
        .annotate(n=Count("id"))
    )
    for row in rows:
        grid[row["probability"] - 1][row["impact"] - 1] = row["n"]
    return grid


def next_milestone(plan):
    return Milestone.objects.filter(plan=plan, achieved_on__isnull=True).order_by("due").first()


def portfolio(qs):
    """Every project of `qs` with its latest weekly snapshot, next open milestone and open risk
    count, each a subquery: one query whatever the number of projects."""
    latest = WeekSnapshot.objects.filter(project=OuterRef("pk")).order_by("-week")
    upcoming = Milestone.objects.filter(
        plan__project=OuterRef("pk"), achieved_on__isnull=True
    ).order_by("due")
    open_risks = (
        Risk.objects.filter(project=OuterRef("pk"), status__in=OPEN_RISK_STATUSES)
        .values("project")
        .annotate(n=Count("id"))
        .values("n")
    )
    return (
        qs.select_related("project_manager")
        .annotate(
            snap_week=Subquery(latest.values("week")[:1]),
            snap_spi=Subquery(latest.values("spi")[:1]),
            snap_cpi=Subquery(latest.values("cpi")[:1]),
            snap_ev=Subquery(latest.values("ev")[:1]),
            snap_bac=Subquery(latest.values("bac")[:1]),
            next_milestone_name=Subquery(upcoming.values("name")[:1]),
            next_milestone_due=Subquery(upcoming.values("due")[:1]),
            open_risks=Subquery(open_risks[:1]),
        )
        .order_by("number")
    )


def implementing_projects():
    return Project.objects.filter(stage=Stage.IMPLEMENTING)


def timesheet_week(user, project, monday):
    from datetime import timedelta

    return (
        TimesheetEntry.objects.filter(
            user=user, project=project, date__gte=monday, date__lte=monday + timedelta(days=6)
        )
        .values("task_id", "date")
        .annotate(md=Sum("man_days"))
    )


def booked_by_day(user, days) -> dict:
    """Man-days already booked by `user` on each of `days`, on every project."""
    rows = (
        TimesheetEntry.objects.filter(user=user, date__in=list(days))
        .values("date")
        .annotate(md=Sum("man_days"))
    )
    return {r["date"]: r["md"] for r in rows}


def open_risk_filter():
    return Q(status__in=OPEN_RISK_STATUSES)
