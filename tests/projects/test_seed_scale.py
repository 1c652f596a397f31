"""Given a small `seed_scale`, then its data is what the app itself would accept: the audit chain
verifies, every form's data passes its own field specs, queues differ in size, and the seeded
users can be served."""

from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command

from approvals.fields import clean_fields, missing_required
from approvals.kinds import all_kinds, get_kind
from approvals.models import Form, FormStatus, StepAssignee
from core.audit import audit_verify
from finance.models import CostEntry, Payment
from org.models import Delegation, User
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
