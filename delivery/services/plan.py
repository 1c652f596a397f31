"""Writes of the plan: from a template, task and milestone edits. The Excel import's
replacement of the WBS is delivery.imports; the baseline, delivery.services.baseline."""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import audit_append
from core.events import emit
from org.models import User
from projects.selectors import latest_approved
from sipm.errors import Conflict, InvalidInput
from sipm.values import parse_decimal, to_decimal
from workcal.calendar import add_working_days, is_working_day

from .. import permissions, selectors
from ..models import Milestone, Phase, Plan, PlanTemplate, Task
from .common import bump, plan_of, project_for, require_implementing

CENT = Decimal("0.01")


def _split_days(total: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """Split man-days by weight, to the cent; the last share takes the rounding."""
    parts = [(total * w / 100).quantize(CENT, rounding=ROUND_HALF_UP) for w in weights]
    if parts:
        parts[-1] = total - sum(parts[:-1], Decimal("0"))
    return parts


def _working_span(start: date, end: date) -> list[date]:
    from ..evm import WorkingDays

    return WorkingDays(start, end).days


def plan_create_from_template(*, acting_user, project_id, template: str) -> Plan:
    """The WBS from a template: one task per phase, sized by the phase's weight from the
    commission's 实施工日 over its 实施工期 in working days; a milestone at each phase's end."""
    with transaction.atomic():
        project = project_for(acting_user, project_id, permissions.plan_edit_refusal)
        require_implementing(project)
        if Plan.objects.filter(project=project).exists():
            raise Conflict(_("本项目已有实施计划。"), code="exists")
        tpl = PlanTemplate.objects.filter(project_type=template, is_active=True).first()
        if tpl is None:
            raise InvalidInput(_("计划模板不存在。"), fields={"template": _("请选择计划模板。")})
        commission = selectors.commission_figures(project)
        if commission is None or not commission["start_date"] or not commission["end_date"]:
            raise Conflict(_("项目委托书未批准，无法按实施工期编制计划。"), code="precondition")
        start = add_working_days(date.fromisoformat(commission["start_date"]), 0)
        end = date.fromisoformat(commission["end_date"])
        days = _working_span(start, end) or [start]
        phases = list(tpl.phases.order_by("order"))
        work = [p for p in phases if not p.is_maintenance]
        shares = _split_days(commission["man_days"], [p.weight for p in work])
        plan = Plan.objects.create(project=project, template=tpl, created_by=acting_user)
        cursor, previous = 0, None
        weight_total = sum((p.weight for p in work), Decimal("0")) or Decimal("100")
        for tp in phases:
            phase = Phase.objects.create(
                plan=plan, order=tp.order, name=tp.name, is_maintenance=tp.is_maintenance
            )
            if tp.is_maintenance:
                first = add_working_days(days[-1], 1)
                s, f = first, add_working_days(first, 19)
                md = _maintenance_days(project)
            else:
                span = max(1, int((Decimal(len(days)) * tp.weight / weight_total).to_integral()))
                s = days[min(cursor, len(days) - 1)]
                f = days[min(cursor + span - 1, len(days) - 1)]
                if tp is work[-1]:
                    f = days[-1]
                cursor += span
                md = shares[work.index(tp)]
            task = Task.objects.create(
                plan=plan,
                phase=phase,
                order=1,
                name=tp.name,
                owner=project.project_manager,
                start=s,
                finish=f,
                planned_man_days=md,
            )
            if previous is not None:
                task.depends_on.add(previous)
            previous = task
            if tp.milestone:
                Milestone.objects.create(
                    plan=plan,
                    name=tp.milestone,
                    due=f,
                    is_acceptance=tp.is_acceptance,
                    is_final=tp.is_acceptance and tp is work[-1],
                )
        audit_append(
            verb="plan.created",
            actor=acting_user,
            project=project,
            payload={"template": tpl.project_type, "tasks": plan.tasks.count()},
        )
        emit("plan.created", actor=acting_user, project=project, payload={"plan": plan.pk})
        return plan


def _maintenance_days(project) -> Decimal:
    quote = latest_approved(project, "quotation")
    if quote is None:
        return Decimal("0")
    return to_decimal(quote.data.get("maintenance_man_days")) or Decimal("0")


def _task_date(values, task, key, errors) -> date | None:
    raw = values.get(key, getattr(task, key, None))
    if not isinstance(raw, str):
        return raw
    try:
        return date.fromisoformat(raw)
    except ValueError:
        errors[key] = _("请输入有效日期（格式 YYYY-MM-DD）。")
        return None


def _clean_task(values, plan, task=None) -> tuple[dict[str, object], list[Task] | None]:
    """The task's field values and, when `values` names them, its predecessors."""
    errors: dict[str, str] = {}
    name = (values.get("name") if "name" in values else getattr(task, "name", "")) or ""
    if not str(name).strip():
        errors["name"] = _("请填写任务名称。")
    start = _task_date(values, task, "start", errors)
    finish = _task_date(values, task, "finish", errors)
    duration = values.get("duration")
    if duration not in (None, "") and start:
        try:
            n = int(duration)
            if n < 1:
                raise ValueError
            finish = add_working_days(start, 0)
            start = finish
            finish = add_working_days(start, n - 1)
            errors.pop("finish", None)
        except (TypeError, ValueError):
            errors["duration"] = _("工期须为正整数（工作日）。")
    if start is None and "start" not in errors:
        errors["start"] = _("请填写计划开始日期。")
    if finish is None and "finish" not in errors:
        errors["finish"] = _("请填写计划完成日期或工期。")
    if start and finish:
        if finish < start:
            errors["finish"] = _("计划完成不能早于计划开始。")
        elif not is_working_day(start):
            errors["start"] = _("计划开始须为工作日（%(d)s 不是工作日）。") % {"d": start}
        elif not is_working_day(finish):
            errors["finish"] = _("计划完成须为工作日（%(d)s 不是工作日）。") % {"d": finish}
    out: dict[str, object] = {"name": str(name).strip()[:200], "start": start, "finish": finish}
    raw_md = values.get("planned_man_days", getattr(task, "planned_man_days", None))
    try:
        out["planned_man_days"] = parse_decimal(raw_md, places=2, lo=0, hi=99999)
    except ValueError:
        errors["planned_man_days"] = _("计划工日须为不小于 0 的数字，最多 2 位小数。")
    if "owner" in values:
        owner_id = values.get("owner")
        owner = None
        if owner_id not in (None, ""):
            owner = User.objects.filter(pk=owner_id, is_active=True).first()
            if owner is None:
                errors["owner"] = _("负责人不存在。")
        out["owner"] = owner
    if "phase" in values:
        out["phase"] = phase = Phase.objects.filter(plan=plan, pk=values.get("phase")).first()
        if phase is None:
            errors["phase"] = _("阶段不存在。")
    elif task is None:
        errors["phase"] = _("请选择阶段。")
    deps = values.get("depends_on")
    found = None
    if deps is not None:
        ids = [int(d) for d in deps if str(d).isdigit()]
        found = list(Task.objects.filter(plan=plan, pk__in=ids))
        if len(found) != len(set(ids)) or len(ids) != len(deps):
            errors["depends_on"] = _("前置任务须为本计划的任务。")
        elif task is not None and task.pk in ids:
            errors["depends_on"] = _("任务不能依赖自身。")
    if errors:
        raise InvalidInput(_("任务填写有误：") + "；".join(errors.values()), fields=errors)
    return out, found


def task_save(*, acting_user, project_id, task_id=None, values: dict) -> Task:
    with transaction.atomic():
        project = project_for(acting_user, project_id, permissions.plan_edit_refusal)
        require_implementing(project)
        plan = plan_of(project)
        task = None
        if task_id is not None:
            task = Task.objects.filter(plan=plan, pk=task_id).first()
            if task is None:
                raise InvalidInput(_("任务不存在。"), fields={"task": _("任务不存在。")})
        clean, deps = _clean_task(values, plan, task)
        if task is None:
            task = Task.objects.create(plan=plan, **clean)
        else:
            for key, value in clean.items():
                setattr(task, key, value)
            task.save()
        if deps is not None:
            task.depends_on.set(deps)
        bump(plan)
        audit_append(
            verb="plan.task_saved",
            actor=acting_user,
            project=project,
            payload={"task": task.pk, "name": task.name, "man_days": str(task.planned_man_days)},
        )
        emit("plan.task_saved", actor=acting_user, project=project, payload={"task": task.pk})
        return task


def milestone_save(*, acting_user, project_id, name, due, is_acceptance=False, is_final=False):
    with transaction.atomic():
        project = project_for(acting_user, project_id, permissions.plan_edit_refusal)
        require_implementing(project)
        plan = plan_of(project)
        errors = {}
        if not (name or "").strip():
            errors["name"] = _("请填写里程碑名称。")
        try:
            due = due if isinstance(due, date) else date.fromisoformat(str(due))
        except ValueError:
            errors["due"] = _("请输入有效日期（格式 YYYY-MM-DD）。")
        if errors:
            raise InvalidInput(_("里程碑填写有误：") + "；".join(errors.values()), fields=errors)
        if is_final and plan.milestones.filter(is_final=True).exists():
            raise Conflict(_("本计划已有最终验收里程碑。"), code="exists")
        milestone = Milestone.objects.create(
            plan=plan,
            name=name.strip()[:200],
            due=due,
            is_acceptance=bool(is_acceptance or is_final),
            is_final=bool(is_final),
        )
        bump(plan)
        audit_append(
            verb="plan.milestone_saved",
            actor=acting_user,
            project=project,
            payload={"milestone": milestone.pk, "name": milestone.name, "due": due.isoformat()},
        )
        emit(
            "plan.milestone_saved", actor=acting_user, project=project, payload={"id": milestone.pk}
        )
        return milestone
