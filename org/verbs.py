"""The labels of the organisation's audit verbs (registered with core.verbs)."""

from django.utils.translation import gettext_lazy as _

VERB_LABELS = {
    "delegation.created": _("设置代签委托"),
    "delegation.changed": _("修改代签委托"),
    "delegation.cancelled": _("取消代签委托"),
}
