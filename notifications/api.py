"""REST endpoints of the inbox, 催办 and notification preferences."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from org.api import ApiPagination

from . import categories
from .nudges import form_remind
from .preferences import preference_for, preference_set
from .selectors import notifications_for, unread_count
from .services import notification_mark_all_read, notification_mark_read


class NotificationOut(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    body = serializers.CharField()
    url = serializers.CharField()
    created_at = serializers.DateTimeField()
    read_at = serializers.DateTimeField(allow_null=True)
    is_read = serializers.BooleanField()


class InboxPagination(ApiPagination):
    page_size = 20

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data["unread_count"] = unread_count(self.request.user)
        return response

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        schema["properties"]["unread_count"] = {"type": "integer", "example": 3}
        return schema


class NotificationListView(GenericAPIView):
    pagination_class = InboxPagination
    serializer_class = NotificationOut

    @extend_schema(
        summary="我的通知",
        parameters=[OpenApiParameter("unread", bool, description="true：只列未读")],
    )
    def get(self, request):
        unread = request.query_params.get("unread", "").lower() in ("1", "true", "yes")
        page = self.paginate_queryset(notifications_for(request.user, unread_only=unread))
        return self.get_paginated_response(NotificationOut(page, many=True).data)


UnreadOut = inline_serializer(
    name="UnreadCount", fields={"unread_count": serializers.IntegerField()}
)


class NotificationReadView(APIView):
    @extend_schema(summary="标为已读", request=None, responses={200: NotificationOut})
    def post(self, request, pk):
        n = notification_mark_read(acting_user=request.user, notification_id=pk)
        return Response(NotificationOut(n).data)


class NotificationReadAllView(APIView):
    @extend_schema(
        summary="全部标为已读",
        request=None,
        responses={
            200: inline_serializer(
                name="ReadAllOut",
                fields={
                    "marked": serializers.IntegerField(),
                    "unread_count": serializers.IntegerField(),
                },
            )
        },
    )
    def post(self, request):
        marked = notification_mark_all_read(acting_user=request.user)
        return Response({"marked": marked, "unread_count": unread_count(request.user)})


class RemindOut(serializers.Serializer):
    key = serializers.CharField()
    recipients = serializers.ListField(child=serializers.CharField())
    title = serializers.CharField()


class FormRemindView(APIView):
    @extend_schema(
        summary="催办（每个步骤每个工作日一次）",
        request=None,
        responses={200: RemindOut},
    )
    def post(self, request, pk):
        log = form_remind(acting_user=request.user, form_id=pk)
        names = [str(n.recipient) for n in log.notifications.select_related("recipient")]
        return Response({"key": log.key, "recipients": names, "title": log.title})


_CATEGORIES = "、".join(f"{code}（{label}）" for code, label in categories.choices())


class PreferenceIO(serializers.Serializer):
    # Plain strings: the service checks them against notifications.categories (clear 400).
    email = serializers.ListField(
        child=serializers.CharField(), help_text=f"邮件通知的类别：{_CATEGORIES}"
    )
    robot = serializers.ListField(
        child=serializers.CharField(), help_text=f"部门群机器人的类别：{_CATEGORIES}"
    )
    daily_digest = serializers.BooleanField(help_text="邮件改为每日汇总一封")


class PreferenceView(APIView):
    @extend_schema(summary="我的通知偏好", responses={200: PreferenceIO})
    def get(self, request):
        return Response(preference_for(request.user))

    @extend_schema(summary="修改通知偏好", request=PreferenceIO, responses={200: PreferenceIO})
    def put(self, request):
        body = PreferenceIO(data=request.data)
        body.is_valid(raise_exception=True)
        preference_set(acting_user=request.user, **body.validated_data)
        return Response(preference_for(request.user))
