"""Browser pages of 实施: the project's plan page (Gantt, burn-up, risk matrix), the weekly
timesheet, the panel on the project page, and 项目管理部's portfolio."""

from datetime import date, timedelta
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from projects.models import Project
from projects.selectors import projects_visible_to
from sipm.errors import DomainError, InvalidInput
from workcal.calendar import today

from . import charts, permissions, presenters, selectors, services
from .evm import WorkingDays, week_start
from .imports import plan_import_excel
from .models import DeliverySettings, PlanTemplate, RiskKind, RiskStatus


def _project(request, pk) -> Project:
    qs = Project.objects.select_related("project_manager", "department")
    project = projects_visible_to(request.user, qs).filter(pk=pk).first()
    if project is None:
        raise Http404(_("项目不存在或无权查看。"))
    return project


def _act(request, pk, fn, success, anchor=""):
    """Run one service from a POST; a domain error becomes a message, nothing changed."""
    try:
        fn()
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)
    return redirect(reverse("delivery-project", args=[pk]) + anchor)


@login_required
def project_page(request, pk):
    project = _project(request, pk)
    data = presenters.overview(project)
    plan = data["plan"]
    team = list(project.members.all())
    if project.project_manager and project.project_manager not in team:
        team.insert(0, project.project_manager)
    return render(
        request,
        "delivery/project.html",
        {
            "project": project,
            "d": data,
            "may_plan": permissions.plan_edit_refusal(request.user, project) is None,
            "may_risk": permissions.risk_refusal(request.user, project) is None,
            "templates": PlanTemplate.objects.filter(is_active=True),
            "risks": list(selectors.risks_of(project)),
            "risk_kinds": RiskKind.choices,
            "risk_statuses": RiskStatus.choices,
            "team": team,
            "gantt": charts.gantt(project, data["tasks"], data["milestones"]),
            "burnup": charts.burnup(project),
            "matrix": selectors.risk_matrix(project),
            "in_review": selectors.baseline_in_review(plan) if plan else None,
            "is_pm": permissions.is_pm(request.user, project),
            "may_portfolio": permissions.portfolio_allowed(request.user),
            "current": selectors.current_baseline(plan),
        },
    )


@login_required
def panel(request, pk):
    project = _project(request, pk)
    plan = selectors.plan_for(project)
    return render(
        request,
        "delivery/_panel.html",
        {
            "project": project,
            "plan": plan,
            "snapshot": selectors.latest_snapshot(project),
            "next_milestone": selectors.next_milestone(plan) if plan else None,
            "final": selectors.final_acceptance(project),
        },
    )


@login_required
@require_POST
def plan_create(request, pk):
    project = _project(request, pk)
    return _act(
        request,
        pk,
        lambda: services.plan_create_from_template(
            acting_user=request.user, project_id=project.pk, template=request.POST.get("template")
        ),
        _("已按模板生成实施计划。"),
    )


@login_required
@require_POST
def plan_import(request, pk):
    project = _project(request, pk)
    upload = request.FILES.get("file")

    def run():
        if upload is None:
            raise InvalidInput(_("请选择要导入的 Excel 文件。"))
        plan_import_excel(acting_user=request.user, project_id=project.pk, fileobj=upload)

    return _act(request, pk, run, _("计划已从 Excel 导入。"))


@login_required
@require_POST
def task_add(request, pk):
    project = _project(request, pk)
    p = request.POST
    values = {
        k: p.get(k) for k in ("phase", "name", "owner", "start", "finish", "planned_man_days")
    }
    if p.get("duration"):
        values["duration"] = p.get("duration")
    values["depends_on"] = p.getlist("depends_on")
    return _act(
        request,
        pk,
        lambda: services.task_save(acting_user=request.user, project_id=project.pk, values=values),
        _("任务已保存。"),
        "#wbs",
    )


@login_required
@require_POST
def task_progress(request, pk, task_id):
    project = _project(request, pk)
    return _act(
        request,
        pk,
        lambda: services.task_progress(
            acting_user=request.user,
            project_id=project.pk,
            task_id=task_id,
            percent=request.POST.get("percent"),
            on=request.POST.get("on") or None,
        ),
        _("进度已更新。"),
        "#wbs",
    )


@login_required
@require_POST
def milestone_add(request, pk):
    project = _project(request, pk)
    p = request.POST
    return _act(
        request,
        pk,
        lambda: services.milestone_save(
            acting_user=request.user,
            project_id=project.pk,
            name=p.get("name", ""),
            due=p.get("due", ""),
            is_acceptance=bool(p.get("is_acceptance")),
            is_final=bool(p.get("is_final")),
        ),
        _("里程碑已保存。"),
        "#milestones",
    )


@login_required
@require_POST
def baseline_submit(request, pk):
    project = _project(request, pk)
    return _act(
        request,
        pk,
        lambda: services.baseline_submit(
            acting_user=request.user, project_id=project.pk, reason=request.POST.get("reason", "")
        ),
        _("计划基线已提交审批。"),
        "#baselines",
    )


@login_required
@require_POST
def risk_add(request, pk):
    project = _project(request, pk)
    p = request.POST
    values = {
        k: p.get(k)
        for k in (
            "kind",
            "description",
            "probability",
            "impact",
            "owner",
            "response",
            "review_every",
        )
        if p.get(k) not in (None, "")
    }
    return _act(
        request,
        pk,
        lambda: services.risk_create(
            acting_user=request.user, project_id=project.pk, values=values
        ),
        _("已登记。"),
        "#risks",
    )


@login_required
@require_POST
def risk_review(request, pk, risk_id):
    project = _project(request, pk)
    p = request.POST

    def run():
        if p.get("status"):
            services.risk_update(
                acting_user=request.user,
                project_id=project.pk,
                risk_id=risk_id,
                values={"status": p.get("status")},
            )
        services.risk_review(
            acting_user=request.user, project_id=project.pk, risk_id=risk_id, note=p.get("note", "")
        )

    return _act(request, pk, run, _("复查已记录。"), "#risks")


def _monday(raw) -> date:
    try:
        return week_start(date.fromisoformat(raw)) if raw else week_start(today())
    except ValueError:
        return week_start(today())


@login_required
def timesheet(request, pk):
    project = _project(request, pk)
    monday = _monday(request.GET.get("week") or request.POST.get("week"))
    plan = selectors.plan_for(project)
    days = [monday + timedelta(days=i) for i in range(7)]
    if request.method == "POST":
        entries = []
        for key, value in request.POST.items():
            if not key.startswith("md-") or not value.strip():
                continue
            _prefix, task_id, day = key.split("-", 2)
            entries.append(
                {
                    "task": task_id,
                    "date": day,
                    "man_days": value,
                    "overtime": bool(request.POST.get(f"ot-{day}")),
                }
            )
        try:
            services.timesheet_book(
                acting_user=request.user, project_id=project.pk, entries=entries
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("工日已登记。"))
            url = reverse("delivery-timesheet", args=[pk])
            return redirect(f"{url}?week={monday.isoformat()}")
    working = set(WorkingDays(days[0], days[-1]).days)
    booked = {
        (r["task_id"], r["date"]): r["md"]
        for r in selectors.timesheet_week(request.user, project, monday)
    }
    tasks = list(selectors.plan_tasks(plan)) if plan else []
    rows = [
        {
            "task": t,
            "cells": [
                {"day": d, "booked": booked.get((t.pk, d)), "key": f"md-{t.pk}-{d.isoformat()}"}
                for d in days
            ],
        }
        for t in tasks
    ]
    totals = [
        sum((booked.get((t.pk, d)) or Decimal("0") for t in tasks), Decimal("0")) for d in days
    ]
    return render(
        request,
        "delivery/timesheet.html",
        {
            "project": project,
            "monday": monday,
            "prev": (monday - timedelta(days=7)).isoformat(),
            "next": (monday + timedelta(days=7)).isoformat(),
            "days": [
                {"day": d, "working": d in working, "swapped": d in working and d.weekday() >= 5}
                for d in days
            ],
            "rows": rows,
            "totals": totals,
            "has_baseline": selectors.current_baseline(plan) is not None,
        },
    )


@login_required
def portfolio(request):
    if not permissions.portfolio_allowed(request.user):
        raise PermissionDenied(_("只有项目管理部、总监和总经理可以查看项目组合。"))
    qs = selectors.portfolio(selectors.implementing_projects())
    return render(
        request,
        "delivery/portfolio.html",
        {"rows": presenters.portfolio_rows(qs), "settings": DeliverySettings.current()},
    )
