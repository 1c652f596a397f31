"""The end of pre-sales work [§7–§8]: the lead records the work on the approved 售前支持工作
协调单, then 项目管理部 evaluates it. Kept beside the form so its approved content never changes."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals.models import Form, FormStatus
from core.audit import audit_append
from org.codes import Dept
from sipm.errors import Conflict, InvalidInput, NotVisible, Refused

from .models import PresalesRecord


def _text(value, name, max_length=4000):
    value = (value or "").strip()
    if not value:
        raise InvalidInput(_("请填写内容。"), fields={name: _("必填。")})
    if len(value) > max_length:
        raise InvalidInput(
            _("不能超过 %(n)d 个字。") % {"n": max_length},
            fields={name: _("不能超过 %(n)d 个字。") % {"n": max_length}},
        )
    return value


def _approved_presales(form_id):
    form = Form.objects.select_for_update().filter(pk=form_id, kind="presales").first()
    if form is None:
        raise NotVisible(_("售前支持工作协调单不存在。"))
    if form.status != FormStatus.APPROVED:
        raise Conflict(_("售前支持工作协调单尚未批准。"), code="wrong_state")
    return form


def presales_record_work(*, acting_user, form_id, work_record) -> PresalesRecord:
    work_record = _text(work_record, "work_record")
    with transaction.atomic():
        form = _approved_presales(form_id)
        if form.data.get("presales_lead") != acting_user.pk:
            raise Refused(_("只有该协调单指定的售前负责人可以填写工作记录。"))
        record = PresalesRecord.objects.filter(form=form).first()
        if record is not None and record.evaluated_at is not None:
            raise Conflict(_("项目管理部已完成售前评估，工作记录不能再修改。"), code="wrong_state")
        if record is None:
            record = PresalesRecord(form=form)
        record.work_record = work_record
        record.recorded_by = acting_user
        record.recorded_at = timezone.now()
        record.save()
        audit_append(
            verb="presales.recorded",
            actor=acting_user,
            form=form,
            project=form.project_id,
            payload={"work_record": work_record},
        )
    return record


def presales_evaluate(*, acting_user, form_id, evaluation) -> PresalesRecord:
    evaluation = _text(evaluation, "evaluation")
    with transaction.atomic():
        form = _approved_presales(form_id)
        if acting_user.department is None or acting_user.department.code != Dept.PMO:
            raise Refused(_("售前支持工作评估由项目管理部进行。"))
        record = PresalesRecord.objects.select_for_update().filter(form=form).first()
        if record is None:
            raise Conflict(_("售前负责人尚未提交工作记录。"), code="precondition")
        if record.evaluated_at is not None:
            raise Conflict(_("该售前工作已评估。"), code="wrong_state")
        record.evaluation = evaluation
        record.evaluated_by = acting_user
        record.evaluated_at = timezone.now()
        record.save(update_fields=["evaluation", "evaluated_by", "evaluated_at"])
        audit_append(
            verb="presales.evaluated",
            actor=acting_user,
            form=form,
            project=form.project_id,
            payload={"evaluation": evaluation},
        )
    return record
