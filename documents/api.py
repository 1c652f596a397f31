"""REST endpoints: a form's PDF (token or session auth) and the public hash check."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.response import Response
from rest_framework.views import APIView

from .responses import pdf_response
from .selectors import documents_on_record, normalize_digest
from .services import document_download


class FirstRendererNegotiation(BaseContentNegotiation):
    """The success body is a PDF whatever the Accept header says; errors are always JSON."""

    def select_parser(self, request, parsers):
        return parsers[0]

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class FormPdfView(APIView):
    content_negotiation_class = FirstRendererNegotiation

    @extend_schema(
        summary="下载表单 PDF",
        responses={
            (200, "application/pdf"): OpenApiResponse(description="已批准或审批中的表单 PDF"),
            404: OpenApiResponse(description="表单不存在或无权查看"),
            409: OpenApiResponse(description="草稿等状态的表单没有 PDF"),
        },
    )
    def get(self, request, pk):
        download = document_download(acting_user=request.user, form_id=pk)
        return pdf_response(download)


class VerifyView(APIView):
    authentication_classes = []
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        summary="核验文件摘要（公开）",
        responses=inline_serializer(
            name="DocumentVerification",
            fields={
                "hash": serializers.CharField(),
                "on_record": serializers.BooleanField(),
                "documents": inline_serializer(
                    name="DocumentOnRecord",
                    many=True,
                    fields={
                        "number": serializers.CharField(),
                        "title": serializers.CharField(),
                        "approved_on": serializers.DateField(allow_null=True),
                        "matched": serializers.ChoiceField(choices=["data", "file"]),
                    },
                ),
            },
        ),
    )
    def get(self, request, digest):
        normalized = normalize_digest(digest)
        if normalized is None:
            return Response(
                {
                    "code": "invalid",
                    "message": _("不是有效的 SHA-256 摘要。"),
                    "fields": {"digest": _("请输入 64 位十六进制的 SHA-256 摘要。")},
                },
                status=400,
            )
        records = documents_on_record(normalized)
        return Response(
            {
                "hash": normalized,
                "on_record": bool(records),
                "documents": [
                    {
                        "number": r["number"],
                        "title": r["title"],
                        "approved_on": r["approved_on"].isoformat() if r["approved_on"] else None,
                        "matched": r["matched"],
                    }
                    for r in records
                ],
            }
        )
