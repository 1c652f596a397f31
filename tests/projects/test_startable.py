"""The project page's 发起 list asks every kind's gate: it reads the project's forms once
(projects.selectors.read_form_states) and answers exactly as the gates do from the database."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from projects import selectors, views
from projects.models import Project

pytestmark = pytest.mark.django_db

PEOPLE = ["sales", "pmo", "pmo_mgr", "cost_dir", "finance"]


def startable(user, project, monkeypatch=None):
    """The 发起 list; with `monkeypatch`, every gate reads the database itself, as the services'
    gates do."""
    project = Project.objects.get(pk=project.pk)  # a fresh object: no states read before
    if monkeypatch is None:
        return _listed(user, project)
    with monkeypatch.context() as m:
        m.setattr(views, "read_form_states", lambda p: p)
        return _listed(user, project)


def _listed(user, project):
    return [(item["kind"].slug, item["blocked"]) for item in views._startable(user, project)]


@pytest.fixture
def contract_in_review(d, budgeted):
    """A budgeted project whose 合同审批表 waits on its first approver."""
    form = d.start("contract", "sales", budgeted, d.contract_data("HT-2026-001"))
    budgeted.contract = form
    return budgeted


@pytest.mark.parametrize("username", PEOPLE)
def test_the_listed_kinds_and_refusals_are_the_gates_own(
    org, contract_in_review, username, monkeypatch
):
    user = org[username]
    listed = startable(user, contract_in_review)
    assert listed == startable(user, contract_in_review, monkeypatch)
    assert listed, "every one of these people may start some form on the project"


def test_a_form_in_review_is_named_in_its_refusal(org, contract_in_review):
    listed = dict(startable(org["sales"], contract_in_review))
    assert contract_in_review.contract.number in listed["contract"]
    assert "审批中" in listed["contract"]
    # The quotation was approved: a second one is refused by its own gate, not listed as free.
    assert listed["presales"] is None or "审批中" not in listed["presales"]


def test_the_gates_read_the_project_forms_once(org, contract_in_review):
    project = Project.objects.get(pk=contract_in_review.pk)
    with CaptureQueriesContext(connection) as ctx:
        views._startable(org["pmo"], project)
    form_reads = [q for q in ctx.captured_queries if '"approvals_form"' in q["sql"]]
    assert len(form_reads) == 1, [q["sql"][:120] for q in form_reads]


def test_a_service_gate_does_not_trust_a_snapshot_it_was_not_given(org, budgeted):
    """Without read_form_states the gates read the database: a fresh approval counts at once."""
    project = Project.objects.get(pk=budgeted.pk)
    assert not hasattr(project, "form_states")
    assert selectors.has_approved(project, "budget")
    assert selectors.form_in_review(project, "contract") is None
