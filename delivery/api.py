"""API of 实施 under /api/v1/delivery/: plan, baselines, timesheets, earned value, risks,
portfolio. Views parse, call one service or selector, and shape the answer."""

from datetime import date

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from projects.models import Project
from projects.selectors import projects_visible_to
from sipm.errors import InvalidInput, NotVisible, Refused
from workcal.calendar import today

from . import permissions, presenters, selectors, services
from .evm import week_start
from .imports import plan_import_excel
from .serializers import (
    BaselineIn,
    BaselineOut,
    EntryOut,
    MilestoneIn,
    MilestoneOut,
    OverviewOut,
    PlanCreateIn,
    PlanImportIn,
    PortfolioRowOut,
    ProgressIn,
    ReviewIn,
    RiskIn,
    RiskOut,
    SnapshotOut,
    TaskIn,
    TaskOut,
    TimesheetIn,
)

TAGS = ["delivery"]


def _project(user, pk) -> Project:
    project = projects_visible_to(user, Project.objects.filter(pk=pk)).first()
    if project is None:
        raise NotVisible(_("项目不存在或无权查看。"))
    return project


def _body(serializer_class, request):
    body = serializer_class(data=request.data)
    body.is_valid(raise_exception=True)
    return body.validated_data


def _overview(project):
    return Response(OverviewOut(presenters.overview(project)).data)


class OverviewView(APIView):
    @extend_schema(responses={200: OverviewOut}, tags=TAGS, summary="项目实施概况")
    def get(self, request, pk):
        return _overview(_project(request.user, pk))


class PlanView(APIView):
    @extend_schema(request=PlanCreateIn, responses={201: OverviewOut}, tags=TAGS)
    def post(self, request, pk):
        """按模板编制计划（WBS 与里程碑）。"""
        data = _body(PlanCreateIn, request)
        services.plan_create_from_template(
            acting_user=request.user, project_id=_project(request.user, pk).pk, **data
        )
        response = _overview(_project(request.user, pk))
        response.status_code = status.HTTP_201_CREATED
        return response


class PlanImportView(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": PlanImportIn}, responses={200: OverviewOut}, tags=TAGS
    )
    def post(self, request, pk):
        """从 Excel 导入计划；任一行有误则整体拒绝并逐行说明。"""
        data = _body(PlanImportIn, request)
        project = _project(request.user, pk)
        plan_import_excel(acting_user=request.user, project_id=project.pk, fileobj=data["file"])
        return _overview(project)


class TaskListView(APIView):
    @extend_schema(request=TaskIn, responses={201: TaskOut}, tags=TAGS)
    def post(self, request, pk):
        data = _body(TaskIn, request)
        task = services.task_save(
            acting_user=request.user, project_id=_project(request.user, pk).pk, values=data
        )
        return Response(TaskOut(task).data, status=status.HTTP_201_CREATED)


class TaskView(APIView):
    @extend_schema(request=TaskIn, responses={200: TaskOut}, tags=TAGS)
    def patch(self, request, pk, task_id):
        data = _body(TaskIn, request)
        task = services.task_save(
            acting_user=request.user,
            project_id=_project(request.user, pk).pk,
            task_id=task_id,
            values=data,
        )
        return Response(TaskOut(task).data)


class ProgressView(APIView):
    @extend_schema(request=ProgressIn, responses={200: TaskOut}, tags=TAGS)
    def post(self, request, pk, task_id):
        """填报任务完成百分比（截至某日）。"""
        data = _body(ProgressIn, request)
        task = services.task_progress(
            acting_user=request.user,
            project_id=_project(request.user, pk).pk,
            task_id=task_id,
            percent=data["percent"],
            on=data.get("on"),
        )
        return Response(TaskOut(task).data)


class MilestoneListView(APIView):
    @extend_schema(request=MilestoneIn, responses={201: MilestoneOut}, tags=TAGS)
    def post(self, request, pk):
        data = _body(MilestoneIn, request)
        milestone = services.milestone_save(
            acting_user=request.user, project_id=_project(request.user, pk).pk, **data
        )
        return Response(MilestoneOut(milestone).data, status=status.HTTP_201_CREATED)


class BaselineView(APIView):
    @extend_schema(request=BaselineIn, responses={201: BaselineOut}, tags=TAGS)
    def post(self, request, pk):
        """提交计划基线审批（新版本；重新制定须说明原因）。"""
        data = _body(BaselineIn, request)
        baseline = services.baseline_submit(
            acting_user=request.user,
            project_id=_project(request.user, pk).pk,
            reason=data.get("reason", ""),
        )
        return Response(BaselineOut(baseline).data, status=status.HTTP_201_CREATED)


WEEK = OpenApiParameter("week", str, description="周一日期 YYYY-MM-DD，默认本周")


def _week(request) -> date:
    raw = request.query_params.get("week")
    if not raw:
        return week_start(today())
    try:
        return week_start(date.fromisoformat(raw))
    except ValueError:
        raise InvalidInput(_("周日期无效（格式 YYYY-MM-DD）。"), fields={"week": _("日期无效。")})


class TimesheetView(APIView):
    @extend_schema(parameters=[WEEK], responses={200: EntryOut(many=True)}, tags=TAGS)
    def get(self, request, pk):
        """我在本项目某周登记的工日。"""
        from datetime import timedelta

        project = _project(request.user, pk)
        monday = _week(request)
        entries = project.timesheet_entries.filter(
            user=request.user, date__gte=monday, date__lte=monday + timedelta(days=6)
        ).order_by("date", "id")
        return Response(EntryOut(entries, many=True).data)

    @extend_schema(request=TimesheetIn, responses={201: EntryOut(many=True)}, tags=TAGS)
    def post(self, request, pk):
        """登记工日（非工作日须勾选加班；每人每天合计不超过上限）。"""
        data = _body(TimesheetIn, request)
        created = services.timesheet_book(
            acting_user=request.user,
            project_id=_project(request.user, pk).pk,
            entries=[{**e, "date": e["date"].isoformat()} for e in data["entries"]],
        )
        return Response(EntryOut(created, many=True).data, status=status.HTTP_201_CREATED)


class EvmView(APIView):
    @extend_schema(responses={200: SnapshotOut(many=True)}, tags=TAGS, summary="每周挣值")
    def get(self, request, pk):
        project = _project(request.user, pk)
        return Response(SnapshotOut(selectors.snapshots(project), many=True).data)


class RiskListView(APIView):
    @extend_schema(responses={200: RiskOut(many=True)}, tags=TAGS)
    def get(self, request, pk):
        project = _project(request.user, pk)
        return Response(RiskOut(selectors.risks_of(project), many=True).data)

    @extend_schema(request=RiskIn, responses={201: RiskOut}, tags=TAGS)
    def post(self, request, pk):
        data = _body(RiskIn, request)
        risk = services.risk_create(
            acting_user=request.user, project_id=_project(request.user, pk).pk, values=data
        )
        return Response(RiskOut(risk).data, status=status.HTTP_201_CREATED)


class RiskView(APIView):
    @extend_schema(request=RiskIn, responses={200: RiskOut}, tags=TAGS)
    def patch(self, request, pk, risk_id):
        data = _body(RiskIn, request)
        risk = services.risk_update(
            acting_user=request.user,
            project_id=_project(request.user, pk).pk,
            risk_id=risk_id,
            values=data,
        )
        return Response(RiskOut(risk).data)


class RiskReviewView(APIView):
    @extend_schema(request=ReviewIn, responses={200: RiskOut}, tags=TAGS)
    def post(self, request, pk, risk_id):
        data = _body(ReviewIn, request)
        risk = services.risk_review(
            acting_user=request.user,
            project_id=_project(request.user, pk).pk,
            risk_id=risk_id,
            note=data.get("note", ""),
        )
        return Response(RiskOut(risk).data)


class PortfolioView(APIView):
    @extend_schema(responses={200: PortfolioRowOut(many=True)}, tags=TAGS, summary="实施项目组合")
    def get(self, request):
        """项目管理部：每个实施中项目的 SPI/CPI、下一里程碑与未关闭风险。"""
        if not permissions.portfolio_allowed(request.user):
            raise Refused(_("只有项目管理部、总监和总经理可以查看项目组合。"))
        qs = selectors.portfolio(selectors.implementing_projects())
        return Response(PortfolioRowOut(presenters.portfolio_rows(qs), many=True).data)
