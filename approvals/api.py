"""API of forms, the approval queue and files. Each handler parses the request, calls one
engine service or selector, and serializes the result; the engine checks every rule."""

from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from core.files import attachment_upload
from org.api import ApiPagination
from org.idempotency import idempotent
from sipm.errors import Conflict, NotVisible

from . import routing, services
from .attachments import attachment_for_download
from .kinds import get_kind, visible_owner
from .models import ChainTemplate, Form
from .queue import SORTS, queue_cards
from .selectors import form_detail_queryset, forms_visible_to, queue_for
from .serializers import (
    AttachmentOut,
    DecideIn,
    FileUploadIn,
    FormBriefOut,
    FormCreateIn,
    FormDetailOut,
    FormFilterIn,
    FormUpdateIn,
    QueueDecisionIn,
    QueueDecisionOut,
    QueueItemOut,
    RevisionIn,
    RouteOut,
)

FORM_FILTERS = [
    OpenApiParameter("kind", str, description="表单类型 (initiation, quotation, …)"),
    OpenApiParameter("status", str, description="draft / in_review / returned / approved / …"),
    OpenApiParameter("project", int, description="项目 id"),
    OpenApiParameter("search", str, description="按表单编号搜索"),
]


def _parse(serializer_class, data):
    body = serializer_class(data=data)
    body.is_valid(raise_exception=True)
    return body.validated_data


def form_route(form) -> dict:
    """The route of a form: an editable form shows the chain it would take if submitted now;
    a submitted one shows the steps of its current round, with who actually holds them."""
    spec = get_kind(form.kind)
    if form.is_editable:
        chain = form.chain or ChainTemplate.objects.filter(kind=form.kind, is_active=True).first()
        if chain is None:
            raise Conflict(
                _("“%(t)s”尚未配置审批流程，请联系管理员。") % {"t": spec.title}, code="no_chain"
            )
        rows = routing.preview(form, spec, list(chain.steps.order_by("order")))
        return {"source": "template", "chain": chain, "round": None, "steps": rows}
    steps = list(
        form.steps.filter(round=form.round).order_by("order").prefetch_related("assignees__user")
    )
    rows = routing.preview(form, spec, steps)
    for row, step in zip(rows, steps, strict=True):
        row["status"] = step.status
        held = list(step.assignees.all())
        if held:
            # Activated steps keep the people they were given, even if the org changed since.
            row["assignees"] = [{"id": a.user_id, "name": str(a.user)} for a in held]
            row["note"] = step.note
    return {"source": "round", "chain": form.chain, "round": form.round, "steps": rows}


class FormViewSet(viewsets.GenericViewSet):
    """Forms visible to the user; writes go through approvals.services."""

    lookup_value_regex = r"\d+"
    pagination_class = ApiPagination
    serializer_class = FormBriefOut

    def get_queryset(self):
        user = self.request.user
        if self.action == "list":
            qs = Form.objects.select_related("project", "submitter")
        else:
            qs = form_detail_queryset()  # its audit rows: Form.events, one query
        return forms_visible_to(user, qs)

    def _detail(self, form_id, status_code=status.HTTP_200_OK):
        form = self.get_queryset().filter(pk=form_id).first()
        if form is None:
            raise NotVisible(_("表单不存在或无权查看。"))
        return Response(FormDetailOut(form).data, status=status_code)

    @extend_schema(parameters=FORM_FILTERS, responses={200: FormBriefOut(many=True)})
    def list(self, request):
        filters = _parse(FormFilterIn, request.query_params)
        qs = self.get_queryset()
        if "kind" in filters:
            qs = qs.filter(kind=filters["kind"])
        if "status" in filters:
            qs = qs.filter(status=filters["status"])
        if "project" in filters:
            qs = qs.filter(project_id=filters["project"])
        if filters.get("search"):
            qs = qs.filter(number__icontains=filters["search"].strip())
        page = self.paginate_queryset(qs.order_by("-created_at", "-id"))
        return self.get_paginated_response(FormBriefOut(page, many=True).data)

    @extend_schema(responses={200: FormDetailOut})
    def retrieve(self, request, pk=None):
        return self._detail(pk)

    @extend_schema(request=FormCreateIn, responses={201: FormDetailOut})
    @idempotent
    def create(self, request):
        body = _parse(FormCreateIn, request.data)
        project = None
        if body.get("project"):
            project = visible_owner(request.user, body["project"])
            if project is None:
                raise NotVisible(
                    _("项目不存在或无权查看。"), fields={"project": _("项目不存在或无权查看。")}
                )
        form = services.form_create(
            acting_user=request.user, kind=body["kind"], project=project, data=body["data"]
        )
        return self._detail(form.pk, status.HTTP_201_CREATED)

    @extend_schema(request=FormUpdateIn, responses={200: FormDetailOut})
    def partial_update(self, request, pk=None):
        body = _parse(FormUpdateIn, request.data)
        services.form_update(
            acting_user=request.user, form_id=pk, data=body["data"], revision=body.get("revision")
        )
        return self._detail(pk)

    @extend_schema(request=RevisionIn, responses={200: FormDetailOut})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        body = _parse(RevisionIn, request.data)
        services.form_submit(acting_user=request.user, form_id=pk, revision=body.get("revision"))
        return self._detail(pk)

    @extend_schema(request=DecideIn, responses={200: FormDetailOut})
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        body = _parse(DecideIn, request.data)
        services.form_decide(
            acting_user=request.user,
            form_id=pk,
            decision=body["decision"],
            comment=body["comment"],
            to_step=body.get("to_step"),
            data=body["data"] or None,
            revision=body.get("revision"),
            step=body.get("step"),
        )
        return self._detail(pk)

    @extend_schema(request=None, responses={200: FormDetailOut})
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        services.form_withdraw(acting_user=request.user, form_id=pk)
        return self._detail(pk)

    @extend_schema(request=None, responses={201: FormDetailOut})
    @action(detail=True, methods=["post"])
    def correct(self, request, pk=None):
        new = services.form_correct(acting_user=request.user, form_id=pk)
        return self._detail(new.pk, status.HTTP_201_CREATED)

    @extend_schema(responses={200: RouteOut})
    @action(detail=True, methods=["get"])
    def route(self, request, pk=None):
        form = forms_visible_to(request.user).select_related("chain", "project").filter(pk=pk)
        form = form.first()
        if form is None:
            raise NotVisible(_("表单不存在或无权查看。"))
        return Response(RouteOut(form_route(form)).data)


class QueueView(GenericAPIView):
    """What waits on me — as myself or as a delegate (代签) — oldest due first."""

    pagination_class = ApiPagination
    serializer_class = QueueItemOut

    def get_queryset(self):
        return queue_for(self.request.user)

    @extend_schema(
        parameters=[
            OpenApiParameter("kind", str, description="表单类型"),
            OpenApiParameter("project", int, description="项目 id"),
            OpenApiParameter("overdue", bool, description="只看已超期"),
            OpenApiParameter("sort", str, description="due（默认）/ waiting / newest"),
        ],
        responses={200: QueueItemOut(many=True)},
    )
    def get(self, request):
        params = request.query_params
        qs = self.get_queryset()
        if params.get("kind"):
            qs = qs.filter(form_kind=params["kind"][:30])
        if str(params.get("project", "")).isdigit():
            qs = qs.filter(project_id=int(params["project"]))
        now = timezone.now()
        if params.get("overdue") in ("1", "true"):
            qs = qs.filter(due_at__lt=now)
        order = SORTS.get(params.get("sort") or "due", SORTS["due"])[0]
        page = self.paginate_queryset(qs.order_by(*order))
        cards = {c["seat"].pk: c for c in queue_cards(page, request.user, now=now)}
        context = {"request": request, "now": now, "cards": cards}
        return self.get_paginated_response(QueueItemOut(page, many=True, context=context).data)


class QueueDecideView(APIView):
    """Approve (or decide) several queue items at once, each on the revision the caller saw.

    Every item is decided in its own transaction and gets its own result: an item whose form
    changed since (`stale`), was decided by someone else, or needs an opinion is reported and
    left as it is; the others go through."""

    @extend_schema(
        request=QueueDecisionIn(many=True),
        responses={200: QueueDecisionOut(many=True)},
        tags=["queue"],
    )
    def post(self, request):
        body = QueueDecisionIn(data=request.data, many=True)
        body.is_valid(raise_exception=True)
        results = services.queue_decide(
            acting_user=request.user, items=[dict(item) for item in body.validated_data]
        )
        return Response(QueueDecisionOut(results, many=True).data)


class FileUploadView(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": FileUploadIn},
        responses={201: AttachmentOut},
        tags=["files"],
    )
    @idempotent
    def post(self, request):
        body = _parse(FileUploadIn, request.data)
        attachment = attachment_upload(acting_user=request.user, uploaded_file=body["file"])
        return Response(AttachmentOut(attachment).data, status=status.HTTP_201_CREATED)


class FileDownloadView(APIView):
    @extend_schema(
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY}, tags=["files"]
    )
    def get(self, request, public_id):
        attachment = attachment_for_download(user=request.user, public_id=public_id)
        try:
            handle = attachment.file.open("rb")
        except FileNotFoundError:
            raise NotVisible(_("文件已不存在。"))
        return FileResponse(
            handle,
            as_attachment=True,
            filename=attachment.original_name,
            content_type=attachment.content_type or "application/octet-stream",
        )
