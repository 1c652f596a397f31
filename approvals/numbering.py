"""Readable numbers (SI-2026-0001) from locked counters: unique under concurrency, never reused."""

from django.db import transaction
from django.utils import timezone

from .models import Sequence


def next_number(prefix: str, *, year: int | None = None, width: int = 4) -> str:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_number must run inside a transaction")
    year = year or timezone.localdate().year
    key = f"{prefix}-{year}"
    Sequence.objects.get_or_create(key=key)
    seq = Sequence.objects.select_for_update().get(key=key)
    seq.value += 1
    seq.save(update_fields=["value"])
    return f"{prefix}-{year}-{seq.value:0{width}d}"
