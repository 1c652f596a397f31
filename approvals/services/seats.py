"""Seats of the active step: 加签 (add a signer before or after oneself) and 转交 (hand one's
seat to another eligible person), and the batch decision of queue items.

Both are switched on per step in the chain data (ChainStepTemplate.allow_add_signer /
allow_transfer / transfer_scope, copied to each FormStep on submission). Lock order as in every
form service: form → project → audit head.
"""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_append
from org.models import User
from org.selectors import active_delegates_of
from sipm.errors import Conflict, DomainError, InvalidInput, Refused

from .. import routing
from ..models import Decision, FormStatus, FormStep, StepAssignee, StepKind
from .common import emit_form, locked_form
from .decisions import form_decide
from .flow import activate_step, round_steps

BEFORE, AFTER = "before", "after"
BATCH_MAX = 100


def _clean_comment(comment) -> str:
    comment = (comment or "").strip()
    if len(comment) > 2000:
        raise InvalidInput(_("意见不能超过 2000 字。"), fields={"comment": _("不能超过 2000 字。")})
    return comment


def _active_step(form, revision):
    if form.status != FormStatus.IN_REVIEW or form.current_step is None:
        raise Conflict(
            _("表单当前状态为“%(s)s”，不能办理。") % {"s": form.get_status_display()},
            code="wrong_state",
        )
    if revision not in (None, "") and int(revision) != form.revision:
        raise Conflict(_("表单已被他人更新，请刷新后再办理。"), code="stale")
    steps = round_steps(form)
    current = next(s for s in steps if s.order == form.current_step)
    return steps, current


def _seat_changed(form, *, verb, acting_user, holder_id, payload):
    """Audit what was done from a seat (on behalf of its holder when a delegate acts) and bump
    the form's revision."""
    audit_append(
        verb=verb,
        actor=acting_user,
        on_behalf_of=holder_id if holder_id != acting_user.pk else None,
        form=form,
        project=form.project_id,
        payload=payload,
    )
    form.revision += 1
    form.save()


def _my_seat(step, acting_user) -> StepAssignee:
    """The open seat of the step the user fills: their own, or one they stand in for."""
    decided = set(
        Decision.objects.filter(step=step, step_pass=step.passes).values_list(
            "principal_id", flat=True
        )
    )
    seats = [a for a in step.assignees.select_related("user") if a.user_id not in decided]
    own = [a for a in seats if a.user_id == acting_user.pk]
    if own:
        return own[0]
    delegations = active_delegates_of([a.user_id for a in seats], timezone.localdate())
    stand_in = [a for a in seats if acting_user.pk in delegations.get(a.user_id, [])]
    if not stand_in:
        raise Refused(_("您不是当前步骤“%(step)s”的审批人。") % {"step": step.name})
    return stand_in[0]


def _people():
    return User.objects.filter(is_active=True, is_superuser=False)


def eligible_people(form, step, *, purpose):
    """Who may receive a 转交 or be added by 加签 on this step: active employees (never the
    superuser), not the submitter, not already holding a seat of the step."""
    qs = (
        _people()
        .exclude(pk=form.submitter_id)
        .exclude(pk__in=StepAssignee.objects.filter(step=step).values("user_id"))
    )
    if purpose == "transfer" and step.transfer_scope.strip():
        ids = [u.pk for u in routing.term_users(step.transfer_scope, form)]
        qs = qs.filter(pk__in=ids)
    return qs


def _target(form, step, user_id, *, purpose, acting_user):
    try:
        uid = int(user_id)
    except (TypeError, ValueError):
        raise InvalidInput(_("请选择人员。"), fields={"user": _("请选择人员。")})
    target = eligible_people(form, step, purpose=purpose).exclude(pk=acting_user.pk)
    target = target.filter(pk=uid).first()
    if target is None:
        raise InvalidInput(
            _("所选人员不符合条件（须为在职员工、不是申请人、且不在本步骤中）。"),
            fields={"user": _("所选人员不符合条件。")},
        )
    return target


def step_add_signer(
    *, acting_user, form_id, user_id, position, comment="", revision=None
) -> FormStep:
    """加签: a one-person step before the user's own (it runs now, the user's step waits) or
    after it (it runs once the user's step is complete)."""
    if position not in (BEFORE, AFTER):
        raise InvalidInput(
            _("请选择加签位置。"), fields={"position": _("必须是 before 或 after。")}
        )
    comment = _clean_comment(comment)
    with transaction.atomic():
        form = locked_form(form_id, acting_user)
        steps, current = _active_step(form, revision)
        seat = _my_seat(current, acting_user)
        if not current.allow_add_signer:
            raise Refused(_("流程未允许在“%(step)s”加签。") % {"step": current.name})
        target = _target(form, current, user_id, purpose="add_signer", acting_user=acting_user)
        if (
            position == BEFORE
            and Decision.objects.filter(step=current, step_pass=current.passes).exists()
        ):
            raise Conflict(_("本步骤已有人审批，只能在本人之后加签。"))
        at = current.order if position == BEFORE else current.order + 1
        # Make room: move the later steps down, last first (order is unique per round).
        for step in sorted(steps, key=lambda s: -s.order):
            if step.order >= at:
                step.order += 1
                step.save(update_fields=["order"])
        where = _("之前") if position == BEFORE else _("之后")
        added = FormStep.objects.create(
            form=form,
            round=form.round,
            order=at,
            name=_("加签：%(who)s") % {"who": target},
            role_label=_("加签"),
            kind=StepKind.SINGLE,
            approvers=f"user:{target.pk}",
            sla_days=current.sla_days,
            allow_add_signer=False,
            allow_transfer=False,
            comment_required=current.comment_required,
            added_by=acting_user,
            added_position=position,
            note=_("%(by)s 在“%(step)s”%(where)s加签")
            % {"by": acting_user, "step": current.name, "where": where},
        )
        when = timezone.now()
        if position == BEFORE:
            current.wait()
            current.save(update_fields=["status"])
            activate_step(added, form, when, actor=acting_user, reason=added.note)
        _seat_changed(
            form,
            verb="step.signer_added",
            acting_user=acting_user,
            holder_id=seat.user_id,
            payload={
                "step": added.order,
                "name": added.name,
                "of_step": current.name,
                "position": position,
                "user": target.pk,
                "comment": comment,
            },
        )
    return added


def step_transfer(*, acting_user, form_id, user_id, comment="", revision=None) -> StepAssignee:
    """转交: the user's seat on the active step passes to another eligible person."""
    comment = _clean_comment(comment)
    with transaction.atomic():
        form = locked_form(form_id, acting_user)
        _steps, current = _active_step(form, revision)
        seat = _my_seat(current, acting_user)
        if not current.allow_transfer:
            raise Refused(_("流程未允许转交“%(step)s”。") % {"step": current.name})
        target = _target(form, current, user_id, purpose="transfer", acting_user=acting_user)
        previous = seat.user
        seat.user = target
        seat.transferred_from = previous
        seat.reason = _("%(who)s 转交") % {"who": previous}
        seat.save(update_fields=["user", "transferred_from", "reason"])
        # The new holder is told through the event stream, like anyone a step waits on.
        emit_form(
            "step.transferred",
            form,
            actor=acting_user,
            payload={
                "step": current.pk,
                "name": current.name,
                "from": previous.pk,
                "to": target.pk,
                "comment": comment,
                "due_at": current.due_at.isoformat() if current.due_at else None,
            },
        )
        _seat_changed(
            form,
            verb="step.transferred",
            acting_user=acting_user,
            holder_id=previous.pk,
            payload={
                "step": current.order,
                "name": current.name,
                "from": previous.pk,
                "to": target.pk,
                "to_name": str(target),
                "comment": comment,
            },
        )
    return seat


def queue_decide(*, acting_user, items) -> list[dict]:
    """Decide several queue items, each on the revision the user saw. Every item is its own
    transaction: one stale or refused item does not undo the others. Returns one result per
    item, in order: {form, status: "ok" | error code, message, form_status, revision}."""
    if not isinstance(items, list) or not items:
        raise InvalidInput(_("请选择要审批的事项。"), fields={"items": _("不能为空。")})
    if len(items) > BATCH_MAX:
        raise InvalidInput(
            _("一次最多审批 %(n)d 项。") % {"n": BATCH_MAX}, fields={"items": _("太多。")}
        )
    results = []
    for item in items:
        form_id = item.get("form")
        result = {"form": form_id}
        try:
            if item.get("revision") in (None, ""):
                raise InvalidInput(_("须提供您看到的修订号。"), fields={"revision": _("必填。")})
            form = form_decide(
                acting_user=acting_user,
                form_id=form_id,
                decision=item.get("decision") or "approve",
                comment=item.get("comment") or "",
                revision=item.get("revision"),
            )
        except DomainError as exc:
            result.update(status=exc.code, message=exc.message, fields=exc.fields)
        else:
            result.update(
                status="ok",
                message=_("已处理。"),
                form_status=form.status,
                revision=form.revision,
                number=form.number,
            )
        results.append(result)
    return results


def people_search(qs, q: str, limit=20):
    q = (q or "").strip()
    if q:
        qs = qs.filter(
            Q(display_name__icontains=q)
            | Q(username__icontains=q)
            | Q(department__name__icontains=q)
        )
    return qs.select_related("department").order_by("department__sort_order", "id")[:limit]
