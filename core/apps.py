from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The ground floor: the domain-event stream (and, later, the audit log and stored files).

    Nothing here imports an app above it; apps above register their subscribers in their own
    `ready()` (see core.events.subscribe)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "core"
    verbose_name = _("基础")
