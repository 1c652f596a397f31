"""Drafts: new, edit, submit, withdraw, correct."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sipm.errors import Conflict, InvalidInput, Refused

from .. import services
from ..kinds import visible_owner
from ..webforms import KindForm, upload_limits_text
from .common import _kind_or_404, _visible_form


def _project_for_new(request, kind):
    pid = request.GET.get("project") or request.POST.get("project")
    if not pid:
        if kind.needs_project and not kind.creates_project:
            raise Http404(_("请从项目页面发起此表单。"))
        return None
    project = visible_owner(request.user, pid)
    if project is None:
        raise Http404(_("项目不存在或无权查看。"))
    return project


def _edit_page(request, *, kind, form_obj, project, instance=None, status=200):
    return render(
        request,
        "approvals/form_edit.html",
        {
            "kind": kind,
            "kind_form": form_obj,
            "project": project,
            "instance": instance,
            "upload_limits": upload_limits_text(),
            "field_rows": form_obj.field_rows(),
        },
        status=status,
    )


def _then_submit(request, *, form, kind, form_obj):
    """一步提交: the draft is saved; submit it now. A refusal keeps the draft, with the
    engine's messages on the fields."""
    try:
        services.form_submit(acting_user=request.user, form_id=form.pk, revision=form.revision)
    except InvalidInput as exc:
        form_obj.apply_errors(exc)
        messages.error(request, _("草稿已保存，但还不能提交：%(m)s") % {"m": exc.message})
        return _edit_page(
            request, kind=kind, form_obj=form_obj, project=form.project, instance=form, status=400
        )
    except (Refused, Conflict) as exc:
        messages.warning(request, _("草稿已保存，但还不能提交：%(m)s") % {"m": exc.message})
        return redirect("form-detail", pk=form.pk)
    messages.success(request, _("已提交审批：%(n)s。") % {"n": form.number})
    return redirect("form-detail", pk=form.pk)


def _wants_submit(request) -> bool:
    return request.POST.get("action") == "submit"


@login_required
def form_new(request, kind):
    spec = _kind_or_404(kind)
    project = _project_for_new(request, spec)
    refusal = spec.may_start(request.user, project) if spec.may_start else None
    if refusal is None and project is not None and spec.gate:
        refusal = spec.gate(project, {})
    if refusal:
        messages.error(request, refusal)
        return redirect("project-detail", pk=project.pk) if project else redirect("home")
    names = set(spec.submitter_fields)
    if request.method != "POST":
        # A kind that is pre-filled from the project's records opens with those values.
        initial = (spec.extra or {}).get("initial")
        values = initial(spec, project) if initial and project is not None else None
        return _edit_page(
            request,
            kind=spec,
            form_obj=KindForm(kind=spec, names=names, values=values, project=project),
            project=project,
        )
    form_obj = KindForm(request.POST, request.FILES, kind=spec, names=names, project=project)
    if form_obj.is_valid():
        try:
            data = form_obj.raw_values(acting_user=request.user)
            created = services.form_create(
                acting_user=request.user, kind=spec.slug, project=project, data=data
            )
        except InvalidInput as exc:
            form_obj.apply_errors(exc)
            messages.error(request, exc.message)
        except (Refused, Conflict) as exc:
            messages.error(request, exc.message)
        else:
            if _wants_submit(request):
                return _then_submit(request, form=created, kind=spec, form_obj=form_obj)
            messages.success(request, _("草稿已保存：%(n)s。") % {"n": created.number})
            return redirect("form-detail", pk=created.pk)
    return _edit_page(request, kind=spec, form_obj=form_obj, project=project, status=400)


@login_required
def form_edit(request, pk):
    form = _visible_form(request.user, pk)
    kind = _kind_or_404(form.kind)
    if form.submitter_id != request.user.pk or not form.is_editable:
        messages.error(request, _("该表单当前不能由您修改。"))
        return redirect("form-detail", pk=form.pk)
    names = set(kind.submitter_fields)
    if request.method != "POST":
        form_obj = KindForm(kind=kind, names=names, values=form.data, project=form.project)
        return _edit_page(
            request, kind=kind, form_obj=form_obj, project=form.project, instance=form
        )
    form_obj = KindForm(
        request.POST, request.FILES, kind=kind, names=names, values=form.data, project=form.project
    )
    if form_obj.is_valid():
        try:
            data = form_obj.raw_values(acting_user=request.user)
            updated = services.form_update(
                acting_user=request.user,
                form_id=form.pk,
                data=data,
                revision=request.POST.get("revision") or None,
            )
        except InvalidInput as exc:
            form_obj.apply_errors(exc)
            messages.error(request, exc.message)
        except (Refused, Conflict) as exc:
            messages.warning(request, exc.message)
            return redirect("form-detail", pk=form.pk)
        else:
            if _wants_submit(request):
                return _then_submit(request, form=updated, kind=kind, form_obj=form_obj)
            messages.success(request, _("草稿已保存。"))
            return redirect("form-detail", pk=form.pk)
    return _edit_page(
        request, kind=kind, form_obj=form_obj, project=form.project, instance=form, status=400
    )


@login_required
@require_POST
def form_submit(request, pk):
    form = _visible_form(request.user, pk)
    kind = _kind_or_404(form.kind)
    try:
        services.form_submit(
            acting_user=request.user, form_id=form.pk, revision=request.POST.get("revision") or None
        )
    except InvalidInput as exc:
        messages.error(request, exc.message)
        form_obj = KindForm(
            kind=kind, names=set(kind.submitter_fields), values=form.data, project=form.project
        )
        form_obj.apply_errors(exc)
        return _edit_page(
            request, kind=kind, form_obj=form_obj, project=form.project, instance=form, status=400
        )
    except (Refused, Conflict) as exc:
        messages.warning(request, exc.message)
    else:
        messages.success(request, _("已提交审批。"))
    return redirect("form-detail", pk=form.pk)


@login_required
@require_POST
def form_withdraw(request, pk):
    form = _visible_form(request.user, pk)
    try:
        services.form_withdraw(acting_user=request.user, form_id=form.pk)
    except (Refused, Conflict, InvalidInput) as exc:
        messages.warning(request, exc.message)
    else:
        messages.success(request, _("已撤回，可修改后重新提交。"))
    return redirect("form-detail", pk=form.pk)


@login_required
@require_POST
def form_correct(request, pk):
    form = _visible_form(request.user, pk)
    try:
        new = services.form_correct(acting_user=request.user, form_id=form.pk)
    except (Refused, Conflict, InvalidInput) as exc:
        messages.warning(request, exc.message)
        return redirect("form-detail", pk=form.pk)
    messages.success(request, _("已创建更正版本 %(n)s。") % {"n": new.number})
    return redirect("form-edit", pk=new.pk)
