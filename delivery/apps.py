from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliveryConfig(AppConfig):
    name = "delivery"
    verbose_name = _("项目实施")

    def ready(self):
        # The three 实施 form kinds (基线, 需求变更, 验收单) register with the engine on import.
        from . import forms, reactions  # noqa: F401
