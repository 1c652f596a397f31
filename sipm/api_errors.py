"""API errors as JSON {code, message, fields}: 400 bad input, 403 refused, 404, 409 conflict."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, TransitionNotAllowed
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_handler

from .errors import DomainError


def _flatten(detail):
    if isinstance(detail, list):
        return "；".join(_flatten(d) for d in detail)
    if isinstance(detail, dict):
        return "；".join(f"{k}: {_flatten(v)}" for k, v in detail.items())
    return str(detail)


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        return Response(
            {"code": exc.code, "message": exc.message, "fields": exc.fields}, status=exc.status
        )
    if isinstance(exc, ConcurrentTransition | TransitionNotAllowed):
        return Response(
            {"code": "conflict", "message": _("状态已被他人改变，请刷新后重试。"), "fields": {}},
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("不存在或无权查看。"))
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_handler(exc, context)
    if response is None:
        return None
    detail = response.data
    fields = {}
    if isinstance(exc, exceptions.ValidationError) and isinstance(detail, dict):
        fields = {k: _flatten(v) for k, v in detail.items()}
        message = _("输入有误：") + "；".join(fields.values())
    else:
        message = _flatten(detail.get("detail", detail) if isinstance(detail, dict) else detail)
    code = {
        400: "invalid",
        401: "not_authenticated",
        403: "forbidden",
        404: "not_found",
        405: "method_not_allowed",
        409: "conflict",
    }.get(response.status_code, "error")
    response.data = {"code": code, "message": message, "fields": fields}
    return response
