"""Writes to the organisation: delegations (代签委托)."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_append
from sipm.errors import InvalidInput, Refused

from .models import Delegation, User

NOTE_MAX_LENGTH: int = Delegation._meta.get_field("note").max_length or 300


def _audit(*, verb, actor, delegation):
    audit_append(
        verb=verb,
        actor=actor,
        on_behalf_of=delegation.principal_id,
        payload={
            "delegation": delegation.pk,
            "principal": delegation.principal_id,
            "delegate": delegation.delegate_id,
            "start_date": delegation.start_date.isoformat(),
            "end_date": delegation.end_date.isoformat(),
            "active": delegation.active,
        },
    )


def _as_date(value, field, label):
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str) and value.strip():
        try:
            return datetime.date.fromisoformat(value.strip())
        except ValueError:
            pass
        raise InvalidInput(
            _("%(label)s格式不正确，应为 YYYY-MM-DD。") % {"label": label},
            fields={field: _("日期格式不正确。")},
        )
    raise InvalidInput(
        _("请填写%(label)s。") % {"label": label}, fields={field: _("此项为必填项。")}
    )


def _check_may_manage(acting_user, principal):
    if acting_user is None or not acting_user.is_authenticated or not acting_user.is_active:
        raise Refused(_("请先登录。"))
    if acting_user.is_superuser:
        return
    if acting_user.pk != principal.pk:
        raise Refused(_("只能为自己设置或取消代签委托。"))


@transaction.atomic
def delegation_create(
    *, acting_user, principal, delegate, start_date, end_date, note=""
) -> Delegation:
    """Let `delegate` decide on `principal`'s behalf from `start_date` to `end_date` inclusive."""
    if principal is None:
        raise InvalidInput(_("请选择委托人。"), fields={"principal": _("此项为必填项。")})
    _check_may_manage(acting_user, principal)
    if delegate is None:
        raise InvalidInput(_("请选择代理人。"), fields={"delegate": _("此项为必填项。")})
    start = _as_date(start_date, "start_date", _("开始日期"))
    end = _as_date(end_date, "end_date", _("结束日期"))
    note = (note or "").strip()

    # Lock the principal so two concurrent requests cannot both pass the overlap check.
    principal = User.objects.select_for_update().get(pk=principal.pk)
    delegate = User.objects.filter(pk=delegate.pk).first()
    if delegate is None or not delegate.is_active:
        raise InvalidInput(
            _("代理人不存在或已停用。"), fields={"delegate": _("代理人不存在或已停用。")}
        )
    if delegate.pk == principal.pk:
        raise InvalidInput(
            _("代理人不能是委托人本人。"), fields={"delegate": _("代理人不能是委托人本人。")}
        )
    if end < start:
        raise InvalidInput(
            _("结束日期不能早于开始日期。"), fields={"end_date": _("结束日期不能早于开始日期。")}
        )
    if end < timezone.localdate():
        raise InvalidInput(
            _("结束日期不能早于今天。"), fields={"end_date": _("结束日期不能早于今天。")}
        )
    if len(note) > NOTE_MAX_LENGTH:
        raise InvalidInput(
            _("说明不能超过 %(n)d 个字符。") % {"n": NOTE_MAX_LENGTH},
            fields={"note": _("说明过长。")},
        )
    overlapping = Delegation.objects.filter(
        principal=principal,
        delegate=delegate,
        active=True,
        start_date__lte=end,
        end_date__gte=start,
    ).exists()
    if overlapping:
        raise InvalidInput(
            _("该期间内已有委托给同一代理人的有效代签委托。"),
            fields={"start_date": _("与已有代签委托的期间重叠。")},
        )

    delegation = Delegation.objects.create(
        principal=principal, delegate=delegate, start_date=start, end_date=end, note=note
    )
    _audit(verb="delegation.created", actor=acting_user, delegation=delegation)
    return delegation


@transaction.atomic
def delegation_cancel(*, acting_user, delegation) -> Delegation:
    """Stop a delegation at once. Cancelling an already cancelled one changes nothing."""
    delegation = (
        Delegation.objects.select_for_update().select_related("principal").get(pk=delegation.pk)
    )
    _check_may_manage(acting_user, delegation.principal)
    if not delegation.active:
        return delegation
    delegation.active = False
    delegation.save(update_fields=["active"])
    _audit(verb="delegation.cancelled", actor=acting_user, delegation=delegation)
    return delegation
