"""Given a small `seed_scale`, then its data is what the app itself would accept: the audit chain
verifies, every form's data passes its own field specs, queues differ in size, and the seeded
users can be served."""

from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from approvals.fields import clean_fields, missing_required
from approvals.kinds import all_kinds, get_kind
from approvals.models import Form, FormStatus, StepAssignee
from core.audit import audit_verify
from finance.models import CostEntry, Payment
from notifications.deadlines import BUDGET_CHANGE_NOTICE, budget_notice_key
from notifications.models import Notification, ReminderLog
from notifications.reminders import _budget_notices
from org.codes import Dept, RoleCode
from org.models import Delegation, Department, User
from org.selectors import user_has_role
from projects.models import Project


@pytest.fixture
def seeded(db):
    call_command("seed_scale", projects=30, seed=7, stdout=StringIO())


def test_seeded_data_is_valid_and_verifies(seeded):
    assert Project.objects.count() == 30
    assert audit_verify() is None
    kinds = set(Form.objects.values_list("kind", flat=True))
    # Every kind of the approval process; the 实施 kinds (delivery) are not generated yet.
    delivery_kinds = {"plan_baseline", "change_request", "acceptance"}
    assert kinds == {k.slug for k in all_kinds()} - delivery_kinds
    for form in Form.objects.all():
        spec = get_kind(form.kind)
        names = {f.name for f in spec.fields}
        values, errors, ignored = clean_fields(spec.fields, form.data, names)
        assert not errors and not ignored, (form.kind, errors, ignored)
        assert values == form.data, form.kind
        assert not missing_required(spec.fields, form.data, names), form.kind
    big = Project.objects.order_by("id").first()
    assert big.forms.count() >= 300


def test_queues_cost_lines_payments_and_delegations(seeded):
    waiting = Counter(
        StepAssignee.objects.filter(
            step__status="active", step__form__status=FormStatus.IN_REVIEW
        ).values_list("user__username", flat=True)
    )
    assert waiting["gm"] == 3 and waiting["mkt_mgr"] == 1
    assert waiting["staff"] == 0
    assert CostEntry.objects.count() >= 30 * 5
    assert CostEntry.objects.dates("date", "month").count() >= 12
    assert Payment.objects.exists()
    assert Delegation.objects.active_on().exists()


def test_seeding_twice_adds_to_the_same_chain(seeded):
    call_command("seed_scale", projects=3, seed=8, stdout=StringIO())
    assert Project.objects.count() == 33
    assert audit_verify() is None
    assert User.objects.filter(username__startswith="scale_").count() == 20


def test_commissioned_teams_come_from_the_delivery_department(db):
    """The approved 项目委托书 names the team the project has; every member and manager works in
    软件开发部; `staff` is a member of a handful of projects, `pm` manages many (the heavy
    persona of bench/scale.py), the generated managers hold the PM role."""
    call_command("seed_scale", projects=400, seed=7, stdout=StringIO())
    commissions = Form.objects.filter(kind="commission", status=FormStatus.APPROVED)
    assert commissions.count() >= 40
    validate = get_kind("commission").validate
    dev = Department.objects.get(code=Dept.DEV).pk
    managers = Counter()
    for form in commissions.select_related("project"):
        project = form.project
        team = {*form.data["members"], form.data["project_manager"]}
        assert project.project_manager_id == form.data["project_manager"]
        assert set(project.members.values_list("pk", flat=True)) == team
        assert set(User.objects.filter(pk__in=team).values_list("department_id", flat=True)) == {
            dev
        }
        assert not validate(form.data, form), form.data
        managers[form.data["project_manager"]] += 1
    staff, pm = User.objects.get(username="staff"), User.objects.get(username="pm")
    assert 1 <= staff.projects.count() <= 10
    assert 0.08 <= managers[pm.pk] / commissions.count() <= 0.3
    assert len(managers) >= 4
    assert all(user_has_role(User.objects.get(pk=pk), RoleCode.PM) for pk in managers)
    for form in Form.objects.filter(kind="handover").select_related("project"):
        assert form.submitter_id == form.project.project_manager_id


def test_the_seeded_budget_changes_were_told_as_a_running_system_tells_them(seeded):
    """Each approved 预算变更 of the history has its sent notice row, so the sweep's first run
    finds no backlog to catch up; nobody's inbox is filled with the old notices."""

    changes = Form.objects.filter(kind="budget_change", status=FormStatus.APPROVED)
    assert changes.count() >= 290  # the big project's
    logs = ReminderLog.objects.filter(kind=BUDGET_CHANGE_NOTICE)
    assert set(logs.values_list("key", flat=True)) == {
        budget_notice_key(pk) for pk in changes.values_list("pk", flat=True)
    }
    assert set(logs.values_list("status", flat=True)) == {"sent"}
    assert not Notification.objects.filter(reminder__kind=BUDGET_CHANGE_NOTICE).exists()
    assert _budget_notices(timezone.now()) == 0
