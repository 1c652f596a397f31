"""HTML → PDF with WeasyPrint, byte-for-byte reproducible for the same form.

Reproducible because: the creation/modification dates come from the form (approval time), the
PDF /ID is derived from the form number and data hash, WeasyPrint names font subsets from a hash
of their content, and nothing else in the document depends on the clock or on randomness.
"""

import hashlib
from functools import lru_cache

from django.conf import settings
from django.template.loader import get_template, render_to_string
from django.utils import translation
from weasyprint import CSS, HTML, URLFetcher

from .context import build_context

TEMPLATE = "pdf/form.html"
STYLESHEET = "pdf/form.css"


class _DataOnlyFetcher(URLFetcher):
    """Everything the document shows is embedded as data: URIs; nothing is fetched from the
    network or the file system, whatever a form's text contains."""

    def __init__(self):
        super().__init__(allowed_protocols={"data"}, allow_redirects=False)


@lru_cache(maxsize=1)
def _stylesheet() -> CSS:
    """The form stylesheet, parsed once per process (it has no per-document parts)."""
    return CSS(string=get_template(STYLESHEET).render({}), url_fetcher=_DataOnlyFetcher())


def render_html(form) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string(TEMPLATE, build_context(form))


def render_pdf(form) -> bytes:
    html = render_html(form)
    identifier = hashlib.md5(  # noqa: S324 — a file identifier, not a security hash
        f"{form.number}:{form.version}:{form.status}".encode(), usedforsecurity=False
    ).hexdigest()
    return HTML(string=html, url_fetcher=_DataOnlyFetcher(), base_url=None).write_pdf(
        stylesheets=[_stylesheet()],
        pdf_identifier=identifier.encode("ascii"),
        pdf_version="1.7",
    )


def sha256_bytes(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()
