"""Browser views of forms: the approval queue, a form's page, drafts, submit, decide, withdraw.

Thin: parse, call one service or selector, render. Domain errors become Django messages (a
conflict is a warning on the form's page, never an error page); htmx requests get partials.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from org.models import Department
from org.selectors import principals_for
from sipm.errors import Conflict, InvalidInput, NotVisible, Refused

from . import routing, services
from .kinds import all_kinds, get_kind
from .models import ChainTemplate, DecisionKind, FormStatus, StepStatus
from .selectors import form_detail_queryset, forms_visible_to, queue_for
from .webforms import KindForm, Lookups, derived_rows, display_rows, upload_limits_text

QUEUE_PAGE_SIZE = 25


def _redirect(request, url):
    """A redirect that htmx follows as a full page load."""
    if getattr(request, "htmx", False):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


def _kind_or_404(slug):
    kind = get_kind(slug, missing_ok=True)
    if kind is None:
        raise Http404(_("未知的表单类型。"))
    return kind


def _visible_form(user, pk, detail=False):
    qs = form_detail_queryset() if detail else None
    form = forms_visible_to(user, qs).filter(pk=pk).first()
    if form is None:
        raise Http404(_("表单不存在或无权查看。"))
    return form


# --- the queue -----------------------------------------------------------------------------


def _int_param(request, name):
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() else None


@login_required
def queue(request):
    base = queue_for(request.user)
    kind = request.GET.get("kind") or ""
    project_id = _int_param(request, "project")
    department_id = _int_param(request, "department")
    rows = base
    if kind:
        rows = rows.filter(step__form__kind=kind)
    if project_id:
        rows = rows.filter(step__form__project_id=project_id)
    if department_id:
        rows = rows.filter(step__form__department_id=department_id)
    page = Paginator(rows, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    items = [
        {
            "seat": row,
            "step": row.step,
            "form": row.step.form,
            "overdue": row.step.due_at is not None and row.step.due_at < now,
            "delegated": row.user_id != request.user.pk,
        }
        for row in page
    ]
    titles = {k.slug: k.title for k in all_kinds()}
    counts = [
        {"kind": c["step__form__kind"], "title": titles.get(c["step__form__kind"]), "n": c["n"]}
        for c in base.order_by().values("step__form__kind").annotate(n=Count("id"))
    ]
    context = {
        "items": items,
        "page": page,
        "counts": counts,
        "total": sum(c["n"] for c in counts),
        "kinds": [(k.slug, k.title) for k in all_kinds()],
        "departments": Department.objects.all(),
        "projects": _queue_projects(base),
        "filters": {"kind": kind, "project": project_id, "department": department_id},
    }
    if getattr(request, "htmx", False) and request.htmx.target == "queue-list":
        return render(request, "approvals/_queue_list.html", context)
    return render(request, "approvals/queue.html", context)


def _queue_projects(base):
    seen = {}
    for number, pk, name in base.order_by().values_list(
        "step__form__project__number", "step__form__project_id", "step__form__project__name"
    ):
        if pk and pk not in seen:
            seen[pk] = f"{number} {name}"
    return sorted(seen.items(), key=lambda kv: kv[1])


# --- a form's page -------------------------------------------------------------------------


def _open_seats(form, user):
    """The seats of the current step the user may still fill (their own or as a delegate)."""
    if form.status != FormStatus.IN_REVIEW or form.current_step is None:
        return None, []
    current = next(
        (s for s in form.steps.all() if s.round == form.round and s.order == form.current_step),
        None,
    )
    if current is None or current.status != StepStatus.ACTIVE:
        return current, []
    principals = set(principals_for(user))
    decided = {
        d.principal_id
        for d in form.decisions.all()
        if d.step_id == current.pk and d.step_pass == current.passes
    }
    seats = [
        a for a in current.assignees.all() if a.user_id in principals and a.user_id not in decided
    ]
    seats.sort(key=lambda a: a.user_id != user.pk)
    return current, seats


def _decide_context(form, kind, user, *, fill_form=None, errors=None, posted=None):
    current, seats = _open_seats(form, user)
    if not seats:
        return {"can_decide": False}
    if fill_form is None and current.fill_fields:
        fill_form = KindForm(
            kind=kind, names=set(current.fill_fields), values=form.data, prefix="fill"
        )
    round_steps = [s for s in form.steps.all() if s.round == form.round]
    return {
        "can_decide": True,
        "current": current,
        "seat": seats[0],
        "delegated": seats[0].user_id != user.pk,
        "fill_form": fill_form,
        "return_targets": [
            s
            for s in round_steps
            if s.order < current.order and s.status not in (StepStatus.SKIPPED,)
        ],
        "errors": errors or {},
        "posted": posted or {},
    }


def _route(form, kind):
    if form.status in (FormStatus.DRAFT, FormStatus.RETURNED, FormStatus.WITHDRAWN):
        chain = ChainTemplate.objects.filter(kind=form.kind, is_active=True).first()
        if chain is None:
            return None, _("“%(t)s”尚未配置审批流程，请联系管理员。") % {"t": kind.title}
        return routing.preview(form, kind, chain.steps.order_by("order")), ""
    return None, ""


def _detail_context(request, form):
    kind = _kind_or_404(form.kind)
    lookups = Lookups([(kind, form.data)])
    steps = [s for s in form.steps.all() if s.round == form.round]
    route, route_problem = _route(form, kind)
    decisions = list(form.decisions.all())
    events = list(form.events.select_related("actor", "on_behalf_of").order_by("-seq")[:50])
    return {
        "form": form,
        "kind": kind,
        "data_rows": display_rows(kind, form.data, lookups),
        "derived": derived_rows(kind, form.data),
        "steps": steps,
        "decisions": decisions,
        "events": events,
        "route": route,
        "route_problem": route_problem,
        "is_submitter": form.submitter_id == request.user.pk,
        "can_withdraw": form.status == FormStatus.IN_REVIEW
        and form.submitter_id == request.user.pk
        and not any(d.step.round == form.round for d in decisions),
        "now": timezone.now(),
    }


@login_required
def form_detail(request, pk):
    form = _visible_form(request.user, pk, detail=True)
    context = _detail_context(request, form)
    context.update(_decide_context(form, context["kind"], request.user))
    return render(request, "approvals/form_detail.html", context)


@login_required
def form_route(request, pk):
    form = _visible_form(request.user, pk)
    route, problem = _route(form, _kind_or_404(form.kind))
    return render(
        request, "approvals/_route_preview.html", {"route": route, "route_problem": problem}
    )


@login_required
def form_file(request, pk, attachment_id):
    """Download a file of a form the user may see (only files the form refers to)."""
    form = _visible_form(request.user, pk)
    kind = _kind_or_404(form.kind)
    lookups = Lookups([(kind, form.data)])
    attachment = lookups.files.get(attachment_id)
    if attachment is None:
        raise Http404(_("附件不存在。"))
    return FileResponse(
        attachment.file.open("rb"), as_attachment=True, filename=attachment.original_name
    )


# --- drafts --------------------------------------------------------------------------------


def _project_for_new(request, kind):
    from projects.models import Project
    from projects.selectors import projects_visible_to

    pid = request.GET.get("project") or request.POST.get("project")
    if not pid:
        if kind.needs_project and not kind.creates_project:
            raise Http404(_("请从项目页面发起此表单。"))
        return None
    project = projects_visible_to(request.user, Project.objects.all()).filter(pk=pid).first()
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
        return _edit_page(
            request,
            kind=spec,
            form_obj=KindForm(kind=spec, names=names, project=project),
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
            services.form_update(
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


# --- deciding ------------------------------------------------------------------------------


@login_required
@require_POST
def form_decide(request, pk):
    form = _visible_form(request.user, pk, detail=True)
    kind = _kind_or_404(form.kind)
    decision = request.POST.get("decision", "")
    comment = request.POST.get("comment", "")
    to_step = request.POST.get("to_step") or None
    current, _seats = _open_seats(form, request.user)
    fill_form = None
    data = None
    if current is not None and current.fill_fields:
        fill_form = KindForm(
            request.POST,
            request.FILES,
            kind=kind,
            names=set(current.fill_fields),
            values=form.data,
            prefix="fill",
        )
        if decision == DecisionKind.APPROVE and fill_form.is_valid():
            try:
                data = fill_form.raw_values(acting_user=request.user)
            except InvalidInput as exc:
                fill_form.apply_errors(exc)
    try:
        if fill_form is not None and decision == DecisionKind.APPROVE and not fill_form.is_valid():
            raise InvalidInput(_("请检查填写的内容。"))
        if fill_form is not None and fill_form.engine_errors:
            raise InvalidInput(_("请检查填写的内容。"))
        services.form_decide(
            acting_user=request.user,
            form_id=form.pk,
            decision=decision,
            comment=comment,
            to_step=to_step,
            data=data or None,
            revision=request.POST.get("revision") or None,
            step=request.POST.get("step") or None,
        )
    except InvalidInput as exc:
        if fill_form is not None:
            fill_form.apply_errors(exc)
        context = {"form": form, "kind": kind}
        context.update(
            _decide_context(
                form,
                kind,
                request.user,
                fill_form=fill_form,
                errors={**exc.fields, "top": exc.message},
                posted={"comment": comment, "decision": decision, "to_step": to_step},
            )
        )
        template = (
            "approvals/_decide_panel.html"
            if getattr(request, "htmx", False)
            else "approvals/form_detail.html"
        )
        if template == "approvals/form_detail.html":
            context = {**_detail_context(request, form), **context}
        return render(request, template, context, status=200 if request.htmx else 400)
    except NotVisible:
        raise Http404(_("表单不存在或无权查看。"))
    except (Conflict, Refused) as exc:
        messages.warning(request, exc.message)
        return _redirect(request, reverse("form-detail", args=[form.pk]))
    label = dict(DecisionKind.choices).get(decision, decision)
    messages.success(request, _("已处理 %(n)s：%(d)s。") % {"n": form.number, "d": label})
    return _redirect(request, reverse("queue"))
