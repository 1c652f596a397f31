"""Absolute links for what leaves the browser (e-mails, robot posts, the PDF's QR code)."""

from django.conf import settings


def site_url(path: str = "") -> str:
    """`path` on the configured site (SIPM_SITE_URL; ./sipm.sh start sets it from its port)."""
    if path and "://" in path:
        return path
    base = (getattr(settings, "SIPM_SITE_URL", "") or "").rstrip("/")
    return f"{base}{path}" if base else path
