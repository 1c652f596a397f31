"""Chart data for the plan page (ECharts, fed by json_script): Gantt of plan vs actual and the
burn-up of man-days."""

from django.db.models import Max, Min, Sum
from django.utils.translation import gettext as _

from .models import TimesheetEntry
from .selectors import current_baseline, plan_for, snapshots


def gantt(project, tasks, milestones) -> dict:
    actual = {
        r["task_id"]: r
        for r in TimesheetEntry.objects.filter(project=project)
        .values("task_id")
        .annotate(first=Min("date"), last=Max("date"), md=Sum("man_days"))
    }
    baseline = current_baseline(plan_for(project))
    planned = {t["id"]: t for t in (baseline.snapshot.get("tasks", []) if baseline else [])}
    rows = []
    for t in tasks:
        a = actual.get(t.pk)
        b = planned.get(t.pk)
        rows.append(
            {
                "name": f"{t.phase.name} · {t.name}",
                "start": (b or {}).get("start") or t.start.isoformat(),
                "finish": (b or {}).get("finish") or t.finish.isoformat(),
                "actual_start": a["first"].isoformat() if a else None,
                "actual_finish": a["last"].isoformat() if a else None,
                "percent": t.percent_complete,
                "planned_md": str(t.planned_man_days),
                "actual_md": str(a["md"]) if a else "0",
            }
        )
    return {
        "tasks": rows,
        "milestones": [
            {"name": m.name, "due": m.due.isoformat(), "done": m.achieved_on is not None}
            for m in milestones
        ],
        "labels": {"plan": _("计划"), "actual": _("实际"), "milestone": _("里程碑")},
    }


def burnup(project) -> dict:
    snaps = list(snapshots(project))
    baseline = current_baseline(plan_for(project))
    return {
        "weeks": [s.week.isoformat() for s in snaps],
        "planned": [str(s.planned_man_days) for s in snaps],
        "actual": [str(s.actual_man_days) for s in snaps],
        "pv": [str(s.pv) for s in snaps],
        "ev": [str(s.ev) for s in snaps],
        "ac": [str(s.ac) for s in snaps],
        "total": str(baseline.man_days) if baseline else None,
        "labels": {
            "planned": _("计划工日（累计）"),
            "actual": _("实际工日（累计）"),
            "total": _("基线总工日"),
        },
    }
