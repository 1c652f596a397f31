"""Budget versions read a bounded tail: the project page shows the newest ones (numbered from
the first) with a way to all of them, and "the current budget" reads one version, however many
changes a project gathered."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from approvals.models import Form
from projects import views
from projects.selectors import budget_versions, current_budget


@pytest.fixture
def changed(d, budgeted):
    """A budgeted project with three approved changes: versions 1–4."""
    for impl in ("560000.00", "570000.00", "580000.00"):
        change = d.start(
            "budget_change",
            "cost_dir",
            budgeted,
            {**d.budget_data(impl=impl), "reason": "增加费用"},
        )
        d.run(change, [("gm", None)])
    return budgeted


def test_the_newest_versions_keep_their_numbers(changed):
    every = budget_versions(changed)
    assert [v["version"] for v in every] == [1, 2, 3, 4]
    assert [v["kind"] for v in every] == ["budget"] + ["budget_change"] * 3
    newest = budget_versions(changed, newest=2)
    assert [(v["version"], v["form"].pk) for v in newest] == [
        (v["version"], v["form"].pk) for v in every[-2:]
    ]
    assert current_budget(changed)["figures"]["total"] == Decimal("680000.00")
    with CaptureQueriesContext(connection) as queries:
        current_budget(changed)
    assert len(queries) == 1


def test_a_change_approved_before_the_first_budget_is_not_numbered(changed):
    budget = Form.objects.get(project=changed, kind="budget")
    early = Form.objects.filter(project=changed, kind="budget_change").order_by("id").first()
    Form.objects.filter(pk=early.pk).update(closed_at=budget.closed_at - timedelta(days=1))
    versions = budget_versions(changed)
    assert [v["version"] for v in versions] == [1, 2, 3]
    assert versions[0]["form"].pk == budget.pk
    assert early.pk not in [v["form"].pk for v in versions]


def test_the_project_page_shows_the_newest_versions_and_links_to_all(
    changed, client, org, monkeypatch
):
    monkeypatch.setattr(views, "VERSIONS_SHOWN", 2)
    client.force_login(org["pmo"])
    page = client.get(f"/projects/{changed.pk}/").content.decode()
    table = page.split('id="budget-versions"')[1].split("</table>")[0]
    assert ">V3<" in table and ">V4<" in table and ">V1<" not in table
    assert "显示最新 2 个版本，共 4 个" in page and "?versions=all" in page
    everything = client.get(f"/projects/{changed.pk}/?versions=all").content.decode()
    table = everything.split('id="budget-versions"')[1].split("</table>")[0]
    assert all(f">V{n}<" in table for n in (1, 2, 3, 4))
    assert 'id="budget-versions-more"' not in everything
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):  # the request activates English; put the language back
        english = client.get(f"/projects/{changed.pk}/").content.decode()
    assert "Showing the newest 2 of 4 versions" in english
