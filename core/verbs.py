"""Human labels of audit-log verbs: one vocabulary for the UI, the API and exports. Each app
registers the labels of the verbs it writes (in its AppConfig.ready); an unknown verb shows as
itself."""

from django.utils.translation import gettext_lazy as _

_LABELS: dict[str, object] = {
    "attachment.uploaded": _("上传附件"),
    "config.created": _("新增配置"),
    "config.changed": _("修改配置"),
    "config.deleted": _("删除配置"),
}


def register_verb_labels(labels: dict) -> None:
    _LABELS.update(labels)


def verb_label(verb: str) -> str:
    return str(_LABELS.get(verb, verb))
