"""Writes of the tracking side: weekly timesheets, task progress, the weekly earned-value
snapshots they refresh, and the deviation alert when SPI or CPI drops below its threshold."""

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from core.audit import audit_append
from core.events import emit
from org.models import User
from projects.models import Stage
from sipm.errors import Conflict, InvalidInput, Refused
from sipm.values import parse_decimal
from workcal.calendar import today as shanghai_today

from .. import evm, permissions, selectors
from ..models import DeliverySettings, Task, TaskProgress, TimesheetEntry, WeekSnapshot
from .common import MAINTENANCE_STAGES, plan_of, project_for

MAX_ROWS = 200


def _parse_rows(entries, plan, today):
    if not isinstance(entries, list) or not entries:
        raise InvalidInput(_("请填写工日。"), fields={"entries": _("至少填写一项。")})
    if len(entries) > MAX_ROWS:
        raise InvalidInput(_("一次最多登记 %(n)d 项。") % {"n": MAX_ROWS})
    tasks = {t.pk: t for t in Task.objects.filter(plan=plan).select_related("phase")}
    rows, errors = [], {}
    for i, raw in enumerate(entries, start=1):
        if not isinstance(raw, dict):
            errors[f"entries.{i}"] = _("第 %(i)d 项格式不正确。") % {"i": i}
            continue
        task = tasks.get(_int(raw.get("task")))
        if task is None:
            errors[f"entries.{i}"] = _("第 %(i)d 项：任务不属于本项目的计划。") % {"i": i}
            continue
        try:
            day = date.fromisoformat(str(raw.get("date")))
        except ValueError:
            errors[f"entries.{i}"] = _("第 %(i)d 项：日期无效（格式 YYYY-MM-DD）。") % {"i": i}
            continue
        if day > today:
            errors[f"entries.{i}"] = _("第 %(i)d 项：不能登记今天以后的工日。") % {"i": i}
            continue
        try:
            md = parse_decimal(raw.get("man_days"), places=2)
        except ValueError:
            errors[f"entries.{i}"] = _("第 %(i)d 项：工日须为数字，最多 2 位小数。") % {"i": i}
            continue
        if md <= 0:
            errors[f"entries.{i}"] = _("第 %(i)d 项：工日必须大于 0。") % {"i": i}
            continue
        rows.append(
            {"i": i, "task": task, "date": day, "md": md, "overtime": bool(raw.get("overtime"))}
        )
    if errors:
        raise InvalidInput(_("工时填写有误：") + "；".join(errors.values()), fields=errors)
    return rows


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _check_calendar(rows, user, settings):
    from ..evm import WorkingDays

    days = sorted({r["date"] for r in rows})
    calendar = set(WorkingDays(days[0], days[-1]).days)
    already = selectors.booked_by_day(user, days)
    per_day = defaultdict(Decimal)
    errors = {}
    for r in rows:
        if r["date"] not in calendar and not r["overtime"]:
            errors[f"entries.{r['i']}"] = _(
                "第 %(i)d 项：%(d)s 不是工作日（节假日或周末），如确需加班请勾选“加班”。"
            ) % {"i": r["i"], "d": r["date"]}
        per_day[r["date"]] += r["md"]
    for day, md in per_day.items():
        total = already.get(day, Decimal("0")) + md
        if total > settings.max_man_days_per_day:
            errors[f"date.{day}"] = _(
                "%(d)s 合计 %(t)s 工日，超过每人每天 %(m)s 工日的上限（已登记 %(a)s）。"
            ) % {
                "d": day,
                "t": total,
                "m": settings.max_man_days_per_day,
                "a": already.get(day, Decimal("0")),
            }
    if errors:
        raise InvalidInput(_("工时登记被拒绝：") + "；".join(errors.values()), fields=errors)


def timesheet_book(*, acting_user, project_id, entries) -> list[TimesheetEntry]:
    """Book the acting user's man-days on tasks of the project's plan. Each line costs the day
    rate of the user's position; the cost goes to the ledger (timesheet.booked, finance
    subscribes). Implementation work needs the 实施 stage, 运维 work the final acceptance."""
    today = shanghai_today()
    settings = DeliverySettings.current()
    with transaction.atomic():
        project = project_for(acting_user, project_id)
        plan = plan_of(project)
        if selectors.current_baseline(plan) is None:
            raise Conflict(_("计划基线尚未批准，暂不能登记工日。"), code="precondition")
        rows = _parse_rows(entries, plan, today)
        member_ids = set(project.members.values_list("pk", flat=True))
        accepted = selectors.final_acceptance(project) is not None
        for r in rows:
            task = r["task"]
            if task.owner_id != acting_user.pk and not permissions.on_team(
                acting_user, project, member_ids
            ):
                raise Refused(permissions.booking_refusal(acting_user, project, task))
            if task.phase.is_maintenance:
                if not accepted:
                    raise Conflict(_("项目最终验收后才能登记维护工日。"), code="precondition")
                if project.stage not in MAINTENANCE_STAGES:
                    raise Conflict(_("项目已归档或终止，不能登记工日。"), code="wrong_state")
            elif project.stage != Stage.IMPLEMENTING:
                raise Conflict(
                    _("项目当前阶段为“%(s)s”，不能登记实施工日。")
                    % {"s": project.get_stage_display()},
                    code="wrong_state",
                )
        rate = selectors.day_rates().get(acting_user.position)
        if rate is None:
            raise Conflict(
                _("未设置“%(p)s”职位的人工日单价，请联系管理员。")
                % {"p": acting_user.get_position_display()},
                code="no_rate",
            )
        # The daily limit spans every project: lock the person, not only this project, so two
        # bookings on different projects cannot both pass the check.
        User.objects.select_for_update().filter(pk=acting_user.pk).first()
        _check_calendar(rows, acting_user, settings)
        created = TimesheetEntry.objects.bulk_create(
            [
                TimesheetEntry(
                    project=project,
                    task=r["task"],
                    user=acting_user,
                    date=r["date"],
                    man_days=r["md"],
                    overtime=r["overtime"],
                    maintenance=r["task"].phase.is_maintenance,
                    rate=rate,
                    cost=evm.cents(r["md"] * rate),
                )
                for r in rows
            ]
        )
        costs = {"implementation": Decimal("0"), "maintenance": Decimal("0")}
        for e in created:
            costs["maintenance" if e.maintenance else "implementation"] += e.cost
        payload = {
            "user": acting_user.pk,
            "man_days": str(sum((r["md"] for r in rows), Decimal("0"))),
            "costs": {k: str(v) for k, v in costs.items() if v > 0},
            "dates": sorted({r["date"].isoformat() for r in rows}),
            "date": max(r["date"] for r in rows).isoformat(),
        }
        audit_append(verb="timesheet.booked", actor=acting_user, project=project, payload=payload)
        emit("timesheet.booked", actor=acting_user, project=project, payload=payload)
        snapshots_refresh(project=project, since=min(r["date"] for r in rows))
        return created


def task_progress(*, acting_user, project_id, task_id, percent, on=None) -> Task:
    """Report a task's percent complete as of `on` (default today, never in the future)."""
    today = shanghai_today()
    errors = {}
    try:
        percent = int(str(percent).strip())
        if not 0 <= percent <= 100:
            raise ValueError
    except (TypeError, ValueError):
        errors["percent"] = _("完成百分比须为 0–100 的整数。")
    if on in (None, ""):
        on = today
    elif not isinstance(on, date):
        try:
            on = date.fromisoformat(str(on))
        except ValueError:
            errors["on"] = _("请输入有效日期（格式 YYYY-MM-DD）。")
    if "on" not in errors and on > today:
        errors["on"] = _("截至日期不能晚于今天。")
    if errors:
        raise InvalidInput(_("进度填报有误：") + "；".join(errors.values()), fields=errors)
    with transaction.atomic():
        project = project_for(acting_user, project_id)
        plan = plan_of(project)
        task = Task.objects.select_for_update().filter(plan=plan, pk=task_id).first()
        if task is None:
            raise InvalidInput(_("任务不存在。"), fields={"task": _("任务不存在。")})
        refusal = permissions.progress_refusal(acting_user, project, task)
        if refusal:
            raise Refused(refusal)
        old = task.percent_complete
        TaskProgress.objects.create(task=task, on=on, percent=percent, reported_by=acting_user)
        latest = task.progress_reports.latest("on", "id")  # at least the one just made
        task.percent_complete = latest.percent
        task.save(update_fields=["percent_complete"])
        payload = {"task": task.pk, "from": old, "to": percent, "on": on.isoformat()}
        audit_append(verb="task.progress", actor=acting_user, project=project, payload=payload)
        emit("task.progress", actor=acting_user, project=project, payload=payload)
        snapshots_refresh(project=project, since=on)
        return task


def _percent_upto(reports, end: date) -> dict[int, int]:
    out = {}
    for task_id, on, percent in reports:  # ordered by date
        if on <= end:
            out[task_id] = percent
    return out


def snapshots_refresh(*, project, since: date, today: date | None = None) -> list[WeekSnapshot]:
    """Recompute the weekly snapshots from the week of `since` to this week, each from the data
    dated up to its Sunday (bookings, progress reports as of that day, the current baseline)."""
    plan = selectors.plan_for(project)
    baseline = selectors.current_baseline(plan)
    if baseline is None:
        return []
    today = today or shanghai_today()
    first = evm.week_start(max(min(since, today), baseline.start))
    last = evm.week_start(today)
    if first > last:
        return []
    calendar = evm.WorkingDays(baseline.start, max(evm.week_end(last), baseline.finish))
    reports = list(
        TaskProgress.objects.filter(task__plan=plan)
        .order_by("on", "id")
        .values_list("task_id", "on", "percent")
    )
    day_totals = (
        TimesheetEntry.objects.filter(
            project=project, maintenance=False, date__lte=evm.week_end(last)
        )
        .values("date")
        .annotate(cost=Sum("cost"), md=Sum("man_days"))
        .order_by("date")
    )
    by_day = [(r["date"], r["cost"], r["md"]) for r in day_totals]
    out = []
    week = first
    while week <= last:
        end = evm.week_end(week)
        ac = sum((c for d, c, _m in by_day if d <= end), Decimal("0"))
        amd = sum((m for d, _c, m in by_day if d <= end), Decimal("0"))
        fig = evm.figures(
            snapshot=baseline.snapshot,
            upto=end,
            calendar=calendar,
            percent=_percent_upto(reports, end),
            ac=ac,
            actual_man_days=amd,
        )
        snap, _created = WeekSnapshot.objects.update_or_create(
            project=project, week=week, defaults=fig
        )
        out.append(snap)
        week += timedelta(days=7)
    deviation_check(project=project, snapshot=out[-1])
    return out


def deviation_check(*, project, snapshot) -> list[str]:
    """Alert (once per metric and week) when SPI or CPI is below its threshold."""
    settings = DeliverySettings.current()
    fired = []
    for metric, value, threshold in (
        ("spi", snapshot.spi, settings.spi_threshold),
        ("cpi", snapshot.cpi, settings.cpi_threshold),
    ):
        if value is None or value >= threshold or metric in snapshot.alerted:
            continue
        fired.append(metric)
        emit(
            "delivery.deviation",
            project=project,
            payload={
                "metric": metric,
                "value": str(value),
                "threshold": str(threshold),
                "week": snapshot.week.isoformat(),
            },
        )
    if fired:
        snapshot.alerted = [*snapshot.alerted, *fired]
        snapshot.save(update_fields=["alerted"])
    return fired
