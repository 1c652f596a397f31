"""The labels of the notifications' audit verbs (registered with core.verbs)."""

from django.utils.translation import gettext_lazy as _

VERB_LABELS = {
    "notification.preferences": _("修改通知偏好"),
}
