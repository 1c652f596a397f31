"""Every action against every form status: allowed ones change state, forbidden ones are a
conflict and change nothing."""

import pytest

from approvals import services
from approvals.models import Form, FormStatus, StepKind
from core.models import AuditEvent
from sipm.errors import Conflict

from .conftest import TEST_KIND, build_chain


@pytest.fixture
def one_step(test_kind, org):
    build_chain(
        steps=[
            dict(
                name="经理",
                role_label="经理",
                kind=StepKind.SINGLE,
                approvers="dept_manager:submitter",
            )
        ]
    )
    return org


def _in_status(org, status):
    form = services.form_create(acting_user=org.sales, kind=TEST_KIND, data={"days": 2})
    if status == FormStatus.DRAFT:
        return form
    form = services.form_submit(acting_user=org.sales, form_id=form.pk)
    decide = {
        FormStatus.APPROVED: ("approve", ""),
        FormStatus.REJECTED: ("reject", "不同意"),
        FormStatus.RETURNED: ("return", "请修改"),
    }
    if status in decide:
        decision, comment = decide[status]
        form = services.form_decide(
            acting_user=org.mgr, form_id=form.pk, decision=decision, comment=comment
        )
    elif status == FormStatus.WITHDRAWN:
        form = services.form_withdraw(acting_user=org.sales, form_id=form.pk)
    assert form.status == status
    return form


ACTIONS = {
    "update": lambda org, f: services.form_update(
        acting_user=org.sales, form_id=f.pk, data={"days": 3}
    ),
    "submit": lambda org, f: services.form_submit(acting_user=org.sales, form_id=f.pk),
    "decide": lambda org, f: services.form_decide(
        acting_user=org.gm if f.status != FormStatus.IN_REVIEW else org.mgr,
        form_id=f.pk,
        decision="approve",
    ),
    "withdraw": lambda org, f: services.form_withdraw(acting_user=org.sales, form_id=f.pk),
    "correct": lambda org, f: services.form_correct(acting_user=org.sales, form_id=f.pk),
}

ALLOWED = {
    FormStatus.DRAFT: {"update", "submit"},
    FormStatus.IN_REVIEW: {"decide", "withdraw"},
    FormStatus.RETURNED: {"update", "submit"},
    FormStatus.WITHDRAWN: {"update", "submit"},
    FormStatus.APPROVED: {"correct"},
    FormStatus.REJECTED: set(),
}

CASES = [(status, action) for status in ALLOWED for action in ACTIONS]


@pytest.mark.parametrize(("status", "action"), CASES, ids=[f"{s}-{a}" for s, a in CASES])
def test_action_against_status(one_step, status, action):
    org = one_step
    form = _in_status(org, status)
    before = Form.objects.get(pk=form.pk)
    events_before = AuditEvent.objects.count()
    if action in ALLOWED[status]:
        ACTIONS[action](org, form)
        assert AuditEvent.objects.count() > events_before
    else:
        with pytest.raises(Conflict):
            ACTIONS[action](org, form)
        after = Form.objects.get(pk=form.pk)
        assert (after.status, after.revision, after.data) == (
            before.status,
            before.revision,
            before.data,
        )
        assert AuditEvent.objects.count() == events_before
