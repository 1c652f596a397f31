"""API: token login, the current user, and the pagination every list of the API shares."""

from django.contrib.auth import authenticate
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from sipm.errors import InvalidInput

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


class TokenView(APIView):
    """Exchange a username and password for an API token (`Authorization: Token <token>`)."""

    authentication_classes = []
    permission_classes = [AllowAny]
    # Password guessing: a few attempts a minute per client address (setting SIPM_AUTH_THROTTLE).
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"

    @extend_schema(request=TokenIn, responses={200: TokenOut}, tags=["auth"])
    def post(self, request):
        body = TokenIn(data=request.data)
        body.is_valid(raise_exception=True)
        user = authenticate(
            request,
            username=body.validated_data["username"],
            password=body.validated_data["password"],
        )
        if user is None or not user.is_active:
            raise InvalidInput(
                _("用户名或密码错误。"),
                fields={"password": _("用户名或密码错误。")},
                code="bad_credentials",
            )
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


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
