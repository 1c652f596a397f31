"""Reads for the public verification page: is a document with this SHA-256 on record?"""

import re
from zoneinfo import ZoneInfo

from django.db.models import Q

from approvals.models import Form

SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
BUSINESS_TZ = ZoneInfo("Asia/Shanghai")


def normalize_digest(raw) -> str | None:
    """A SHA-256 in lower-case hex, or None when the text is not one."""
    digest = str(raw or "").strip().lower()
    return digest if SHA256_RE.match(digest) else None


def documents_on_record(digest: str) -> list[dict]:
    """Approved forms whose approved data hash, or whose issued PDF file, has this SHA-256.

    Only what the public may see: the form number, its title and the approval date."""
    digest = normalize_digest(digest)
    if digest is None:
        return []
    forms = (
        Form.objects.approved()
        .filter(
            Q(approved_data_hash=digest)
            | Q(rendered_document__sha256=digest)
            | Q(rendered_document__data_hash=digest)
        )
        .only("number", "kind", "closed_at", "approved_data_hash")
        .order_by("closed_at", "pk")
        .distinct()
    )
    return [
        {
            "number": f.number,
            "title": f.title,
            "approved_on": f.closed_at.astimezone(BUSINESS_TZ).date() if f.closed_at else None,
            "matched": "data" if f.approved_data_hash == digest else "file",
        }
        for f in forms
    ]
