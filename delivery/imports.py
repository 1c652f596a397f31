"""The WBS from an Excel workbook (openpyxl): sheet 1 the tasks, an optional sheet 里程碑.

Tasks: 阶段 | 任务名称 | 负责人(用户名) | 计划开始 | 计划完成 | 计划工日 | 前置任务 (names, 、 or ,)
里程碑: 里程碑 | 计划日期 | 验收(是/否) | 最终验收(是/否)

Every row is checked first; any error refuses the whole file with one message per row, and the
plan is left as it was. The import replaces a WBS that has no bookings yet.
"""

from datetime import date, datetime

from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from core.audit import audit_append
from core.events import emit
from org.models import User
from sipm.errors import Conflict, InvalidInput
from sipm.values import parse_decimal
from workcal.calendar import is_working_day

from . import permissions
from .models import Milestone, Phase, Plan, Task, TimesheetEntry
from .services.common import bump, project_for, require_implementing

MAX_ROWS = 500
YES = {"是", "y", "yes", "true", "1", "√"}


def _date(value):
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value).strip().replace("/", "-"))


def _rows(sheet):
    for n, row in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
        if row and any(c not in (None, "") for c in row):
            yield n, list(row) + [None] * 8


def parse_workbook(fileobj) -> tuple[list, list, list]:
    try:
        book = load_workbook(fileobj, read_only=True, data_only=True)
    except Exception:
        raise InvalidInput(_("无法读取文件，请上传 .xlsx 格式的 Excel 文件。"))
    sheets = book.worksheets
    users = {u.username: u for u in User.objects.filter(is_active=True)}
    tasks, milestones, errors = [], [], []
    for n, row in _rows(sheets[0]):
        if len(tasks) >= MAX_ROWS:
            errors.append(_("任务最多 %(n)d 行。") % {"n": MAX_ROWS})
            break
        phase, name, owner, start, finish, md, deps = row[:7]
        problems = []
        if not phase:
            problems.append(_("缺少阶段"))
        if not name:
            problems.append(_("缺少任务名称"))
        user = users.get(str(owner).strip()) if owner else None
        if user is None:
            problems.append(_("负责人“%(u)s”不存在") % {"u": owner or ""})
        try:
            start, finish = _date(start), _date(finish)
            if finish < start:
                problems.append(_("计划完成早于计划开始"))
            elif not (is_working_day(start) and is_working_day(finish)):
                problems.append(_("计划开始和计划完成须为工作日"))
        except (TypeError, ValueError):
            problems.append(_("日期无效（格式 YYYY-MM-DD）"))
        try:
            md = parse_decimal(md, places=2, lo=0)
        except ValueError:
            problems.append(_("计划工日须为不小于 0 的数字，最多 2 位小数"))
        if problems:
            errors.append(_("任务第 %(n)d 行：%(p)s。") % {"n": n, "p": "；".join(problems)})
            continue
        dep_names = [
            d.strip() for d in str(deps or "").replace("，", ",").replace("、", ",").split(",")
        ]
        tasks.append(
            {
                "row": n,
                "phase": str(phase).strip()[:100],
                "name": str(name).strip()[:200],
                "owner": user,
                "start": start,
                "finish": finish,
                "md": md,
                "deps": [d for d in dep_names if d],
            }
        )
    names = {t["name"] for t in tasks}
    for t in tasks:
        missing = [d for d in t["deps"] if d not in names]
        if missing:
            errors.append(
                _("任务第 %(n)d 行：前置任务“%(d)s”不在文件中。")
                % {"n": t["row"], "d": "、".join(missing)}
            )
    if len(sheets) > 1:
        for n, row in _rows(sheets[1]):
            name, due, acceptance, final = row[:4]
            try:
                due = _date(due)
            except (TypeError, ValueError):
                errors.append(_("里程碑第 %(n)d 行：日期无效。") % {"n": n})
                continue
            if not name:
                errors.append(_("里程碑第 %(n)d 行：缺少名称。") % {"n": n})
                continue
            final = str(final or "").strip().lower() in YES
            milestones.append(
                {
                    "name": str(name).strip()[:200],
                    "due": due,
                    "is_acceptance": final or str(acceptance or "").strip().lower() in YES,
                    "is_final": final,
                }
            )
        if sum(1 for m in milestones if m["is_final"]) > 1:
            errors.append(_("只能有一个最终验收里程碑。"))
    if not tasks and not errors:
        errors.append(_("文件中没有任务。"))
    return tasks, milestones, errors


def plan_import_excel(*, acting_user, project_id, fileobj) -> Plan:
    tasks, milestones, errors = parse_workbook(fileobj)
    if errors:
        raise InvalidInput(
            _("导入失败，计划未改动：") + " ".join(errors), fields={"file": " ".join(errors)}
        )
    with transaction.atomic():
        project = project_for(acting_user, project_id, permissions.plan_edit_refusal)
        require_implementing(project)
        plan, _created = Plan.objects.get_or_create(
            project=project, defaults={"created_by": acting_user}
        )
        if TimesheetEntry.objects.filter(task__plan=plan).exists():
            raise Conflict(_("计划已有工时记录，不能整体导入替换；请逐项修改任务。"), code="booked")
        plan.milestones.filter(acceptance__isnull=True).delete()
        plan.tasks.all().delete()
        plan.phases.all().delete()
        phases, by_name = {}, {}
        for t in tasks:
            if t["phase"] not in phases:
                phases[t["phase"]] = Phase.objects.create(
                    plan=plan,
                    order=len(phases) + 1,
                    name=t["phase"],
                    is_maintenance=t["phase"] in ("运维", "运维和优化"),
                )
            by_name[t["name"]] = Task.objects.create(
                plan=plan,
                phase=phases[t["phase"]],
                order=t["row"],
                name=t["name"],
                owner=t["owner"],
                start=t["start"],
                finish=t["finish"],
                planned_man_days=t["md"],
            )
        for t in tasks:
            if t["deps"]:
                by_name[t["name"]].depends_on.set([by_name[d] for d in t["deps"]])
        for m in milestones:
            Milestone.objects.create(plan=plan, **m)
        bump(plan)
        payload = {"tasks": len(tasks), "milestones": len(milestones)}
        audit_append(verb="plan.imported", actor=acting_user, project=project, payload=payload)
        emit("plan.imported", actor=acting_user, project=project, payload=payload)
        return plan
