"""The labels of the documents' audit verbs (registered with core.verbs)."""

from django.utils.translation import gettext_lazy as _

VERB_LABELS = {
    "document.issued": _("生成签章 PDF"),
    "document.restored": _("重新生成 PDF"),
}
