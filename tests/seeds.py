"""The rows that migrations seed (chain templates, delivery chains, cost categories, the
policy deadlines, the working-day calendar). A transactional test flushes the database afterwards, so every test that
runs after one would find them gone; `ensure_migration_seeds` puts them back (cheaply: one
query when nothing is missing)."""

import importlib

from django.apps import apps as django_apps


def _seed(module):
    return importlib.import_module(module).seed


def ensure_migration_seeds() -> None:
    from approvals.models import ChainTemplate
    from finance.models import CostCategory
    from projects.models import PolicyDeadline
    from projects.policy import policy_deadlines
    from workcal.models import CalendarYear

    if (
        ChainTemplate.objects.filter(kind="initiation").exists()
        and ChainTemplate.objects.filter(kind="acceptance").exists()
        and CostCategory.objects.exists()
        and PolicyDeadline.objects.exists()
        and CalendarYear.objects.filter(year=2026, complete=True).exists()
    ):
        return
    _seed("approvals.migrations.0004_seed_chains")(django_apps)
    _seed("delivery.migrations.0002_exec_seed")(django_apps)
    _seed("finance.migrations.0003_money_cost_categories")(django_apps, None)
    _seed("projects.migrations.0007_policy_deadlines")(django_apps)
    policy_deadlines.clear()
    from workcal.services import calendar_sync_from_package

    calendar_sync_from_package(years=[2026])
