"""Browser panels of the project page loaded by htmx: the 项目估算报告 (技术服务部 uploads, the
pre-sales lead signs), the pre-sales work record and 项目管理部's evaluation, and the project's
deadlines with links to its money pages.

Thin: parse, call one service or selector, render. An htmx request gets the panel back (with the
error under its field); a plain form post is redirected to the project page, or on an error gets
the panel on a page of its own with status 400.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from approvals.kinds import get_kind
from approvals.models import Form
from approvals.selectors import forms_visible_to
from approvals.services import form_create
from approvals.webforms import store_attachment, upload_limits_text
from org.codes import Dept
from org.models import User
from sipm.errors import DomainError, InvalidInput

from .estimates import ESTIMATE_DEPARTMENT, estimate_report_sign, estimate_report_upload
from .models import Project
from .presales import presales_evaluate, presales_record_work
from .selectors import estimate_reports, projects_visible_to

PMO = Dept.PMO


def visible_project(user, pk) -> Project:
    project = projects_visible_to(user, Project.objects.all()).filter(pk=pk).first()
    if project is None:
        raise Http404(_("项目不存在或无权查看。"))
    return project


def _in_department(user, code) -> bool:
    return user.department_id is not None and user.department.code == code


def _is_htmx(request) -> bool:
    return bool(getattr(request, "htmx", False))


def _respond(request, project, template, context, *, ok_message=None, error=False):
    """htmx: the panel; plain post: back to the project page, or the panel alone on an error."""
    if _is_htmx(request):
        if ok_message:
            context["ok_message"] = ok_message
        return render(request, template, context, status=200)
    if error:
        return render(
            request,
            "projects/panel_page.html",
            {"project": project, "panel": template, **context},
            status=400,
        )
    if ok_message:
        messages.success(request, ok_message)
    return redirect(reverse("project-detail", args=[project.pk]))


# --- 项目估算报告 ------------------------------------------------------------------------------


def _quotation_refusal(user, project):
    kind = get_kind("quotation", missing_ok=True)
    if kind is None or not project.is_open:
        return _("项目当前不能发起报价审批表。")
    if kind.may_start:
        refusal = kind.may_start(user, project)
        if refusal:
            return refusal
    return kind.gate(project, {}) if kind.gate else None


def _estimate_context(user, project, *, errors=None, posted=None):
    reports = list(estimate_reports(project).order_by("-uploaded_at", "-id"))
    has_signed = any(r.is_signed for r in reports)
    return {
        "project": project,
        "reports": reports,
        "may_upload": project.is_open and _in_department(user, ESTIMATE_DEPARTMENT),
        "may_sign": project.presales_lead_id is not None and project.presales_lead_id == user.pk,
        "may_quote": has_signed and _quotation_refusal(user, project) is None,
        "upload_limits": upload_limits_text(),
        "errors": errors or {},
        "posted": posted or {},
    }


ESTIMATE_PANEL = "projects/_estimates.html"


@login_required
@require_GET
def estimates_panel(request, pk):
    project = visible_project(request.user, pk)
    return render(request, ESTIMATE_PANEL, _estimate_context(request.user, project))


@login_required
@require_POST
def estimate_upload(request, pk):
    project = visible_project(request.user, pk)
    title = request.POST.get("title", "")
    attachment = None
    try:
        with transaction.atomic():
            upload = request.FILES.get("file")
            if upload is None:
                message = _("“估算报告文件”：请选择要上传的文件。")
                raise InvalidInput(message, fields={"file": message})
            attachment = store_attachment(
                acting_user=request.user,
                upload=upload,
                field_name="file",
                label=_("估算报告文件"),
            )
            estimate_report_upload(
                acting_user=request.user,
                project_id=project.pk,
                attachment_id=attachment.pk,
                title=title,
            )
    except DomainError as exc:
        if attachment is not None and attachment.file:
            # The row was rolled back with the refusal; do not keep its file either.
            attachment.file.delete(save=False)
        errors = {**exc.fields, "top": exc.message}
        context = _estimate_context(request.user, project, errors=errors, posted={"title": title})
        return _respond(request, project, ESTIMATE_PANEL, context, error=True)
    context = _estimate_context(request.user, project)
    return _respond(
        request,
        project,
        ESTIMATE_PANEL,
        context,
        ok_message=_("估算报告已提交，等待售前负责人签字。"),
    )


def _report_of(project, report_id):
    report = estimate_reports(project).filter(pk=report_id).first()
    if report is None:
        raise Http404(_("估算报告不存在。"))
    return report


@login_required
@require_POST
def estimate_sign(request, pk, report_id):
    project = visible_project(request.user, pk)
    report = _report_of(project, report_id)
    try:
        estimate_report_sign(acting_user=request.user, report_id=report.pk)
    except DomainError as exc:
        context = _estimate_context(request.user, project, errors={"top": exc.message})
        return _respond(request, project, ESTIMATE_PANEL, context, error=True)
    project.refresh_from_db()
    context = _estimate_context(request.user, project)
    return _respond(request, project, ESTIMATE_PANEL, context, ok_message=_("已签字确认估算报告。"))


@login_required
@require_GET
def estimate_file(request, pk, report_id):
    """The report's file, for whoever sees the project (the lead reads it before signing)."""
    report = _report_of(visible_project(request.user, pk), report_id)
    attachment = report.attachment
    return FileResponse(
        attachment.file.open("rb"), as_attachment=True, filename=attachment.original_name
    )


@login_required
@require_POST
def estimate_quote(request, pk, report_id):
    """Start a 报价审批表 draft that cites this signed report, then fill in the rest."""
    project = visible_project(request.user, pk)
    report = _report_of(project, report_id)
    if not report.is_signed:
        messages.error(request, _("估算报告尚未经售前负责人签字，不能据此报价。"))
        return redirect("project-detail", pk=project.pk)
    try:
        form = form_create(
            acting_user=request.user,
            kind="quotation",
            project=project,
            data={"estimate_report": report.attachment_id},
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("project-detail", pk=project.pk)
    messages.success(
        request, _("已创建报价审批表草稿 %(n)s，请填写报价信息。") % {"n": form.number}
    )
    return redirect("form-edit", pk=form.pk)


# --- 售前工作记录与评估 ------------------------------------------------------------------------

PRESALES_PANEL = "projects/_presales.html"


def _presales_context(user, project, *, errors=None, posted=None):
    qs = (
        Form.objects.approved()
        .of_kind("presales")
        .filter(project=project)
        .select_related("presales_record__recorded_by", "presales_record__evaluated_by")
        .order_by("closed_at", "id")
    )
    is_pmo = _in_department(user, PMO)
    # 项目管理部 evaluates every pre-sales job [§8] though the form is not copied to it.
    forms = list(qs if is_pmo else forms_visible_to(user, qs))
    leads = {f.data.get("presales_lead") for f in forms} - {None}
    names = {u.pk: str(u) for u in User.objects.filter(pk__in=leads)} if leads else {}
    items = []
    for form in forms:
        record = getattr(form, "presales_record", None)
        lead_id = form.data.get("presales_lead")
        evaluated = record is not None and record.evaluated_at is not None
        items.append(
            {
                "form": form,
                "record": record,
                "lead": names.get(lead_id, "—"),
                "may_record": lead_id == user.pk and not evaluated,
                "may_evaluate": is_pmo and record is not None and not evaluated,
                "errors": (errors or {}).get(form.pk, {}),
                "posted": (posted or {}).get(form.pk),
            }
        )
    return {"project": project, "items": items}


@login_required
@require_GET
def presales_panel(request, pk):
    project = visible_project(request.user, pk)
    return render(request, PRESALES_PANEL, _presales_context(request.user, project))


def _presales_form(user, project, form_id):
    qs = Form.objects.filter(pk=form_id, project=project, kind="presales")
    if not _in_department(user, PMO):
        qs = forms_visible_to(user, qs)
    form = qs.first()
    if form is None:
        raise Http404(_("售前支持工作协调单不存在或无权查看。"))
    return form


def _presales_post(request, pk, form_id, *, field, service, ok_message):
    project = visible_project(request.user, pk)
    form = _presales_form(request.user, project, form_id)
    text = request.POST.get(field, "")
    try:
        service(acting_user=request.user, form_id=form.pk, **{field: text})
    except DomainError as exc:
        errors = {form.pk: {**exc.fields, "top": exc.message}}
        context = _presales_context(
            request.user, project, errors=errors, posted={form.pk: {field: text}}
        )
        return _respond(request, project, PRESALES_PANEL, context, error=True)
    context = _presales_context(request.user, project)
    return _respond(request, project, PRESALES_PANEL, context, ok_message=ok_message)


@login_required
@require_POST
def presales_record(request, pk, form_id):
    return _presales_post(
        request,
        pk,
        form_id,
        field="work_record",
        service=presales_record_work,
        ok_message=_("售前工作记录已保存，等待项目管理部评估。"),
    )


@login_required
@require_POST
def presales_evaluation(request, pk, form_id):
    return _presales_post(
        request,
        pk,
        form_id,
        field="evaluation",
        service=presales_evaluate,
        ok_message=_("售前评估已提交。"),
    )


# --- 期限与财务入口 ---------------------------------------------------------------------------
