"""The append-only, hash-chained audit log.

Every append locks the single AuditHead row, so events get one total order and each row's
`prev_hash` is the hash of the row before it. Callers append inside the transaction of the change
they record, after taking their own locks (the head is always locked last, so no deadlock).
"""

import json
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from .hashing import canonical_json, sha256_hex
from .models import AuditEvent, AuditHead

GENESIS = "0" * 64


def _row_hash(
    *, seq, created_at, verb, actor_id, on_behalf_of_id, form_id, project_id, payload, prev_hash
):
    body = canonical_json(
        {
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
    )
    return sha256_hex(body)


def audit_append(*, verb, actor=None, on_behalf_of=None, form=None, project=None, payload=None):
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_append must run inside the transaction of the change it records")
    head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
    # Round-trip the payload through JSON so the hash covers exactly what is stored.
    payload = json.loads(canonical_json(payload or {}))
    now = timezone.now()
    seq = head.seq + 1
    fields = {
        "seq": seq,
        "created_at": now,
        "verb": verb,
        "actor_id": getattr(actor, "pk", actor),
        "on_behalf_of_id": getattr(on_behalf_of, "pk", on_behalf_of),
        "form_id": getattr(form, "pk", form),
        "project_id": getattr(project, "pk", project),
        "payload": payload,
        "prev_hash": head.hash,
    }
    row_hash = _row_hash(**fields)
    event = AuditEvent.objects.create(hash=row_hash, **fields)
    head.seq = seq
    head.hash = row_hash
    head.save(update_fields=["seq", "hash"])
    return event


@dataclass
class AuditProblem:
    seq: int
    problem: str

    def __str__(self):
        return f"#{self.seq}: {self.problem}"


def audit_verify(batch_size=5000) -> AuditProblem | None:
    """Walk the chain; return the first row that was altered, inserted or removed, or None."""
    prev_hash = GENESIS
    expected_seq = 1
    last_seq = 0
    qs = AuditEvent.objects.order_by("seq").values(
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
    for row in qs.iterator(chunk_size=batch_size):
        seq = row["seq"]
        if seq != expected_seq:
            if seq > expected_seq:
                return AuditProblem(
                    expected_seq, f"row missing (removed): the chain jumps to #{seq}"
                )
            return AuditProblem(seq, "duplicate sequence number (inserted)")
        if row["prev_hash"] != prev_hash:
            return AuditProblem(
                seq, "previous-hash link broken (a row was inserted or removed before it)"
            )
        fields: dict[str, Any] = dict(row)
        stored = fields.pop("hash")
        if _row_hash(**fields) != stored:
            return AuditProblem(seq, "content altered: the hash does not match")
        prev_hash = stored
        expected_seq = seq + 1
        last_seq = seq
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None and head.seq != last_seq:
        if head.seq > last_seq:
            return AuditProblem(last_seq + 1, "row missing (removed) at the end of the log")
        return AuditProblem(head.seq + 1, "rows beyond the recorded head (inserted)")
    if head is not None and head.hash != prev_hash:
        return AuditProblem(last_seq, "the last row differs from the recorded head")
    return None
