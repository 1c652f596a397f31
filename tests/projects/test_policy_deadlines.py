"""The policy's working-day deadlines are data (projects.PolicyDeadline, admin 制度时限): seeded with
the policy's values, read with at most one query, changed by admins with an audit row, and
refused when the number makes no sense."""

import importlib

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import AuditEvent, DomainEvent
from projects.models import DeadlineCode, PolicyDeadline
from projects.policy import DEADLINE_CHANGED, DEFAULTS, deadline_days, policy_deadlines

pytestmark = pytest.mark.django_db

SEEDED = {
    "commission_issue": (3, "§22"),
    "commission_approve": (2, "§22"),
    "final_accounts": (5, "§27"),
    "budget_change_notice": (1, "§18"),
}


@pytest.fixture(autouse=True)
def fresh_cache():
    """A test's changes roll back; the process cache must not keep them for the next test."""
    policy_deadlines.clear()
    yield
    policy_deadlines.clear()


@pytest.fixture
def admin_client_(org, client):
    client.force_login(org["admin"])
    return client


def _change(client, row, days, **extra):
    return client.post(
        reverse("admin:projects_policydeadline_change", args=[row.pk]),
        {
            "working_days": days,
            "clause": extra.get("clause", row.clause),
            "description": extra.get("description", row.description),
        },
    )


def _config_rows():
    return [
        e
        for e in AuditEvent.objects.filter(verb__startswith="config.")
        if e.payload["model"] == "projects.policydeadline"
    ]


def test_the_migration_seeds_the_policy_values(org):
    rows = {
        r.code: (r.working_days, r.clause)
        for r in PolicyDeadline.objects.all()  # every code has its row
    }
    assert rows == SEEDED
    assert {code: deadline_days(code) for code in DeadlineCode.values} == {
        code: days for code, (days, _clause) in SEEDED.items()
    }


def test_the_migration_seed_and_the_defaults_agree():
    migration = importlib.import_module("projects.migrations.0007_policy_deadlines")
    assert [(c, d, cl, desc) for c, d, cl, desc in migration.SEED] == [
        (r.code, r.working_days, r.clause, str(r.description)) for r in DEFAULTS
    ]


def test_the_days_are_read_once_and_a_save_is_seen_at_once(org):
    with CaptureQueriesContext(connection) as ctx:
        for _ in range(3):
            deadline_days(DeadlineCode.FINAL_ACCOUNTS)
            deadline_days(DeadlineCode.COMMISSION_ISSUE)
    assert len(ctx.captured_queries) == 1
    row = PolicyDeadline.objects.get(code="final_accounts")
    row.working_days = 7
    row.save()
    assert deadline_days(DeadlineCode.FINAL_ACCOUNTS) == 7


def test_an_empty_table_falls_back_to_the_policy(org):
    PolicyDeadline.objects.all().delete()
    assert {code: deadline_days(code) for code in DeadlineCode.values} == {
        code: days for code, (days, _clause) in SEEDED.items()
    }


def test_an_admin_change_is_audited_and_announced(admin_client_, org):
    row = PolicyDeadline.objects.get(code="final_accounts")
    # when the admin gives 财务部 7 working days instead of 5
    response = _change(admin_client_, row, "7")
    assert response.status_code == 302
    assert PolicyDeadline.objects.get(pk=row.pk).working_days == 7
    assert deadline_days(DeadlineCode.FINAL_ACCOUNTS) == 7
    # then the audit log names the admin, the row and the change
    (audit,) = _config_rows()
    assert audit.verb == "config.changed"
    assert audit.actor_id == org["admin"].pk
    assert audit.payload["pk"] == row.pk
    assert audit.payload["changes"]["working_days"] == [5, 7]
    # and the change is announced to whoever follows the deadlines (notifications.due)
    (event,) = DomainEvent.objects.filter(kind=DEADLINE_CHANGED)
    assert event.payload == {"code": "final_accounts", "old": 5, "new": 7}
    assert event.actor_id == org["admin"].pk


def test_changing_only_the_note_announces_nothing(admin_client_, org):
    row = PolicyDeadline.objects.get(code="commission_issue")
    response = _change(admin_client_, row, "3", description="合同审批通过即起算。")
    assert response.status_code == 302
    (audit,) = _config_rows()
    assert list(audit.payload["changes"]) == ["description"]
    assert not DomainEvent.objects.filter(kind=DEADLINE_CHANGED).exists()


@pytest.mark.parametrize(
    ("days", "message"),
    [
        ("0", "时限至少为 1 个工作日。"),
        ("-2", "时限至少为 1 个工作日。"),
        ("21", "时限不能超过 20 个工作日。"),
        ("3650", "时限不能超过 20 个工作日。"),
    ],
)
def test_a_senseless_number_is_refused(admin_client_, org, days, message):
    row = PolicyDeadline.objects.get(code="commission_approve")
    response = _change(admin_client_, row, days)
    assert response.status_code == 200  # the form again, with the error
    assert message in response.content.decode()
    assert PolicyDeadline.objects.get(pk=row.pk).working_days == 2
    assert _config_rows() == []
    assert not DomainEvent.objects.filter(kind=DEADLINE_CHANGED).exists()


def test_the_model_refuses_it_too(org):
    from django.core.exceptions import ValidationError

    row = PolicyDeadline.objects.get(code="commission_approve")
    row.working_days = 0
    with pytest.raises(ValidationError) as exc:
        row.full_clean()
    assert exc.value.message_dict["working_days"] == ["时限至少为 1 个工作日。"]


def test_rows_are_not_added_or_deleted_in_the_admin(admin_client_, org):
    row = PolicyDeadline.objects.get(code="commission_issue")
    assert admin_client_.get(reverse("admin:projects_policydeadline_add")).status_code == 403
    response = admin_client_.post(
        reverse("admin:projects_policydeadline_delete", args=[row.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert PolicyDeadline.objects.filter(pk=row.pk).exists()
    listing = admin_client_.get(reverse("admin:projects_policydeadline_changelist"))
    assert listing.status_code == 200
    assert "办理项目委托书" in listing.content.decode()


def test_saving_without_a_change_writes_nothing(admin_client_, org):
    row = PolicyDeadline.objects.get(code="commission_issue")
    assert _change(admin_client_, row, "3").status_code == 302
    assert _config_rows() == []
    assert not DomainEvent.objects.filter(kind=DEADLINE_CHANGED).exists()
