"""Every write to a form goes through here: lock, check, transition, save, log — one transaction.

Nothing else changes a form's status (the field is protected). Side effects (notifications,
rendering) are queued with transaction.on_commit.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from org.selectors import active_delegates_of
from sipm.errors import Conflict, InvalidInput, NotVisible, Refused
from sipm.i18n import company_language
from workcal.calendar import due_at

from . import routing
from .audit import audit_append
from .fields import clean_fields, missing_required
from .hashing import data_hash
from .kinds import get_kind
from .models import (
    EDITABLE_STATUSES,
    ChainTemplate,
    Decision,
    DecisionKind,
    Form,
    FormCopy,
    FormStatus,
    FormStep,
    StepAssignee,
    StepKind,
    StepStatus,
)
from .numbering import next_number
from .selectors import form_visible_to

STEP_TEMPLATE_FIELDS = (
    "order",
    "name",
    "role_label",
    "kind",
    "approvers",
    "quorum",
    "fill_fields",
    "condition",
    "sla_days",
)


def _locked_form(form_id, acting_user) -> Form:
    """Lock the form, then its project: every service takes locks in the order form → project
    → counters → audit head, so two services never wait on each other in a circle."""
    form = Form.objects.select_for_update().filter(pk=form_id).first()
    if form is None or not form_visible_to(acting_user, form):
        raise NotVisible(_("表单不存在或无权查看。"))
    if form.project_id:
        from projects.models import Project

        list(Project.objects.select_for_update().filter(pk=form.project_id).values_list("pk"))
    return form


def _bump(form, *fields):
    form.revision += 1
    form.save(update_fields=["revision", "updated_at", *fields])


def _refuse_unowned(ignored, kind):
    if ignored:
        names = "、".join(str(kind.field(n).label) if kind.field(n) else n for n in ignored)
        raise InvalidInput(
            _("以下字段不能由您填写：%(names)s") % {"names": names},
            fields={n: _("此字段不能由您填写。") for n in ignored},
        )


def form_create(*, acting_user, kind: str, project=None, data=None) -> Form:
    spec = get_kind(kind)
    data = data or {}
    with transaction.atomic():
        if project is None and spec.needs_project and not spec.creates_project:
            raise InvalidInput(_("请选择项目。"), fields={"project": _("必填。")})
        if project is not None:
            from projects.models import Project

            project = Project.objects.select_for_update().get(pk=project.pk)
        if spec.may_start:
            refusal = spec.may_start(acting_user, project)
            if refusal:
                raise Refused(refusal)
        if project is not None and spec.gate:
            reason = spec.gate(project, data)
            if reason:
                raise Conflict(reason, code="precondition")
        values, errors, ignored = clean_fields(spec.fields, data, spec.submitter_fields)
        _refuse_unowned(ignored, spec)
        if errors:
            raise InvalidInput(_("表单填写有误。"), fields=errors)
        values = {k: v for k, v in values.items() if v is not None}
        if project is None and spec.creates_project:
            from projects.services import project_create_for_initiation

            project = project_create_for_initiation(acting_user=acting_user, data=values)
        form = Form.objects.create(
            kind=kind,
            number=next_number(spec.prefix),
            project=project,
            data=values,
            submitter=acting_user,
            department=acting_user.department,
        )
        audit_append(
            verb="form.created",
            actor=acting_user,
            form=form,
            project=project,
            payload={"kind": kind, "number": form.number, "data": values},
        )
    return form


def form_update(*, acting_user, form_id, data: dict, revision=None) -> Form:
    with transaction.atomic():
        form = _locked_form(form_id, acting_user)
        if form.submitter_id != acting_user.pk:
            raise Refused(_("只有申请人可以修改表单。"))
        if form.status not in EDITABLE_STATUSES:
            if form.status == FormStatus.APPROVED:
                raise Conflict(_("已批准的表单不能修改，请创建更正版本。"), code="wrong_state")
            raise Conflict(
                _("表单当前状态为“%(s)s”，不能修改。") % {"s": form.get_status_display()},
                code="wrong_state",
            )
        if revision is not None and int(revision) != form.revision:
            raise Conflict(_("表单已被更新，请刷新后再修改。"), code="stale")
        spec = get_kind(form.kind)
        values, errors, ignored = clean_fields(spec.fields, data, spec.submitter_fields)
        _refuse_unowned(ignored, spec)
        if errors:
            raise InvalidInput(_("表单填写有误。"), fields=errors)
        merged = {**form.data, **values}
        merged = {k: v for k, v in merged.items() if v is not None}
        changed = {k: v for k, v in values.items() if form.data.get(k) != v}
        form.data = merged
        _bump(form, "data")
        if spec.creates_project and form.project_id:
            from projects.services import project_sync_from_initiation

            project_sync_from_initiation(project_id=form.project_id, data=merged)
        audit_append(
            verb="form.updated",
            actor=acting_user,
            form=form,
            project=form.project_id,
            payload={"changed": changed},
        )
    return form


def _materialize_round(form):
    for tpl in form.chain.steps.order_by("order"):
        FormStep.objects.create(
            form=form, round=form.round, **{f: getattr(tpl, f) for f in STEP_TEMPLATE_FIELDS}
        )


def _round_steps(form):
    return list(form.steps.filter(round=form.round).order_by("order"))


def _activate(step, form, when, *, actor=None, reason=""):
    with company_language():
        res = routing.resolve(step.approvers, form)
    step.status = StepStatus.ACTIVE
    step.passes += 1
    step.activated_at = when
    step.due_at = due_at(when, step.sla_days)
    step.completed_at = None
    step.note = "；".join(n for n in (reason, res.note) if n)
    step.save()
    StepAssignee.objects.filter(step=step).delete()
    StepAssignee.objects.bulk_create(
        [StepAssignee(step=step, user=u, reason=res.reasons.get(u.pk, "")) for u in res.users]
    )
    form.current_step = step.order
    if res.escalated:
        audit_append(
            verb="step.escalated",
            actor=actor,
            form=form,
            project=form.project_id,
            payload={
                "step": step.order,
                "name": step.name,
                "note": res.note,
                "to": [u.pk for u in res.users],
            },
        )


def _advance(form, steps, after_order, when, *, actor):
    """Activate the next applicable step after `after_order`; approve the form if none is left."""
    spec = get_kind(form.kind)
    for step in steps:
        if step.order <= after_order or step.status not in (StepStatus.PENDING, StepStatus.SKIPPED):
            continue
        with company_language():
            applies, reason = routing.step_applies(step, form, spec)
        if not applies:
            step.status = StepStatus.SKIPPED
            step.note = reason
            step.save(update_fields=["status", "note"])
            continue
        _activate(step, form, when, actor=actor, reason=reason if step.condition else "")
        return step
    _finish_approved(form, when, actor=actor)
    return None


def _finish_approved(form, when, *, actor):
    spec = get_kind(form.kind)
    form.approve(when=when, data_hash=data_hash(form.data))
    from org.models import Department

    depts = {d.code: d for d in Department.objects.filter(code__in=[c for c, _k in spec.copies])}
    FormCopy.objects.bulk_create(
        [
            FormCopy(form=form, department=depts[code], kind=kind)
            for code, kind in spec.copies
            if code in depts
        ],
        ignore_conflicts=True,
    )
    audit_append(
        verb="form.approved",
        actor=actor,
        form=form,
        project=form.project_id,
        payload={"data_hash": form.approved_data_hash, "copies": [c for c, _k in spec.copies]},
    )
    from projects.services import project_on_form_approved

    project_on_form_approved(form=form, acting_user=actor, when=when)
    from documents.tasks import render_approved_form

    # The signed PDF is rendered once, after the approval is committed.
    form_id = form.pk
    transaction.on_commit(lambda: render_approved_form.delay(form_id), robust=True)
    if spec.on_approved:
        spec.on_approved(form=form, acting_user=actor, when=when)


def form_submit(*, acting_user, form_id, revision=None) -> Form:
    with transaction.atomic():
        form = _locked_form(form_id, acting_user)
        if form.submitter_id != acting_user.pk:
            raise Refused(_("只有申请人可以提交表单。"))
        if form.status not in EDITABLE_STATUSES:
            raise Conflict(
                _("表单当前状态为“%(s)s”，不能提交。") % {"s": form.get_status_display()},
                code="wrong_state",
            )
        if revision is not None and int(revision) != form.revision:
            raise Conflict(_("表单已被更新，请刷新后再提交。"), code="stale")
        spec = get_kind(form.kind)
        if form.project_id and spec.gate:
            from projects.models import Project

            project = Project.objects.select_for_update().get(pk=form.project_id)
            reason = spec.gate(project, form.data, form=form)
            if reason:
                raise Conflict(reason, code="precondition")
        errors = missing_required(spec.fields, form.data, spec.submitter_fields)
        if spec.validate:
            errors.update(spec.validate(form.data, form=form) or {})
        if errors:
            raise InvalidInput(_("表单填写有误：") + "；".join(errors.values()), fields=errors)
        if form.chain_id is None:
            form.chain = ChainTemplate.objects.filter(kind=form.kind, is_active=True).first()
            if form.chain is None:
                raise Conflict(
                    _("“%(t)s”尚未配置审批流程，请联系管理员。") % {"t": spec.title},
                    code="no_chain",
                )
        when = timezone.now()
        form.submit(when=when)
        _materialize_round(form)
        steps = _round_steps(form)
        _bump(form, "status", "round", "submitted_at", "closed_at", "chain", "current_step")
        audit_append(
            verb="form.submitted",
            actor=acting_user,
            form=form,
            project=form.project_id,
            payload={
                "round": form.round,
                "chain": form.chain_id,
                "chain_version": form.chain.version,
                "data_hash": data_hash(form.data),
            },
        )
        from projects.services import project_on_form_submitted

        project_on_form_submitted(form=form, acting_user=acting_user, when=when)
        _advance(form, steps, 0, when, actor=acting_user)
        form.save()
    return form


def _seats_for(step, acting_user, day):
    """The seats of the active step the user may fill now: their own, or as a delegate."""
    assignees = list(step.assignees.all())
    decided = set(
        Decision.objects.filter(step=step, step_pass=step.passes).values_list(
            "principal_id", flat=True
        )
    )
    open_ids = [a.user_id for a in assignees if a.user_id not in decided]
    if acting_user.pk in open_ids:
        return [acting_user.pk], assignees, decided
    delegations = active_delegates_of(open_ids, day)
    return (
        [uid for uid in open_ids if acting_user.pk in delegations.get(uid, [])],
        assignees,
        decided,
    )


def _was_involved(form, acting_user, day) -> bool:
    ids = list(
        StepAssignee.objects.filter(step__form=form, step__round=form.round).values_list(
            "user_id", flat=True
        )
    )
    if acting_user.pk in ids:
        return True
    return any(acting_user.pk in v for v in active_delegates_of(ids, day).values())


def form_decide(
    *, acting_user, form_id, decision, comment="", to_step=None, data=None, revision=None, step=None
) -> Form:
    if decision not in DecisionKind.values:
        raise InvalidInput(
            _("无效的审批决定。"), fields={"decision": _("必须是 approve、reject 或 return。")}
        )
    comment = (comment or "").strip()
    if len(comment) > 2000:
        raise InvalidInput(_("意见不能超过 2000 字。"), fields={"comment": _("不能超过 2000 字。")})
    if decision in (DecisionKind.REJECT, DecisionKind.RETURN) and not comment:
        raise InvalidInput(_("驳回或退回时请填写意见。"), fields={"comment": _("必填。")})
    with transaction.atomic():
        form = _locked_form(form_id, acting_user)
        day = timezone.localdate()
        if form.status != FormStatus.IN_REVIEW:
            if _was_involved(form, acting_user, day):
                raise Conflict(
                    _("该表单已由他人处理（当前状态：%(s)s）。") % {"s": form.get_status_display()}
                )
            raise Conflict(
                _("表单当前状态为“%(s)s”，不能审批。") % {"s": form.get_status_display()},
                code="wrong_state",
            )
        if revision is not None and int(revision) != form.revision:
            raise Conflict(_("表单已被他人更新，请刷新后再审批。"), code="stale")
        steps = _round_steps(form)
        current = next(s for s in steps if s.order == form.current_step)
        if step is not None and int(step) != current.order:
            raise Conflict(_("该步骤已由他人处理，请刷新。"), code="stale")
        seats, assignees, decided = _seats_for(current, acting_user, day)
        if not seats:
            if _was_involved(form, acting_user, day):
                raise Conflict(_("该步骤已由他人处理或您已审批过。"))
            raise Refused(_("您不是当前步骤“%(step)s”的审批人。") % {"step": current.name})
        principal_id = seats[0]
        spec = get_kind(form.kind)
        filled = {}
        if data:
            if decision != DecisionKind.APPROVE:
                raise InvalidInput(_("只有同意时才能填写数据。"), fields={"data": _("不能填写。")})
            values, errors, ignored = clean_fields(spec.fields, data, set(current.fill_fields))
            _refuse_unowned(ignored, spec)
            if errors:
                raise InvalidInput(_("表单填写有误。"), fields=errors)
            filled = {k: v for k, v in values.items() if v is not None}
            form.data = {**form.data, **filled}
            if spec.validate:
                # The kind's cross-field rules, limited to what this step owns.
                step_errors = {
                    k: v
                    for k, v in (spec.validate(form.data, form=form) or {}).items()
                    if k in current.fill_fields
                }
                if step_errors:
                    raise InvalidInput(
                        _("表单填写有误：") + "；".join(step_errors.values()), fields=step_errors
                    )
        if decision == DecisionKind.APPROVE and current.fill_fields:
            missing = missing_required(
                [f for f in spec.fields if f.name in current.fill_fields],
                form.data,
                current.fill_fields,
            )
            if missing:
                raise InvalidInput(_("请先填写：") + "；".join(missing.values()), fields=missing)
        if decision == DecisionKind.RETURN and to_step not in (None, "", 0, "0"):
            to_step = int(to_step)
            target = next((s for s in steps if s.order == to_step), None)
            if target is None or to_step >= current.order or target.status == StepStatus.SKIPPED:
                raise InvalidInput(
                    _("只能退回到之前已处理的步骤。"), fields={"to_step": _("无效的步骤。")}
                )
        else:
            to_step = None
        when = timezone.now()
        Decision.objects.create(
            form=form,
            step=current,
            decider=acting_user,
            principal_id=principal_id,
            on_behalf_of_id=principal_id if principal_id != acting_user.pk else None,
            step_pass=current.passes,
            decision=decision,
            comment=comment,
            data_hash=data_hash(form.data),
            to_step=to_step,
            created_at=when,
        )
        audit_append(
            verb=f"form.decision.{decision}",
            actor=acting_user,
            on_behalf_of=principal_id if principal_id != acting_user.pk else None,
            form=form,
            project=form.project_id,
            payload={
                "step": current.order,
                "name": current.name,
                "comment": comment,
                "data_hash": data_hash(form.data),
                "filled": filled,
                "to_step": to_step,
            },
        )
        if decision == DecisionKind.APPROVE:
            approvals = len(decided) + 1
            needed = {
                StepKind.ALL: len(assignees),
                StepKind.QUORUM: min(current.quorum or 1, len(assignees)),
            }.get(current.kind, 1)
            if approvals >= needed:
                current.status = StepStatus.APPROVED
                current.completed_at = when
                current.save(update_fields=["status", "completed_at"])
                _advance(form, steps, current.order, when, actor=acting_user)
        elif decision == DecisionKind.REJECT:
            current.status = StepStatus.REJECTED
            current.completed_at = when
            current.save(update_fields=["status", "completed_at"])
            form.reject(when=when)
            from projects.services import project_on_form_rejected

            project_on_form_rejected(form=form, acting_user=acting_user, when=when)
            if spec.on_rejected:
                spec.on_rejected(form=form, acting_user=acting_user, when=when)
        else:
            current.status = StepStatus.RETURNED
            current.completed_at = when
            current.save(update_fields=["status", "completed_at"])
            if to_step is None:
                form.send_back()
            else:
                for s in steps:
                    if to_step < s.order < current.order and s.status != StepStatus.SKIPPED:
                        s.status = StepStatus.PENDING
                        s.save(update_fields=["status"])
                current.status = StepStatus.PENDING
                current.save(update_fields=["status"])
                target = next(s for s in steps if s.order == to_step)
                _activate(target, form, when, actor=acting_user)
        form.revision += 1
        form.save()
    return form


def form_withdraw(*, acting_user, form_id) -> Form:
    with transaction.atomic():
        form = _locked_form(form_id, acting_user)
        if form.submitter_id != acting_user.pk:
            raise Refused(_("只有申请人可以撤回表单。"))
        if form.status != FormStatus.IN_REVIEW:
            raise Conflict(
                _("表单当前状态为“%(s)s”，不能撤回。") % {"s": form.get_status_display()},
                code="wrong_state",
            )
        if Decision.objects.filter(form=form, step__round=form.round).exists():
            raise Conflict(_("已有审批意见，不能撤回。"))
        form.steps.filter(round=form.round, status=StepStatus.ACTIVE).update(
            status=StepStatus.CANCELLED
        )
        form.withdraw()
        form.revision += 1
        form.save()
        audit_append(
            verb="form.withdrawn",
            actor=acting_user,
            form=form,
            project=form.project_id,
            payload={"round": form.round},
        )
    return form


def form_correct(*, acting_user, form_id) -> Form:
    """A correction of an approved form: a new draft version that links to the old one."""
    with transaction.atomic():
        old = _locked_form(form_id, acting_user)
        if old.submitter_id != acting_user.pk:
            raise Refused(_("只有申请人可以更正表单。"))
        if old.status != FormStatus.APPROVED:
            raise Conflict(_("只有已批准的表单需要更正；当前表单可直接修改。"), code="wrong_state")
        if old.corrections.exists():
            raise Conflict(_("该表单已有更正版本。"))
        spec = get_kind(old.kind)
        new = Form.objects.create(
            kind=old.kind,
            number=f"{old.number}-V{old.version + 1}",
            project=old.project,
            data=dict(old.data),
            submitter=acting_user,
            department=old.department,
            version=old.version + 1,
            previous=old,
        )
        audit_append(
            verb="form.corrected",
            actor=acting_user,
            form=new,
            project=old.project_id,
            payload={"previous": old.pk, "previous_number": old.number, "kind": spec.slug},
        )
    return new
