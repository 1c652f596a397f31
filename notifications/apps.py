from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("通知与提醒")

    def ready(self):
        from . import hooks, on_delivery  # noqa: F401  (on_delivery: 实施 event subscribers)

        hooks.register()
