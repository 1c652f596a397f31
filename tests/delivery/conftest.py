"""Delivery fixtures: a project in 实施 whose commission covers the 2026 National Day holiday,
driven through the real services (projects.demo.Driver), and an API helper."""

import pytest

from projects.demo import Driver
from tests.api.lifecycle import Api
from tests.seeds import ensure_migration_seeds

COMMISSION = {
    "man_days": "60",
    "start_date": "2026-09-28",
    "end_date": "2026-10-23",
    "implementation_fee": "100000.00",
}


def ensure_seed():
    ensure_migration_seeds()


def implementing_project(org, name="国庆实施项目", commission=None):
    d = Driver(org)
    project = d.initiate(name).project
    d.presales(project)
    d.quotation(project, d.estimate(project))
    d.budget(project)
    d.contract(project, f"HT-{name}")
    data = {**d.commission_data(), **COMMISSION, **(commission or {})}
    data["members"] = [org["staff"].pk]
    # The commission is pre-filled from the quotation and budget; these figures differ.
    data["change_reasons"] = [
        *[r for r in data.get("change_reasons", []) if r.get("field") != "man_days"],
        {"field": "man_days", "reason": "按实施计划核定工日"},
    ]
    form = d.start("commission", "pmo", project, data)
    d.run(form, [("pm", None), ("dev_mgr", None), ("tech_lead", None)])
    project.refresh_from_db()
    return project


@pytest.fixture
def api(org):
    ensure_seed()
    return Api(org)


@pytest.fixture
def project(org, api):
    return implementing_project(org)
