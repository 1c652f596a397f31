"""API of projects: the visible list, one project with its team, forms, budgets and deadlines,
and termination."""

from django.db.models import Q
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from approvals.fields import MAX_ID
from approvals.models import Form
from approvals.selectors import forms_visible_to
from org.api import ApiPagination
from org.codes import Dept
from sipm.errors import NotVisible

from . import selectors, services
from .estimates import estimate_report_sign, estimate_report_upload
from .models import Project
from .presales import presales_evaluate, presales_record_work
from .sections import project_section
from .serializers import (
    EstimateIn,
    EstimateReportOut,
    PresalesEvaluationIn,
    PresalesRecordOut,
    ProjectBriefOut,
    ProjectDetailOut,
    ProjectFilterIn,
    TerminateIn,
    WorkRecordIn,
)

PROJECT_FILTERS = [
    OpenApiParameter("stage", str, description="阶段 (initiating, quoting, implementing, …)"),
    OpenApiParameter("department", str, description="部门 id 或代码"),
    OpenApiParameter("search", str, description="按项目编号、名称、客户单位搜索"),
]


BRIEF_RELATED = ("department", "sales_lead", "project_manager", "presales_lead", "initiator")


class ProjectPagination(ApiPagination):
    """Newest first; `count` is exact up to two pages beyond this one and capped there, with
    `count_capped` true (selectors.visible_page): `next` is always given while more follow."""

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data["count_capped"] = self.page.paginator.capped
        return response

    def get_paginated_response_schema(self, schema):
        out = super().get_paginated_response_schema(schema)
        out["properties"]["count_capped"] = {
            "type": "boolean",
            "description": "true: count is a lower bound (more pages follow)",
        }
        return out


class ProjectViewSet(viewsets.GenericViewSet):
    lookup_value_regex = r"\d+"
    pagination_class = ProjectPagination
    serializer_class = ProjectBriefOut

    def get_queryset(self):
        qs = Project.objects.select_related(*BRIEF_RELATED)
        if self.action != "list":
            qs = qs.prefetch_related("members")
        return selectors.projects_visible_to(self.request.user, qs)

    def _visible(self, project_id):
        project = self.get_queryset().filter(pk=project_id).first()
        if project is None:
            raise NotVisible(_("项目不存在或无权查看。"))
        return project

    def _detail(self, project_id):
        project = self._visible(project_id)
        forms = forms_visible_to(
            self.request.user, Form.objects.filter(project=project).order_by("created_at", "id")
        )
        context = {
            "forms": list(forms),
            "budget_versions": list(selectors.budget_versions(project)),
            "deadlines": project_section("deadlines", project),
        }
        return Response(ProjectDetailOut(project, context=context).data)

    @extend_schema(parameters=PROJECT_FILTERS, responses={200: ProjectBriefOut(many=True)})
    def list(self, request):
        body = ProjectFilterIn(data=request.query_params)
        body.is_valid(raise_exception=True)
        filters = body.validated_data
        qs = Project.objects.all()
        if "stage" in filters:
            qs = qs.filter(stage=filters["stage"])
        department = (filters.get("department") or "").strip()
        if department:
            if department.isascii() and department.isdigit():
                # An id beyond what the database holds matches nothing (and must not overflow).
                pk = int(department)
                qs = qs.filter(department_id=pk) if pk <= MAX_ID else qs.none()
            else:
                qs = qs.filter(department__code=department)
        search = (filters.get("search") or "").strip()
        if search:
            qs = qs.filter(
                Q(number__icontains=search)
                | Q(name__icontains=search)
                | Q(client_name__icontains=search)
            )
        pagination = self.paginator
        page_size = pagination.get_page_size(request)
        number = request.query_params.get(pagination.page_query_param) or 1
        if not str(number).isdigit() or int(number) < 1:
            raise NotFound(_("无效页。"))
        pagination.page = selectors.visible_page(
            request.user, qs, int(number), page_size, related=BRIEF_RELATED
        )
        if pagination.page.number != int(number):
            raise NotFound(_("无效页。"))
        pagination.request = request
        return pagination.get_paginated_response(ProjectBriefOut(pagination.page, many=True).data)

    @extend_schema(responses={200: ProjectDetailOut})
    def retrieve(self, request, pk=None):
        return self._detail(pk)

    @extend_schema(request=TerminateIn, responses={200: ProjectDetailOut})
    @action(detail=True, methods=["post"])
    def terminate(self, request, pk=None):
        body = TerminateIn(data=request.data)
        body.is_valid(raise_exception=True)
        services.project_terminate(
            acting_user=request.user, project_id=pk, reason=body.validated_data["reason"]
        )
        return self._detail(pk)

    @extend_schema(responses={200: EstimateReportOut(many=True)}, methods=["GET"])
    @extend_schema(request=EstimateIn, responses={201: EstimateReportOut}, methods=["POST"])
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def estimates(self, request, pk=None):
        """项目估算报告: 技术服务部 submits an uploaded file; the pre-sales lead signs it."""
        project = self._visible(pk)
        if request.method == "GET":
            reports = selectors.estimate_reports(project)
            return Response(EstimateReportOut(reports, many=True).data)
        body = EstimateIn(data=request.data)
        body.is_valid(raise_exception=True)
        report = estimate_report_upload(
            acting_user=request.user,
            project_id=project.pk,
            attachment_id=body.validated_data["attachment"],
            title=body.validated_data.get("title", ""),
        )
        return Response(EstimateReportOut(report).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: EstimateReportOut})
    @action(detail=True, methods=["post"], url_path=r"estimates/(?P<report_id>\d+)/sign")
    def sign_estimate(self, request, pk=None, report_id=None):
        project = self._visible(pk)
        if not selectors.estimate_reports(project).filter(pk=report_id).exists():
            raise NotVisible(_("估算报告不存在。"))
        report = estimate_report_sign(acting_user=request.user, report_id=report_id)
        return Response(EstimateReportOut(report).data)


def _visible_form_id(user, form_id):
    if not forms_visible_to(user, Form.objects.filter(pk=form_id)).exists():
        raise NotVisible(_("表单不存在或无权查看。"))
    return form_id


class PresalesRecordView(APIView):
    """The pre-sales lead records the work done on an approved 售前支持工作协调单 [§7]."""

    @extend_schema(request=WorkRecordIn, responses={200: PresalesRecordOut}, tags=["forms"])
    def post(self, request, pk):
        body = WorkRecordIn(data=request.data)
        body.is_valid(raise_exception=True)
        record = presales_record_work(
            acting_user=request.user,
            form_id=_visible_form_id(request.user, pk),
            work_record=body.validated_data["work_record"],
        )
        return Response(PresalesRecordOut(record).data)


class PresalesEvaluationView(APIView):
    """项目管理部 evaluates the finished pre-sales work [§8]."""

    @extend_schema(request=PresalesEvaluationIn, responses={200: PresalesRecordOut}, tags=["forms"])
    def post(self, request, pk):
        body = PresalesEvaluationIn(data=request.data)
        body.is_valid(raise_exception=True)
        # 项目管理部 evaluates every pre-sales job [§8] though the form is not copied to it.
        user = request.user
        if user.department is None or user.department.code != Dept.PMO:
            _visible_form_id(user, pk)
        record = presales_evaluate(
            acting_user=user,
            form_id=pk,
            evaluation=body.validated_data["evaluation"],
        )
        return Response(PresalesRecordOut(record).data)
