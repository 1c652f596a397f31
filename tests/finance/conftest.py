"""Finance fixtures: projects with approved forms made directly (the forms' chains are tested
elsewhere), built with factory_boy."""

import itertools
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import factory
import pytest
from rest_framework.test import APIClient

from approvals.models import Form, FormStatus
from projects.models import Project, Stage

SHANGHAI = ZoneInfo("Asia/Shanghai")
_numbers = itertools.count(1)


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    number = factory.Sequence(lambda n: f"SI-2025-{n + 1:04d}")
    name = factory.Sequence(lambda n: f"测试项目{n}")
    client_name = "某客户"
    stage = Stage.IMPLEMENTING


class FormFactory(factory.django.DjangoModelFactory):
    """An approved form (status set at construction, as the engine would have left it)."""

    class Meta:
        model = Form

    number = factory.LazyFunction(lambda: f"F-{next(_numbers):06d}")
    status = FormStatus.APPROVED
    closed_at = factory.LazyFunction(lambda: datetime(2025, 1, 2, 10, tzinfo=SHANGHAI))
    data = factory.LazyFunction(dict)


def at(*args):
    return datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture
def make_project(org):
    """A project of 市场部 (sales lead `sales`, PM `pm`) whose initiation was approved."""

    def make(*, approved_at=None, stage=Stage.IMPLEMENTING, department=None, **extra):
        project = ProjectFactory(
            initiator=org["sales"],
            sales_lead=org["sales"],
            project_manager=org["pm"],
            department=department or org["sales"].department,
            stage=stage,
            **extra,
        )
        if approved_at is not False:
            FormFactory(
                kind="initiation",
                project=project,
                submitter=org["sales"],
                closed_at=approved_at or at(2025, 1, 2, 10),
                data={"project_name": project.name},
            )
        return project

    return make


@pytest.fixture
def approved_form(org):
    def make(project, kind, data, closed_at=None):
        return FormFactory(
            kind=kind,
            project=project,
            submitter=org["sales"],
            data=data,
            closed_at=closed_at or at(2025, 2, 1, 10),
        )

    return make


@pytest.fixture
def api(org):
    def client_for(username):
        client = APIClient()
        client.force_authenticate(org[username])
        return client

    return client_for


def D(text) -> Decimal:
    return Decimal(text)
