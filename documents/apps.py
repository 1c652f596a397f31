from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = _("文档")

    def ready(self):
        from . import reactions  # noqa: F401  (importing registers the subscriber)
