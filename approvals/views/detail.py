"""A form's page (read-only record, route, files) and the decide action."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from org.selectors import principals_for
from sipm.errors import Conflict, DomainError, InvalidInput, NotVisible, Refused

from .. import routing, services
from ..attachments import attachment_for_download
from ..kinds import get_kind
from ..models import ChainTemplate, DecisionKind, Form, FormStatus, StepStatus
from ..selectors import forms_visible_to
from ..webforms import KindForm, Lookups, derived_rows, display_rows
from .common import _kind_or_404, _redirect, _visible_form


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
        "can_add_signer": current.allow_add_signer,
        "can_transfer": current.allow_transfer,
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


def _related_forms(user, form) -> list[dict]:
    """The project's other approved forms the user may open (e.g. the quotation that goes
    with a contract to the GM [§21])."""
    if not form.project_id:
        return []
    qs = (
        Form.objects.approved()
        .filter(project_id=form.project_id)
        .exclude(pk=form.pk)
        .order_by("closed_at", "pk")
    )
    out = []
    for other in forms_visible_to(user, qs):
        kind = get_kind(other.kind, missing_ok=True)
        out.append({"form": other, "title": kind.title if kind else other.kind})
    return out


def _route_rows(form, kind, steps):
    """The round's steps as the route shows them: a conditional step the form does not meet is
    不需要 with its reason from submission on, not only once the chain reaches it."""
    for step in steps:
        step.shown_status = step.get_status_display()
        step.shown_note = step.note
        step.not_needed = step.status == StepStatus.SKIPPED
        if step.not_needed:
            step.shown_status = _("不需要")
        elif (
            step.status == StepStatus.PENDING
            and step.condition
            and form.status == FormStatus.IN_REVIEW
        ):
            applies, reason = routing.step_applies(step, form, kind)
            if not applies:
                step.not_needed = True
                step.shown_status = _("不需要")
                step.shown_note = reason
    return steps


def _detail_context(request, form):
    kind = _kind_or_404(form.kind)
    lookups = Lookups([(kind, form.data)])
    steps = _route_rows(form, kind, [s for s in form.steps.all() if s.round == form.round])
    route, route_problem = _route(form, kind)
    decisions = list(form.decisions.all())
    events = list(form.events.select_related("actor", "on_behalf_of").order_by("-id")[:50])
    return {
        "form": form,
        "kind": kind,
        "data_rows": display_rows(kind, form.data, lookups),
        "derived": derived_rows(kind, form.data),
        "steps": steps,
        "decisions": decisions,
        "events": events,
        "related": _related_forms(request.user, form),
        "comments": list(form.comments.select_related("author").prefetch_related("mentions")),
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
def form_file(request, pk, public_id):
    """Download a file the form cites, by the download rule of approvals.attachments."""
    form = _visible_form(request.user, pk)
    kind = _kind_or_404(form.kind)
    lookups = Lookups([(kind, form.data)])
    cited = {a.public_id: a for a in lookups.files.values()}
    if public_id not in cited:
        raise Http404(_("附件不存在。"))
    try:
        attachment = attachment_for_download(user=request.user, public_id=public_id)
    except DomainError:
        raise Http404(_("附件不存在。")) from None
    return FileResponse(
        attachment.file.open("rb"), as_attachment=True, filename=attachment.original_name
    )


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
