"""The append-only, hash-chained audit log, written as a few parallel chains (shards).

A single chain needs one lock per append, which serialises every write of the whole system. So
the log is `SIPM_AUDIT_SHARDS` chains: each has its head row (AuditHead pk = shard + 1) and its
own sequence, and an append locks whichever head no other transaction holds (PostgreSQL
`FOR UPDATE SKIP LOCKED`). Every row is still linked to the row before it in its shard by
`prev_hash`, so altering, inserting or removing a row breaks its shard's chain, and each head
records its shard's last row, so removing rows at the end is found too. On SQLite (one writer at
a time anyway) everything goes to shard 0. Rows of shard 0 hash exactly as the single chain did,
so a log written before the shards verifies unchanged. Events are shown in id order.

Callers append inside the transaction of the change they record, after taking their own locks.
"""

import json
import random
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from .hashing import canonical_json, sha256_hex
from .models import AuditEvent, AuditHead

GENESIS = "0" * 64


def shard_count() -> int:
    if not connection.features.has_select_for_update_skip_locked:
        return 1
    return max(1, int(getattr(settings, "SIPM_AUDIT_SHARDS", 16)))


def _row_hash(
    *,
    seq,
    created_at,
    verb,
    actor_id,
    on_behalf_of_id,
    form_id,
    project_id,
    payload,
    prev_hash,
    shard=0,
):
    body = {
        "seq": seq,
        "at": created_at.isoformat(),
        "verb": verb,
        "actor": actor_id,
        "on_behalf_of": on_behalf_of_id,
        "form": form_id,
        "project": project_id,
        "payload": payload,
        "prev": prev_hash,
    }
    if shard:
        body["shard"] = shard
    return sha256_hex(canonical_json(body))


def _lock_head():
    """Lock a free shard head (creating heads on first use)."""
    n = shard_count()
    if n > 1:
        head = (
            AuditHead.objects.select_for_update(skip_locked=True)
            .filter(pk__lte=n)
            .order_by("?")
            .first()
        )
        if head is not None:
            return head
        # Every existing head is busy (or none exists yet): add missing heads, then wait for one.
        AuditHead.objects.bulk_create(
            [AuditHead(pk=i) for i in range(1, n + 1)], ignore_conflicts=True
        )
    head, _ = AuditHead.objects.select_for_update().get_or_create(pk=random.randint(1, n))
    return head


def audit_append(*, verb, actor=None, on_behalf_of=None, form=None, project=None, payload=None):
    return audit_append_many(
        [
            {
                "verb": verb,
                "actor": actor,
                "on_behalf_of": on_behalf_of,
                "form": form,
                "project": project,
                "payload": payload,
            }
        ]
    )[0]


def audit_append_many(rows: list[dict]) -> list[AuditEvent]:
    """Append several rows (each: verb, and optionally actor, on_behalf_of, form, project,
    payload) to one shard's chain, in order, in a fixed number of queries: one head locked,
    one insert, one head update."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_append must run inside the transaction of the change it records")
    if not rows:
        return []
    head = _lock_head()
    now = timezone.now()
    events = []
    for row in rows:
        # Round-trip the payload through JSON so the hash covers exactly what is stored.
        fields = {
            "shard": head.pk - 1,
            "seq": head.seq + 1,
            "created_at": now,
            "verb": row["verb"],
            "actor_id": _pk(row.get("actor")),
            "on_behalf_of_id": _pk(row.get("on_behalf_of")),
            "form_id": _pk(row.get("form")),
            "project_id": _pk(row.get("project")),
            "payload": json.loads(canonical_json(row.get("payload") or {})),
            "prev_hash": head.hash,
        }
        row_hash = _row_hash(**fields)
        events.append(AuditEvent(hash=row_hash, **fields))
        head.seq, head.hash = fields["seq"], row_hash
    AuditEvent.objects.bulk_create(events)
    head.save(update_fields=["seq", "hash"])
    return events


def _pk(value):
    return getattr(value, "pk", value)


class AuditBulk:
    """Hashes rows for a bulk load into shard 0 (the scale seed); `close()` moves the head.
    Use inside one transaction; rows must be written in the order they were made."""

    COLUMNS = (
        "id",
        "shard",
        "seq",
        "created_at",
        "verb",
        "actor_id",
        "on_behalf_of_id",
        "form_id",
        "project_id",
        "payload",
        "prev_hash",
        "hash",
    )

    def __init__(self):
        self.head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
        self.seq, self.hash = self.head.seq, self.head.hash

    def row(self, *, created_at, verb, actor_id=None, form_id=None, project_id=None, payload):
        """The values of one row (without id): (shard, seq, …, payload dict, prev, hash)."""
        self.seq += 1
        fields = {
            "seq": self.seq,
            "created_at": created_at,
            "verb": verb,
            "actor_id": actor_id,
            "on_behalf_of_id": None,
            "form_id": form_id,
            "project_id": project_id,
            "payload": payload,
            "prev_hash": self.hash,
        }
        row_hash = _row_hash(**fields)
        prev, self.hash = self.hash, row_hash
        return (
            0,
            self.seq,
            created_at,
            verb,
            actor_id,
            None,
            form_id,
            project_id,
            payload,
            prev,
            row_hash,
        )

    def close(self):
        self.head.seq, self.head.hash = self.seq, self.hash
        self.head.save(update_fields=["seq", "hash"])


@dataclass
class AuditProblem:
    seq: int
    problem: str
    shard: int = 0

    def __str__(self):
        where = f"#{self.seq}" if not self.shard else f"#{self.shard}:{self.seq}"
        return f"{where}: {self.problem}"


def _verify_shard(shard, head, batch_size) -> AuditProblem | None:
    prev_hash = GENESIS
    expected_seq = 1
    last_seq = 0
    qs = (
        AuditEvent.objects.filter(shard=shard)
        .order_by("seq")
        .values(*AuditBulk.COLUMNS[2:])  # the hashed columns and the row's own hash
    )

    def problem(seq, text):
        return AuditProblem(seq, text, shard)

    for row in qs.iterator(chunk_size=batch_size):
        seq = row["seq"]
        if seq != expected_seq:
            if seq > expected_seq:
                return problem(expected_seq, f"row missing (removed): the chain jumps to #{seq}")
            return problem(seq, "duplicate sequence number (inserted)")
        if row["prev_hash"] != prev_hash:
            return problem(
                seq, "previous-hash link broken (a row was inserted or removed before it)"
            )
        fields: dict[str, Any] = dict(row)
        stored = fields.pop("hash")
        if _row_hash(shard=shard, **fields) != stored:
            return problem(seq, "content altered: the hash does not match")
        prev_hash = stored
        expected_seq = seq + 1
        last_seq = seq
    if head is not None and head.seq != last_seq:
        if head.seq > last_seq:
            return problem(last_seq + 1, "row missing (removed) at the end of the log")
        return problem(head.seq + 1, "rows beyond the recorded head (inserted)")
    if head is not None and head.hash != prev_hash:
        return problem(last_seq, "the last row differs from the recorded head")
    return None


def audit_verify(batch_size=5000) -> AuditProblem | None:
    """Walk every shard's chain; return the first row altered, inserted or removed, or None."""
    heads = {h.pk - 1: h for h in AuditHead.objects.all()}
    shards = set(heads) | set(AuditEvent.objects.values_list("shard", flat=True).distinct())
    for shard in sorted(shards):
        found = _verify_shard(shard, heads.get(shard), batch_size)
        if found is not None:
            return found
    return None
