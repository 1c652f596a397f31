from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core.verbs import register_verb_labels

from .verbs import VERB_LABELS


class DeliveryConfig(AppConfig):
    name = "delivery"
    verbose_name = _("项目实施")

    def ready(self):
        register_verb_labels(VERB_LABELS)
        # The three 实施 form kinds (基线, 需求变更, 验收单) register with the engine on import.
        from . import forms, reactions  # noqa: F401
