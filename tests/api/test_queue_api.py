"""GET /api/v1/queue/: what waits on me, as myself or as a delegate (代签), oldest due first."""

import datetime

from django.utils import timezone

from approvals.models import FormStep, StepAssignee
from org.models import Delegation

from .test_forms_api import submitted

URL = "/api/v1/queue/"


def test_given_a_submitted_form_then_it_waits_on_the_first_approver_only(chain, eorg, client_for):
    form = submitted(client_for, eorg)
    queue = client_for(eorg.mgr).get(URL).json()
    assert queue["count"] == 1
    [item] = queue["results"]
    assert item["form"]["id"] == form["id"]
    assert item["step"] == 1 and item["step_name"] == "部门经理审核"
    assert item["due_at"] and item["overdue"] is False
    assert item["delegated"] is False and item["on_behalf_of"] is None
    assert client_for(eorg.hr1).get(URL).json()["count"] == 0
    assert client_for(eorg.sales).get(URL).json()["count"] == 0


def test_a_delegate_sees_the_principals_item_marked_as_代签(chain, eorg, client_for):
    today = datetime.date.today()
    Delegation.objects.create(
        principal=eorg.mgr, delegate=eorg.hr2, start_date=today, end_date=today
    )
    submitted(client_for, eorg)
    [item] = client_for(eorg.hr2).get(URL).json()["results"]
    assert item["delegated"] is True
    assert item["on_behalf_of"]["username"] == "mgr"


def test_overdue_items_come_first_and_are_flagged(chain, eorg, client_for):
    first = submitted(client_for, eorg)
    second = submitted(client_for, eorg)
    late = timezone.now() - datetime.timedelta(days=1)
    FormStep.objects.filter(form_id=second["id"]).update(due_at=late)
    StepAssignee.objects.filter(step__form_id=second["id"]).update(due_at=late)  # its copy
    results = client_for(eorg.mgr).get(URL).json()["results"]
    assert [r["form"]["id"] for r in results] == [second["id"], first["id"]]
    assert [r["overdue"] for r in results] == [True, False]


def test_a_decided_item_leaves_the_queue(chain, eorg, client_for):
    form = submitted(client_for, eorg)
    client_for(eorg.mgr).post(
        f"/api/v1/forms/{form['id']}/decide/", {"decision": "approve"}, format="json"
    )
    assert client_for(eorg.mgr).get(URL).json()["count"] == 0
    assert client_for(eorg.hr1).get(URL).json()["count"] == 1
