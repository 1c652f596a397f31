"""A decision's queries do not grow with the people it tells: the final approval records its
copy notices for every department together, and marks the to-do notices done in one UPDATE."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from approvals import services
from approvals.models import StepKind
from core.models import DomainEvent
from notifications.models import Notification, ReminderLog
from notifications.on_forms import copies_delivered

from .conftest import TEST_KIND, build_chain, make_user

pytestmark = pytest.mark.django_db

# Two single steps: the department manager, then the GM, whose approval ends the form.
STEPS = [
    dict(name="部门经理审核", role_label="部门经理", kind=StepKind.SINGLE, approvers="dept_manager:submitter"),
    dict(name="总经理批准", role_label="总经理", kind=StepKind.SINGLE, approvers="role:GM"),
]  # fmt: skip


def final_approval_queries(org):
    """Submit, approve the first step, then count the GM's final approval."""
    form = services.form_create(acting_user=org.sales, kind=TEST_KIND, data={"days": 2})
    services.form_submit(acting_user=org.sales, form_id=form.pk)
    services.form_decide(acting_user=org.mgr, form_id=form.pk, decision="approve")
    with CaptureQueriesContext(connection) as ctx:
        services.form_decide(acting_user=org.gm, form_id=form.pk, decision="approve")
    form.refresh_from_db()
    assert form.status == "approved"
    return form, len(ctx.captured_queries)


def copies_told(form, dept, word):
    return Notification.objects.filter(
        recipient__department=dept, title__startswith=word, reminder__form=form
    ).count()


def test_the_final_approval_costs_the_same_queries_whoever_it_tells(test_kind, org):
    build_chain(steps=STEPS)
    small, n_small = final_approval_queries(org)
    for i in range(6):
        make_user(f"fin{i}", org.fin, email=f"fin{i}@example.com")
        make_user(f"arc{i}", org.arc, email=f"arc{i}@example.com")
    big, n_big = final_approval_queries(org)
    # 财务部 (抄送) and 档案室 (原件存档) members each found the copy in their inbox, once.
    assert copies_told(small, org.fin, "【抄送】") == 1
    assert copies_told(big, org.fin, "【抄送】") == 7
    assert copies_told(big, org.arc, "【原件存档】") == 6
    # The GM's to-do notices are done; the submitter heard of each result.
    assert not Notification.objects.filter(
        recipient=org.gm, title__startswith="【待审批】", read_at__isnull=True
    ).exists()
    assert (
        Notification.objects.filter(recipient=org.sales, title__startswith="【已批准】").count()
        == 2
    )
    assert n_small == n_big <= 45, (n_small, n_big)  # 52 and 58 before the batch


def test_copy_notices_told_again_are_not_doubled(test_kind, org):
    """A rerun of the copy notices (a key recorded before) records nothing more."""
    build_chain(steps=STEPS)
    make_user("arc0", org.arc)
    form, _n = final_approval_queries(org)
    event = DomainEvent.objects.get(kind="form.copied", form_id=form.pk)
    before = Notification.objects.count()
    logs = ReminderLog.objects.filter(event=event).count()
    assert logs == 2  # one notice per department
    assert copies_delivered(event) == []
    assert Notification.objects.count() == before
    assert ReminderLog.objects.filter(event=event).count() == logs
