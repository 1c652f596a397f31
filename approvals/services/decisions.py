"""Decisions on the active step (approve, reject, return) and withdrawal by the submitter."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_append
from core.hashing import data_hash
from org.selectors import active_delegates_of
from sipm.errors import Conflict, InvalidInput, Refused

from ..attachments import refuse_foreign_files
from ..fields import clean_fields, missing_required
from ..kinds import get_kind
from ..models import (
    Decision,
    DecisionKind,
    Form,
    FormStatus,
    StepAssignee,
    StepKind,
    StepStatus,
)
from .common import emit_form, locked_form, refuse_unowned
from .flow import activate_step, advance, round_steps


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
        form = locked_form(form_id, acting_user)
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
        steps = round_steps(form)
        current = next(s for s in steps if s.order == form.current_step)
        if step is not None and int(step) != current.order:
            raise Conflict(_("该步骤已由他人处理，请刷新。"), code="stale")
        seats, assignees, decided = _seats_for(current, acting_user, day)
        if not seats:
            if _was_involved(form, acting_user, day):
                raise Conflict(_("该步骤已由他人处理或您已审批过。"))
            raise Refused(_("您不是当前步骤“%(step)s”的审批人。") % {"step": current.name})
        principal_id = seats[0]
        if decision == DecisionKind.APPROVE and current.comment_required and not comment:
            raise InvalidInput(_("本步骤同意时也须填写意见。"), fields={"comment": _("必填。")})
        spec = get_kind(form.kind)
        filled = {}
        if data:
            if decision != DecisionKind.APPROVE:
                raise InvalidInput(_("只有同意时才能填写数据。"), fields={"data": _("不能填写。")})
            values, errors, ignored = clean_fields(spec.fields, data, set(current.fill_fields))
            refuse_unowned(ignored, spec)
            if errors:
                raise InvalidInput(_("表单填写有误。"), fields=errors)
            refuse_foreign_files(
                acting_user=acting_user,
                spec=spec,
                project=form.project,
                values=values,
                old=form.data,
            )
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
        # The seat no longer waits on its holder, whatever the step does next.
        StepAssignee.objects.filter(step=current, user_id=principal_id).update(is_open=False)
        on_behalf_of = principal_id if principal_id != acting_user.pk else None
        audit_append(
            verb=f"form.decision.{decision}",
            actor=acting_user,
            on_behalf_of=on_behalf_of,
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
        emit_form(
            "form.decided",
            form,
            actor=acting_user,
            on_behalf_of=on_behalf_of,
            when=when,
            payload={
                "decision": decision,
                "comment": comment,
                "step": current.order,
                "name": current.name,
                "principal": principal_id,
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
                current.approve(when=when)
                current.save(update_fields=["status", "completed_at"])
                advance(form, steps, current.order, when, actor=acting_user)
        elif decision == DecisionKind.REJECT:
            current.reject(when=when)
            current.save(update_fields=["status", "completed_at"])
            form.reject(when=when)
            form.save()
            emit_form(
                "form.rejected",
                form,
                actor=acting_user,
                on_behalf_of=on_behalf_of,
                when=when,
                payload={"comment": comment, "step": current.order, "name": current.name},
            )
        else:
            current.send_back(when=when)
            current.save(update_fields=["status", "completed_at"])
            if to_step is None:
                form.send_back()
            else:
                for s in steps:
                    if to_step < s.order < current.order and s.status != StepStatus.SKIPPED:
                        s.reopen()
                        s.save(update_fields=["status"])
                current.reopen()
                current.save(update_fields=["status"])
                target = next(s for s in steps if s.order == to_step)
                activate_step(target, form, when, actor=acting_user)
            emit_form(
                "form.returned",
                form,
                actor=acting_user,
                on_behalf_of=on_behalf_of,
                when=when,
                payload={
                    "comment": comment,
                    "step": current.order,
                    "name": current.name,
                    "to_step": to_step,
                },
            )
        form.revision += 1
        form.save()
    return form


def form_withdraw(*, acting_user, form_id) -> Form:
    with transaction.atomic():
        form = locked_form(form_id, acting_user)
        if form.submitter_id != acting_user.pk:
            raise Refused(_("只有申请人可以撤回表单。"))
        if form.status != FormStatus.IN_REVIEW:
            raise Conflict(
                _("表单当前状态为“%(s)s”，不能撤回。") % {"s": form.get_status_display()},
                code="wrong_state",
            )
        if Decision.objects.filter(form=form, step__round=form.round).exists():
            raise Conflict(_("已有审批意见，不能撤回。"))
        for step in form.steps.filter(round=form.round, status=StepStatus.ACTIVE):
            step.cancel()
            step.save(update_fields=["status"])
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
        emit_form("form.withdrawn", form, actor=acting_user, payload={"round": form.round})
    return form
