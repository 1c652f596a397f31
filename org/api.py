"""API: token login, the current user, and the pagination every list of the API shares."""

from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from sipm.errors import InvalidInput
from sipm.security import AuthRateThrottle

from .auth import token_issue, tokens_revoke
from .models import Delegation, RoleAssignment
from .selectors import initiation_refusal


class ApiPagination(PageNumberPagination):
    """?page=N&page_size=M (at most 100 a page)."""

    page_size_query_param = "page_size"
    max_page_size = 100


class TokenIn(serializers.Serializer):
    username = serializers.CharField(label=gettext_lazy("用户名"), max_length=150)
    password = serializers.CharField(
        label=gettext_lazy("密码"), max_length=128, trim_whitespace=False
    )


class TokenOut(serializers.Serializer):
    token = serializers.CharField()
    expiry = serializers.DateTimeField(help_text="the token stops working at this time")


class TokenView(APIView):
    """Exchange a username and password for an API token (`Authorization: Token <token>`) that
    expires at `expiry`. Failures count towards the same lockout as the web login (429
    `locked_out`)."""

    authentication_classes = []
    permission_classes = [AllowAny]
    # Password guessing: a few attempts a minute per client address (setting SIPM_AUTH_THROTTLE),
    # counted in the shared cache; the lockout (django-axes) is in the database.
    throttle_classes = [AuthRateThrottle]
    throttle_scope = "auth"

    @extend_schema(request=TokenIn, responses={200: TokenOut}, tags=["auth"])
    def post(self, request):
        body = TokenIn(data=request.data)
        body.is_valid(raise_exception=True)
        user = authenticate(
            request._request,  # the HttpRequest: django-axes marks a lockout on it
            username=body.validated_data["username"],
            password=body.validated_data["password"],
        )
        if user is None or not user.is_active:
            raise InvalidInput(
                _("用户名或密码错误。"),
                fields={"password": _("用户名或密码错误。")},
                code="bad_credentials",
            )
        token, expiry = token_issue(user=user)
        return Response({"token": token, "expiry": expiry})


class LogoutView(APIView):
    """POST: revoke the token this request was made with (`?all=1`: every token of mine)."""

    @extend_schema(
        request=None,
        responses={204: None},
        tags=["auth"],
        parameters=[OpenApiParameter("all", bool, description="1: revoke every token of mine")],
    )
    def post(self, request):
        if request.query_params.get("all") in ("1", "true"):
            tokens_revoke(user=request.user)
        elif request.auth is not None and hasattr(request.auth, "delete"):
            request.auth.delete()
        return Response(status=204)


class PasswordIn(serializers.Serializer):
    old_password = serializers.CharField(
        label=gettext_lazy("原密码"), max_length=128, trim_whitespace=False
    )
    new_password = serializers.CharField(
        label=gettext_lazy("新密码"), max_length=128, trim_whitespace=False
    )


class PasswordView(APIView):
    """POST: change my password (Django's full password validators). Every API token of the
    account is revoked, this one included: log in again for a new one."""

    throttle_classes = [AuthRateThrottle]
    throttle_scope = "auth"

    @extend_schema(request=PasswordIn, responses={204: None}, tags=["auth"])
    def post(self, request):
        body = PasswordIn(data=request.data)
        body.is_valid(raise_exception=True)
        user = request.user
        if not user.check_password(body.validated_data["old_password"]):
            message = _("原密码不正确。")
            raise InvalidInput(message, fields={"old_password": message})
        new = body.validated_data["new_password"]
        try:
            validate_password(new, user)
        except DjangoValidationError as exc:
            message = " ".join(exc.messages)
            raise InvalidInput(
                _("新密码不符合要求：%(why)s") % {"why": message},
                fields={"new_password": message},
            ) from None
        user.set_password(new)
        user.save(update_fields=["password"])
        return Response(status=204)


class RoleOut(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class PersonOut(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField()


class DelegationOut(serializers.Serializer):
    id = serializers.IntegerField()
    direction = serializers.CharField(help_text="given: 我委托他人; taken: 他人委托我")
    principal = PersonOut()
    delegate = PersonOut()
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    active_today = serializers.BooleanField()


class DepartmentBriefOut(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class MeOut(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField()
    department = DepartmentBriefOut(allow_null=True)
    position = serializers.IntegerField()
    position_label = serializers.CharField()
    is_admin = serializers.BooleanField()
    roles = RoleOut(many=True)
    can_initiate = serializers.BooleanField()
    initiation_refusal = serializers.CharField(allow_null=True)
    delegations = DelegationOut(many=True)


def _person(user):
    return {"id": user.pk, "username": user.username, "name": str(user)}


class MeView(APIView):
    """Who I am: department, position, roles, 立项权, and my current or coming delegations."""

    @extend_schema(responses={200: MeOut}, tags=["auth"])
    def get(self, request):
        user = request.user
        today = timezone.localdate()
        roles = RoleAssignment.objects.filter(user=user, active=True).select_related("role")
        rows = Delegation.objects.filter(
            Q(principal=user) | Q(delegate=user), active=True, end_date__gte=today
        ).select_related("principal", "delegate")
        refusal = initiation_refusal(user)
        department = user.department
        data = {
            "id": user.pk,
            "username": user.username,
            "name": str(user),
            "department": (
                {"id": department.pk, "code": department.code, "name": department.name}
                if department
                else None
            ),
            "position": user.position,
            "position_label": str(user.get_position_display()),
            "is_admin": user.is_superuser,
            "roles": [{"code": r.role.code, "name": r.role.name} for r in roles],
            "can_initiate": refusal is None,
            "initiation_refusal": refusal,
            "delegations": [
                {
                    "id": d.pk,
                    "direction": "given" if d.principal_id == user.pk else "taken",
                    "principal": _person(d.principal),
                    "delegate": _person(d.delegate),
                    "start_date": d.start_date,
                    "end_date": d.end_date,
                    "active_today": d.start_date <= today <= d.end_date,
                }
                for d in rows.order_by("start_date", "id")
            ],
        }
        return Response(MeOut(data).data)
