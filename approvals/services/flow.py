"""Submission and the walk along the chain: steps of a round, activation, skipping, approval."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_append
from core.hashing import data_hash
from org.models import Department
from sipm.errors import Conflict, InvalidInput, Refused
from sipm.i18n import company_language
from workcal.calendar import due_at

from .. import routing
from ..fields import missing_required
from ..kinds import get_kind, lock_owner
from ..models import (
    EDITABLE_STATUSES,
    ChainTemplate,
    Form,
    FormCopy,
    FormStep,
    StepAssignee,
    StepStatus,
)
from .common import bump_revision, emit_form, locked_form

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
    "allow_add_signer",
    "allow_transfer",
    "transfer_scope",
    "comment_required",
)


def _materialize_round(form):
    for tpl in form.chain.steps.order_by("order"):
        FormStep.objects.create(
            form=form, round=form.round, **{f: getattr(tpl, f) for f in STEP_TEMPLATE_FIELDS}
        )


def round_steps(form):
    return list(form.steps.filter(round=form.round).order_by("order"))


def activate_step(step, form, when, *, actor=None, reason=""):
    with company_language():
        res = routing.resolve(step.approvers, form)
    step.activate(when=when, due_at=due_at(when, step.sla_days))
    step.next_reminder_at = when  # the reminder sweep looks at it from now on
    step.note = "；".join(n for n in (reason, res.note) if n)
    step.save()
    StepAssignee.objects.filter(step=step).delete()
    StepAssignee.objects.bulk_create(
        [StepAssignee.opening(step, form, u, reason=res.reasons.get(u.pk, "")) for u in res.users]
    )
    form.current_step = step.order
    if res.escalated:
        payload = {
            "step": step.order,
            "name": step.name,
            "note": res.note,
            "to": [u.pk for u in res.users],
        }
        audit_append(
            verb="step.escalated", actor=actor, form=form, project=form.project_id, payload=payload
        )
        emit_form("step.escalated", form, actor=actor, payload=payload, when=when)
    # Who the form now waits on, and by when: the to-do notices follow from this event.
    emit_form(
        "step.activated",
        form,
        actor=actor,
        when=when,
        payload={
            "step": step.pk,
            "order": step.order,
            "name": step.name,
            "assignees": [u.pk for u in res.users],
            "due_at": step.due_at.isoformat() if step.due_at else None,
            "sla_days": step.sla_days,
            "pass": step.passes,
        },
    )


def advance(form, steps, after_order, when, *, actor):
    """Activate the next applicable step after `after_order`; approve the form if none is left."""
    spec = get_kind(form.kind)
    for step in steps:
        if step.order <= after_order or step.status not in (StepStatus.PENDING, StepStatus.SKIPPED):
            continue
        with company_language():
            applies, reason = routing.step_applies(step, form, spec)
        if not applies:
            step.skip(reason=reason)
            step.save(update_fields=["status", "note"])
            continue
        activate_step(step, form, when, actor=actor, reason=reason if step.condition else "")
        return step
    _finish_approved(form, when, actor=actor)
    return None


def _finish_approved(form, when, *, actor):
    spec = get_kind(form.kind)
    form.approve(when=when, data_hash=data_hash(form.data))
    depts = {d.code: d for d in Department.objects.filter(code__in=[c for c, _k in spec.copies])}
    copies = [(depts[code], kind) for code, kind in spec.copies if code in depts]
    FormCopy.objects.bulk_create(
        [
            FormCopy(form=form, department=dept, kind=kind, **form.project_copies())
            for dept, kind in copies
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
    # Subscribers read the approved form from the database: save it before they run.
    form.save()
    emit_form(
        "form.approved",
        form,
        actor=actor,
        when=when,
        payload={"data_hash": form.approved_data_hash},
    )
    if copies:
        emit_form(
            "form.copied",
            form,
            actor=actor,
            when=when,
            payload={
                "copies": [{"department": d.pk, "code": d.code, "kind": k} for d, k in copies]
            },
        )


def form_submit(*, acting_user, form_id, revision=None) -> Form:
    with transaction.atomic():
        form = locked_form(form_id, acting_user)
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
            project = lock_owner(form.project_id) or form.project
            form.project = project  # the locked row, for the seats' copies
            reason = spec.gate(project, form.data, form=form)
            if reason:
                raise Conflict(reason, code="precondition")
        errors = missing_required(spec.fields, form.data, spec.submitter_fields)
        if spec.validate:
            errors.update(spec.validate(form.data, form=form) or {})
        if errors:
            raise InvalidInput(_("表单填写有误：") + "；".join(errors.values()), fields=errors)
        chain = form.chain if form.chain_id else None
        if chain is None:
            chain = ChainTemplate.objects.filter(kind=form.kind, is_active=True).first()
            if chain is None:
                raise Conflict(
                    _("“%(t)s”尚未配置审批流程，请联系管理员。") % {"t": spec.title},
                    code="no_chain",
                )
            form.chain = chain
        when = timezone.now()
        form.submit(when=when)
        _materialize_round(form)
        steps = round_steps(form)
        bump_revision(form, "status", "round", "submitted_at", "closed_at", "chain", "current_step")
        audit_append(
            verb="form.submitted",
            actor=acting_user,
            form=form,
            project=form.project_id,
            payload={
                "round": form.round,
                "chain": form.chain_id,
                "chain_version": chain.version,
                "data_hash": data_hash(form.data),
            },
        )
        emit_form(
            "form.submitted", form, actor=acting_user, when=when, payload={"round": form.round}
        )
        advance(form, steps, 0, when, actor=acting_user)
        form.save()
    return form
