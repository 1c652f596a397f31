"""Fixtures for deadlines and reminders: Shanghai moments, a project with its forms, and a small
test-only form kind whose one step is decided by the demo user pmo (manager: pmo_mgr)."""

from datetime import date, datetime
from decimal import Decimal
from itertools import count

import pytest
from django.utils import timezone

from approvals.kinds import FormKind, register, unregister
from approvals.models import ChainStepTemplate, ChainTemplate, Form, FormStatus, StepKind
from projects.models import Project, Stage
from workcal.calendar import SHANGHAI

REMINDER_KIND = "test_reminder"
_numbers = count(1)


def at(year, month, day, hour=10, minute=0):
    """An aware moment in Shanghai."""
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def freeze(monkeypatch):
    """Pin django.utils.timezone.now (used by the engine) to a Shanghai moment."""

    def _freeze(moment):
        monkeypatch.setattr(timezone, "now", lambda: moment)
        return moment

    return _freeze


def make_project(org, stage=Stage.SIGNED, **extra):
    n = next(_numbers)
    project = Project.objects.create(
        number=f"SI-2026-{9000 + n}",
        name=extra.pop("name", f"测试项目{n}"),
        department=org["sales"].department,
        initiator=org["sales"],
        sales_lead=org["sales"],
        project_manager=org["pm"],
        stage=stage,
        **extra,
    )
    project.members.add(org["staff"])
    return project


# Rows written here bypass the services, so they tell the sweep themselves that a project's
# deadlines may have changed (notifications.due), as of a moment before any scan of the tests.
LONG_AGO = datetime(2000, 1, 1, tzinfo=SHANGHAI)


def deadlines_touched(project):
    from notifications.due import deadlines_changed

    deadlines_changed(project.pk, LONG_AGO)


def make_form(project, kind, *, status, submitter, data=None, submitted_at=None, closed_at=None):
    n = next(_numbers)
    if project is not None:
        deadlines_touched(project)
    return Form.objects.create(
        kind=kind,
        number=f"T-{kind}-{n}",
        project=project,
        data=data or {},
        status=status,
        submitter=submitter,
        round=1 if submitted_at else 0,
        submitted_at=submitted_at,
        closed_at=closed_at,
    )


def approved_contract(project, org, sign_date: date, amount="100000.00"):
    return make_form(
        project,
        "contract",
        status=FormStatus.APPROVED,
        submitter=org["sales"],
        data={
            "contract_no": f"HT-{project.pk}",
            "contract_amount": amount,
            "sign_date": sign_date.isoformat(),
        },
        submitted_at=at(sign_date.year, sign_date.month, sign_date.day, 9),
        closed_at=at(sign_date.year, sign_date.month, sign_date.day, 17),
    )


def collect_everything(project, contract, org, paid_on: date):
    """One payment term for the whole contract, fully collected on `paid_on`."""
    from finance.models import Payment, PaymentTerm

    amount = Decimal(contract.data["contract_amount"])
    term = PaymentTerm.objects.create(
        project=project, contract_form=contract, position=1, milestone="全款", amount=amount
    )
    deadlines_touched(project)
    return Payment.objects.create(
        term=term, project=project, amount=amount, date=paid_on, entered_by=org["finance"]
    )


@pytest.fixture
def reminder_kind(org):
    """A one-step kind decided by a test-only role that only the demo user pmo holds."""
    from org.models import Role, RoleAssignment

    role, _created = Role.objects.get_or_create(code="TEST_REVIEWER", defaults={"name": "审核"})
    RoleAssignment.objects.get_or_create(user=org["pmo"], role=role)
    kind = register(
        FormKind(
            slug=REMINDER_KIND, title="测试审批单", prefix="TRM", fields=(), needs_project=False
        )
    )
    chain = ChainTemplate.objects.create(kind=REMINDER_KIND, version=1, name="测试流程")
    ChainStepTemplate.objects.create(
        template=chain,
        order=1,
        name="项目管理部审核",
        role_label="项目管理部",
        kind=StepKind.SINGLE,
        approvers="role:TEST_REVIEWER",
        sla_days=2,
    )
    yield kind
    unregister(REMINDER_KIND)


@pytest.fixture
def submit_form(reminder_kind, freeze):
    """Create and submit a test form at a moment; the engine sets the step's due_at."""
    from approvals import services

    def _submit(org, moment, project=None):
        freeze(moment)
        form = services.form_create(
            acting_user=org["sales"], kind=REMINDER_KIND, project=project, data={}
        )
        return services.form_submit(acting_user=org["sales"], form_id=form.pk)

    return _submit
