from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("项目")

    def ready(self):
        # The estimate reports become citable project records (approvals.attachments).
        from . import estimates  # noqa: F401
