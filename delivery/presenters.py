"""Dicts the API and the pages share: a project's 实施 overview and the portfolio rows."""

from .models import AcceptanceRecord
from .selectors import (
    changes_awaiting_budget,
    final_acceptance,
    plan_for,
    plan_tasks,
    plan_vs_actual,
)


def overview(project) -> dict:
    plan = plan_for(project)
    figures = plan_vs_actual(project)
    commission = figures["commission"] or {}
    return {
        "project": project.pk,
        "stage": project.stage,
        "has_plan": plan is not None,
        "plan": plan,
        "tasks": list(plan_tasks(plan)) if plan else [],
        "milestones": list(plan.milestones.order_by("due", "id")) if plan else [],
        "baselines": list(plan.baselines.select_related("form").order_by("version"))
        if plan
        else [],
        "figures": {
            "commission_man_days": commission.get("man_days"),
            "commission_fee": commission.get("fee"),
            "commission_start": commission.get("start_date"),
            "commission_end": commission.get("end_date"),
            **{
                k: figures[k]
                for k in (
                    "planned_man_days",
                    "planned_cost",
                    "actual_man_days",
                    "actual_cost",
                    "maintenance_man_days",
                    "maintenance_cost",
                    "maintenance_budget",
                    "spi",
                    "cpi",
                )
            },
        },
        "changes_awaiting_budget": [f.number for f in changes_awaiting_budget(project)],
        "acceptances": list(
            AcceptanceRecord.objects.filter(project=project).select_related("milestone")
        ),
        "final_accepted": final_acceptance(project) is not None,
    }


def portfolio_rows(qs) -> list[dict]:
    return [
        {
            "id": p.pk,
            "number": p.number,
            "name": p.name,
            "project_manager": str(p.project_manager) if p.project_manager else None,
            "week": p.snap_week,
            "spi": p.snap_spi,
            "cpi": p.snap_cpi,
            "next_milestone": p.next_milestone_name,
            "next_milestone_due": p.next_milestone_due,
            "open_risks": p.open_risks or 0,
        }
        for p in qs
    ]
