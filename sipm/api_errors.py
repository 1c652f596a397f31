"""API errors as JSON {code, message, fields}: 400 bad input, 403 refused, 404, 409 conflict."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults
from django_fsm import ConcurrentTransition, TransitionNotAllowed
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_handler

from .errors import DomainError

API_PREFIX = "/api/"
CODES = {
    400: "invalid",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    415: "unsupported_media_type",
    429: "throttled",
}


def _flatten(detail):
    if isinstance(detail, list):
        return "；".join(_flatten(d) for d in detail)
    if isinstance(detail, dict):
        return "；".join(f"{k}: {_flatten(v)}" for k, v in detail.items())
    return str(detail)


def _no_body(detail) -> bool:
    """DRF's untranslated "No data provided": the request body was empty or JSON null."""
    errors = detail.get("non_field_errors") if isinstance(detail, dict) else None
    return bool(errors) and all(getattr(e, "code", None) == "null" for e in errors)


def _label(serializer, name) -> str:
    field = getattr(serializer, "fields", {}).get(name) if serializer is not None else None
    return str(field.label) if field is not None and field.label else name


def _validation_message(detail, fields) -> str:
    """'输入有误：“表单类型”：该字段是必填项。' — each problem named by its field's label."""
    serializer = getattr(detail, "serializer", None)
    parts = []
    for name, msg in fields.items():
        if name != "non_field_errors":
            msg = _("“%(label)s”：%(msg)s") % {"label": _label(serializer, name), "msg": msg}
        parts.append(msg)
    return _("输入有误：") + "；".join(parts)


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
    elif isinstance(exc, exceptions.ParseError):
        # The parsers' own text ("JSON parse error - …") is English and names Python internals.
        exc = exceptions.ParseError(
            _("请求内容无法解析，请检查格式（JSON 或 multipart/form-data）。")
        )
    elif isinstance(exc, exceptions.ValidationError) and _no_body(exc.detail):
        invalid = serializers.Serializer.default_error_messages["invalid"]
        exc = exceptions.ValidationError({"non_field_errors": [invalid.format(datatype="null")]})
    response = drf_handler(exc, context)
    if response is None:
        return None
    detail = response.data
    fields = {}
    if isinstance(exc, exceptions.ValidationError) and isinstance(detail, dict):
        fields = {k: _flatten(v) for k, v in detail.items()}
        message = _validation_message(exc.detail, fields)
    else:
        message = _flatten(detail.get("detail", detail) if isinstance(detail, dict) else detail)
    code = CODES.get(response.status_code, "error")
    response.data = {"code": code, "message": message, "fields": fields}
    return response


def page_not_found(request, exception, template_name="404.html"):
    """handler404: an unknown URL under /api/ gets the API's JSON error, the UI its page."""
    if request.path.startswith(API_PREFIX):
        return JsonResponse(
            {"code": "not_found", "message": _("不存在或无权查看。"), "fields": {}},
            status=404,
            json_dumps_params={"ensure_ascii": False},
        )
    return defaults.page_not_found(request, exception, template_name)


def server_error(request, template_name="500.html"):
    """handler500: the API answers JSON even when something unexpected broke (it is logged)."""
    if request.path.startswith(API_PREFIX):
        return JsonResponse(
            {
                "code": "server_error",
                "message": _("服务器内部错误，请稍后重试或联系管理员。"),
                "fields": {},
            },
            status=500,
            json_dumps_params={"ensure_ascii": False},
        )
    return defaults.server_error(request, template_name)
