"""A person's notification preferences: which notice categories also go by e-mail and to their
department's group robot (in-app always), and the daily digest instead of single e-mails."""

from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import audit_append
from sipm.errors import InvalidInput

from . import categories
from .models import NotificationPreference


def preference_for(user) -> dict:
    pref = NotificationPreference.objects.filter(user=user).first()
    if pref is None:
        return {"email": list(categories.ALL), "robot": list(categories.ALL), "daily_digest": False}
    return {"email": pref.email, "robot": pref.robot, "daily_digest": pref.daily_digest}


def _clean(values, name):
    values = list(values or [])
    unknown = [v for v in values if v not in categories.ALL]
    if unknown:
        raise InvalidInput(
            _("未知的通知类别：%(v)s") % {"v": "、".join(map(str, unknown))},
            fields={name: _("可选：%(all)s") % {"all": "、".join(categories.ALL)}},
        )
    return [c for c in categories.ALL if c in values]


def preference_set(*, acting_user, email, robot, daily_digest) -> NotificationPreference:
    email, robot = _clean(email, "email"), _clean(robot, "robot")
    with transaction.atomic():
        pref, _created = NotificationPreference.objects.select_for_update().get_or_create(
            user=acting_user
        )
        pref.email, pref.robot, pref.daily_digest = email, robot, bool(daily_digest)
        pref.save()
        audit_append(
            verb="notification.preferences",
            actor=acting_user,
            payload={"email": email, "robot": robot, "daily_digest": pref.daily_digest},
        )
    return pref
