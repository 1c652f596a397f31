"""REST endpoints of the money side: parse, call one service or selector, render."""

from decimal import Decimal

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from org.idempotency import idempotent
from projects.models import Project
from projects.selectors import project_visible_to
from sipm.errors import InvalidInput, NotVisible, Refused

from . import permissions, selectors, services
from .categories import categories
from .imports import cost_entries_import
from .reports import data as report_data
from .reports.pdf import PDF_TOP_PROJECTS, render_pdf
from .reports.services import XLSX_TYPE, build_files, file_name, iter_json


def _plain(value):
    """Decimals and dates as strings, recursively (money stays exact in JSON)."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _viewable_project(user, project_id) -> Project:

    project = Project.objects.filter(pk=project_id).first()
    if project is None:
        raise NotVisible(_("项目不存在或无权查看。"))
    refusal = permissions.cost_view_refusal(user, project)
    if refusal:
        if not project_visible_to(user, project):
            raise NotVisible(_("项目不存在或无权查看。"))
        raise Refused(refusal)
    return project


def cost_json(entry) -> dict:
    return {
        "id": entry.pk,
        "project": entry.project_id,
        "category": entry.category,
        "category_label": categories.label(entry.category),
        "date": entry.date.isoformat(),
        "amount": str(entry.amount),
        "note": entry.note,
        "entered_by": {"id": entry.entered_by_id, "name": str(entry.entered_by)},
        "created_at": entry.created_at.isoformat(),
    }


def payment_json(payment) -> dict:
    return {
        "id": payment.pk,
        "term": payment.term_id,
        "milestone": payment.term.milestone,
        "amount": str(payment.amount),
        "date": payment.date.isoformat(),
        "note": payment.note,
        "entered_by": {"id": payment.entered_by_id, "name": str(payment.entered_by)},
    }


class CostEntryIn(serializers.Serializer):
    """The shape of a cost line: text or numbers, never lists or objects. What the values mean
    (category, date up to today, amount in cents) is checked by finance.services."""

    category = serializers.CharField(
        label=gettext_lazy("费用类别"), required=False, allow_null=True, allow_blank=True
    )
    date = serializers.CharField(
        label=gettext_lazy("发生日期"), required=False, allow_null=True, allow_blank=True
    )
    amount = serializers.CharField(
        label=gettext_lazy("金额"), required=False, allow_null=True, allow_blank=True
    )
    note = serializers.CharField(
        label=gettext_lazy("说明"), required=False, allow_null=True, allow_blank=True
    )


class PaymentIn(serializers.Serializer):
    """The shape of a collection; finance.services checks the term, amount and date."""

    term = serializers.IntegerField(label=gettext_lazy("付款条款"), required=False, allow_null=True)
    amount = serializers.CharField(
        label=gettext_lazy("金额"), required=False, allow_null=True, allow_blank=True
    )
    date = serializers.CharField(
        label=gettext_lazy("收款日期"), required=False, allow_null=True, allow_blank=True
    )
    note = serializers.CharField(
        label=gettext_lazy("说明"), required=False, allow_null=True, allow_blank=True
    )


def _shape(serializer_class, data) -> dict:
    body = serializer_class(data=data)
    body.is_valid(raise_exception=True)
    return body.validated_data


_FILE_IN = inline_serializer("CostImportIn", {"file": serializers.FileField()})


@extend_schema(tags=["finance"], responses=OpenApiTypes.OBJECT)
class ProjectCostsView(APIView):
    """GET the project's ledger (paginated); POST {category, date, amount, note} adds a line."""

    def get(self, request, project_id):
        project = _viewable_project(request.user, project_id)
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(selectors.project_costs(project), request, view=self)
        return paginator.get_paginated_response([cost_json(e) for e in page])

    @extend_schema(request=CostEntryIn, responses={201: OpenApiTypes.OBJECT})
    @idempotent
    def post(self, request, project_id):
        body = _shape(CostEntryIn, request.data)
        entry = services.cost_entry_create(
            acting_user=request.user,
            project_id=project_id,
            category=body.get("category"),
            date=body.get("date"),
            amount=body.get("amount"),
            note=body.get("note", ""),
        )
        return Response(cost_json(entry), status=201)


@extend_schema(
    tags=["finance"], request={"multipart/form-data": _FILE_IN}, responses=OpenApiTypes.OBJECT
)
class ProjectCostImportView(APIView):
    """POST multipart `file` (.xlsx) → the row-by-row import report."""

    parser_classes = [MultiPartParser, FormParser]

    @idempotent
    def post(self, request, project_id):
        upload = request.FILES.get("file")
        if upload is None:
            message = _("“文件”：请上传 Excel（.xlsx）文件。")
            raise InvalidInput(message, fields={"file": message})
        report = cost_entries_import(acting_user=request.user, project_id=project_id, upload=upload)
        return Response(report, status=201 if report["created"] else 200)


@extend_schema(tags=["finance"], responses=OpenApiTypes.OBJECT)
class ProjectPaymentsView(APIView):
    """GET the terms, collections and status; POST {term, amount, date, note} (财务部)."""

    parser_classes = [JSONParser, FormParser, MultiPartParser]

    def get(self, request, project_id):
        project = _viewable_project(request.user, project_id)
        return Response(
            {
                "status": _plain(selectors.payment_status(project)),
                "final_accounts_due": _plain(selectors.final_accounts_due(project)),
                "terms": _plain(selectors.payment_terms(project)),
                "payments": [payment_json(p) for p in selectors.project_payments(project)],
            }
        )

    @extend_schema(request=PaymentIn, responses={201: OpenApiTypes.OBJECT})
    @idempotent
    def post(self, request, project_id):
        body = _shape(PaymentIn, request.data)
        payment = services.payment_record(
            acting_user=request.user,
            project_id=project_id,
            term=body.get("term"),
            amount=body.get("amount"),
            date=body.get("date"),
            note=body.get("note", ""),
        )
        return Response(payment_json(payment), status=201)


@extend_schema(tags=["finance"], responses=OpenApiTypes.OBJECT)
class ProjectBudgetView(APIView):
    """GET budget vs actual per category for the project page."""

    def get(self, request, project_id):
        project = _viewable_project(request.user, project_id)
        return Response({"rows": _plain(selectors.budget_vs_actual(project))})


@extend_schema(tags=["finance"], responses=OpenApiTypes.OBJECT)
class ProjectFinalAccountsView(APIView):
    """GET the figures of the 项目决算表."""

    def get(self, request, project_id):
        project = _viewable_project(request.user, project_id)
        return Response(_plain(selectors.final_accounts(project)))


@extend_schema(
    tags=["finance"],
    parameters=[
        OpenApiParameter("month", str, description="YYYY-MM", required=True),
        OpenApiParameter("format", str, enum=["json", "xlsx", "pdf"]),
    ],
    responses={
        (200, "application/json"): OpenApiTypes.OBJECT,
        (200, "application/octet-stream"): OpenApiTypes.BINARY,
    },
)
class MonthlyCostReportView(APIView):
    """GET ?month=YYYY-MM&format=json|xlsx|pdf — computed now from the ledger."""

    def perform_content_negotiation(self, request, force=False):
        # `format` picks the file type here, not a DRF renderer.
        return JSONRenderer(), "application/json"

    def get(self, request):
        refusal = permissions.report_refusal(request.user)
        if refusal:
            raise Refused(refusal)
        month = report_data.parse_month(request.query_params.get("month"))
        fmt = (request.query_params.get("format") or "json").lower()
        if fmt == "json":
            response = StreamingHttpResponse(
                iter_json(month), content_type="application/json; charset=utf-8"
            )
        elif fmt == "xlsx":
            files, _summary = build_files(month, formats=("xlsx",))
            response = HttpResponse(files["xlsx"], content_type=XLSX_TYPE)
        elif fmt == "pdf":
            acc = report_data.run(month, top=PDF_TOP_PROJECTS)
            response = HttpResponse(render_pdf(month, acc), content_type="application/pdf")
        else:
            message = _("“格式”：只支持 json、xlsx 或 pdf。")
            raise InvalidInput(message, fields={"format": message})
        if fmt != "json":
            response["Content-Disposition"] = f'attachment; filename="{file_name(month, fmt)}"'
        return response
