from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApprovalsConfig(AppConfig):
    name = "approvals"
    verbose_name = _("审批")

    def ready(self):
        # Form kinds register themselves on import.
        from .kinds import load_project_kinds

        load_project_kinds()
