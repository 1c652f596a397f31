"""Who decides a step: approver specs resolved against the organisation and the form.

Spec terms (comma-separated in ChainStepTemplate.approvers):
    role:CODE               holders of a role (SALES_DIR, TECH_LEAD, …)
    dept_manager:submitter  the manager of the submitter's department
    dept_manager:CODE       the manager of a department
    dept:CODE               the members of a department (anyone of them may act)
    project:pm | project:presales_lead | project:sales_lead   (registered by projects)
    field:NAME              the person (or people) named in a field of the form
    user:ID                 one named person (a 加签 step)

A vacant seat or a submitter who would approve their own form never passes silently: the step
goes to the submitter's department manager, or failing that to the administrators, and the step
carries a note that says so.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from org.models import Department, Role, User
from org.selectors import superusers, users_with_role

from . import conditions


@dataclass(frozen=True)
class TermKind:
    """A kind of spec term the owning domain provides: `label(arg)` → who, in words;
    `users(arg, form)` → the people."""

    label: Callable[[str], str]
    users: Callable[[str, object], list]
    choices: tuple = ()  # (arg, label) pairs the chain admin offers


def term_choices(kind: str) -> tuple:
    """The (arg, label) pairs a registered term kind offers (empty when none is registered)."""
    registered = _TERM_KINDS.get(kind)
    return registered.choices if registered else ()


_TERM_KINDS: dict[str, TermKind] = {}


def register_term_kind(kind: str, *, label, users, choices=()) -> None:
    """A domain's own term kind, e.g. projects' `project:pm` (projects.apps)."""
    _TERM_KINDS[kind] = TermKind(label=label, users=users, choices=tuple(choices))


@dataclass
class Resolution:
    users: list = field(default_factory=list)
    reasons: dict = field(default_factory=dict)  # user id -> why they hold the seat
    note: str = ""
    escalated: bool = False


def _describe_term(term: str) -> str:
    kind, _sep, arg = term.partition(":")
    if kind == "role":
        role = Role.objects.filter(code=arg).first()
        return role.name if role else arg
    if kind == "dept_manager":
        if arg == "submitter":
            return _("申请人部门经理")
        dept = Department.objects.filter(code=arg).first()
        return _("%(dept)s经理") % {"dept": dept.name if dept else arg}
    if kind == "dept":
        dept = Department.objects.filter(code=arg).first()
        return dept.name if dept else arg
    if kind in _TERM_KINDS:
        return _TERM_KINDS[kind].label(arg)
    if kind == "field":
        return _("表单指定人员")
    if kind == "user":
        return _("加签人")
    return term


def _term_users(term: str, form) -> list:
    kind, _sep, arg = term.partition(":")
    if kind == "role":
        return list(users_with_role(arg))
    if kind == "dept_manager":
        dept = (
            form.department if arg == "submitter" else Department.objects.filter(code=arg).first()
        )
        manager = dept.manager if dept is not None else None
        return [manager] if manager is not None and manager.is_active else []
    if kind == "dept":
        return list(User.objects.filter(is_active=True, department__code=arg).order_by("id"))
    if kind in _TERM_KINDS:
        return _TERM_KINDS[kind].users(arg, form)
    if kind == "field":
        value = form.data.get(arg)
        ids = value if isinstance(value, list) else [value] if value else []
        return list(User.objects.filter(is_active=True, pk__in=ids).order_by("id"))
    if kind == "user":
        return list(User.objects.filter(is_active=True, pk=int(arg)))
    raise ValueError(f"unknown approver term {term!r}")


def term_users(approvers: str, form) -> list:
    """Everyone the spec names, without escalation (e.g. who may receive a 转交)."""
    seen, out = set(), []
    for term in (t.strip() for t in approvers.split(",") if t.strip()):
        for user in _term_users(term, form):
            if user.pk not in seen:
                seen.add(user.pk)
                out.append(user)
    return out


def resolve(approvers: str, form) -> Resolution:
    result = Resolution()
    seen = set()
    terms = [t.strip() for t in approvers.split(",") if t.strip()]
    described = [(term, _describe_term(term)) for term in terms]  # each term read once
    labels = "、".join(label for _term, label in described)
    for term, label in described:
        for user in _term_users(term, form):
            if user.pk not in seen:
                seen.add(user.pk)
                result.users.append(user)
                result.reasons[user.pk] = label
    if any(u.pk == form.submitter_id for u in result.users):
        result.users = [u for u in result.users if u.pk != form.submitter_id]
        if not result.users:
            result.note = _("申请人不能审批自己的表单（%(who)s）") % {"who": labels}
    elif not result.users:
        result.note = _("审批人空缺（%(who)s无人担任）") % {"who": labels}
    if result.users:
        return result
    return _escalate(result, form)


def _escalate(result: Resolution, form) -> Resolution:
    result.escalated = True
    manager = form.department.manager if form.department is not None else None
    if manager is not None and manager.is_active and manager.pk != form.submitter_id:
        result.users = [manager]
        result.reasons = {manager.pk: _("上报部门经理")}
        result.note += _("，已上报申请人部门经理 %(name)s。") % {"name": manager}
        return result
    admins = [u for u in superusers() if u.pk != form.submitter_id]
    result.users = admins
    result.reasons = {u.pk: _("上报系统管理员") for u in admins}
    result.note += _("，已上报系统管理员。")
    return result


def step_applies(step, form, kind) -> tuple[bool, str]:
    data = {**form.data, **kind.derived(form.data)} if kind else form.data
    return conditions.evaluate(step.condition, data, kind)


def preview(form, kind, steps) -> list[dict]:
    """The route a form would take now: each step, who holds it, and why a conditional step
    is there (or not). `steps` are template steps or a round's form steps."""
    rows = []
    for step in steps:
        applies, reason = step_applies(step, form, kind)
        row = {
            "order": step.order,
            "name": step.name,
            "role": step.role_label,
            "kind": step.kind,
            "conditional": bool(step.condition),
            "applies": applies,
            "reason": reason,
            "assignees": [],
            "note": "",
        }
        if applies:
            res = resolve(step.approvers, form)
            row["assignees"] = [{"id": u.pk, "name": str(u)} for u in res.users]
            row["note"] = res.note
        rows.append(row)
    return rows
