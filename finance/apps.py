from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core.verbs import register_verb_labels

from .verbs import VERB_LABELS


class FinanceConfig(AppConfig):
    name = "finance"
    verbose_name = _("财务")

    def ready(self):
        register_verb_labels(VERB_LABELS)
        from . import (
            on_delivery,  # noqa: F401  (labour cost from 实施 timesheets)
            reactions,  # noqa: F401  (importing registers the subscribers)
        )
        from .categories import connect_signals

        connect_signals()
