"""Given the FieldSpecs of every form kind, when the UI builds Django forms from them, then
every field renders and posts back in the raw shape the engine accepts."""

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory

from approvals.fields import FieldSpec
from approvals.kinds import FormKind, all_kinds
from approvals.webforms import KindForm, Lookups, display_rows, money_text

TABLE = FieldSpec(
    "split",
    "部门业绩分配",
    "rows",
    columns=(
        FieldSpec("department", "部门", "department", required=True),
        FieldSpec("ratio", "比例", "rate"),
    ),
)
KIND = FormKind(
    slug="web_test",
    title="测试",
    prefix="WT",
    fields=(
        TABLE,
        FieldSpec("team", "成员", "users"),
        FieldSpec("special", "特殊", "bool"),
        FieldSpec("amount", "金额", "money"),
    ),
)


@pytest.mark.parametrize("kind", all_kinds(), ids=lambda k: k.slug)
def test_every_kind_renders_all_its_fields(users, kind):
    request = RequestFactory().get("/")
    request.user = users["sales"]
    form = KindForm(kind=kind, names={f.name for f in kind.fields})
    html = render_to_string(
        "approvals/form_edit.html",
        {"kind": kind, "kind_form": form, "field_rows": form.field_rows()},
        request=request,
    )
    for spec in kind.fields:
        assert str(spec.label) in html


def test_rows_users_and_bool_post_back_in_the_engines_shape(users):
    fin, pmo = users["finance"].department, users["pmo"].department
    post = {
        "split-0-department": str(fin.pk),
        "split-0-ratio": "60",
        "split-3-department": str(pmo.pk),
        "split-3-ratio": "40",
        "split-5-department": "",
        "split-5-ratio": "",
        "team": [str(users["pm"].pk), str(users["staff"].pk)],
        "amount": "1,000.50",
    }
    from django.http import QueryDict

    data = QueryDict(mutable=True)
    for key, value in post.items():
        data.setlist(key, value if isinstance(value, list) else [value])
    form = KindForm(data, kind=KIND, names={"split", "team", "special", "amount"})
    assert form.is_valid(), form.errors
    raw = form.raw_values(acting_user=users["sales"])
    assert raw["split"] == [
        {"department": str(fin.pk), "ratio": "60"},
        {"department": str(pmo.pk), "ratio": "40"},
    ]
    assert raw["team"] == [str(users["pm"].pk), str(users["staff"].pk)]
    assert raw["special"] is False
    assert raw["amount"] == "1,000.50"


def test_read_only_display_names_people_and_departments(users):
    fin = users["finance"].department
    data = {
        "split": [{"department": fin.pk, "ratio": "100.00"}],
        "team": [users["pm"].pk],
        "special": True,
        "amount": "-1234.5",
    }
    rows = {r["name"]: r for r in display_rows(KIND, data, Lookups([(KIND, data)]))}
    assert rows["split"]["table"] == [[fin.name, "100.00%"]]
    assert rows["team"]["text"] == "沈项目"
    assert rows["special"]["text"] == "是"
    assert rows["amount"]["text"] == "-¥1,234.50"
    assert money_text(None) == ""


def test_an_upload_of_a_refused_type_names_the_field(users):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils.datastructures import MultiValueDict

    from core.models import Attachment
    from sipm.errors import InvalidInput

    kind = FormKind(
        slug="web_file", title="附件", prefix="WF", fields=(FieldSpec("doc", "合同文本", "file"),)
    )
    files = MultiValueDict({"doc": [SimpleUploadedFile("virus.exe", b"MZ\x90\x00")]})
    form = KindForm({}, files, kind=kind, names={"doc"})
    assert form.is_valid()
    with pytest.raises(InvalidInput) as exc:
        form.raw_values(acting_user=users["sales"])
    form.apply_errors(exc.value)
    assert "合同文本" in form.engine_errors["doc"][0]
    assert Attachment.objects.count() == 0
    assert "MB" in form.fields["doc"].help_text
