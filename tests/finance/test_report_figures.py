"""The monthly report's figures, row by row: budgets from the latest approved form that has a
value, zero rows for projects without lines, and JSON text identical to json.dumps of the rows.
A project's budget is the same whether it reads the database per kind group or the forms the
project page read first (projects.selectors.read_form_states)."""

import json
from collections import Counter
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from approvals.models import FormStatus
from finance.budgets import project_budget
from finance.models import CostEntry
from finance.reports import data
from finance.reports.services import iter_json, row_json
from projects.models import Project
from projects.selectors import read_form_states

from .conftest import FormFactory, at

D = Decimal
MARCH = data.parse_month("2025-03")


def _rows():
    return {row.project_id: row for row in data.iter_rows(MARCH)}


def _budget(project):
    """project_budget read both ways, which must agree; the page's way reads at most one form
    query while no group has more than three approved forms."""
    from_db = project_budget(Project.objects.get(pk=project.pk))
    page = read_form_states(Project.objects.get(pk=project.pk))
    approved = Counter(f.kind for f in page.form_states if f.status == FormStatus.APPROVED)
    with CaptureQueriesContext(connection) as ctx:
        from_states = project_budget(page)
    if max(approved.values(), default=0) <= 3:
        assert len([q for q in ctx.captured_queries if '"approvals_form"' in q["sql"]]) <= 1
    assert from_states == from_db
    return from_db


def _cost(project, user, category, day, amount):
    return CostEntry.objects.create(
        project=project, category=category, date=day, amount=D(amount), entered_by=user
    )


def test_a_cleared_budget_field_leaves_the_older_figure(org, make_project, approved_form):
    # given a budget, then an approved change that clears 维护成本 and restates 实施成本
    project = make_project()
    approved_form(
        project,
        "budget",
        {"implementation_cost": "1000.00", "maintenance_cost": "200.00"},
        closed_at=at(2025, 2, 1, 10),
    )
    approved_form(
        project,
        "budget_change",
        {"implementation_cost": "1500.00", "maintenance_cost": None},
        closed_at=at(2025, 2, 20, 10),
    )
    # when the report is computed
    row = _rows()[project.pk]
    # then 实施成本 comes from the change and 维护成本 still from the budget
    assert row.budget == D("1700.00")
    budget = _budget(project)
    assert sum(v for v in budget.values() if v is not None) == row.budget


def test_a_figure_set_only_in_the_first_of_many_versions_is_still_found(
    org, make_project, approved_form
):
    # given a budget with 维护成本, then five changes that restate only 实施成本
    project = make_project()
    approved_form(
        project,
        "budget",
        {"implementation_cost": "1000.00", "maintenance_cost": "200.00"},
        closed_at=at(2025, 2, 1, 10),
    )
    for day in range(2, 7):
        approved_form(
            project,
            "budget_change",
            {"implementation_cost": f"{1000 + day}.00", "maintenance_cost": None},
            closed_at=at(2025, 2, day, 10),
        )
    # then the newest 实施成本 and the first version's 维护成本 make the budget
    budget = _budget(project)
    assert (budget["implementation"], budget["maintenance"]) == (D("1006.00"), D("200.00"))
    assert sum(v for v in budget.values() if v is not None) == D("1206.00")
    assert _rows()[project.pk].budget == D("1206.00")


def test_the_latest_approved_form_wins_and_others_do_not_count(org, make_project, approved_form):
    # given an older and a newer approved quotation, and a newer one still in review
    project = make_project()
    approved_form(project, "quotation", {"purchase_cost": "100.00"}, closed_at=at(2025, 2, 1, 9))
    approved_form(project, "quotation", {"purchase_cost": "300.00"}, closed_at=at(2025, 2, 2, 9))
    FormFactory(
        kind="quotation",
        project=project,
        submitter=org["sales"],
        status=FormStatus.IN_REVIEW,
        closed_at=None,
        data={"purchase_cost": "999.00"},
    )
    # when / then: the newest approved one counts, alone
    row = _rows()[project.pk]
    assert row.budget == D("300.00")
    assert row.variance == row.cumulative - D("300.00")


def test_same_approval_time_is_broken_by_the_later_form(org, make_project, approved_form):
    project = make_project()
    when = at(2025, 2, 1, 9)
    approved_form(project, "budget", {"management_cost": "10.00"}, closed_at=when)
    approved_form(project, "budget", {"management_cost": "20.00"}, closed_at=when)
    assert _rows()[project.pk].budget == D("20.00")


def test_a_project_without_lines_shows_two_place_zeros(org, make_project):
    # given an approved project with no cost lines and no budget
    project = make_project()
    # when the report is computed
    row = _rows()[project.pk]
    # then every money figure is 0.00 and the budget figures are empty
    assert [str(v) for v in row.month] == ["0.00"] * len(data.CATEGORIES)
    assert (str(row.month_total), str(row.cumulative)) == ("0.00", "0.00")
    assert row.budget is None and row.variance is None and row.variance_pct is None


def test_cumulative_and_month_cover_the_right_dates(org, make_project):
    # given lines before, inside, on both edges of and after March
    project = make_project()
    user = org["finance"]
    _cost(project, user, "purchase", date(2025, 2, 28), "1.00")
    _cost(project, user, "purchase", date(2025, 3, 1), "10.00")
    _cost(project, user, "sales", date(2025, 3, 31), "100.00")
    _cost(project, user, "sales", date(2025, 4, 1), "1000.00")
    # when the report is computed
    row = _rows()[project.pk]
    month = dict(zip(data.CATEGORIES, row.month, strict=True))
    # then the month has the two March lines, the cumulative everything up to March 31
    assert (month["purchase"], month["sales"]) == (D("10.00"), D("100.00"))
    assert row.month_total == D("110.00")
    assert row.cumulative == D("111.00")


def test_grand_totals_are_the_sum_of_the_departments(org, make_project):
    from org.models import Department

    user = org["finance"]
    for i, code in enumerate(["MKT", "TS", "MKT"]):
        project = make_project(department=Department.objects.get(code=code))
        _cost(project, user, "implementation", date(2025, 3, 5), f"{i + 1}0.05")
    acc = data.run(MARCH)
    assert acc.grand.projects == 3
    assert acc.grand.month_total == D("60.15")
    assert acc.grand.month_total == sum(t.month_total for t in acc.departments.values())
    # the grand total is folded once and kept until another row comes
    assert acc.grand is acc.grand


@pytest.mark.parametrize(
    "name",
    ['引号"与\\反斜杠', "制表\t换行\n", "</script>&amp;", "emoji 😀 末尾空格 "],
)
def test_row_json_is_the_json_of_the_row(org, make_project, approved_form, name):
    # given a project whose name needs escaping, with a budget and a line in March
    project = make_project(name=name)
    approved_form(project, "budget", {"implementation_cost": "3.00"})
    _cost(project, org["finance"], "implementation", date(2025, 3, 2), "7.10")
    row = _rows()[project.pk]
    # when the row is written as JSON text, then it reads back as the row's dict
    assert json.loads(row_json(row)) == data.row_as_dict(row)
    assert row_json(row) == json.dumps(data.row_as_dict(row), ensure_ascii=False)


def test_streamed_json_is_valid_with_many_rows(org, make_project):
    # given more projects than one streamed chunk
    for _i in range(5):
        make_project()
    pieces = list(iter_json(MARCH, chunk=2))
    body = json.loads("".join(pieces))
    assert len(body["projects"]) == 5
    assert body["totals"]["projects"] == 5


def test_every_source_group_is_read_both_ways_alike(org, make_project, approved_form):
    # given an approved 立项书, budget with four changes (more than three in its group) and
    # two quotations, each group's newest value wins whichever way the forms are read
    project = make_project()
    approved_form(project, "initiation", {"presales_budget": "50.00"}, closed_at=at(2025, 1, 5, 9))
    approved_form(
        project,
        "budget",
        {"implementation_cost": "1000.00", "management_cost": "70.00"},
        closed_at=at(2025, 2, 1, 10),
    )
    for day in range(2, 6):
        approved_form(
            project,
            "budget_change",
            {"implementation_cost": f"{1000 + day}.00"},
            closed_at=at(2025, 2, day, 10),
        )
    approved_form(project, "quotation", {"purchase_cost": "100.00"}, closed_at=at(2025, 1, 9, 9))
    approved_form(
        project,
        "quotation",
        {"purchase_cost": "300.00", "sales_expense": "20.00"},
        closed_at=at(2025, 1, 10, 9),
    )
    budget = _budget(project)
    figures = {k: v for k, v in budget.items() if v is not None}
    assert sorted(figures.values()) == [
        D(x) for x in ("20.00", "50.00", "70.00", "300.00", "1005.00")
    ]
