"""Submission and the walk along the chain: steps of a round, activation, skipping, approval."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sipm.errors import Conflict, InvalidInput, Refused
from sipm.i18n import company_language
from workcal.calendar import due_at

from .. import routing
from ..audit import audit_append
from ..fields import missing_required
from ..hashing import data_hash
from ..kinds import get_kind
from ..models import (
    EDITABLE_STATUSES,
    ChainTemplate,
    Form,
    FormCopy,
    FormStep,
    StepAssignee,
    StepStatus,
)
from .common import bump_revision, locked_form

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
    step.status = StepStatus.ACTIVE
    step.passes += 1
    step.activated_at = when
    step.due_at = due_at(when, step.sla_days)
    step.completed_at = None
    step.next_reminder_at = when  # the reminder sweep looks at it from now on
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


def advance(form, steps, after_order, when, *, actor):
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
        activate_step(step, form, when, actor=actor, reason=reason if step.condition else "")
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
                "chain_version": form.chain.version,
                "data_hash": data_hash(form.data),
            },
        )
        from projects.services import project_on_form_submitted

        project_on_form_submitted(form=form, acting_user=acting_user, when=when)
        advance(form, steps, 0, when, actor=acting_user)
        form.save()
    return form
