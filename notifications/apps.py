from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("通知与提醒")

    def ready(self):
        # Importing a module registers its event subscribers (core.events); one line per area.
        from . import (  # noqa: F401
            due,
            on_delivery,
            on_finance,
            on_forms,
            on_projects,
            services,
        )
