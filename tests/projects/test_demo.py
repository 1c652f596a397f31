"""seed_demo_projects: projects at different stages, made through the services; idempotent."""

import io

import pytest
from django.core.management import call_command

from approvals.models import Form, FormStatus
from core.models import AuditEvent
from projects.demo import DEMO_NAMES, seed_demo_projects
from projects.models import Project, Stage

from .conftest import needs_payment_terms

pytestmark = [pytest.mark.django_db, needs_payment_terms]


def test_demo_projects_at_different_stages(org):
    out = io.StringIO()
    seed_demo_projects(out)
    stages = {p.name: p.stage for p in Project.objects.all()}
    assert stages == {
        DEMO_NAMES["draft"]: Stage.INITIATING,
        DEMO_NAMES["review"]: Stage.INITIATING,
        DEMO_NAMES["initiated"]: Stage.INITIATED,
        DEMO_NAMES["quoting"]: Stage.QUOTING,
        DEMO_NAMES["signed"]: Stage.SIGNED,
        DEMO_NAMES["early"]: Stage.IMPLEMENTING,
    }
    review = Form.objects.get(project__name=DEMO_NAMES["review"])
    assert review.status == FormStatus.IN_REVIEW and review.current_step == 2
    assert Form.objects.get(project__name=DEMO_NAMES["draft"]).status == FormStatus.DRAFT
    assert Project.objects.get(name=DEMO_NAMES["early"]).early_start
    # Made through the services: every change is in the audit log, by the demo users.
    assert AuditEvent.objects.filter(verb="form.decision.approve", actor=org["gm"]).exists()
    assert "演示项目已创建" in out.getvalue()


def test_demo_projects_are_idempotent(org):
    seed_demo_projects()
    before = (Project.objects.count(), Form.objects.count())
    out = io.StringIO()
    seed_demo_projects(out)
    assert (Project.objects.count(), Form.objects.count()) == before
    assert "跳过" in out.getvalue()


def test_seed_demo_command_creates_the_projects(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    assert Project.objects.filter(stage=Stage.SIGNED).exists()
