from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core.verbs import register_verb_labels

from .verbs import VERB_LABELS


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = _("文档")

    def ready(self):
        register_verb_labels(VERB_LABELS)
        from . import reactions  # noqa: F401  (importing registers the subscriber)
