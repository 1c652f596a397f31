"""项目估算报告: 技术服务部 uploads it, the project's pre-sales lead signs it [§12, §19(1)].

Only a signed report opens the way to the 报价审批表, and the quotation must cite it."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals.attachments import register_project_file_source
from core.audit import audit_append
from core.models import Attachment
from org.codes import Dept
from sipm.errors import Conflict, InvalidInput, NotVisible, Refused

from .models import EstimateReport, Project
from .selectors import has_approved

ESTIMATE_DEPARTMENT = Dept.TS


def estimate_report_upload(*, acting_user, project_id, attachment_id, title="") -> EstimateReport:
    title = (title or "").strip()
    if len(title) > 200:
        raise InvalidInput(_("标题不能超过 200 个字。"), fields={"title": _("不能超过 200 个字。")})
    with transaction.atomic():
        project = Project.objects.select_for_update().filter(pk=project_id).first()
        if project is None:
            raise NotVisible(_("项目不存在或无权查看。"))
        if acting_user.department is None or acting_user.department.code != ESTIMATE_DEPARTMENT:
            raise Refused(_("项目估算报告由技术服务部提交。"))
        if not project.is_open or not has_approved(project, "initiation"):
            raise Conflict(
                _("项目未立项或已“%(s)s”，不能提交估算报告。") % {"s": project.get_stage_display()},
                code="precondition",
            )
        attachment = Attachment.objects.filter(pk=attachment_id).first()
        if attachment is None or attachment.uploaded_by_id != acting_user.pk:
            raise InvalidInput(
                _("请先上传估算报告文件。"), fields={"attachment": _("文件不存在或不是您上传的。")}
            )
        if EstimateReport.objects.filter(attachment=attachment).exists():
            raise Conflict(_("该文件已作为估算报告提交过。"))
        report = EstimateReport.objects.create(
            project=project,
            attachment=attachment,
            title=title or attachment.original_name,
            uploaded_by=acting_user,
        )
        audit_append(
            verb="estimate.uploaded",
            actor=acting_user,
            project=project,
            payload={"report": report.pk, "attachment": attachment.pk, "sha256": attachment.sha256},
        )
    return report


def estimate_report_sign(*, acting_user, report_id) -> EstimateReport:
    """The pre-sales lead signs the estimate [§19(1)]; nobody else may, not even a director."""
    with transaction.atomic():
        report = (
            EstimateReport.objects.select_for_update()
            .select_related("project", "attachment")
            .filter(pk=report_id)
            .first()
        )
        if report is None:
            raise NotVisible(_("估算报告不存在。"))
        project = report.project
        if project.presales_lead_id is None:
            raise Conflict(_("项目尚未指定售前负责人，估算报告无人可签。"), code="precondition")
        if project.presales_lead_id != acting_user.pk:
            raise Refused(_("只有本项目的售前负责人可以在估算报告上签字。"))
        if report.is_signed:
            raise Conflict(_("该估算报告已签字。"), code="wrong_state")
        report.signed_by = acting_user
        report.signed_at = timezone.now()
        report.signed_sha256 = report.attachment.sha256
        report.save(update_fields=["signed_by", "signed_at", "signed_sha256"])
        audit_append(
            verb="estimate.signed",
            actor=acting_user,
            project=project,
            payload={"report": report.pk, "sha256": report.signed_sha256},
        )
    return report


def _estimate_report_of(user, project, attachment_id) -> bool:
    """A project record any form of the project may cite: its estimate reports [§12, §19(1)],
    for whoever sees the project."""
    from .selectors import project_visible_to

    return EstimateReport.objects.filter(
        project=project, attachment_id=attachment_id
    ).exists() and project_visible_to(user, project)


register_project_file_source(_estimate_report_of)
