"""Which files a form may cite, and who may download a file (the stored files themselves and
their upload checks are core.files).

A form may cite (in a file field) only a file its author uploaded, or a record of the form's own
project that the author may see: a file another form of that project they see already cites, or
a project record registered by a source (projects: the signed estimate reports). This is checked
when the file is cited (create, update, a step's fill-in), so a form's citations can be trusted:
a file is downloaded by its uploader and by whoever sees a form that cites it. Downloads are
addressed by the file's random `public_id`, never by its sequential id."""

from django.db.models import Q
from django.utils.translation import gettext as _

from core.models import Attachment
from sipm.errors import InvalidInput, NotVisible

from .kinds import all_kinds
from .models import Form, FormStatus
from .selectors import forms_visible_to


def _file_fields(kind):
    return [f.name for f in kind.fields if f.type == "file"]


def _referencing_forms_filter(attachment_id: int) -> Q:
    """Forms whose top-level file fields hold this attachment id."""
    condition = Q(pk__in=[])
    for kind in all_kinds():
        for name in _file_fields(kind):
            condition |= Q(kind=kind.slug, **{f"data__{name}": attachment_id})
    return condition


# Sources of project records a form of the project may cite: f(user, project, attachment_id)
# → bool, each checking that the user may see the record. Registered by the apps that own them.
_PROJECT_FILE_SOURCES = []


def register_project_file_source(source):
    if source not in _PROJECT_FILE_SOURCES:
        _PROJECT_FILE_SOURCES.append(source)
    return source


def may_cite(*, user, project, attachment) -> bool:
    """Own upload, or a record of the same project that the user may see."""
    if attachment.uploaded_by_id == user.pk:
        return True
    if project is None:
        return False
    cited = Form.objects.filter(_referencing_forms_filter(attachment.pk), project=project)
    if forms_visible_to(user, cited.exclude(status=FormStatus.DRAFT)).exists():
        return True
    return any(source(user, project, attachment.pk) for source in _PROJECT_FILE_SOURCES)


def refuse_foreign_files(*, acting_user, spec, project, values, old=None):
    """Raise InvalidInput naming each file field whose newly cited file the user may not cite.

    `values` are cleaned field values; a value already in `old` (the form's stored data) was
    checked when it was first cited."""
    old = old or {}
    errors = {}
    for field in spec.fields:
        if field.type != "file":
            continue
        value = values.get(field.name)
        if value is None or value == old.get(field.name):
            continue
        attachment = Attachment.objects.filter(pk=value).first()
        if attachment is None or not may_cite(
            user=acting_user, project=project, attachment=attachment
        ):
            errors[field.name] = _("只能引用本人上传的文件，或本项目中您有权查看的文件。")
    if errors:
        raise InvalidInput(
            _("表单填写有误：") + "；".join(errors.values()), fields=errors, code="invalid"
        )


def attachment_for_download(*, user, public_id) -> Attachment:
    """The attachment if the user uploaded it or sees a form that cites it; else 404.

    A draft's citation counts only when the draft's author uploaded the file (citations made
    before the citing rule existed are not trusted)."""
    attachment = Attachment.objects.filter(public_id=public_id).first()
    if attachment is not None and attachment.uploaded_by_id == user.pk:
        return attachment
    if attachment is not None:
        forms = Form.objects.filter(_referencing_forms_filter(attachment.pk)).filter(
            ~Q(status=FormStatus.DRAFT) | Q(submitter_id=attachment.uploaded_by_id)
        )
        if forms_visible_to(user, forms).exists():
            return attachment
    raise NotVisible(_("文件不存在或无权下载。"))
