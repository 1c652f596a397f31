from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core.verbs import register_verb_labels

from .verbs import VERB_LABELS


class OrgConfig(AppConfig):
    name = "org"
    verbose_name = _("组织机构")

    def ready(self):
        register_verb_labels(VERB_LABELS)
        from django.db.models.signals import pre_save

        from .auth import revoke_tokens_on_password_change

        # A signal, not a service: passwords are set by Django's own admin forms, the profile,
        # the API and `changepassword`; every path must revoke the API tokens.
        pre_save.connect(
            revoke_tokens_on_password_change, sender=self.get_model("User"), weak=False
        )
