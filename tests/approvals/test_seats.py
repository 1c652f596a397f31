"""加签 and 转交 on the active step, configured per step in the chain; comments with @mentions."""

import pytest

from approvals import services
from approvals.models import ChainStepTemplate, FormComment, StepStatus
from core.models import AuditEvent
from sipm.errors import Conflict, InvalidInput, Refused


def submitted(org, **data):
    form = services.form_create(acting_user=org.sales, kind="test_leave", data={"days": 2, **data})
    return services.form_submit(acting_user=org.sales, form_id=form.pk)


def steps(form):
    return list(form.steps.filter(round=form.round).order_by("order"))


def test_add_signer_before_runs_first_then_my_step(chain, org):
    form = submitted(org)
    # When the manager adds hr2 before themselves
    added = services.step_add_signer(
        acting_user=org.mgr, form_id=form.pk, user_id=org.hr2.pk, position="before"
    )
    form.refresh_from_db()
    # Then the route has the 加签 step first and active, the manager's step waits after it
    rows = steps(form)
    assert [s.name for s in rows[:2]] == [added.name, "部门经理审核"]
    assert rows[0].status == StepStatus.ACTIVE and rows[1].status == StepStatus.PENDING
    assert rows[0].added_by == org.mgr and form.current_step == 1
    assert AuditEvent.objects.filter(verb="step.signer_added", actor=org.mgr).exists()
    # When hr2 approves, the manager's own step comes back to them
    services.form_decide(acting_user=org.hr2, form_id=form.pk, decision="approve")
    form.refresh_from_db()
    assert form.current_step == 2
    services.form_decide(acting_user=org.mgr, form_id=form.pk, decision="approve")
    form.refresh_from_db()
    assert form.current_step == 3  # 人事填写, renumbered


def test_add_signer_after_runs_once_my_step_is_done(chain, org):
    form = submitted(org)
    services.step_add_signer(
        acting_user=org.mgr, form_id=form.pk, user_id=org.d1.pk, position="after"
    )
    form.refresh_from_db()
    assert form.current_step == 1
    services.form_decide(acting_user=org.mgr, form_id=form.pk, decision="approve")
    form.refresh_from_db()
    current = next(s for s in steps(form) if s.order == form.current_step)
    assert current.added_position == "after"
    assert [a.user for a in current.assignees.all()] == [org.d1]


def test_add_signer_refuses_the_submitter_the_superuser_and_strangers(chain, org):
    form = submitted(org)
    for user in (org.sales, org.admin, org.mgr):
        with pytest.raises(InvalidInput):
            services.step_add_signer(
                acting_user=org.mgr, form_id=form.pk, user_id=user.pk, position="before"
            )
    with pytest.raises(Refused):
        services.step_add_signer(
            acting_user=org.gm, form_id=form.pk, user_id=org.hr2.pk, position="before"
        )
    with pytest.raises(Conflict):
        services.step_add_signer(
            acting_user=org.mgr,
            form_id=form.pk,
            user_id=org.hr2.pk,
            position="after",
            revision=form.revision - 1,
        )
    assert len(steps(form)) == 4


def test_a_step_can_forbid_add_signer_and_transfer(chain, org):
    ChainStepTemplate.objects.filter(template=chain, order=1).update(
        allow_add_signer=False, allow_transfer=False
    )
    form = submitted(org)
    with pytest.raises(Refused):
        services.step_add_signer(
            acting_user=org.mgr, form_id=form.pk, user_id=org.hr2.pk, position="after"
        )
    with pytest.raises(Refused):
        services.step_transfer(acting_user=org.mgr, form_id=form.pk, user_id=org.hr2.pk)


def test_transfer_hands_the_seat_over_and_is_recorded(chain, org):
    form = submitted(org)
    seat = services.step_transfer(
        acting_user=org.mgr, form_id=form.pk, user_id=org.sales2.pk, comment="出差"
    )
    assert seat.user == org.sales2 and seat.transferred_from == org.mgr
    event = AuditEvent.objects.get(verb="step.transferred")
    assert event.actor == org.mgr and event.payload["to"] == org.sales2.pk
    # the new holder is told the step waits on them, with the reason
    from notifications.models import Notification

    notice = Notification.objects.get(recipient=org.sales2, title__startswith="【待审批】")
    assert "转交给您" in notice.body and "出差" in notice.body
    with pytest.raises(Refused):
        services.form_decide(acting_user=org.mgr, form_id=form.pk, decision="approve")
    services.form_decide(acting_user=org.sales2, form_id=form.pk, decision="approve")
    form.refresh_from_db()
    assert form.current_step == 2


def test_transfer_scope_limits_who_may_receive(chain, org):
    ChainStepTemplate.objects.filter(template=chain, order=1).update(transfer_scope="dept:HR")
    form = submitted(org)
    with pytest.raises(InvalidInput):
        services.step_transfer(acting_user=org.mgr, form_id=form.pk, user_id=org.sales2.pk)
    services.step_transfer(acting_user=org.mgr, form_id=form.pk, user_id=org.hr1.pk)


def test_comments_notify_mentioned_people_who_can_see_the_form(chain, org):
    from notifications.models import Notification

    form = submitted(org)
    comment, unseeing = services.form_comment_add(
        acting_user=org.mgr,
        form_id=form.pk,
        body="请 @sales 补充材料，@outsider 知悉",
        mention_ids=[org.gm.pk],
    )
    assert set(comment.mentions.all()) == {org.sales, org.gm}
    assert unseeing == [org.outsider]
    assert Notification.objects.filter(recipient=org.sales).exists()
    assert not Notification.objects.filter(recipient=org.outsider).exists()
    with pytest.raises(InvalidInput):
        services.form_comment_add(acting_user=org.mgr, form_id=form.pk, body="  ")
    assert FormComment.objects.count() == 1
