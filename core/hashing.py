"""Canonical JSON and SHA-256, the basis of every hash that SIPM stores."""

import hashlib
import json
from datetime import date, datetime
from decimal import Decimal


def _default(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"not JSON-serialisable: {type(value).__name__}")


def canonical_json(value) -> str:
    return json.dumps(
        value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_default
    )


def sha256_hex(text: str | bytes) -> str:
    if isinstance(text, str):
        text = text.encode("utf-8")
    return hashlib.sha256(text).hexdigest()


def data_hash(data) -> str:
    return sha256_hex(canonical_json(data))
