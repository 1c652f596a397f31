"""delegation_create / delegation_cancel: validation, permission, atomicity."""

import datetime
from unittest import mock

import pytest
from django.utils import timezone

from org.models import Delegation
from org.services import delegation_cancel, delegation_create
from sipm.errors import InvalidInput, Refused

pytestmark = pytest.mark.django_db


@pytest.fixture
def today():
    return timezone.localdate()


def create(org, today, **overrides):
    kwargs = {
        "acting_user": org["sales_dir"],
        "principal": org["sales_dir"],
        "delegate": org["gm"],
        "start_date": today,
        "end_date": today + datetime.timedelta(days=3),
    }
    kwargs.update(overrides)
    return delegation_create(**kwargs)


def test_user_delegates_for_themself(org, today):
    delegation = create(org, today, note="  出差  ")
    assert delegation.pk
    assert delegation.active
    assert delegation.note == "出差"
    assert Delegation.objects.active_on(today).filter(delegate=org["gm"]).count() == 1


def test_accepts_iso_strings(org, today):
    delegation = create(
        org, today, start_date=today.isoformat(), end_date=str(today + datetime.timedelta(days=1))
    )
    assert delegation.end_date == today + datetime.timedelta(days=1)


def test_someone_else_may_not_delegate_for_the_principal(org, today):
    with pytest.raises(Refused):
        create(org, today, acting_user=org["staff"])
    assert not Delegation.objects.exists()


def test_superuser_may_delegate_for_anyone(org, today):
    delegation = create(org, today, acting_user=org["admin"])
    assert delegation.principal == org["sales_dir"]


@pytest.mark.parametrize(
    ("overrides", "field", "message_part"),
    [
        ({"delegate": None}, "delegate", "代理人"),
        ({"start_date": None}, "start_date", "开始日期"),
        ({"end_date": ""}, "end_date", "结束日期"),
        ({"start_date": "2025-13-40"}, "start_date", "开始日期"),
        ({"end_date": "yesterday"}, "end_date", "结束日期"),
    ],
)
def test_missing_or_malformed_fields(org, today, overrides, field, message_part):
    with pytest.raises(InvalidInput) as exc:
        create(org, today, **overrides)
    assert field in exc.value.fields
    assert message_part in exc.value.message


def test_delegate_may_not_be_the_principal(org, today):
    with pytest.raises(InvalidInput) as exc:
        create(org, today, delegate=org["sales_dir"])
    assert "delegate" in exc.value.fields
    assert "本人" in exc.value.message


def test_inactive_delegate_is_refused(org, today):
    gm = org["gm"]
    gm.is_active = False
    gm.save()
    with pytest.raises(InvalidInput) as exc:
        create(org, today)
    assert "delegate" in exc.value.fields


def test_end_before_start_is_refused(org, today):
    with pytest.raises(InvalidInput) as exc:
        create(org, today, end_date=today - datetime.timedelta(days=1), start_date=today)
    assert "end_date" in exc.value.fields
    assert "结束日期不能早于开始日期" in exc.value.message


def test_delegation_wholly_in_the_past_is_refused(org, today):
    with pytest.raises(InvalidInput) as exc:
        create(
            org,
            today,
            start_date=today - datetime.timedelta(days=5),
            end_date=today - datetime.timedelta(days=1),
        )
    assert "end_date" in exc.value.fields


def test_overlapping_delegation_to_the_same_delegate_is_refused(org, today):
    create(org, today)
    with pytest.raises(InvalidInput) as exc:
        create(org, today, start_date=today + datetime.timedelta(days=2))
    assert "重叠" in exc.value.fields["start_date"]
    assert Delegation.objects.count() == 1


def test_too_long_note_is_refused(org, today):
    with pytest.raises(InvalidInput) as exc:
        create(org, today, note="长" * 201)
    assert "note" in exc.value.fields


def test_create_is_atomic(org, today):
    # given the audit write after the insert fails
    with (
        mock.patch("org.services._audit", side_effect=RuntimeError("boom")),
        pytest.raises(RuntimeError),
    ):
        create(org, today)
    # then the delegation row was rolled back too
    assert not Delegation.objects.exists()


def test_create_writes_an_audit_event(org, today):
    from core.models import AuditEvent

    delegation = create(org, today)
    event = AuditEvent.objects.get(verb="delegation.created")
    assert event.actor_id == org["sales_dir"].pk
    assert event.payload["delegation"] == delegation.pk


def test_principal_cancels(org, today):
    delegation = create(org, today)
    delegation_cancel(acting_user=org["sales_dir"], delegation=delegation)
    delegation.refresh_from_db()
    assert not delegation.active
    assert not Delegation.objects.active_on(today).exists()


def test_cancel_twice_changes_nothing(org, today):
    delegation = create(org, today)
    delegation_cancel(acting_user=org["sales_dir"], delegation=delegation)
    again = delegation_cancel(acting_user=org["admin"], delegation=delegation)
    assert not again.active


def test_others_may_not_cancel(org, today):
    delegation = create(org, today)
    with pytest.raises(Refused):
        delegation_cancel(acting_user=org["gm"], delegation=delegation)
    delegation.refresh_from_db()
    assert delegation.active


def test_cancelled_delegation_does_not_block_a_new_one(org, today):
    delegation = create(org, today)
    delegation_cancel(acting_user=org["admin"], delegation=delegation)
    assert create(org, today).pk != delegation.pk
