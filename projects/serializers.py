"""API shapes of projects."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.serializer_fields import ChoiceLabelField
from org.api import DepartmentBriefOut, PersonOut

from .models import Stage


class ProjectFilterIn(serializers.Serializer):
    stage = serializers.ChoiceField(
        label=_("阶段"),
        choices=Stage.choices,
        required=False,
        error_messages={"invalid_choice": _("无效的阶段。")},
    )
    department = serializers.CharField(label=_("部门"), required=False, max_length=20)
    search = serializers.CharField(label=_("搜索"), required=False, max_length=100)


class TerminateIn(serializers.Serializer):
    reason = serializers.CharField(
        label=_("终止原因"),
        max_length=300,
        error_messages={"required": _("请填写终止原因。"), "blank": _("请填写终止原因。")},
    )


class ProjectBriefOut(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    name = serializers.CharField()
    client = serializers.CharField(source="client_name")
    stage = serializers.CharField()
    stage_label = ChoiceLabelField("stage")
    department = DepartmentBriefOut(allow_null=True)
    sales_lead = PersonOut(allow_null=True)
    project_manager = PersonOut(allow_null=True)
    early_start = serializers.BooleanField()
    estimated_amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, allow_null=True, coerce_to_string=True
    )
    created_at = serializers.DateTimeField()
    closed_at = serializers.DateTimeField(allow_null=True)


class ProjectFormOut(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    number = serializers.CharField()
    status = serializers.CharField()
    status_label = ChoiceLabelField("status")
    title = serializers.CharField()
    version = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    closed_at = serializers.DateTimeField(allow_null=True)


class DeadlineOut(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField()
    due_date = serializers.DateField(allow_null=True)
    status = serializers.ChoiceField(choices=["open", "met", "overdue"])
    met_at = serializers.DateTimeField(allow_null=True, required=False)
    form_id = serializers.IntegerField(allow_null=True, required=False)


def _money():
    return serializers.DecimalField(max_digits=16, decimal_places=2, coerce_to_string=True)


class BudgetFiguresOut(serializers.Serializer):
    implementation_cost = _money()
    management_cost = _money()
    maintenance_cost = _money()
    total = _money()
    performance_split = serializers.ListField(child=serializers.DictField())


class FormNumberOut(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()


class BudgetVersionOut(serializers.Serializer):
    """One version of the budget as projects.selectors.budget_versions gives it."""

    version = serializers.IntegerField()
    kind = serializers.CharField()
    form = FormNumberOut()
    approved_at = serializers.DateTimeField(allow_null=True)
    figures = BudgetFiguresOut()
    reason = serializers.CharField(allow_blank=True)


class TeamOut(serializers.Serializer):
    initiator = PersonOut()
    sales_lead = PersonOut(allow_null=True)
    presales_lead = PersonOut(allow_null=True)
    project_manager = PersonOut(allow_null=True)
    members = PersonOut(many=True)


class ProjectDetailOut(ProjectBriefOut):
    terminated_reason = serializers.CharField()
    team = serializers.SerializerMethodField()
    forms = serializers.SerializerMethodField()
    budget_versions = serializers.SerializerMethodField()
    deadlines = serializers.SerializerMethodField()

    @extend_schema_field(TeamOut)
    def get_team(self, project):
        return TeamOut(
            {
                "initiator": project.initiator,
                "sales_lead": project.sales_lead,
                "presales_lead": project.presales_lead,
                "project_manager": project.project_manager,
                "members": list(project.members.all()),
            }
        ).data

    @extend_schema_field(ProjectFormOut(many=True))
    def get_forms(self, project):
        return ProjectFormOut(self.context.get("forms", []), many=True).data

    @extend_schema_field(BudgetVersionOut(many=True))
    def get_budget_versions(self, project):
        return BudgetVersionOut(self.context.get("budget_versions", []), many=True).data

    @extend_schema_field(DeadlineOut(many=True))
    def get_deadlines(self, project):
        return DeadlineOut(self.context.get("deadlines", []), many=True).data


class EstimateIn(serializers.Serializer):
    attachment = serializers.IntegerField(label=_("估算报告文件"), min_value=1)
    title = serializers.CharField(label=_("标题"), required=False, allow_blank=True, max_length=200)


class EstimateReportOut(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    attachment = serializers.IntegerField(source="attachment_id")
    file_name = serializers.CharField(source="attachment.original_name")
    sha256 = serializers.CharField(source="attachment.sha256")
    uploaded_by = PersonOut()
    uploaded_at = serializers.DateTimeField()
    signed = serializers.BooleanField(source="is_signed")
    signed_by = PersonOut(allow_null=True)
    signed_at = serializers.DateTimeField(allow_null=True)
    signed_sha256 = serializers.CharField()


class WorkRecordIn(serializers.Serializer):
    work_record = serializers.CharField(label=_("工作记录"), max_length=4000)


class PresalesEvaluationIn(serializers.Serializer):
    evaluation = serializers.CharField(label=_("售前评估"), max_length=4000)


class PresalesRecordOut(serializers.Serializer):
    form = serializers.IntegerField(source="form_id")
    work_record = serializers.CharField()
    recorded_by = PersonOut()
    recorded_at = serializers.DateTimeField()
    evaluation = serializers.CharField()
    evaluated_by = PersonOut(allow_null=True)
    evaluated_at = serializers.DateTimeField(allow_null=True)
