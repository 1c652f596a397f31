"""Content-Security-Policy for the browser UI: scripts and fonts only from our own static files.

Styles allow inline attributes because ECharts and Bootstrap set element styles from script.
The API (JSON, and the Swagger page that loads its own assets) is left alone.

Also: the client address behind trusted proxies only, the token endpoint's throttle, and the
guard that refuses input the database cannot store (NUL, lone surrogates, deep JSON, long text).
"""

import ipaddress
import json
import re

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from rest_framework.throttling import ScopedRateThrottle

DEFAULT_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
EXEMPT_PREFIXES = ("/api/",)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = getattr(settings, "SIPM_CONTENT_SECURITY_POLICY", DEFAULT_POLICY)

    def __call__(self, request):
        response = self.get_response(request)
        if self.policy and not request.path.startswith(EXEMPT_PREFIXES):
            response.headers.setdefault("Content-Security-Policy", self.policy)
        return response


# --- The client's address: forwarded headers only from trusted proxies ------------------------


def _networks():
    nets = []
    for item in getattr(settings, "SIPM_TRUSTED_PROXIES", []) or []:
        try:
            nets.append(ipaddress.ip_network(item.strip(), strict=False))
        except ValueError:
            continue
    return nets


def _trusted(address, nets) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in nets)


def client_ip(request) -> str:
    """REMOTE_ADDR, unless it is a configured proxy (SIPM_TRUSTED_PROXIES): then the right-most
    X-Forwarded-For address that is not itself a trusted proxy. A client cannot choose its
    address by sending the header itself."""
    request = getattr(request, "_request", request)  # a DRF Request wraps the HttpRequest
    remote = request.META.get("REMOTE_ADDR", "") or ""
    nets = _networks()
    if not nets or not _trusted(remote, nets):
        return remote
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for address in reversed([a for a in forwarded if a]):
        if not _trusted(address, nets):
            try:
                return str(ipaddress.ip_address(address))
            except ValueError:
                return remote
    return remote


class AuthRateThrottle(ScopedRateThrottle):
    """The token endpoint's throttle, per client address as `client_ip` sees it, in the shared
    cache (Redis in production)."""

    def get_ident(self, request):
        return client_ip(request)


# --- Input the database cannot store, or that costs too much to parse --------------------------

SURROGATES = re.compile("[\ud800-\udfff]")
JSON_TYPES = ("application/json", "application/merge-patch+json")


class BadInput(ValueError):
    pass


def check_text(value: str, *, max_length=None):
    """Refuse NUL bytes, lone surrogates (PostgreSQL rejects both) and over-long text."""
    if "\x00" in value:
        raise BadInput(_("输入内容包含不允许的空字符（NUL），请删除后重试。"))
    if SURROGATES.search(value):
        raise BadInput(_("输入内容包含无效的 Unicode 字符，请删除后重试。"))
    limit = max_length or settings.SIPM_MAX_STRING_LENGTH
    if len(value) > limit:
        raise BadInput(_("输入内容过长：一项最多 %(limit)d 个字符。") % {"limit": limit})


def json_depth(text: str) -> int:
    """The deepest nesting of [ and { in a JSON text, counted without parsing it."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


def check_json_body(raw: bytes):
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return  # the parser answers that one (400, "无法解析")
    limit = settings.SIPM_MAX_JSON_DEPTH
    if ("[" in text or "{" in text) and json_depth(text) > limit:
        raise BadInput(_("JSON 嵌套层数过多：最多 %(limit)d 层。") % {"limit": limit})
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return  # the parser answers that one
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            check_text(item)
        elif isinstance(item, dict):
            for key, value in item.items():
                check_text(key, max_length=200)
                stack.append(value)
        elif isinstance(item, list):
            stack.extend(item)


def check_query(query):
    for key, values in query.lists():
        check_text(key, max_length=200)
        for value in values:
            check_text(value)


class InputGuardMiddleware:
    """Every request's query, form fields and JSON body: NUL bytes, lone surrogates, JSON deeper
    than SIPM_MAX_JSON_DEPTH, text longer than SIPM_MAX_STRING_LENGTH and bodies over
    DATA_UPLOAD_MAX_MEMORY_SIZE are a 400 with a Chinese message — JSON {code, message, fields}
    under /api/, a page elsewhere — before any view or database sees them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            self.check(request)
        except BadInput as exc:
            return self.refuse(request, str(exc))
        except RequestDataTooBig:
            limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
            return self.refuse(
                request, _("请求内容过大：最多 %(mb).1f MB。") % {"mb": limit / 1024 / 1024}
            )
        return self.get_response(request)

    def check(self, request):
        check_query(request.GET)
        if request.method not in ("POST", "PUT", "PATCH", "DELETE"):
            return
        content_type = (request.content_type or "").lower()
        if content_type in JSON_TYPES or content_type.endswith("+json"):
            check_json_body(request.body)
        elif content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            try:
                post = request.POST
            except RequestDataTooBig:
                raise
            except Exception:  # noqa: BLE001 — a malformed body: the view answers it
                return
            check_query(post)
            for upload in request.FILES.values():
                check_text(upload.name or "", max_length=1000)

    def refuse(self, request, message):
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"code": "invalid", "message": message, "fields": {}},
                status=400,
                json_dumps_params={"ensure_ascii": False},
            )
        return render(request, "input_refused.html", {"message": message}, status=400)
