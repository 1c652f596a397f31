from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core.verbs import register_verb_labels

from .verbs import VERB_LABELS


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("通知与提醒")

    def ready(self):
        register_verb_labels(VERB_LABELS)
        # Importing a module registers its event subscribers (core.events); one line per area.
        from projects.sections import register_project_section

        from . import (  # noqa: F401
            due,
            on_delivery,
            on_finance,
            on_forms,
            on_projects,
            services,
            todo,
        )
        from .deadlines import project_deadlines

        # The project API's detail lists the policy's deadlines, which live here.
        register_project_section("deadlines", project_deadlines)
