"""StepAssignee.is_open (the queues' partial index) follows its step through every way a step
moves: activate, approve, return, resubmit, withdraw, 加签, 转交, reject."""

from approvals import services
from approvals.models import StepAssignee, StepStatus
from approvals.selectors import queue_for

from .test_seats import submitted


def assert_seats_follow_their_steps():
    seats = list(StepAssignee.objects.select_related("step"))
    assert seats
    wrong = [
        (s.pk, s.step.status, s.is_open)
        for s in seats
        if s.is_open != (s.step.status == StepStatus.ACTIVE)
    ]
    assert wrong == []


def test_open_seats_follow_approve_return_resubmit_and_withdraw(chain, org):
    form = submitted(org)
    assert_seats_follow_their_steps()
    assert [r.step.form_id for r in queue_for(org.mgr)] == [form.pk]
    services.form_decide(acting_user=org.mgr, form_id=form.pk, decision="approve")
    assert_seats_follow_their_steps()
    assert list(queue_for(org.mgr)) == []
    services.form_decide(acting_user=org.hr1, form_id=form.pk, decision="return", comment="补材料")
    assert_seats_follow_their_steps()
    assert not StepAssignee.objects.filter(is_open=True).exists()
    services.form_submit(acting_user=org.sales, form_id=form.pk)
    assert_seats_follow_their_steps()
    assert [r.step.form_id for r in queue_for(org.mgr)] == [form.pk]
    services.form_withdraw(acting_user=org.sales, form_id=form.pk)
    assert_seats_follow_their_steps()
    assert list(queue_for(org.mgr)) == []


def test_open_seats_follow_add_signer_transfer_and_reject(chain, org):
    form = submitted(org)
    services.step_add_signer(
        acting_user=org.mgr, form_id=form.pk, user_id=org.hr2.pk, position="before"
    )
    assert_seats_follow_their_steps()
    assert [r.step.form_id for r in queue_for(org.hr2)] == [form.pk]
    assert list(queue_for(org.mgr)) == []  # their step waits behind the 加签 step
    services.form_decide(acting_user=org.hr2, form_id=form.pk, decision="approve")
    assert_seats_follow_their_steps()
    services.step_transfer(acting_user=org.mgr, form_id=form.pk, user_id=org.sales2.pk)
    assert_seats_follow_their_steps()
    assert [r.step.form_id for r in queue_for(org.sales2)] == [form.pk]
    services.form_decide(
        acting_user=org.sales2, form_id=form.pk, decision="reject", comment="不同意"
    )
    assert_seats_follow_their_steps()
    assert not StepAssignee.objects.filter(is_open=True).exists()
