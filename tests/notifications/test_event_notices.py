"""Notices written with the engine's events: in the inbox in the same transaction as the change,
e-mails and robots through the outbox, once per (event, recipient, channel)."""

from datetime import date, timedelta

import pytest
from django.test import TestCase
from rest_framework.test import APIClient

from approvals import services as engine
from core.models import AuditEvent, DomainEvent
from notifications import digest, nudges
from notifications.models import Notification, OutboundMessage, ReminderLog
from notifications.preferences import preference_set
from notifications.services import DELIVER, deliver_event_notices
from org.models import Delegation

from .conftest import at

pytestmark = pytest.mark.django_db

MONDAY = at(2026, 11, 16, 10)


def titles(user):
    return list(
        Notification.objects.filter(recipient=user).order_by("id").values_list("title", flat=True)
    )


def test_the_approver_is_told_at_once_with_the_deadline_in_working_days(org, submit_form):
    # when a form is submitted (no worker runs: nothing after commit is executed)
    form = submit_form(org, MONDAY)
    # then its approver has the to-do in the inbox, with the working-day limit and the due time
    note = Notification.objects.get(recipient=org["pmo"])
    assert note.title == f"【待审批】{form.number}《测试审批单》"
    assert "2 个工作日" in note.body and "2026-11-18 18:00" in note.body
    assert note.url == f"/forms/{form.pk}/"
    # and the event is on the stream with the people it waits on
    event = DomainEvent.objects.get(kind="step.activated")
    assert event.payload["assignees"] == [org["pmo"].pk]
    assert titles(org["sales"]) == []


def test_the_submitter_hears_approved_returned_and_rejected_with_the_opinion(org, submit_form):
    form = submit_form(org, MONDAY)
    engine.form_decide(
        acting_user=org["pmo"], form_id=form.pk, decision="return", comment="请补充附件"
    )
    returned = Notification.objects.get(recipient=org["sales"])
    assert returned.title.startswith("【已退回】")
    assert "请补充附件" in returned.body and "冯项管" in returned.body
    form = engine.form_submit(acting_user=org["sales"], form_id=form.pk)
    engine.form_decide(acting_user=org["pmo"], form_id=form.pk, decision="reject", comment="不符合")
    assert titles(org["sales"])[-1].startswith("【已驳回】")
    # a second round of the same kind: approval
    other = submit_form(org, MONDAY + timedelta(hours=1))
    engine.form_decide(acting_user=org["pmo"], form_id=other.pk, decision="approve")
    assert titles(org["sales"])[-1] == f"【已批准】{other.number}《测试审批单》"
    # the approver got one to-do per activation
    assert [t[:5] for t in titles(org["pmo"])] == ["【待审批】"] * 3


def test_a_decision_made_on_your_behalf_is_told_to_you(org, submit_form, freeze):
    Delegation.objects.create(
        principal=org["pmo"],
        delegate=org["pmo_mgr"],
        start_date=date(2026, 11, 1),
        end_date=date(2026, 11, 30),
    )
    form = submit_form(org, MONDAY)
    # the delegate is told of the to-do too
    assert titles(org["pmo_mgr"]) == [f"【待审批】{form.number}《测试审批单》"]
    engine.form_decide(
        acting_user=org["pmo_mgr"], form_id=form.pk, decision="approve", comment="同意"
    )
    note = Notification.objects.filter(recipient=org["pmo"], title__startswith="【代签】").get()
    assert "褚项目部 代您审批" in note.body and "同意" in note.body


def test_mail_goes_through_the_outbox_once_per_recipient(org, submit_form, mailoutbox):
    with TestCase.captureOnCommitCallbacks(execute=True):
        form = submit_form(org, MONDAY)
    assert [m.to for m in mailoutbox] == [["pmo@example.com"]]
    assert f"/forms/{form.pk}/" in mailoutbox[0].body
    row = OutboundMessage.objects.get()
    assert row.sent_at is not None and row.recipient == f"user:{org['pmo'].pk}"
    # a redelivered outbox task sends nothing again
    deliver_event_notices(row.event)
    assert len(mailoutbox) == 1
    assert (
        DomainEvent.objects.get(pk=row.event_id).deliveries.get(subscriber=DELIVER).state == "done"
    )


def test_preferences_turn_mail_off_or_into_one_daily_digest(org, submit_form, mailoutbox, freeze):
    preference_set(acting_user=org["pmo"], email=["result"], robot=[], daily_digest=False)
    with TestCase.captureOnCommitCallbacks(execute=True):
        submit_form(org, MONDAY)
    assert mailoutbox == [] and not OutboundMessage.objects.exists()
    assert len(titles(org["pmo"])) == 1  # in-app always
    preference_set(acting_user=org["pmo"], email=["todo"], robot=[], daily_digest=True)
    with TestCase.captureOnCommitCallbacks(execute=True):
        submit_form(org, MONDAY + timedelta(hours=1))
    assert mailoutbox == []
    # the digest at 18:30 sends one mail of the day's notices, once
    assert digest.digests_send(now=at(2026, 11, 16, 18, 30)) == 1
    assert digest.digests_send(now=at(2026, 11, 16, 18, 31)) == 0
    assert len(mailoutbox) == 1 and "（2 条）" in mailoutbox[0].subject
    assert mailoutbox[0].to == ["pmo@example.com"]


def test_remind_once_per_step_per_working_day(org, submit_form, freeze):
    form = submit_form(org, MONDAY)
    client = APIClient()
    client.force_authenticate(org["sales"])
    url = f"/api/v1/forms/{form.pk}/remind/"
    freeze(MONDAY + timedelta(hours=2))
    response = client.post(url)
    assert response.status_code == 200, response.json()
    assert response.json()["recipients"] == ["冯项管"]
    assert titles(org["pmo"])[-1] == f"【催办】{form.number}《测试审批单》"
    # a second nudge the same working day is refused, and nothing is added
    again = client.post(url)
    assert again.status_code == 409 and again.json()["code"] == "already_reminded"
    assert ReminderLog.objects.filter(kind="nudge").count() == 1
    # it is in the form's history
    assert AuditEvent.objects.filter(form_id=form.pk, verb="form.reminded").count() == 1
    # only the submitter may nudge
    other = APIClient()
    other.force_authenticate(org["pmo_mgr"])
    assert other.post(url).status_code in (403, 404)
    # the next working day it may be nudged again
    freeze(at(2026, 11, 17, 9))
    assert client.post(url).status_code == 200
    assert nudges.nudge_state(form)[1] is True


def test_inbox_api_lists_filters_counts_and_marks_read(org, submit_form):
    for hour in range(3):
        submit_form(org, MONDAY + timedelta(hours=hour))
    client = APIClient()
    client.force_authenticate(org["pmo"])
    body = client.get("/api/v1/notifications/?page_size=2").json()
    assert body["count"] == 3 and body["unread_count"] == 3 and len(body["results"]) == 2
    first = body["results"][0]["id"]
    read = client.post(f"/api/v1/notifications/{first}/read/").json()
    assert read["is_read"] is True
    body = client.get("/api/v1/notifications/?unread=true").json()
    assert body["count"] == 2 and body["unread_count"] == 2
    assert client.post("/api/v1/notifications/read-all/").json() == {"marked": 2, "unread_count": 0}
    # someone else's notification is not found
    stranger = APIClient()
    stranger.force_authenticate(org["sales"])
    assert stranger.post(f"/api/v1/notifications/{first}/read/").status_code == 404


def test_preferences_api_validates(org):
    client = APIClient()
    client.force_authenticate(org["pmo"])
    assert client.get("/api/v1/notifications/preferences/").json()["daily_digest"] is False
    bad = client.put(
        "/api/v1/notifications/preferences/",
        {"email": ["nope"], "robot": [], "daily_digest": True},
        format="json",
    )
    assert bad.status_code == 400
    ok = client.put(
        "/api/v1/notifications/preferences/",
        {"email": ["todo", "nudge"], "robot": ["todo"], "daily_digest": True},
        format="json",
    )
    assert ok.json() == {"email": ["todo", "nudge"], "robot": ["todo"], "daily_digest": True}
