"""Done when: the daily scan reminds an overdue risk review and reports a slipped milestone
once (a second run the same day reports nothing); the approved 验收单 has its signed PDF like
every form; the evaluation page opens pre-filled with plan vs actual; an approved budget change
clears the "budget change due" of a cost-moving requirement change [§18]."""

from datetime import date, timedelta

import pytest

from approvals.services import form_create, form_decide, form_submit
from core.models import DomainEvent
from delivery import services
from delivery.demo import accept_finally
from delivery.models import Milestone, Risk
from delivery.selectors import changes_awaiting_budget
from notifications.models import Notification
from sipm.errors import Conflict

from .conftest import implementing_project

pytestmark = pytest.mark.django_db


def approve(form, org, *who):
    for username in who:
        form = form_decide(acting_user=org[username], form_id=form.pk, decision="approve")
    return form


def test_daily_scan_reminds_once(org, api):
    project = implementing_project(org)
    services.plan_create_from_template(
        acting_user=org["pm"], project_id=project.pk, template="system_integration"
    )
    risk = services.risk_create(
        acting_user=org["pm"],
        project_id=project.pk,
        values={"description": "人员变动", "probability": 3, "impact": 3, "owner": org["staff"].pk},
    )
    today = risk.next_review + timedelta(days=1)
    first = services.daily_scan(today=today)
    assert first["risks"] == 1
    # Every milestone of the plan (September–October 2026) has slipped by then.
    slipped = Milestone.objects.filter(plan__project=project, due__lt=today).count()
    assert first["milestones"] == slipped > 0
    again = services.daily_scan(today=today)
    assert (again["risks"], again["milestones"]) == (0, 0)
    assert DomainEvent.objects.filter(kind="risk.review_due").count() == 1
    reminded = Notification.objects.filter(title__contains="风险复查")
    assert {n.recipient.username for n in reminded} == {"staff", "pm"}
    # Reviewed: the next review moves on by its interval in working days, and is due again later.
    risk = services.risk_review(acting_user=org["pm"], project_id=project.pk, risk_id=risk.pk)
    assert risk.next_review > date.today() - timedelta(days=1)
    assert Risk.objects.get(pk=risk.pk).reminded_for is not None


def test_acceptance_pdf_evaluation_prefill_and_budget_change(org, api, client):
    project = implementing_project(org)
    data = {
        "scope": "取消一台备用服务器",
        "reason": "客户自备",
        "man_days_impact": "0",
        "schedule_impact_days": 0,
        "cost_impact": "-5000.00",
    }
    # Before a baseline, no change request.
    with pytest.raises(Conflict, match="计划基线"):
        form_create(acting_user=org["pm"], kind="change_request", project=project, data=data)
    form = accept_finally(org, project)
    response = api("pm").get(f"/api/v1/forms/{form.pk}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"

    client.force_login(org["pmo"])
    page = client.get(f"/forms/new/evaluation/?project={project.pk}").content.decode()
    assert 'name="planned_man_days"' in page and 'value="60.00"' in page

    # A cost-moving change (a saving) asks for a budget change; the approved change clears it.
    change = form_create(acting_user=org["pm"], kind="change_request", project=project, data=data)
    change = form_submit(acting_user=org["pm"], form_id=change.pk)
    change = approve(change, org, "pmo_mgr", "tech_lead")
    assert change.status == "approved"
    assert changes_awaiting_budget(project) == [change]
    budget = form_create(
        acting_user=org["cost_dir"],
        kind="budget_change",
        project=project,
        data={
            "implementation_cost": "495000.00",
            "management_cost": "50000.00",
            "maintenance_cost": "50000.00",
            "performance_split": [{"department": org["pm"].department_id, "ratio": "100"}],
            "reason": "需求变更节约费用",
        },
    )
    budget = form_submit(acting_user=org["cost_dir"], form_id=budget.pk)
    while budget.status == "in_review":
        step = budget.steps.filter(status="active").first()
        who = step.assignees.first().user
        budget = form_decide(acting_user=who, form_id=budget.pk, decision="approve")
    assert budget.status == "approved"
    assert changes_awaiting_budget(project) == []
