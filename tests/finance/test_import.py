"""Excel import of cost lines: bad rows are reported, good rows are kept."""

import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from core.models import AuditEvent
from finance.imports import cost_entries_import
from finance.models import CostEntry
from sipm.errors import InvalidInput, Refused


def xlsx(rows, header=("日期", "费用类别", "金额", "说明")) -> bytes:
    book = Workbook()
    sheet = book.active
    if header:
        sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(content, name="costs.xlsx"):
    return SimpleUploadedFile(name, content, content_type="application/vnd.ms-excel")


ROWS = [
    (date(2025, 3, 1), "实施成本", 1000.5, "第一笔"),  # row 2: good (float from Excel)
    ("2025-03-02", "销售费用", "200.25", ""),  # row 3: good (text)
    ("2025-03-03", "招待费", "50", ""),  # row 4: bad category
    ("2025/03/04", "外购成本", -3, "退款"),  # row 5: bad amount
    (None, None, None, None),  # blank row: skipped
    ("下周", "management", "12.345", ""),  # row 7: bad date and bad amount
    (datetime(2025, 3, 5, 9, 30), "maintenance", 99, None),  # row 8: good
]


def test_bad_rows_are_reported_and_good_rows_kept(org, make_project):
    # given a sheet with three good and three bad rows
    project = make_project()
    # when finance imports it
    report = cost_entries_import(
        acting_user=org["finance"], project_id=project.pk, upload=upload(xlsx(ROWS))
    )
    # then the good rows are in the ledger to the cent
    assert report["rows"] == 6
    assert report["created"] == 3
    assert report["failed"] == 3
    assert report["total_amount"] == "1299.75"
    amounts = sorted(CostEntry.objects.values_list("amount", flat=True))
    assert amounts == [Decimal("99.00"), Decimal("200.25"), Decimal("1000.50")]
    assert AuditEvent.objects.filter(verb="cost.created").count() == 3
    # and each bad row is reported with its row number, column and a Chinese message
    errors = {(e["row"], e["column"]): e["message"] for e in report["errors"]}
    assert set(errors) == {(4, "费用类别"), (5, "金额"), (7, "日期"), (7, "金额")}
    assert "招待费" in errors[(4, "费用类别")]
    assert "大于 0" in errors[(5, "金额")]
    assert "有效日期" in errors[(7, "日期")]
    assert "2 位小数" in errors[(7, "金额")]


def test_columns_in_any_order_and_alternative_headers(org, make_project):
    project = make_project()
    content = xlsx(
        [(88, "备注", "2025-03-01", "售前费用")], header=("金额", "备注", "发生日期", "类别")
    )
    report = cost_entries_import(
        acting_user=org["pm"], project_id=project.pk, upload=upload(content)
    )
    assert report["created"] == 1
    entry = CostEntry.objects.get()
    assert (entry.category, entry.amount, entry.note) == ("presales", Decimal("88.00"), "备注")


def test_missing_header_is_refused_whole(org, make_project):
    project = make_project()
    content = xlsx([("2025-03-01", "实施成本")], header=("日期", "费用类别"))
    with pytest.raises(InvalidInput) as exc:
        cost_entries_import(
            acting_user=org["finance"], project_id=project.pk, upload=upload(content)
        )
    assert "金额" in exc.value.fields["file"]
    assert not CostEntry.objects.exists()


def test_not_an_excel_file(org, make_project):
    project = make_project()
    with pytest.raises(InvalidInput) as exc:
        cost_entries_import(
            acting_user=org["finance"], project_id=project.pk, upload=upload(b"a,b,c\n1,2,3")
        )
    assert "xlsx" in exc.value.fields["file"]


def test_outsider_cannot_import(org, make_project):
    project = make_project()
    with pytest.raises(Refused):
        cost_entries_import(
            acting_user=org["cost_dir"], project_id=project.pk, upload=upload(xlsx(ROWS))
        )
    assert not CostEntry.objects.exists()


def test_api_import_returns_the_report(org, make_project, api):
    project = make_project()
    response = api("finance").post(
        f"/api/v1/projects/{project.pk}/costs/import/",
        {"file": upload(xlsx(ROWS))},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["created"] == 3
    assert {e["row"] for e in body["errors"]} == {4, 5, 7}
    missing = api("finance").post(
        f"/api/v1/projects/{project.pk}/costs/import/", {}, format="multipart"
    )
    assert missing.status_code == 400
    assert "file" in missing.json()["fields"]
