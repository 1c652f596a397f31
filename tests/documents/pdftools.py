"""Reading PDFs back in tests: text per page (poppler's pdftotext), fonts and images (pypdf)."""

import io
import re
import subprocess
from pathlib import Path

from django.conf import settings
from pypdf import PdfReader

ARTIFACTS = Path(settings.BASE_DIR) / "artifacts" / "pdf"


def pages_text(content: bytes) -> list[str]:
    """Each page's text with all whitespace removed (CJK extraction inserts spaces freely)."""
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"],
        input=content,
        capture_output=True,
        check=True,
    ).stdout.decode("utf-8")
    return [re.sub(r"\s+", "", page) for page in out.split("\f") if page.strip()]


def text(content: bytes) -> str:
    return "".join(pages_text(content))


def font_names(content: bytes) -> set[str]:
    names = set()
    for page in PdfReader(io.BytesIO(content)).pages:
        fonts = page["/Resources"].get_object().get("/Font", {})
        for ref in fonts.values():
            names.add(str(ref.get_object()["/BaseFont"]))
    return names


def image_objects(content: bytes) -> set:
    """The distinct image XObjects of the document (pages may share one resource dictionary)."""
    found = set()
    for page in PdfReader(io.BytesIO(content)).pages:
        xobjects = page["/Resources"].get_object().get("/XObject", {})
        for ref in xobjects.values():
            if ref.get_object().get("/Subtype") == "/Image":
                found.add(ref.idnum)
    return found


def page_count(content: bytes) -> int:
    return len(PdfReader(io.BytesIO(content)).pages)


def save_page_png(content: bytes, name: str, page=1) -> Path:
    """Page `page` as a PNG in artifacts/pdf/ (gitignored), for a person to look at."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pdf = ARTIFACTS / f"{name}.pdf"
    pdf.write_bytes(content)
    prefix = ARTIFACTS / name
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "80",
            "-f",
            str(page),
            "-l",
            str(page),
            "-singlefile",
            str(pdf),
            str(prefix),
        ],
        check=True,
    )
    return prefix.with_suffix(".png")


def html_rows(html: str) -> list[str]:
    """The text of each table row of the document's HTML, tags and whitespace removed: row
    structure (which value sits next to which label) is exact here, unlike in extracted text."""
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", html, flags=re.S)
    return [re.sub(r"\s+", "", re.sub(r"<[^>]+>", "", row)) for row in rows]
