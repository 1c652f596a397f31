"""StepAssignee.is_open (the queues' partial index) follows its step through every way a step
moves: activate, approve, return, resubmit, withdraw, 加签, 转交, reject; a seat closes once its
holder decided; an open seat carries the copies the queue sorts and counts by."""

from approvals import services
from approvals.models import Decision, FormStatus, StepAssignee, StepStatus
from approvals.selectors import queue_for

from .test_seats import submitted


def waits(seat) -> bool:
    """What is_open stands for, computed the long way."""
    step, form = seat.step, seat.step.form
    decided = Decision.objects.filter(
        step=step, principal_id=seat.user_id, step_pass=step.passes
    ).exists()
    return step.status == StepStatus.ACTIVE and form.status == FormStatus.IN_REVIEW and not decided


def assert_seats_follow_their_steps():
    seats = list(StepAssignee.objects.select_related("step", "step__form"))
    assert seats
    wrong = [(s.pk, s.step.status, s.is_open) for s in seats if s.is_open != waits(s)]
    assert wrong == []
    copies = [
        s.pk
        for s in seats
        if s.is_open
        and (s.due_at, s.waiting_since, s.submitted_at, s.form_kind, s.project_id)
        != (
            s.step.due_at,
            s.step.activated_at,
            s.step.form.submitted_at,
            s.step.form.kind,
            s.step.form.project_id,
        )
    ]
    assert copies == []


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


def test_a_countersign_seat_leaves_the_queue_once_its_holder_decided(chain, org):
    from .test_services import run_to_board

    form = submitted(org)
    run_to_board(org, form)
    assert [r.step.form_id for r in queue_for(org.d1)] == [form.pk]
    services.form_decide(acting_user=org.d1, form_id=form.pk, decision="approve")
    assert_seats_follow_their_steps()
    assert list(queue_for(org.d1)) == []  # the step is still active: it waits on the others
    assert [r.step.form_id for r in queue_for(org.d2)] == [form.pk]
    seat = StepAssignee.objects.get(step__form=form, user=org.d2, is_open=True)
    assert seat.form_kind == form.kind and seat.due_at == seat.step.due_at
