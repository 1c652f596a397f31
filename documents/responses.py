"""The HTTP response that carries a form's PDF, shared by the web view and the API."""

from django.http import HttpResponse
from django.utils.encoding import escape_uri_path


def pdf_response(download, *, inline=False) -> HttpResponse:
    response = HttpResponse(download.content, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    ascii_name = download.filename.encode("ascii", "ignore").decode() or "form.pdf"
    response["Content-Disposition"] = (
        f'{disposition}; filename="{ascii_name}"; '
        f"filename*=UTF-8''{escape_uri_path(download.filename)}"
    )
    response["Content-Length"] = str(len(download.content))
    response["X-Document-SHA256"] = download.sha256
    response["X-Document-Final"] = "1" if download.final else "0"
    if download.final:
        response["ETag"] = f'"{download.sha256}"'
        response["Cache-Control"] = "private, max-age=3600"
    else:
        response["Cache-Control"] = "private, no-store"
    return response
