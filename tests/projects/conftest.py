"""Projects fixtures: the demo organisation (tests/conftest.py `org`) and a Driver that walks a
project through its forms as the demo users."""

import importlib

import pytest

from projects.demo import Driver


def finance_has(module, name) -> bool:
    try:
        return hasattr(importlib.import_module(module), name)
    except ImportError:
        return False


# Parts written by the finance helper; these tests run as soon as the functions exist.
needs_payment_terms = pytest.mark.skipif(
    not finance_has("finance.services", "payment_terms_from_contract"),
    reason="finance.services.payment_terms_from_contract not written yet",
)
needs_final_accounts_gate = pytest.mark.skipif(
    not finance_has("finance.gates", "final_accounts_gate"),
    reason="finance.gates.final_accounts_gate not written yet",
)


@pytest.fixture
def d(org):
    return Driver(org)


@pytest.fixture
def initiated(d):
    """An initiated project (立项书 approved) whose sales lead is `sales` (市场部)."""
    return d.initiate("测试项目").project


@pytest.fixture
def with_presales(d, initiated):
    d.presales(initiated)
    initiated.refresh_from_db()
    return initiated


@pytest.fixture
def quoted(d, with_presales):
    """A project with an approved quotation; `.report` is its signed estimate report."""
    report = d.estimate(with_presales)
    d.quotation(with_presales, report)
    with_presales.report = report
    return with_presales


@pytest.fixture
def budgeted(d, quoted):
    d.budget(quoted)
    return quoted
