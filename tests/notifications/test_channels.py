"""Group robots and e-mail, against a local HTTP server only (127.0.0.1, in a thread).

To reach the vendors' host names without the internet, the local server also acts as the HTTP
proxy (http_proxy), so it sees exactly what would be posted to DingTalk, Feishu or WeCom."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import TestCase

from notifications import channels
from notifications.models import DeliveryStatus
from notifications.services import notify, reminder_deliver

pytestmark = pytest.mark.django_db


class Robot:
    """Records each POST (path, JSON body) and answers with `self.answer`."""

    def __init__(self):
        self.requests = []
        self.answer = (200, {"errcode": 0, "errmsg": "ok"})
        robot = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length).decode("utf-8"))
                robot.requests.append((self.path, self.headers.get("Content-Type"), body))
                status, answer = robot.answer
                raw = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def robot(monkeypatch):
    for name in ("no_proxy", "NO_PROXY", "https_proxy", "HTTPS_PROXY", "HTTP_PROXY"):
        monkeypatch.delenv(name, raising=False)
    with Robot() as server:
        yield server


VENDORS = [
    (
        "http://oapi.dingtalk.com/robot/send?access_token=t",
        {
            "msgtype": "text",
            "text": {"content": "【SIPM】标题\n内容\nhttps://pm.example.com/forms/1/"},
        },
    ),
    (
        "http://open.feishu.cn/open-apis/bot/v2/hook/abc",
        {
            "msg_type": "text",
            "content": {"text": "【SIPM】标题\n内容\nhttps://pm.example.com/forms/1/"},
        },
    ),
    (
        "http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k",
        {
            "msgtype": "text",
            "text": {"content": "【SIPM】标题\n内容\nhttps://pm.example.com/forms/1/"},
        },
    ),
]


@pytest.mark.parametrize(("url", "expected"), VENDORS)
def test_each_vendor_gets_its_own_message_shape(robot, monkeypatch, settings, url, expected):
    settings.SIPM_SITE_URL = "https://pm.example.com"
    monkeypatch.setenv("http_proxy", robot.url)
    payload = channels.webhook_payload(url, title="标题", body="内容", link="/forms/1/")
    assert payload == expected
    channels.webhook_post(url, payload)
    [(path, content_type, body)] = robot.requests
    assert path == url  # a proxied request names the full address
    assert content_type == "application/json; charset=utf-8"
    assert body == expected


def test_a_generic_endpoint_gets_title_text_and_link(robot, settings):
    settings.SIPM_SITE_URL = "https://pm.example.com/"
    url = f"{robot.url}/hooks/sipm"
    payload = channels.webhook_payload(url, title="标题", body="内容", link="/forms/1/")
    channels.webhook_post(url, payload)
    assert robot.requests == [
        (
            "/hooks/sipm",
            "application/json; charset=utf-8",
            {
                "title": "标题",
                "text": "【SIPM】标题\n内容\nhttps://pm.example.com/forms/1/",
                "url": "https://pm.example.com/forms/1/",
            },
        )
    ]


def test_a_robot_error_code_or_http_error_is_a_failure(robot):
    robot.answer = (200, {"errcode": 310000, "errmsg": "keywords not in content"})
    with pytest.raises(channels.WebhookError, match="310000"):
        channels.webhook_post(f"{robot.url}/x", {"msgtype": "text"})
    robot.answer = (500, {})
    with pytest.raises(channels.WebhookError, match="HTTP 500"):
        channels.webhook_post(f"{robot.url}/x", {"msgtype": "text"})


def test_unreachable_robot_is_a_failure():
    with pytest.raises(channels.WebhookError):
        channels.webhook_post("http://127.0.0.1:9/nothing", {}, timeout=2)


def test_delivery_posts_to_the_recipients_department_and_retries_only_what_failed(
    org, robot, mailoutbox
):
    pmo_dept = org["pmo"].department
    pmo_dept.webhook_url = f"{robot.url}/pmo"
    pmo_dept.save()
    robot.answer = (200, {"code": 19001, "msg": "param invalid"})
    # given a notice for two PMO members and one user of a department without a robot
    log = notify(
        key="test:webhook",
        kind="test",
        recipients=[org["pmo"], org["pmo_mgr"], org["sales"]],
        title="测试提醒",
        body="请处理",
        url="/forms/9/",
        deliver="none",
    )
    # when it is delivered and the robot refuses
    log = reminder_deliver(log_id=log.pk)
    # then the mails went out, one group message was tried, and the failure is recorded
    assert log.status == DeliveryStatus.FAILED and "19001" in log.error
    assert sorted(m.to[0] for m in mailoutbox) == [
        "pmo@example.com",
        "pmo_mgr@example.com",
        "sales@example.com",
    ]
    assert [path for path, _ct, _b in robot.requests] == ["/pmo"]
    # when the robot works again, a retry sends only the group message
    robot.answer = (200, {"errcode": 0})
    log = reminder_deliver(log_id=log.pk)
    assert log.status == DeliveryStatus.SENT and log.attempts == 2
    assert len(mailoutbox) == 3
    assert len(robot.requests) == 2
    # and a delivered notice is not delivered again
    assert reminder_deliver(log_id=log.pk) is None


def test_notify_delivers_after_commit(org, mailoutbox):
    with TestCase.captureOnCommitCallbacks(execute=False) as callbacks:
        notify(key="test:commit", kind="test", recipients=[org["gm"]], title="标题")
        assert mailoutbox == []  # nothing leaves before the transaction commits
    assert len(callbacks) == 1
    callbacks[0]()
    assert [m.subject for m in mailoutbox] == ["标题"]
