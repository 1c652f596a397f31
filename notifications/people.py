"""Who is told: the person who owes a deadline, their manager, the GM, and the people concerned
by a budget change. Reads only."""

from approvals.models import Decision, FormStep, StepAssignee, StepStatus
from org.codes import Dept, RoleCode
from org.models import User
from org.selectors import active_delegates_of, users_with_role
from projects.selectors import budget_change_recipient_ids

# Who owes each policy deadline when no approval step names them.
OWNER_DEPARTMENTS = {
    "commission_issue": Dept.PMO,  # 项目管理部 issues the commission [§22]
    "final_accounts": Dept.FIN,  # 财务部 makes the final accounts [§27]
}
COMMISSION_APPROVER_ROLE = RoleCode.TECH_LEAD  # 技术团队负责人 approves the commission [§22]


def _active(users):
    seen, out = set(), []
    for user in users:
        if user is not None and user.is_active and user.pk not in seen:
            seen.add(user.pk)
            out.append(user)
    return out


def gm_users():
    return list(users_with_role(RoleCode.GM).select_related("department__manager"))


def managers_of(users, gms=None) -> list:
    """Each user's department manager; for a user who is their own department's manager (or has
    none), the GM stands above them."""
    gms = gm_users() if gms is None else gms
    out = []
    for user in users:
        dept = user.department
        manager = dept.manager if dept is not None else None
        if manager is not None and manager.is_active and manager.pk != user.pk:
            out.append(manager)
        else:
            out.extend(g for g in gms if g.pk != user.pk)
    return _active(out)


def with_delegates(users, day, known=None) -> list:
    """The users plus whoever may decide for them today (代签), so a delegate is reminded too.
    `known`: the delegates_of() of a batch, read once for all its items."""
    users = _active(users)
    known = delegates_of(users, day) if known is None else known
    return _active([*users, *(d for u in users for d in known.get(u.pk, []))])


def delegates_of(users, day) -> dict[int, list]:
    """{user id: [User who may decide for them today]} for a batch of users (2 queries)."""
    delegated = active_delegates_of({u.pk for u in users}, day)
    ids = {d for ids in delegated.values() for d in ids}
    if not ids:
        return {}
    found = User.objects.filter(pk__in=ids).select_related("department__manager").in_bulk()
    return {
        pk: [found[d] for d in delegate_ids if d in found] for pk, delegate_ids in delegated.items()
    }


def step_owners(steps) -> dict[int, list]:
    """For each active step: the assignees who have not decided in its current pass (2 queries)."""
    steps = list(steps)
    if not steps:
        return {}
    passes = {s.pk: s.passes for s in steps}
    decided = {
        (step_id, principal_id)
        for step_id, step_pass, principal_id in Decision.objects.filter(
            step_id__in=list(passes)
        ).values_list("step_id", "step_pass", "principal_id")
        if passes[step_id] == step_pass
    }
    owners: dict[int, list] = {s.pk: [] for s in steps}
    rows = (
        StepAssignee.objects.filter(step__in=steps)
        .select_related("user__department__manager")
        .order_by("id")
    )
    for row in rows:
        if (row.step_id, row.user_id) not in decided:
            owners[row.step_id].append(row.user)
    return {k: _active(v) for k, v in owners.items()}


def members_of_departments(depts) -> dict[int, list]:
    """{department id: its active members} for several departments, in one query."""
    out: dict[int, list] = {pk: [] for pk in depts}
    for user in (
        User.objects.filter(is_active=True, department_id__in=list(depts))
        .select_related("department__manager")
        .order_by("id")
    ):
        out[user.department_id].append(user)
    return out


def department_members(code):
    return list(
        User.objects.filter(is_active=True, department__code=code)
        .select_related("department__manager")
        .order_by("id")
    )


def policy_owners(items) -> list[list]:
    """Who owes each policy deadline (items with .kind and .form), in a fixed number of queries:
    the current step's open seats for the commission approval, else the department the policy
    names (the commission approvers when that step has nobody)."""
    forms = {it.form.pk: it.form for it in items if it.kind == "commission_approve" and it.form}
    steps = [
        s
        for s in FormStep.objects.filter(form_id__in=list(forms), status=StepStatus.ACTIVE)
        if s.round == forms[s.form_id].round
    ]
    seat_owners = step_owners(steps) if steps else {}
    current = {s.form_id: seat_owners.get(s.pk, []) for s in steps}
    departments: dict[str, list] = {}
    approvers = None
    out = []
    for it in items:
        if it.kind == "commission_approve":
            owners = current.get(it.form.pk, []) if it.form else []
            if not owners:
                if approvers is None:
                    approvers = list(
                        users_with_role(COMMISSION_APPROVER_ROLE).select_related(
                            "department__manager"
                        )
                    )
                owners = approvers
        else:
            code = OWNER_DEPARTMENTS.get(it.kind)
            if code and code not in departments:
                departments[code] = department_members(code)
            owners = departments.get(code, []) if code else []
        out.append(owners)
    return out


def budget_change_audiences(projects) -> dict[int, list]:
    """Everyone concerned by a budget change [§18], for each of `projects`, in a fixed number of
    queries: the people projects.selectors names (team, sales lead, directors, 财务部, GM), plus
    项目管理部, which runs the budget process."""
    ids = budget_change_recipient_ids(projects)
    users = (
        User.objects.filter(pk__in=set().union(*ids.values()), is_active=True)
        .select_related("department__manager")
        .in_bulk()
    )
    pmo = department_members(Dept.PMO)
    return {
        project.pk: _active([users[i] for i in sorted(ids[project.pk]) if i in users] + pmo)
        for project in projects
    }
