"""Django forms built from a form kind's FieldSpecs, for the browser UI.

The Django form only parses the request into the raw shape the engine accepts (strings, lists,
tables); the engine (approvals.fields via approvals.services) validates, and its InvalidInput
field messages are put back on the form's fields with `apply_errors`.
"""

import re

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.files import attachment_upload
from core.models import Attachment
from org.models import Department, User
from sipm import values
from sipm.errors import InvalidInput

from .fields import FieldSpec

INPUT = "form-control"
DECIMAL_TYPES = ("money", "rate", "decimal")


def upload_limits_text() -> str:
    mb = settings.SIPM_UPLOAD_MAX_BYTES / (1024 * 1024)
    return _("单个文件不超过 %(mb)s MB；允许的类型：%(types)s") % {
        "mb": f"{mb:g}",
        "types": "、".join(settings.SIPM_UPLOAD_EXTENSIONS),
    }


def store_attachment(*, acting_user, upload, field_name, label) -> Attachment:
    """Store an upload through the attachment service; its refusal names the field."""
    try:
        return attachment_upload(acting_user=acting_user, uploaded_file=upload)
    except InvalidInput as exc:
        message = _("“%(label)s”：%(msg)s") % {"label": label, "msg": exc.message}
        raise InvalidInput(message, fields={field_name: message}) from exc


class RowsWidget(forms.Widget):
    """A table of inputs named NAME-INDEX-COLUMN; rows left entirely empty are dropped."""

    def __init__(self, columns, attrs=None):
        super().__init__(attrs)
        self.columns = columns

    def value_from_datadict(self, data, files, name):
        pattern = re.compile(rf"^{re.escape(name)}-(\d+)-(\w+)$")
        rows: dict[int, dict] = {}
        names = {c.name for c in self.columns}
        for key in data:
            match = pattern.match(key)
            if match and match.group(2) in names:
                rows.setdefault(int(match.group(1)), {})[match.group(2)] = data.get(key, "").strip()
        return [r for _i, r in sorted(rows.items()) if any(v for v in r.values())]

    def value_omitted_from_data(self, data, files, name):
        return False


class RowsField(forms.Field):
    widget = RowsWidget

    def __init__(self, *, columns, **kwargs):
        self.columns = columns
        kwargs.setdefault("widget", RowsWidget(columns))
        super().__init__(**kwargs)

    def to_python(self, value):
        return value or []


# Who may be picked for a person field, by field name: {"dept": code}, {"role": code} or
# {"manages": True} (department managers); registered by the apps that own the form kinds.
# Anything else: every active employee. Never the superuser.
PEOPLE_SCOPES: dict[str, dict] = {}


def register_people_scopes(scopes: dict[str, dict]) -> None:
    PEOPLE_SCOPES.update(scopes)


def people_in_scope(scope: dict | None):
    qs = User.objects.filter(is_active=True, is_superuser=False)
    scope = scope or {}
    if scope.get("dept"):
        qs = qs.filter(department__code=scope["dept"])
    if scope.get("role"):
        qs = qs.filter(role_assignments__role__code=scope["role"], role_assignments__active=True)
    if scope.get("min_position"):
        qs = qs.filter(position__gte=scope["min_position"])
    if scope.get("manages"):
        qs = qs.filter(managed_departments__isnull=False)
    return qs.distinct()


def person_label(user) -> str:
    return f"{user}（{user.department.name}）" if user.department_id else str(user)


class PersonField(forms.ChoiceField):
    """One person, searched over the people endpoint; the engine checks the id."""

    def valid_value(self, value):
        return str(value).isdigit()


class PeopleField(forms.MultipleChoiceField):
    def valid_value(self, value):
        return str(value).isdigit()


def _people_widget_attrs(name, multiple=False):
    from django.urls import reverse

    attrs = {
        "class": "form-select",
        "data-people-url": f"{reverse('people-search')}?field={name}",
        "data-empty-text": _("没有符合条件的人员"),
        "placeholder": _("输入姓名或部门搜索"),
    }
    if multiple:
        attrs["multiple"] = True
    return attrs


def _choices_cache():
    cache = {}

    def users():
        if "users" not in cache:
            cache["users"] = [
                (str(u.pk), f"{u}（{u.department.name}）" if u.department else str(u))
                for u in User.objects.filter(is_active=True, is_superuser=False)
                .select_related("department")
                .order_by("department__sort_order", "department__code", "id")
            ]
        return cache["users"]

    def departments():
        if "depts" not in cache:
            cache["depts"] = [(str(d.pk), d.name) for d in Department.objects.all()]
        return cache["depts"]

    return users, departments


def _django_field(spec: FieldSpec, users, departments) -> forms.Field:
    common = {"label": spec.label, "required": False, "help_text": spec.help}
    t = spec.type
    attrs = {"class": INPUT}
    if t == "text":
        return forms.CharField(widget=forms.TextInput(attrs=attrs), **common)
    if t == "textarea":
        return forms.CharField(widget=forms.Textarea(attrs={**attrs, "rows": 3}), **common)
    if t in DECIMAL_TYPES:
        return forms.CharField(
            widget=forms.TextInput(attrs={**attrs, "inputmode": "decimal"}), **common
        )
    if t == "int":
        return forms.CharField(
            widget=forms.NumberInput(attrs={**attrs, "step": 1, "min": spec.min_value or 0}),
            **common,
        )
    if t == "date":
        return forms.CharField(widget=forms.DateInput(attrs={**attrs, "type": "date"}), **common)
    if t == "bool":
        return forms.BooleanField(
            widget=forms.CheckboxInput(attrs={"class": "form-check-input"}), **common
        )
    if t == "choice":
        return forms.ChoiceField(
            choices=[("", "—")] + [(str(v), str(lbl)) for v, lbl in spec.choices],
            widget=forms.Select(attrs={"class": "form-select"}),
            **common,
        )
    if t == "user":
        return PersonField(
            choices=[("", "—")],
            widget=forms.Select(attrs=_people_widget_attrs(spec.name)),
            **common,
        )
    if t == "users":
        return PeopleField(
            choices=[],
            widget=forms.SelectMultiple(attrs=_people_widget_attrs(spec.name, True)),
            **common,
        )
    if t == "department":
        return forms.ChoiceField(
            choices=[("", "—")] + departments(),
            widget=forms.Select(attrs={"class": "form-select"}),
            **common,
        )
    if t == "file":
        field = forms.FileField(
            widget=forms.ClearableFileInput(
                attrs={
                    "class": INPUT,
                    "accept": ",".join("." + e for e in settings.SIPM_UPLOAD_EXTENSIONS),
                }
            ),
            **common,
        )
        field.help_text = " ".join(p for p in (spec.help, upload_limits_text()) if p)
        return field
    if t == "rows":
        field = RowsField(columns=spec.columns, **common)
        field.department_choices = departments() if _has_col(spec, "department") else []
        field.user_choices = users() if _has_col(spec, "user") else []
        return field
    raise ValueError(f"unknown field type {t}")


def _has_col(spec, col_type):
    return any(c.type == col_type for c in spec.columns)


def _initial(spec: FieldSpec, value):
    if value is None:
        return None
    if spec.type in ("user", "department", "file"):
        return str(value)
    if spec.type == "users":
        return [str(v) for v in value]
    if spec.type == "rows":
        return [{k: "" if v is None else str(v) for k, v in row.items()} for row in value]
    return value


class KindForm(forms.Form):
    """The fields `names` of a form kind, in the kind's order."""

    def __init__(self, *args, kind, names, values=None, project=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        users, departments = _choices_cache()
        values = values or {}
        for spec in kind.fields:
            if spec.name not in names:
                continue
            options = kind.options_for(project, spec.name)
            if options is not None:
                # The value is one of the project's records, picked from a list.
                field = forms.ChoiceField(
                    choices=[("", "—")] + [(str(v), str(lbl)) for v, lbl in options],
                    widget=forms.Select(attrs={"class": "form-select"}),
                    required=False,
                    label=spec.label,
                    help_text=spec.help,
                )
                field.picked_from_options = True
            else:
                field = _django_field(spec, users, departments)
            field.spec = spec
            if spec.type == "file" and values.get(spec.name) and options is None:
                stored = Attachment.objects.filter(pk=_int(values.get(spec.name))).first()
                if stored is not None:
                    current = _("当前文件：%(name)s（不选择新文件则保留）") % {
                        "name": stored.original_name
                    }
                    field.help_text = " ".join(
                        p for p in (current, str(field.help_text or "")) if p
                    )
            field.required_mark = spec.required
            field.initial = _initial(spec, values.get(spec.name))
            self.fields[spec.name] = field
        self._label_people(values)
        self.non_mapped_errors: list[str] = []
        self.engine_errors: dict[str, list[str]] = {}

    def _label_people(self, values):
        """Person pickers list only the chosen people (the rest is searched): one query."""
        fields = [
            (n, f) for n, f in self.fields.items() if isinstance(f, (PersonField, PeopleField))
        ]
        if not fields:
            return
        ids = set()
        for name, _field in fields:
            if self.is_bound:
                key = self.add_prefix(name)
                getlist = getattr(self.data, "getlist", None)
                raw = getlist(key) if getlist else self.data.get(key)
            else:
                raw = values.get(name)
            for v in raw if isinstance(raw, list) else [raw]:
                if str(v).isdigit():
                    ids.add(int(v))
        people = {
            u.pk: person_label(u)
            for u in User.objects.filter(pk__in=ids).select_related("department")
        }
        for _name, field in fields:
            empty = [("", "—")] if isinstance(field, PersonField) else []
            field.choices = empty + [(str(pk), label) for pk, label in people.items()]

    def field_rows(self) -> list[dict]:
        """What the field template needs for each field, errors from both sides included."""
        rows = []
        for bf in self:
            spec = bf.field.spec
            row = {
                "bf": bf,
                "spec": spec,
                "errors": [*bf.errors, *self.engine_errors.get(bf.name, [])],
            }
            if spec.type == "rows":
                row["columns"] = spec.columns
                row["rows"] = [
                    [{"col": c, "value": r.get(c.name, "")} for c in spec.columns]
                    for r in (bf.value() or [])
                ]
                row["user_choices"] = getattr(bf.field, "user_choices", [])
                row["department_choices"] = getattr(bf.field, "department_choices", [])
            rows.append(row)
        return rows

    def raw_values(self, *, acting_user) -> dict:
        """The raw values for the engine; uploads become Attachment ids (kept when none is
        sent). Call after is_valid()."""
        raw = {}
        for name, field in self.fields.items():
            value = self.cleaned_data.get(name)
            if field.spec.type == "file" and not getattr(field, "picked_from_options", False):
                # Without a new upload Django hands back the initial value (the stored id).
                if value and hasattr(value, "chunks"):
                    raw[name] = store_attachment(
                        acting_user=acting_user,
                        upload=value,
                        field_name=name,
                        label=field.spec.label,
                    ).pk
                elif value is False:  # the "clear" box of ClearableFileInput
                    raw[name] = None
                continue
            raw[name] = value
        return raw

    def apply_errors(self, exc: InvalidInput):
        """Put the engine's field messages on the matching fields; keep the rest for the top."""
        for name, message in exc.fields.items():
            if name in self.fields:
                self.engine_errors.setdefault(name, []).append(message)
            else:
                self.non_mapped_errors.append(message)
        if not exc.fields:
            self.non_mapped_errors.append(exc.message)


# --- read-only display -------------------------------------------------------------------


money_text = values.money_text


class Lookups:
    """Names of the people, departments and files a set of forms refers to, in three queries."""

    def __init__(self, kinds_and_data):
        user_ids, dept_ids, file_ids = set(), set(), set()
        for kind, data in kinds_and_data:
            for spec in kind.fields if kind else ():
                self._collect(spec, data.get(spec.name), user_ids, dept_ids, file_ids)
        self.users = (
            {u.pk: str(u) for u in User.objects.filter(pk__in=user_ids)} if user_ids else {}
        )
        self.depts = (
            {d.pk: d.name for d in Department.objects.filter(pk__in=dept_ids)} if dept_ids else {}
        )
        self.files = (
            {a.pk: a for a in Attachment.objects.filter(pk__in=file_ids)} if file_ids else {}
        )

    @staticmethod
    def _collect(spec, value, user_ids, dept_ids, file_ids):
        if value in (None, "", []):
            return
        if spec.type == "rows":
            for row in value if isinstance(value, list) else []:
                for col in spec.columns:
                    Lookups._collect(col, row.get(col.name), user_ids, dept_ids, file_ids)
            return
        target = {"user": user_ids, "users": user_ids, "department": dept_ids, "file": file_ids}
        bucket = target.get(spec.type)
        if bucket is None:
            return
        for v in value if isinstance(value, list) else [value]:
            if isinstance(v, int) or str(v).isdigit():
                bucket.add(int(v))

    def text(self, spec: FieldSpec, value) -> str:
        if value in (None, "", []):
            return ""
        t = spec.type
        if t == "money":
            return money_text(value)
        if t == "rate":
            return f"{value}%"
        if t == "bool":
            return _("是") if value else _("否")
        if t == "choice":
            return str(dict(spec.choices).get(value, value))
        if t == "user":
            return self.users.get(_int(value), str(value))
        if t == "users":
            return "、".join(self.users.get(_int(v), str(v)) for v in value)
        if t == "department":
            return self.depts.get(_int(value), str(value))
        if t == "file":
            att = self.files.get(_int(value))
            return att.original_name if att else str(value)
        return str(value)


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def display_rows(kind, data: dict, lookups: Lookups, names=None) -> list[dict]:
    """Label/value rows for a read-only view of the form's data (tables as nested rows)."""
    out = []
    for spec in kind.fields:
        if names is not None and spec.name not in names:
            continue
        value = data.get(spec.name)
        row = {"name": spec.name, "label": spec.label, "type": spec.type, "value": value}
        if spec.type == "rows":
            row["columns"] = [c.label for c in spec.columns]
            row["table"] = [
                [lookups.text(c, r.get(c.name)) for c in spec.columns]
                for r in (value if isinstance(value, list) else [])
            ]
        elif spec.type == "file":
            row["attachment"] = lookups.files.get(_int(value))
            row["text"] = lookups.text(spec, value)
        else:
            row["text"] = lookups.text(spec, value)
        out.append(row)
    return out


DERIVED_LABELS = {"discount_rate": gettext_lazy("折扣率"), "budget_total": gettext_lazy("预算合计")}
DERIVED_MONEY = frozenset({"budget_total"})


def derived_rows(kind, data) -> list[dict]:
    rows = []
    for name, value in kind.derived(data).items():
        label = kind.field(name).label if kind.field(name) else DERIVED_LABELS.get(name, name)
        if value is None:
            text = ""
        elif name in DERIVED_MONEY:
            text = money_text(value)
        elif "rate" in name:
            text = f"{value}%"
        else:
            text = str(value)
        rows.append({"label": label, "text": text})
    return rows
