"""A to-do notice leaves the unread count once its step no longer waits on the person: decided,
decided by another holder, withdrawn, handed over (转交)."""

from approvals import services
from notifications.models import Notification

from .test_seats import submitted


def unread_todo(user):
    return Notification.objects.filter(
        recipient=user, read_at__isnull=True, title__startswith="【待审批】"
    ).count()


def test_deciding_closes_my_to_do_and_the_next_approver_gets_one(chain, org):
    form = submitted(org)
    assert unread_todo(org.mgr) == 1
    services.form_decide(acting_user=org.mgr, form_id=form.pk, decision="approve")
    assert unread_todo(org.mgr) == 0
    assert unread_todo(org.hr1) == 1


def test_withdrawing_closes_the_open_to_do(chain, org):
    form = submitted(org)
    services.form_withdraw(acting_user=org.sales, form_id=form.pk)
    assert unread_todo(org.mgr) == 0


def test_handing_over_closes_mine_and_opens_theirs(chain, org):
    form = submitted(org)
    services.step_transfer(acting_user=org.mgr, form_id=form.pk, user_id=org.sales2.pk)
    assert unread_todo(org.mgr) == 0
    assert unread_todo(org.sales2) == 1
    services.form_decide(acting_user=org.sales2, form_id=form.pk, decision="approve")
    assert unread_todo(org.sales2) == 0


def test_other_notices_stay_unread(chain, org):
    form = submitted(org)
    services.form_decide(acting_user=org.mgr, form_id=form.pk, decision="return", comment="补材料")
    returned = Notification.objects.get(recipient=org.sales, title__startswith="【已退回】")
    assert returned.read_at is None
