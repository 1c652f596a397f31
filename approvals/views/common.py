"""Helpers shared by the form views."""

from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from ..kinds import get_kind
from ..selectors import form_detail_queryset, forms_visible_to


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


def _int_param(request, name):
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() else None
