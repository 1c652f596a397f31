"""Outbound channels: e-mail through Django's mail backend, and department group robots
(DingTalk, Feishu, WeCom, or any endpoint that accepts JSON) through an HTTP POST."""

import json
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import get_connection, send_mail

from core.links import site_url

WEBHOOK_TIMEOUT_SECONDS = 5


class WebhookError(Exception):
    pass


def absolute_url(url: str) -> str:
    """Links in e-mail and group messages need the site's address (setting SIPM_SITE_URL)."""
    return site_url(url) if url else url


def message_text(title: str, body: str, url: str) -> str:
    prefix = getattr(settings, "SIPM_WEBHOOK_PREFIX", "【SIPM】")
    lines = [f"{prefix}{title}"]
    if body:
        lines.append(body)
    link = absolute_url(url)
    if link:
        lines.append(link)
    return "\n".join(lines)


def webhook_flavour(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    if "oapi.dingtalk.com" in host:
        return "dingtalk"
    if "open.feishu.cn" in host or "open.larksuite.com" in host:
        return "feishu"
    if "qyapi.weixin.qq.com" in host:
        return "wecom"
    return "generic"


def webhook_payload(url: str, *, title: str, body: str = "", link: str = "") -> dict:
    """The JSON body each group robot expects for a plain-text message."""
    text = message_text(title, body, link)
    flavour = webhook_flavour(url)
    if flavour in ("dingtalk", "wecom"):
        return {"msgtype": "text", "text": {"content": text}}
    if flavour == "feishu":
        return {"msg_type": "text", "content": {"text": text}}
    return {"title": title, "text": text, "url": absolute_url(link)}


def webhook_post(url: str, payload: dict, *, timeout: float = WEBHOOK_TIMEOUT_SECONDS) -> None:
    """POST the payload; raise WebhookError on a network error, a non-2xx answer, or a robot
    that answers 200 with an error code in its JSON (all three vendors do that)."""
    data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(
        url, data=data, method="POST", headers={"Content-Type": "application/json; charset=utf-8"}
    )
    # A fresh opener per call reads the proxy settings (http_proxy / https_proxy) each time.
    opener = urllib.request.build_opener()
    try:
        with opener.open(request, timeout=timeout) as response:
            raw = response.read(64 * 1024)
    except urllib.error.HTTPError as exc:
        raise WebhookError(f"HTTP {exc.code} from {urlsplit(url).hostname}") from exc
    except (urllib.error.URLError, OSError) as exc:
        raise WebhookError(f"{urlsplit(url).hostname}: {exc}") from exc
    try:
        answer = json.loads(raw.decode("utf-8") or "{}")
    except (UnicodeDecodeError, ValueError):
        return  # a generic endpoint may answer with anything; 2xx is success
    if isinstance(answer, dict):
        code = answer.get("errcode", answer.get("code", answer.get("StatusCode", 0)))
        if code not in (0, None, "0"):
            message = answer.get("errmsg") or answer.get("msg") or answer.get("StatusMessage")
            raise WebhookError(f"{urlsplit(url).hostname}: {code} {message}")


def email_send(recipients, *, title: str, body: str, url: str) -> list[str]:
    """Mail each recipient that has an address (one connection); returns the addresses mailed."""
    addresses = sorted({u.email for u in recipients if u.email})
    if not addresses:
        return []
    text = "\n\n".join(part for part in (body, absolute_url(url)) if part)
    connection = get_connection()
    with connection:
        for address in addresses:
            send_mail(
                title,
                text,
                settings.DEFAULT_FROM_EMAIL,
                [address],
                connection=connection,
            )
    return addresses


def email_send_one(address: str, *, title: str, body: str, url: str) -> None:
    """One e-mail to one address (the outbox marks each one sent on its own)."""
    text = "\n\n".join(part for part in (body, absolute_url(url)) if part)
    send_mail(title, text, settings.DEFAULT_FROM_EMAIL, [address])
