"""The hash-chained audit log: every change is logged; tampering is found; PostgreSQL refuses it."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.utils import DatabaseError

from core.audit import audit_append, audit_verify
from core.models import AuditEvent

from .test_services import approve, submitted


@pytest.fixture
def logged(chain, org):
    form = submitted(org)
    approve(org.mgr, form, comment="ok")
    return form


def _raw(sql, params=()):
    with connection.cursor() as cur:
        cur.execute(sql, params)


def test_every_change_is_chained_and_verifies(logged, capsys):
    verbs = list(AuditEvent.objects.order_by("id").values_list("verb", flat=True))
    assert verbs[:3] == ["form.created", "form.submitted", "form.decision.approve"]
    # Each shard is its own chain (one shard on SQLite, several on PostgreSQL).
    shards = set(AuditEvent.objects.values_list("shard", flat=True))
    for shard in shards:
        rows = list(AuditEvent.objects.filter(shard=shard).order_by("seq"))
        assert rows[0].seq == 1 and rows[0].prev_hash == "0" * 64
        for prev, row in zip(rows, rows[1:], strict=False):
            assert row.prev_hash == prev.hash and row.seq == prev.seq + 1
    assert audit_verify() is None
    call_command("verify_audit")
    assert "intact" in capsys.readouterr().out


def test_append_outside_a_transaction_is_refused(transactional_db):
    with pytest.raises(RuntimeError):
        audit_append(verb="x")


@pytest.mark.skipif("connection.vendor == 'postgresql'")
class TestTamperingFoundOnSqlite:
    """SQLite has no trigger, so tampering is possible there; verify_audit must find it."""

    def test_altered_row(self, logged):
        _raw("UPDATE approvals_auditevent SET payload = %s WHERE seq = 2", ['{"x": 1}'])
        problem = audit_verify()
        assert problem.seq == 2 and "altered" in problem.problem
        with pytest.raises(CommandError, match="#2"):
            call_command("verify_audit")

    def test_removed_row(self, logged):
        _raw("DELETE FROM approvals_auditevent WHERE seq = 2")
        problem = audit_verify()
        assert problem.seq == 2 and "removed" in problem.problem

    def test_removed_last_row(self, logged):
        last = AuditEvent.objects.order_by("-seq").first().seq
        _raw("DELETE FROM approvals_auditevent WHERE seq = %s", [last])
        assert audit_verify().seq == last

    def test_inserted_row(self, logged):
        row = AuditEvent.objects.get(seq=2)
        _raw("UPDATE approvals_auditevent SET seq = seq + 1000000 WHERE seq >= 2")
        _raw("UPDATE approvals_auditevent SET seq = seq - 999999 WHERE seq > 1000000")
        with transaction.atomic():
            AuditEvent.objects.create(
                seq=2,
                created_at=row.created_at,
                verb="form.forged",
                payload={},
                prev_hash=row.prev_hash,
                hash=row.hash,
            )
        problem = audit_verify()
        assert problem is not None and problem.seq in (2, 3)


@pytest.mark.postgres
class TestTriggerOnPostgres:
    def test_update_and_delete_are_refused(self, logged):
        if connection.vendor != "postgresql":
            pytest.skip("needs PostgreSQL")
        for sql in (
            "UPDATE approvals_auditevent SET verb = 'x' WHERE seq = 1",
            "DELETE FROM approvals_auditevent WHERE seq = 1",
        ):
            with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
                _raw(sql)
        assert audit_verify() is None
