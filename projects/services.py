"""Writes to projects: creation from an initiation form, stage moves driven by form events
(projects.lifecycle subscribes to the engine's events), termination. Each runs inside the
engine's transaction when called from a subscriber, and reports what it did with emit()."""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import TransitionNotAllowed

from approvals.numbering import next_number
from core.audit import audit_append
from core.events import emit
from org.selectors import initiation_refusal, user_sees_all
from sipm.errors import Conflict, InvalidInput, NotVisible, Refused
from workcal.calendar import add_working_days

from .models import DeadlineCode, Project, Stage
from .policy import deadline_days
from .selectors import budget_change_recipients, budget_versions, project_visible_to

PROJECT_PREFIX = "SI"


def project_create_for_initiation(*, acting_user, data) -> Project:
    refusal = initiation_refusal(acting_user)
    if refusal:
        raise Refused(refusal)
    project = Project.objects.create(
        number=next_number(PROJECT_PREFIX),
        name=data.get("project_name") or _("（未命名项目）"),
        client_name=data.get("client_name") or "",
        department=acting_user.department,
        initiator=acting_user,
        sales_lead=acting_user,
        estimated_amount=Decimal(data["estimated_amount"])
        if data.get("estimated_amount")
        else None,
    )
    audit_append(
        verb="project.created",
        actor=acting_user,
        project=project,
        payload={"number": project.number, "name": project.name},
    )
    emit(
        "project.created",
        actor=acting_user,
        project=project,
        payload={"number": project.number, "name": project.name},
    )
    return project


def project_on_initiation_updated(*, project_id, data):
    """While the initiation is a draft, the project's name and client follow it."""
    Project.objects.filter(pk=project_id, stage=Stage.INITIATING).update(
        name=data.get("project_name") or _("（未命名项目）"),
        client_name=data.get("client_name") or "",
        estimated_amount=Decimal(data["estimated_amount"])
        if data.get("estimated_amount")
        else None,
    )


def _locked(project_id) -> Project:
    return Project.objects.select_for_update().get(pk=project_id)


def _stage_changed(project, old, *, acting_user, when, form=None):
    payload = {"from": old, "to": project.stage}
    audit_append(
        verb="project.stage", actor=acting_user, project=project, form=form, payload=payload
    )
    emit(
        "project.stage_changed",
        actor=acting_user,
        project=project,
        form=form,
        when=when,
        payload={**payload, "number": project.number, "name": project.name},
    )


def project_stage_move(*, project_id, transition, acting_user, when, form=None) -> bool:
    """Fire one lifecycle transition (a Project method named in projects.lifecycle).

    A project already at or past the transition's target (e.g. a corrected contract approved
    again) stays where it is, and a closed or terminated project does not move: both are
    no-moves, not errors. Any other move the graph does not allow is refused (Conflict)."""
    project = _locked(project_id)
    method = getattr(project, transition)
    target = method._django_fsm.get_transition(project.stage)
    if not project.is_open:
        return False
    if target is None:
        targets = {t.target for t in method._django_fsm.transitions.values()}
        if any(project.stage_reached(t) for t in targets):
            return False
        raise Conflict(
            _("项目当前阶段为“%(s)s”，不能进行此阶段变更。") % {"s": project.get_stage_display()},
            code="wrong_stage",
        )
    old = project.stage
    try:
        method(when=when)
    except TransitionNotAllowed as exc:
        raise Conflict(
            _("项目当前阶段为“%(s)s”，不能进行此阶段变更。") % {"s": project.get_stage_display()},
            code="wrong_stage",
        ) from exc
    project.save()
    _stage_changed(project, old, acting_user=acting_user, when=when, form=form)
    return True


def project_on_initiation_rejected(*, form, acting_user, when):
    project = _locked(form.project_id)
    if project.stage == Stage.INITIATING:
        project.reject_initiation(when=when)
        project.save()
        _stage_changed(project, Stage.INITIATING, acting_user=acting_user, when=when, form=form)


def project_terminate(*, acting_user, project_id, reason) -> Project:

    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("请填写终止原因。"), fields={"reason": _("必填。")})
    with transaction.atomic():
        project = Project.objects.select_for_update().filter(pk=project_id).first()
        if project is None or not project_visible_to(acting_user, project):
            raise NotVisible(_("项目不存在或无权查看。"))
        if not (user_sees_all(acting_user) or project.sales_lead_id == acting_user.pk):
            raise Refused(_("只有销售负责人、总监或总经理可以终止项目。"))
        if not project.is_open:
            raise Conflict(
                _("项目已“%(s)s”，不能终止。") % {"s": project.get_stage_display()},
                code="wrong_state",
            )
        old = project.stage
        project.terminate(reason=reason, when=timezone.now())
        project.save()
        audit_append(
            verb="project.terminated",
            actor=acting_user,
            project=project,
            payload={"from": old, "reason": reason},
        )
        emit(
            "project.stage_changed",
            actor=acting_user,
            project=project,
            payload={
                "from": old,
                "to": project.stage,
                "reason": reason,
                "number": project.number,
                "name": project.name,
            },
        )
    return project


# --- Hooks of the form kinds (projects.forms): called inside the approving transaction --------


def project_set_presales_lead(*, acting_user, project_id, lead_id, team_ids=(), form=None):
    """The approved 售前支持工作协调单 names the pre-sales lead and team [§6]."""
    project = _locked(project_id)
    old = project.presales_lead_id
    project.presales_lead_id = lead_id
    project.save(update_fields=["presales_lead", "updated_at"])
    project.members.add(*[uid for uid in team_ids if uid])
    audit_append(
        verb="project.presales_lead",
        actor=acting_user,
        project=project,
        form=form,
        payload={"from": old, "to": lead_id, "team": list(team_ids)},
    )
    emit(
        "project.presales_lead_set",
        actor=acting_user,
        project=project,
        form=form,
        payload={"from": old, "to": lead_id, "team": list(team_ids), "name": project.name},
    )
    return project


def project_mark_early_start(*, acting_user, project_id, form=None):
    """The approved 提前开工审批单 lets the commission go out before the contract [§9]."""
    project = _locked(project_id)
    if project.early_start:
        return project
    project.early_start = True
    project.save(update_fields=["early_start", "updated_at"])
    audit_append(
        verb="project.early_start",
        actor=acting_user,
        project=project,
        form=form,
        payload={"early_start": True},
    )
    emit(
        "project.early_start",
        actor=acting_user,
        project=project,
        form=form,
        payload={"name": project.name},
    )
    return project


def project_set_team(*, acting_user, project_id, manager_id, member_ids, form=None):
    """The approved 项目委托书 names the project manager and the team [§23]."""
    project = _locked(project_id)
    old_manager = project.project_manager_id
    old_members = sorted(project.members.values_list("pk", flat=True))
    project.project_manager_id = manager_id
    project.save(update_fields=["project_manager", "updated_at"])
    project.members.add(*member_ids)
    audit_append(
        verb="project.team",
        actor=acting_user,
        project=project,
        form=form,
        payload={
            "manager": {"from": old_manager, "to": manager_id},
            "members": {"from": old_members, "added": sorted(member_ids)},
        },
    )
    emit(
        "project.team_set",
        actor=acting_user,
        project=project,
        form=form,
        payload={"manager": manager_id, "members": sorted(member_ids), "name": project.name},
    )
    return project


def budget_change_announce(*, acting_user, form, when):
    """An approved budget change is told to everyone concerned within 1 working day [§18]
    (PolicyDeadline "budget_change_notice").

    Records who is to be told and by when, and emits budget.changed: the notifications app
    tells them (its subscriber records the notice as delivered to each)."""

    project = _locked(form.project_id)
    recipients = list(budget_change_recipients(project).values_list("pk", flat=True))
    due = add_working_days(
        timezone.localdate(when), deadline_days(DeadlineCode.BUDGET_CHANGE_NOTICE)
    )
    # The engine saves the approved form after its hooks, so it may not be listed yet.
    newest = next(iter(budget_versions(project, newest=1)), None)
    if newest is not None and newest["form"].pk == form.pk:
        version = newest["version"]
    else:
        version = (newest["version"] if newest else 0) + 1
    audit_append(
        verb="budget.change_notice",
        actor=acting_user,
        project=project,
        form=form,
        payload={"version": version, "recipients": recipients, "due": due.isoformat()},
    )
    emit(
        "budget.changed",
        actor=acting_user,
        project=project,
        form=form,
        when=when,
        payload={"version": version, "recipients": recipients, "due": due.isoformat()},
    )
    return recipients, due


def lock_project(project_id) -> Project:
    """The engine's owner lock (approvals.kinds.register_owner_lock): form → project order."""
    return Project.objects.select_for_update().get(pk=project_id)
