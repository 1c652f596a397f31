"""The plan's baseline: frozen from the plan as the next version (each time a new one) and
submitted for approval; the approved version becomes the project's baseline."""

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.events import emit
from sipm.errors import Conflict, InvalidInput
from workcal.calendar import add_working_days

from .. import permissions, selectors
from ..evm import cents
from ..models import Baseline
from .common import plan_of, project_for, require_implementing


def _snapshot(plan, rates) -> tuple[dict, list[str]]:
    tasks, errors = [], []
    for task in selectors.plan_tasks(plan):
        if task.owner is None:
            errors.append(_("任务“%(t)s”未指定负责人。") % {"t": task.name})
            continue
        rate = rates.get(task.owner.position)
        if rate is None:
            errors.append(
                _("未设置“%(p)s”职位的人工日单价（管理后台 → 人工日单价）。")
                % {"p": task.owner.get_position_display()}
            )
            continue
        for dep in task.depends_on.all():
            if task.start <= dep.finish:
                errors.append(
                    _("任务“%(t)s”须在前置任务“%(d)s”完成（%(f)s）后开始。")
                    % {"t": task.name, "d": dep.name, "f": dep.finish}
                )
        tasks.append(
            {
                "id": task.pk,
                "phase": task.phase.name,
                "name": task.name,
                "owner": task.owner_id,
                "owner_name": str(task.owner),
                "start": task.start.isoformat(),
                "finish": task.finish.isoformat(),
                "man_days": str(task.planned_man_days),
                "rate": str(rate),
                "bac": str(cents(task.planned_man_days * rate)),
                "maintenance": task.phase.is_maintenance,
                "depends_on": [d.pk for d in task.depends_on.all()],
            }
        )
    if not tasks and not errors:
        errors.append(_("计划中还没有任务。"))
    milestones = [
        {
            "id": m.pk,
            "name": m.name,
            "due": m.due.isoformat(),
            "is_acceptance": m.is_acceptance,
            "is_final": m.is_final,
        }
        for m in plan.milestones.order_by("due", "id")
    ]
    return {"tasks": tasks, "milestones": milestones, "revision": plan.revision}, errors


def _fit_commission(project, work, errors):
    """The plan must fit the commission's 实施工日, 实施工期 and 实施费用 [§23], as widened by
    approved requirement changes."""
    commission = selectors.commission_figures(project)
    if commission is None:
        errors.append(_("项目委托书未批准。"))
        return
    changes = selectors.change_totals(project)
    md = sum((Decimal(t["man_days"]) for t in work), Decimal("0"))
    cost = sum((Decimal(t["bac"]) for t in work), Decimal("0"))
    allowed_md = commission["man_days"] + changes["man_days"]
    allowed_cost = commission["fee"] + changes["cost"]
    if md > allowed_md:
        errors.append(
            _("计划工日 %(p)s 超过委托书实施工日 %(a)s（含已批准的需求变更）。")
            % {"p": md, "a": allowed_md}
        )
    if cost > allowed_cost:
        errors.append(
            _("计划人工成本 %(p)s 超过委托书实施费用 %(a)s（含已批准的需求变更）。")
            % {"p": cost, "a": allowed_cost}
        )
    if commission["end_date"] and work:
        end = add_working_days(date.fromisoformat(commission["end_date"]), changes["days"])
        finish = max(date.fromisoformat(t["finish"]) for t in work)
        if finish > end:
            errors.append(
                _("计划完成日期 %(f)s 晚于委托书实施工期 %(e)s（含已批准的需求变更）。")
                % {"f": finish, "e": end}
            )


def baseline_submit(*, acting_user, project_id, reason="") -> Baseline:
    """Freeze the plan as the next baseline version and send it through its approval chain."""
    # Lazy: the kinds module (delivery.forms) imports this one, and the engine's services
    # import the project kinds.
    from approvals.services import form_create, form_submit

    from ..forms import FROM_PLAN

    reason = (reason or "").strip()
    with transaction.atomic():
        project = project_for(acting_user, project_id, permissions.plan_edit_refusal)
        require_implementing(project)
        plan = plan_of(project)
        if selectors.baseline_in_review(plan) is not None:
            raise Conflict(_("已有审批中的计划基线，请等待审批完成。"), code="in_review")
        last = plan.baselines.order_by("-version").first()
        version = (last.version + 1) if last else 1
        if selectors.current_baseline(plan) is not None and not reason:
            raise InvalidInput(
                _("重新制定计划须说明调整原因。"), fields={"reason": _("请填写调整原因。")}
            )
        snapshot, errors = _snapshot(plan, selectors.day_rates())
        work = [t for t in snapshot["tasks"] if not t["maintenance"]]
        if not errors:
            _fit_commission(project, work, errors)
        if errors:
            raise InvalidInput(_("计划不能提交：") + "；".join(errors), fields={"plan": errors[0]})
        starts = [date.fromisoformat(t["start"]) for t in snapshot["tasks"]]
        finishes = [date.fromisoformat(t["finish"]) for t in snapshot["tasks"]]
        md = sum((Decimal(t["man_days"]) for t in work), Decimal("0"))
        cost = sum((Decimal(t["bac"]) for t in work), Decimal("0"))
        data = {
            "version": version,
            "reason": reason or None,
            "planned_man_days": str(md),
            "planned_cost": str(cost),
            "start_date": min(starts).isoformat(),
            "finish_date": max(finishes).isoformat(),
            "tasks": [
                {
                    "phase": t["phase"],
                    "name": t["name"],
                    "owner": t["owner"],
                    "start": t["start"],
                    "finish": t["finish"],
                    "man_days": t["man_days"],
                }
                for t in snapshot["tasks"]
            ],
            "milestones": [{"name": m["name"], "due": m["due"]} for m in snapshot["milestones"]]
            or None,
        }
        token = FROM_PLAN.set(True)
        try:
            form = form_create(
                acting_user=acting_user,
                kind="plan_baseline",
                project=project,
                data={k: v for k, v in data.items() if v is not None},
            )
        finally:
            FROM_PLAN.reset(token)
        baseline = Baseline.objects.create(
            plan=plan,
            version=version,
            reason=reason,
            form=form,
            snapshot=snapshot,
            man_days=md,
            cost=cost,
            start=min(starts),
            finish=max(finishes),
            created_by=acting_user,
        )
        form_submit(acting_user=acting_user, form_id=form.pk)
        emit(
            "plan.baseline_submitted",
            actor=acting_user,
            project=project,
            form=form,
            payload={"version": version, "man_days": str(md), "cost": str(cost)},
        )
        return baseline


def baseline_approved(*, form, acting_user, when):
    """The engine's on_approved hook of 项目计划基线: this version becomes the baseline."""
    from .tracking import snapshots_refresh

    baseline = Baseline.objects.select_related("plan").get(form=form)
    baseline.approved_at = when or timezone.now()
    baseline.save(update_fields=["approved_at"])
    emit(
        "plan.baseline_approved",
        actor=acting_user,
        project=form.project_id,
        form=form,
        payload={"version": baseline.version},
    )
    snapshots_refresh(project=form.project, since=baseline.start)
