"""A form's page actions besides deciding: 加签, 转交 and comments with @mentions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sipm.errors import DomainError

from .. import services
from .common import _visible_form


@login_required
@require_POST
def form_add_signer(request, pk):
    form = _visible_form(request.user, pk)
    try:
        added = services.step_add_signer(
            acting_user=request.user,
            form_id=form.pk,
            user_id=request.POST.get("user"),
            position=request.POST.get("position", ""),
            comment=request.POST.get("comment", ""),
            revision=request.POST.get("revision") or None,
        )
    except DomainError as exc:
        messages.warning(request, exc.message)
    else:
        messages.success(request, _("已添加“%(name)s”。") % {"name": added.name})
    return redirect("form-detail", pk=form.pk)


@login_required
@require_POST
def form_transfer(request, pk):
    form = _visible_form(request.user, pk)
    try:
        seat = services.step_transfer(
            acting_user=request.user,
            form_id=form.pk,
            user_id=request.POST.get("user"),
            comment=request.POST.get("comment", ""),
            revision=request.POST.get("revision") or None,
        )
    except DomainError as exc:
        messages.warning(request, exc.message)
        return redirect("form-detail", pk=form.pk)
    messages.success(
        request, _("已将 %(n)s 转交给 %(who)s。") % {"n": form.number, "who": seat.user}
    )
    return redirect("queue")


@login_required
@require_POST
def form_comment(request, pk):
    form = _visible_form(request.user, pk)
    try:
        _comment, unseeing = services.form_comment_add(
            acting_user=request.user,
            form_id=form.pk,
            body=request.POST.get("body", ""),
            mention_ids=request.POST.getlist("mentions"),
        )
    except DomainError as exc:
        messages.warning(request, exc.message)
    else:
        messages.success(request, _("评论已发表。"))
        if unseeing:
            messages.info(
                request,
                _("%(names)s 无权查看此表单，未通知。")
                % {"names": "、".join(str(u) for u in unseeing)},
            )
    return redirect(reverse("form-detail", args=[form.pk]) + "#comments")
