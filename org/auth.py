"""Login hardening: the lockout backend and page (django-axes), API tokens that expire and are
revoked at logout and at every password change (django-rest-knox)."""

from axes.backends import AxesStandaloneBackend
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from knox.models import AuthToken
from knox.settings import knox_settings


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' check, skipped only when there is no request to check (the test client's
    `login()`, management commands): every login page and the API pass theirs."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def lockout_message() -> str:
    from django.conf import settings

    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return _(
        "登录失败次数过多，该账号或来源地址已被临时锁定 %(minutes)d 分钟。"
        "如需立即解锁，请联系系统管理员。"
    ) % {"minutes": minutes}


def locked_out(request, *args, **kwargs):
    """AXES_LOCKOUT_CALLABLE: the API answers JSON 429, the browser the login page with the
    message (status 429)."""
    message = lockout_message()
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"code": "locked_out", "message": message, "fields": {}},
            status=429,
            json_dumps_params={"ensure_ascii": False},
        )
    from .views import LoginView

    form = LoginView.form_class(request)
    return render(request, "org/login.html", {"form": form, "locked_message": message}, status=429)


def token_issue(*, user, request=None) -> tuple[str, object]:
    """A new API token for one login: (the token text, its expiry)."""
    instance, token = AuthToken.objects.create(user=user, expiry=knox_settings.TOKEN_TTL)
    return token, instance.expiry


def tokens_revoke(*, user) -> int:
    """Every API token of the user (at password change, or 'log out everywhere')."""
    deleted, _rows = AuthToken.objects.filter(user=user).delete()
    return deleted


def tokens_expired_delete() -> int:
    deleted, _rows = AuthToken.objects.filter(expiry__lt=timezone.now()).delete()
    return deleted


def revoke_tokens_on_password_change(sender, instance, raw=False, **kwargs):
    """pre_save of User: a changed password hash revokes every API token of the account."""
    if raw or instance.pk is None:
        return
    fields = kwargs.get("update_fields")
    if fields is not None and "password" not in fields:
        return
    old = sender.objects.filter(pk=instance.pk).values_list("password", flat=True).first()
    if old is not None and old != instance.password:
        tokens_revoke(user=instance)
