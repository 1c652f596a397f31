from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core.verbs import register_verb_labels

from .verbs import VERB_LABELS


class ApprovalsConfig(AppConfig):
    """The engine. Form kinds are registered by the apps that own them (projects, in its
    ready()); the engine reports what it does as events (core.events) and imports no domain."""

    name = "approvals"
    verbose_name = _("审批")

    def ready(self):
        register_verb_labels(VERB_LABELS)
