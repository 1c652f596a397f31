"""Admin for chains (versioned), discount limits, and read-only views of forms and the audit log.

A chain version that forms have started with is frozen: changing the process means copying it
to a new version and activating that one, so forms in flight keep the version they started with.
"""

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdmin
from core.config_audit import CHANGED, CREATED, AuditedAdmin, config_audit, snapshot
from org.models import Department, Role, User
from sipm.i18n import company_language

from . import routing
from .kinds import all_kinds, get_kind
from .models import ChainStepTemplate, ChainTemplate, Form, FormCopy, FormStep
from .services.flow import STEP_TEMPLATE_FIELDS


def _kind_title(slug) -> str:
    kind = get_kind(slug, missing_ok=True)
    return str(kind.title) if kind else slug


class KindFilter(admin.SimpleListFilter):
    """Form kinds by their Chinese names, not their slugs."""

    title = _("表单类型")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return [(k.slug, k.title) for k in all_kinds()]

    def queryset(self, request, queryset):
        return queryset.filter(kind=self.value()) if self.value() else queryset


def split_approvers(spec: str) -> dict[str, list[str]]:
    terms: dict[str, list[str]] = {}
    for term in (t.strip() for t in (spec or "").split(",") if t.strip()):
        kind, _sep, arg = term.partition(":")
        terms.setdefault(kind, []).append(arg)
    return terms


def describe_approvers(spec: str) -> str:
    if not spec:
        return ""
    terms = [t.strip() for t in spec.split(",") if t.strip()]
    ids = [int(t[5:]) for t in terms if t.startswith("user:") and t[5:].isdigit()]
    names = {f"user:{u.pk}": str(u) for u in User.objects.filter(pk__in=ids)} if ids else {}
    with company_language():
        return "、".join(names.get(t) or routing._describe_term(t) for t in terms)


class ChainStepForm(forms.ModelForm):
    """Approvers picked from roles, departments and people; stored as the engine's spec."""

    approver_roles = forms.ModelMultipleChoiceField(
        label=_("审批角色"), queryset=Role.objects.all(), required=False, to_field_name="code"
    )
    approver_submitter_manager = forms.BooleanField(label=_("申请人部门经理"), required=False)
    approver_managers = forms.ModelMultipleChoiceField(
        label=_("指定部门的经理"),
        queryset=Department.objects.all(),
        required=False,
        to_field_name="code",
    )
    approver_departments = forms.ModelMultipleChoiceField(
        label=_("部门成员（任一人）"),
        queryset=Department.objects.all(),
        required=False,
        to_field_name="code",
    )
    approver_project = forms.MultipleChoiceField(
        label=_("项目角色"), choices=lambda: routing.term_choices("project"), required=False
    )
    approver_users = forms.ModelMultipleChoiceField(
        label=_("指定人员"),
        queryset=User.objects.filter(is_active=True, is_superuser=False),
        required=False,
    )
    approver_fields = forms.CharField(
        label=_("表单中指定的人员（字段名）"),
        required=False,
        help_text=_("逗号分隔的字段名，例如 presales_lead"),
    )

    class Meta:
        model = ChainStepTemplate
        # The fields a form's step copies from its template, the same list the flow copies.
        fields = ("template", *STEP_TEMPLATE_FIELDS)
        widgets = {"approvers": forms.HiddenInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "approvers" not in self.fields:  # a frozen chain: shown read-only
            return
        self.fields["approvers"].required = False
        for name in ("approver_roles", "approver_managers", "approver_departments"):
            self.fields[name].widget.attrs["size"] = 4
        terms = split_approvers(self.instance.approvers if self.instance.pk else "")
        managers = terms.get("dept_manager", [])
        self.initial.update(
            {
                "approver_roles": terms.get("role", []),
                "approver_submitter_manager": "submitter" in managers,
                "approver_managers": [m for m in managers if m != "submitter"],
                "approver_departments": terms.get("dept", []),
                "approver_project": terms.get("project", []),
                "approver_users": [int(u) for u in terms.get("user", []) if u.isdigit()],
                "approver_fields": ",".join(terms.get("field", [])),
            }
        )

    def clean(self):
        data = super().clean()
        if "approvers" not in self.fields:
            return data
        terms = [f"role:{r.code}" for r in data.get("approver_roles") or []]
        if data.get("approver_submitter_manager"):
            terms.append("dept_manager:submitter")
        terms += [f"dept_manager:{d.code}" for d in data.get("approver_managers") or []]
        terms += [f"dept:{d.code}" for d in data.get("approver_departments") or []]
        terms += [f"project:{p}" for p in data.get("approver_project") or []]
        names = [n.strip() for n in (data.get("approver_fields") or "").split(",") if n.strip()]
        terms += [f"field:{n}" for n in names]
        terms += [f"user:{u.pk}" for u in data.get("approver_users") or []]
        if not terms:
            raise forms.ValidationError(_("请至少选择一类审批人。"))
        spec = ",".join(terms)
        if len(spec) > 200:
            raise forms.ValidationError(_("审批人太多，请改用角色或部门。"))
        data["approvers"] = spec
        self.instance.approvers = spec
        return data


EDIT_FIELDS = (
    ("order", "name", "role_label", "kind", "sla_days"),
    ("approver_roles", "approver_submitter_manager", "approver_managers"),
    ("approver_departments", "approver_project", "approver_users", "approver_fields"),
    "approvers",
    ("quorum", "fill_fields", "condition"),
    ("allow_add_signer", "allow_transfer", "comment_required", "transfer_scope"),
)
FROZEN_FIELDS = (
    ("order", "name", "role_label", "kind", "sla_days"),
    "approvers_text",
    ("quorum", "fill_fields", "condition"),
    ("allow_add_signer", "allow_transfer", "comment_required", "transfer_scope"),
)


class ChainStepInline(admin.StackedInline):
    model = ChainStepTemplate
    form = ChainStepForm
    extra = 0
    readonly_fields = ("approvers_text",)

    def get_fieldsets(self, request, obj=None):
        frozen = obj is not None and obj.forms.exists()
        return [(None, {"fields": FROZEN_FIELDS if frozen else EDIT_FIELDS})]

    @admin.display(description=_("审批人"))
    def approvers_text(self, obj):
        return describe_approvers(obj.approvers)

    def has_change_permission(self, request, obj=None):
        return obj is None or not obj.forms.exists()

    has_add_permission = has_change_permission
    has_delete_permission = has_change_permission


class ChainTemplateForm(forms.ModelForm):
    kind = forms.ChoiceField(label=_("表单类型"), choices=())

    class Meta:
        model = ChainTemplate
        fields = ("kind", "name", "is_active", "note")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "kind" in self.fields:
            self.fields["kind"].choices = [(k.slug, k.title) for k in all_kinds()]


@admin.register(ChainTemplate)
class ChainTemplateAdmin(AuditedAdmin):
    form = ChainTemplateForm
    list_display = ("kind_title", "name", "version", "is_active", "in_use", "created_at")
    list_filter = (KindFilter, "is_active")
    search_fields = ("kind", "name")

    @admin.display(description=_("表单类型"), ordering="kind")
    def kind_title(self, obj):
        return _kind_title(obj.kind)

    inlines = [ChainStepInline]
    actions = ["copy_as_new_version", "activate"]

    @admin.display(boolean=True, description=_("已有表单使用"))
    def in_use(self, obj):
        return obj.forms.exists()

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.forms.exists():
            return ("kind", "version", "name", "note")
        return ("version",) if obj is not None else ()

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            if not change:
                latest = ChainTemplate.objects.filter(kind=obj.kind).aggregate(v=Max("version"))[
                    "v"
                ]
                obj.version = (latest or 0) + 1
            if obj.is_active:
                ChainTemplate.objects.filter(kind=obj.kind, is_active=True).exclude(
                    pk=obj.pk
                ).update(is_active=False)
            super().save_model(request, obj, form, change)

    @admin.action(description=_("复制为新版本（未启用）"))
    def copy_as_new_version(self, request, queryset):
        for chain in queryset:
            with transaction.atomic():
                latest = ChainTemplate.objects.filter(kind=chain.kind).aggregate(v=Max("version"))[
                    "v"
                ]
                copy = ChainTemplate.objects.create(
                    kind=chain.kind,
                    version=latest + 1,
                    name=chain.name,
                    is_active=False,
                    note=chain.note,
                )
                for step in chain.steps.all():
                    step.pk = None
                    step.template = copy
                    step.save()
                config_audit(
                    acting_user=request.user,
                    obj=copy,
                    verb=CREATED,
                    new={**snapshot(copy), "copied_from": chain.pk},
                )
            messages.success(
                request, _("已创建 %(name)s 第 %(v)d 版。") % {"name": copy.name, "v": copy.version}
            )

    @admin.action(description=_("启用所选版本"))
    def activate(self, request, queryset):
        for chain in queryset:
            with transaction.atomic():
                previous = list(
                    ChainTemplate.objects.filter(kind=chain.kind, is_active=True).exclude(
                        pk=chain.pk
                    )
                )
                ChainTemplate.objects.filter(kind=chain.kind, is_active=True).update(
                    is_active=False
                )
                ChainTemplate.objects.filter(pk=chain.pk).update(is_active=True)
                for old in [*previous, chain]:
                    was = old.is_active
                    old.refresh_from_db(fields=["is_active"])
                    config_audit(
                        acting_user=request.user,
                        obj=old,
                        verb=CHANGED,
                        old={"is_active": was},
                        new={"is_active": old.is_active},
                    )
        messages.success(request, _("已启用所选版本；进行中的表单仍按其原版本审批。"))


class FormStepInline(admin.TabularInline):
    model = FormStep
    extra = 0
    fields = ("round", "order", "name", "kind", "status", "note", "due_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class FormCopyInline(admin.TabularInline):
    model = FormCopy
    extra = 0
    readonly_fields = ("department", "kind", "created_at")
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Form)
class FormAdmin(ReadOnlyAdmin):
    list_display = (
        "number",
        "kind_title",
        "project",
        "status",
        "submitter",
        "submitted_at",
        "closed_at",
    )
    list_filter = (KindFilter, "status", "department")

    @admin.display(description=_("表单类型"), ordering="kind")
    def kind_title(self, obj):
        return _kind_title(obj.kind)

    search_fields = ("number", "project__number", "project__name", "submitter__username")
    date_hierarchy = "created_at"
    list_select_related = ("project", "submitter")
    inlines = [FormStepInline, FormCopyInline]

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser
