from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core.verbs import register_verb_labels

from .verbs import VERB_LABELS


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("项目")

    def ready(self):
        register_verb_labels(VERB_LABELS)
        # The company's form kinds register with the engine; the engine then locks a form's
        # project through the owner lock, and projects reacts to the engine's events
        # (projects.lifecycle: stage moves and what an approved form decides).
        from approvals import conditions, kinds, routing, webforms

        from . import cards, forms, lifecycle  # noqa: F401  (importing registers)
        from .discounts import discount_below_limit
        from .routing_terms import (
            PEOPLE_SCOPES,
            PROJECT_SEATS,
            project_term_label,
            project_term_users,
        )
        from .selectors import project_visible_for
        from .services import lock_project

        kinds.set_order(forms.KIND_ORDER)
        kinds.register_owner_lock(lock_project)
        kinds.register_owner_lookup(project_visible_for)
        conditions.register_op("discount_below_limit", discount_below_limit)
        webforms.register_people_scopes(PEOPLE_SCOPES)
        routing.register_term_kind(
            "project", label=project_term_label, users=project_term_users, choices=PROJECT_SEATS
        )
        # The estimate reports become citable project records (approvals.attachments).
        from . import estimates  # noqa: F401
        from .policy import connect_signals

        connect_signals()
