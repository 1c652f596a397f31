"""API shapes of forms, steps, decisions, the queue and files. Input serializers only check the
shape of a request; the engine (approvals.services) checks everything else."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.serializer_fields import ChoiceLabelField
from core.verbs import verb_label
from org.api import DepartmentBriefOut, PersonOut

from .fields import MAX_ID
from .kinds import get_kind
from .models import DecisionKind, FormStatus

# ---------------------------------------------------------------- input


class FormCreateIn(serializers.Serializer):
    kind = serializers.CharField(label=_("表单类型"), max_length=30)
    project = serializers.IntegerField(
        label=_("项目"), required=False, allow_null=True, min_value=1
    )
    data = serializers.DictField(label=_("表单内容"), required=False, default=dict)

    def validate_kind(self, value):
        if get_kind(value, missing_ok=True) is None:
            raise serializers.ValidationError(_("未知的表单类型。"))
        return value


class FormUpdateIn(serializers.Serializer):
    data = serializers.DictField(label=_("表单内容"))
    revision = serializers.IntegerField(label=_("修订号"), required=False, min_value=0)


class RevisionIn(serializers.Serializer):
    revision = serializers.IntegerField(label=_("修订号"), required=False, min_value=0)


class DecideIn(serializers.Serializer):
    decision = serializers.ChoiceField(
        label=_("审批决定"),
        choices=DecisionKind.choices,
        error_messages={"invalid_choice": _("必须是 approve、reject 或 return。")},
    )
    comment = serializers.CharField(
        label=_("意见"), required=False, allow_blank=True, max_length=2000, default=""
    )
    to_step = serializers.IntegerField(
        label=_("退回到步骤"), required=False, allow_null=True, min_value=1
    )
    data = serializers.DictField(label=_("填写内容"), required=False, default=dict)
    revision = serializers.IntegerField(label=_("修订号"), required=False, min_value=0)
    step = serializers.IntegerField(label=_("步骤"), required=False, min_value=1)


class FormFilterIn(serializers.Serializer):
    kind = serializers.CharField(label=_("表单类型"), required=False, max_length=30)
    status = serializers.ChoiceField(
        label=_("状态"),
        choices=FormStatus.choices,
        required=False,
        error_messages={"invalid_choice": _("无效的状态。")},
    )
    project = serializers.IntegerField(
        label=_("项目"), required=False, min_value=1, max_value=MAX_ID
    )
    search = serializers.CharField(label=_("搜索"), required=False, max_length=100)


# ---------------------------------------------------------------- output


class ProjectRefOut(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    name = serializers.CharField()


class FormBriefOut(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    title = serializers.CharField()
    number = serializers.CharField()
    status = serializers.CharField()
    status_label = ChoiceLabelField("status")
    project = ProjectRefOut(allow_null=True)
    submitter = PersonOut()
    current_step = serializers.IntegerField(allow_null=True)
    revision = serializers.IntegerField()
    version = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)


class AssigneeOut(serializers.Serializer):
    id = serializers.IntegerField(source="user.id")
    username = serializers.CharField(source="user.username")
    name = serializers.CharField(source="user.name")
    reason = serializers.CharField()


class DecisionOut(serializers.Serializer):
    id = serializers.IntegerField()
    step = serializers.IntegerField(source="step.order")
    step_name = serializers.CharField(source="step.name")
    round = serializers.IntegerField(source="step.round")
    decider = PersonOut()
    on_behalf_of = PersonOut(allow_null=True)
    decision = serializers.CharField()
    decision_label = ChoiceLabelField("decision")
    comment = serializers.CharField()
    data_hash = serializers.CharField()
    to_step = serializers.IntegerField(allow_null=True)
    created_at = serializers.DateTimeField()


class StepOut(serializers.Serializer):
    id = serializers.IntegerField()
    order = serializers.IntegerField()
    name = serializers.CharField()
    role = serializers.CharField(source="role_label")
    kind = serializers.CharField()
    kind_label = ChoiceLabelField("kind")
    status = serializers.CharField()
    status_label = ChoiceLabelField("status")
    fill_fields = serializers.ListField(child=serializers.CharField())
    note = serializers.CharField()
    activated_at = serializers.DateTimeField(allow_null=True)
    due_at = serializers.DateTimeField(allow_null=True)
    completed_at = serializers.DateTimeField(allow_null=True)
    assignees = AssigneeOut(many=True, source="assignees.all")
    # The step's decisions, set by FormDetailOut.get_steps from the form's prefetched ones.
    decisions = DecisionOut(many=True, source="api_decisions", read_only=True)


class EventOut(serializers.Serializer):
    seq = serializers.IntegerField()
    verb = serializers.CharField()
    label = serializers.SerializerMethodField()
    actor = PersonOut(allow_null=True)
    on_behalf_of = PersonOut(allow_null=True)
    created_at = serializers.DateTimeField()
    payload = serializers.JSONField()
    hash = serializers.CharField()

    def get_label(self, event) -> str:
        return verb_label(event.verb)


class CopyOut(serializers.Serializer):
    department = DepartmentBriefOut()
    kind = serializers.CharField()
    kind_label = ChoiceLabelField("kind")
    created_at = serializers.DateTimeField()


class FormRefOut(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    version = serializers.IntegerField()


class ChainRefOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    version = serializers.IntegerField()


class FormDetailOut(FormBriefOut):
    department = DepartmentBriefOut(allow_null=True)
    data = serializers.JSONField()
    derived = serializers.SerializerMethodField()
    round = serializers.IntegerField()
    chain = ChainRefOut(allow_null=True)
    previous = FormRefOut(allow_null=True)
    approved_data_hash = serializers.CharField()
    editable = serializers.BooleanField(source="is_editable")
    steps = serializers.SerializerMethodField()
    decisions = DecisionOut(many=True, source="decisions.all", read_only=True)
    events = EventOut(many=True, source="events.all")
    copies = CopyOut(many=True, source="copies.all")

    @extend_schema_field(serializers.DictField())
    def get_derived(self, form):
        spec = get_kind(form.kind, missing_ok=True)
        return spec.derived(form.data) if spec else {}

    @extend_schema_field(StepOut(many=True))
    def get_steps(self, form):
        decisions = list(form.decisions.all())
        by_step = {}
        for d in decisions:
            by_step.setdefault(d.step_id, []).append(d)
        steps = [s for s in form.steps.all() if s.round == form.round]
        for step in steps:
            step.api_decisions = by_step.get(step.pk, [])
        return StepOut(steps, many=True).data


class RouteStepOut(serializers.Serializer):
    order = serializers.IntegerField()
    name = serializers.CharField()
    role = serializers.CharField()
    kind = serializers.CharField()
    conditional = serializers.BooleanField()
    applies = serializers.BooleanField()
    reason = serializers.CharField(allow_blank=True)
    assignees = serializers.ListField(child=serializers.DictField())
    note = serializers.CharField(allow_blank=True)
    status = serializers.CharField(required=False)


class RouteOut(serializers.Serializer):
    source = serializers.ChoiceField(choices=["template", "round"])
    chain = ChainRefOut(allow_null=True)
    round = serializers.IntegerField(allow_null=True)
    steps = RouteStepOut(many=True)


class FigureOut(serializers.Serializer):
    label = serializers.CharField()
    text = serializers.CharField()
    tone = serializers.CharField(help_text="'' | warn | ok")


class QueueItemOut(serializers.Serializer):
    form = FormBriefOut(source="step.form")
    step = serializers.IntegerField(source="step.order")
    step_name = serializers.CharField(source="step.name")
    role = serializers.CharField(source="step.role_label")
    fill_fields = serializers.ListField(child=serializers.CharField(), source="step.fill_fields")
    activated_at = serializers.DateTimeField(source="step.activated_at", allow_null=True)
    due_at = serializers.DateTimeField(source="step.due_at", allow_null=True)
    overdue = serializers.SerializerMethodField()
    delegated = serializers.SerializerMethodField(help_text="代签：作为代理人替他人审批")
    on_behalf_of = serializers.SerializerMethodField()

    figures = serializers.SerializerMethodField(
        help_text="卡片关键数据（金额、折扣率、预算合计、毛利…）"
    )
    due_working_days = serializers.SerializerMethodField(
        help_text="距截止的工作日数（负数：已超期的工作日数）"
    )
    waiting_working_days = serializers.SerializerMethodField(help_text="本步骤已等待的工作日数")
    submitted_working_days = serializers.SerializerMethodField(help_text="申请人已等待的工作日数")
    comment_required = serializers.BooleanField(source="step.comment_required")
    batch = serializers.SerializerMethodField(help_text="可在列表中直接同意/批量同意")

    def _card(self, row) -> dict:
        return self.context.get("cards", {}).get(row.pk, {})

    @extend_schema_field(FigureOut(many=True))
    def get_figures(self, row):
        return [
            {"label": f.label, "text": f.text, "tone": f.tone}
            for f in self._card(row).get("figures", [])
        ]

    def get_due_working_days(self, row) -> int | None:
        return self._card(row).get("due_days")

    def get_waiting_working_days(self, row) -> int | None:
        return self._card(row).get("waited_days")

    def get_submitted_working_days(self, row) -> int | None:
        return self._card(row).get("submitted_days")

    def get_batch(self, row) -> bool:
        return not row.step.fill_fields

    def get_overdue(self, row) -> bool:
        now = self.context.get("now") or timezone.now()
        return row.step.due_at is not None and row.step.due_at < now

    def get_delegated(self, row) -> bool:
        return row.user_id != self.context["request"].user.pk

    @extend_schema_field(PersonOut(allow_null=True))
    def get_on_behalf_of(self, row):
        if row.user_id == self.context["request"].user.pk:
            return None
        return PersonOut(row.user).data


class AttachmentOut(serializers.Serializer):
    id = serializers.IntegerField(help_text="cite the file in a form's file field by this id")
    public_id = serializers.UUIDField(help_text="download: GET /api/v1/files/{public_id}/")
    name = serializers.CharField(source="original_name")
    size = serializers.IntegerField()
    content_type = serializers.CharField()
    sha256 = serializers.CharField()
    uploaded_at = serializers.DateTimeField()


class FileUploadIn(serializers.Serializer):
    file = serializers.FileField(
        label=_("文件"),
        allow_empty_file=True,
        error_messages={"required": _("请选择要上传的文件。")},
    )


class QueueDecisionIn(serializers.Serializer):
    form = serializers.IntegerField(label=_("表单"), min_value=1, max_value=MAX_ID)
    revision = serializers.IntegerField(
        label=_("修订号"), min_value=0, help_text="您看到的表单修订号；已变化则该项不处理（stale）"
    )
    decision = serializers.ChoiceField(
        label=_("审批决定"),
        choices=DecisionKind.choices,
        default=DecisionKind.APPROVE,
        error_messages={"invalid_choice": _("必须是 approve、reject 或 return。")},
    )
    comment = serializers.CharField(
        label=_("意见"), required=False, allow_blank=True, max_length=2000, default=""
    )


class QueueDecisionOut(serializers.Serializer):
    form = serializers.IntegerField()
    status = serializers.CharField(
        help_text="ok，或错误代码：stale / conflict / wrong_state / invalid / forbidden / not_found"
    )
    message = serializers.CharField()
    number = serializers.CharField(required=False)
    form_status = serializers.CharField(required=False)
    revision = serializers.IntegerField(required=False)
    fields = serializers.DictField(child=serializers.CharField(), required=False)
