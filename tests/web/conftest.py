"""Web UI fixtures: the demo organisation, the seeded chains, logged-in clients, a Driver."""

import pytest

from projects.demo import Driver
from tests.seeds import ensure_migration_seeds


def ensure_chains():
    ensure_migration_seeds()


@pytest.fixture
def users(org):
    ensure_chains()
    return org


@pytest.fixture
def driver(users):
    return Driver(users)


@pytest.fixture
def login(client):
    """login(user) → the test client logged in as that user."""

    def as_user(user):
        client.force_login(user)
        return client

    return as_user


def initiation_post(name="智慧园区项目", **overrides):
    from datetime import timedelta

    from django.utils import timezone

    data = {
        "project_name": name,
        "client_name": "某市信息中心",
        "client_address": "某市人民路 1 号",
        "client_contact": "刘主任",
        "client_phone": "0571-88886666",
        "summary": "网络与机房集成",
        "estimated_amount": "1200000.00",
        "client_funding": "财政资金已落实",
        "success_rate": "70",
        "expected_sign_date": (timezone.localdate() + timedelta(days=60)).isoformat(),
        "feasibility": "需求明确",
        "presales_budget": "30000.00",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}
