"""Drafts: create, update, and the correction of an approved form."""

from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import audit_append
from sipm.errors import Conflict, InvalidInput, Refused

from ..attachments import refuse_foreign_files
from ..fields import clean_fields
from ..kinds import get_kind, lock_owner
from ..models import (
    EDITABLE_STATUSES,
    Form,
    FormStatus,
)
from ..numbering import next_number
from .common import bump_revision, emit_form, locked_form, refuse_unowned


def _completed(spec, project, data: dict) -> dict:
    """The kind's pre-filled values and system fields (extra["complete"], e.g. finance.prefill)."""
    complete = (spec.extra or {}).get("complete")
    return complete(spec, project, data) if complete and project is not None else data


def form_create(*, acting_user, kind: str, project=None, data=None) -> Form:
    spec = get_kind(kind)
    data = data or {}
    with transaction.atomic():
        if project is None and spec.needs_project and not spec.creates_project:
            raise InvalidInput(_("请选择项目。"), fields={"project": _("必填。")})
        if project is not None:
            project = lock_owner(project.pk) or project
        if spec.may_start:
            refusal = spec.may_start(acting_user, project)
            if refusal:
                raise Refused(refusal)
        if project is not None and spec.gate:
            reason = spec.gate(project, data)
            if reason:
                raise Conflict(reason, code="precondition")
        initial = (spec.extra or {}).get("initial")
        if initial is not None and project is not None and "complete" not in spec.extra:
            # What the kind pre-fills from the project's records (e.g. the evaluation's plan vs
            # actual) stands where the caller sent nothing; kinds with a "complete" hook fill
            # in after cleaning instead (_completed).
            data = {**{k: v for k, v in initial(spec, project).items() if k not in data}, **data}
        values, errors, ignored = clean_fields(spec.fields, data, spec.submitter_fields)
        refuse_unowned(ignored, spec)
        if errors:
            raise InvalidInput(_("表单填写有误。"), fields=errors)
        refuse_foreign_files(acting_user=acting_user, spec=spec, project=project, values=values)
        values = {k: v for k, v in values.items() if v is not None}
        values = _completed(spec, project, values)
        if project is None and spec.creates_project and spec.create_owner:
            project = spec.create_owner(acting_user, values)
        form = Form.objects.create(
            kind=kind,
            number=next_number(spec.prefix),
            project=project,
            data=values,
            submitter=acting_user,
            department=acting_user.department,
        )
        audit_append(
            verb="form.created",
            actor=acting_user,
            form=form,
            project=project,
            payload={"kind": kind, "number": form.number, "data": values},
        )
        emit_form("form.created", form, actor=acting_user)
    return form


def form_update(*, acting_user, form_id, data: dict, revision=None) -> Form:
    with transaction.atomic():
        form = locked_form(form_id, acting_user)
        if form.submitter_id != acting_user.pk:
            raise Refused(_("只有申请人可以修改表单。"))
        if form.status not in EDITABLE_STATUSES:
            if form.status == FormStatus.APPROVED:
                raise Conflict(_("已批准的表单不能修改，请创建更正版本。"), code="wrong_state")
            raise Conflict(
                _("表单当前状态为“%(s)s”，不能修改。") % {"s": form.get_status_display()},
                code="wrong_state",
            )
        if revision is not None and int(revision) != form.revision:
            raise Conflict(_("表单已被更新，请刷新后再修改。"), code="stale")
        spec = get_kind(form.kind)
        values, errors, ignored = clean_fields(spec.fields, data, spec.submitter_fields)
        refuse_unowned(ignored, spec)
        if errors:
            raise InvalidInput(_("表单填写有误。"), fields=errors)
        refuse_foreign_files(
            acting_user=acting_user, spec=spec, project=form.project, values=values, old=form.data
        )
        merged = {**form.data, **values}
        merged = {k: v for k, v in merged.items() if v is not None}
        merged = _completed(spec, form.project, merged)
        changed = {k: v for k, v in values.items() if form.data.get(k) != v}
        form.data = merged
        bump_revision(form, "data")
        audit_append(
            verb="form.updated",
            actor=acting_user,
            form=form,
            project=form.project_id,
            payload={"changed": changed},
        )
        emit_form("form.updated", form, actor=acting_user, payload={"changed": sorted(changed)})
    return form


def form_correct(*, acting_user, form_id) -> Form:
    """A correction of an approved form: a new draft version that links to the old one."""
    with transaction.atomic():
        old = locked_form(form_id, acting_user)
        if old.submitter_id != acting_user.pk:
            raise Refused(_("只有申请人可以更正表单。"))
        if old.status != FormStatus.APPROVED:
            raise Conflict(_("只有已批准的表单需要更正；当前表单可直接修改。"), code="wrong_state")
        if old.corrections.exists():
            raise Conflict(_("该表单已有更正版本。"))
        spec = get_kind(old.kind)
        new = Form.objects.create(
            kind=old.kind,
            number=f"{old.number}-V{old.version + 1}",
            project=old.project,
            data=dict(old.data),
            submitter=acting_user,
            department=old.department,
            version=old.version + 1,
            previous=old,
        )
        audit_append(
            verb="form.corrected",
            actor=acting_user,
            form=new,
            project=old.project_id,
            payload={"previous": old.pk, "previous_number": old.number, "kind": spec.slug},
        )
        emit_form(
            "form.corrected",
            new,
            actor=acting_user,
            payload={"previous": old.pk, "previous_number": old.number},
        )
    return new
