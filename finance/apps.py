from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinanceConfig(AppConfig):
    name = "finance"
    verbose_name = _("财务")

    def ready(self):
        from . import reactions  # noqa: F401  (importing registers the subscribers)
