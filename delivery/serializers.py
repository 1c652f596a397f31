"""API shapes of 实施. Input serializers check the shape; the services check everything else."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from org.api import PersonOut

from .models import AcceptanceRecord, Baseline, Milestone, Risk, Task, WeekSnapshot


class PlanCreateIn(serializers.Serializer):
    template = serializers.CharField(label=_("计划模板"), max_length=50)


class PlanImportIn(serializers.Serializer):
    file = serializers.FileField(label=_("Excel 文件"))


class TaskIn(serializers.Serializer):
    phase = serializers.IntegerField(required=False, min_value=1)
    name = serializers.CharField(required=False, max_length=200)
    owner = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    start = serializers.CharField(required=False, max_length=10)
    finish = serializers.CharField(required=False, max_length=10)
    duration = serializers.IntegerField(
        required=False, min_value=1, max_value=2000, help_text="工期（工作日），代替计划完成"
    )
    planned_man_days = serializers.CharField(required=False, max_length=20)
    depends_on = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False)


class ProgressIn(serializers.Serializer):
    percent = serializers.IntegerField(min_value=0, max_value=100)
    on = serializers.DateField(required=False, help_text="截至日期，默认今天")


class MilestoneIn(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    due = serializers.DateField()
    is_acceptance = serializers.BooleanField(required=False, default=False)
    is_final = serializers.BooleanField(required=False, default=False)


class BaselineIn(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class EntryIn(serializers.Serializer):
    task = serializers.IntegerField(min_value=1)
    date = serializers.DateField()
    man_days = serializers.DecimalField(max_digits=4, decimal_places=2)
    overtime = serializers.BooleanField(required=False, default=False)


class TimesheetIn(serializers.Serializer):
    entries = EntryIn(many=True)


class RiskIn(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["risk", "issue"], required=False)
    description = serializers.CharField(required=False, max_length=4000)
    probability = serializers.IntegerField(required=False, min_value=1, max_value=5)
    impact = serializers.IntegerField(required=False, min_value=1, max_value=5)
    owner = serializers.IntegerField(required=False, min_value=1)
    response = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    status = serializers.ChoiceField(choices=["open", "mitigating", "closed"], required=False)
    review_every = serializers.IntegerField(required=False, min_value=1, max_value=60)


class ReviewIn(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


# ---------------------------------------------------------------- output


class TaskOut(serializers.ModelSerializer):
    phase = serializers.CharField(source="phase.name")
    phase_id = serializers.IntegerField()
    maintenance = serializers.BooleanField(source="phase.is_maintenance")
    owner = PersonOut(allow_null=True)
    depends_on = serializers.SerializerMethodField()

    class Meta:
        model = Task
        fields = [
            "id",
            "phase",
            "phase_id",
            "maintenance",
            "name",
            "owner",
            "start",
            "finish",
            "planned_man_days",
            "percent_complete",
            "depends_on",
        ]

    def get_depends_on(self, obj) -> list[int]:
        return [d.pk for d in obj.depends_on.all()]


class MilestoneOut(serializers.ModelSerializer):
    class Meta:
        model = Milestone
        fields = ["id", "name", "due", "is_acceptance", "is_final", "achieved_on"]


class BaselineOut(serializers.ModelSerializer):
    form = serializers.IntegerField(source="form_id")
    form_number = serializers.CharField(source="form.number")
    form_status = serializers.CharField(source="form.status")

    class Meta:
        model = Baseline
        fields = [
            "id",
            "version",
            "reason",
            "form",
            "form_number",
            "form_status",
            "man_days",
            "cost",
            "start",
            "finish",
            "approved_at",
        ]


class SnapshotOut(serializers.ModelSerializer):
    class Meta:
        model = WeekSnapshot
        fields = [
            "week",
            "pv",
            "ev",
            "ac",
            "spi",
            "cpi",
            "bac",
            "planned_man_days",
            "actual_man_days",
        ]


class RiskOut(serializers.ModelSerializer):
    owner = PersonOut()
    score = serializers.IntegerField()

    class Meta:
        model = Risk
        fields = [
            "id",
            "kind",
            "description",
            "probability",
            "impact",
            "score",
            "owner",
            "response",
            "status",
            "review_every",
            "next_review",
        ]


class AcceptanceOut(serializers.ModelSerializer):
    milestone = serializers.CharField(source="milestone.name")
    form = serializers.IntegerField(source="form_id")
    scan = serializers.IntegerField(source="scan_id")

    class Meta:
        model = AcceptanceRecord
        fields = ["id", "milestone", "form", "accepted_on", "signatory", "scan", "is_final"]


class EntryOut(serializers.Serializer):
    id = serializers.IntegerField()
    task = serializers.IntegerField(source="task_id")
    date = serializers.DateField()
    man_days = serializers.DecimalField(max_digits=4, decimal_places=2)
    overtime = serializers.BooleanField()
    maintenance = serializers.BooleanField()
    cost = serializers.DecimalField(max_digits=14, decimal_places=2)


class FiguresOut(serializers.Serializer):
    commission_man_days = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    commission_fee = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    commission_start = serializers.CharField(allow_null=True)
    commission_end = serializers.CharField(allow_null=True)
    planned_man_days = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    planned_cost = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    actual_man_days = serializers.DecimalField(max_digits=14, decimal_places=2)
    actual_cost = serializers.DecimalField(max_digits=14, decimal_places=2)
    maintenance_man_days = serializers.DecimalField(max_digits=14, decimal_places=2)
    maintenance_cost = serializers.DecimalField(max_digits=14, decimal_places=2)
    maintenance_budget = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    spi = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)
    cpi = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)


class OverviewOut(serializers.Serializer):
    project = serializers.IntegerField()
    stage = serializers.CharField()
    has_plan = serializers.BooleanField()
    tasks = TaskOut(many=True)
    milestones = MilestoneOut(many=True)
    baselines = BaselineOut(many=True)
    figures = FiguresOut()
    changes_awaiting_budget = serializers.ListField(child=serializers.CharField())
    acceptances = AcceptanceOut(many=True)
    final_accepted = serializers.BooleanField()


class PortfolioRowOut(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    name = serializers.CharField()
    project_manager = serializers.CharField(allow_null=True)
    week = serializers.DateField(allow_null=True)
    spi = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)
    cpi = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)
    next_milestone = serializers.CharField(allow_null=True)
    next_milestone_due = serializers.DateField(allow_null=True)
    open_risks = serializers.IntegerField()
