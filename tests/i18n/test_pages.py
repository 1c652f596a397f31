"""Given the demo organisation with a project and a form waiting for approval, when people use
the pages in English, then the interface chrome is English (data such as names stays as it was
entered); and in the default Chinese UI no English chrome shows."""

import importlib
import re
from html.parser import HTMLParser

import pytest
from django.apps import apps as django_apps
from django.conf import settings

from projects.demo import Driver, future

CJK = re.compile(r"[\u3400-\u9fff]")
# A Chinese parenthetical beside an English form title: "Project commission (项目委托书)".
CHINESE_ASIDE = re.compile(r"\s*[(（][^()（）]*[\u3400-\u9fff][^()（）]*[)）]")
FORM_NUMBER = re.compile(r"\b[A-Z]{2,3}-\d{4}-\d{4}\b")
# ASCII words the Chinese UI may show: the product name, formats, and the language switch.
ALLOWED_IN_CHINESE = {"SIPM", "PDF", "API", "Excel", "CSV", "SHA", "English", "Django"}
CHROME_TAGS = {"nav", "button", "th", "label", "legend", "title", "caption"} | {
    f"h{n}" for n in range(1, 7)
}


class ChromeText(HTMLParser):
    """Collects (tag, text) for text inside the tags that make up the interface chrome."""

    VOID = {"br", "input", "img", "meta", "link", "hr", "source", "col", "wbr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []
        self.texts: list[tuple[str, str]] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        hidden = "visually-hidden" in (dict(attrs).get("class") or "")
        if tag in ("script", "style", "select") or hidden:
            self.skip += 1
        self.stack.append((tag, tag in ("script", "style", "select") or hidden))

    def handle_endtag(self, tag):
        if not any(t == tag for t, _ in self.stack):
            return
        while self.stack:
            name, skipped = self.stack.pop()
            self.skip -= skipped
            if name == tag:
                break

    def handle_data(self, data):
        text = " ".join(data.split())
        if self.skip or not text:
            return
        tags = [t for t, _ in self.stack if t in CHROME_TAGS]
        if tags:
            self.texts.append((tags[-1], text))


def chrome(html: str) -> list[tuple[str, str]]:
    parser = ChromeText()
    parser.feed(html)
    return parser.texts


@pytest.fixture
def scene(org):
    importlib.import_module("approvals.migrations.0004_seed_chains").seed(django_apps)
    driver = Driver(org)
    approved = driver.initiate("智慧园区项目")
    project = approved.project
    pending = driver.start(
        "presales", "sales", project, {"work_content": "方案编写", "required_by": future(10)}
    )
    data = {org[name].display_name for name in org} | {str(org[name]) for name in org}
    data |= {project.name, project.number, project.client_name}
    return {"org": org, "project": project, "approved": approved, "pending": pending, "data": data}


def pages(scene):
    project, approved, pending = scene["project"], scene["approved"], scene["pending"]
    return {
        "home": ("sales", "/"),
        "queue": ("mkt_mgr", "/queue/"),
        "projects": ("sales", "/projects/"),
        "project": ("sales", f"/projects/{project.pk}/"),
        "approved form": ("sales", f"/forms/{approved.pk}/"),
        "form to decide": ("mkt_mgr", f"/forms/{pending.pk}/"),
        "new form": ("sales", "/forms/new/initiation/"),
        "profile": ("sales", "/profile/"),
    }


# Words each page must show in English (chrome, not data).
ENGLISH = {
    "home": ["Home", "My approvals", "Projects", "Notifications", "Log out", "Hello"],
    "queue": ["My approvals", "Form type", "Filter"],
    "projects": ["Projects", "Project number", "Stage", "Client"],
    "project": ["Cannot start yet", "Reason for termination", "Terminate", "Budget"],
    "approved form": ["Project initiation form", "Approvers", "Create corrected version"],
    "form to decide": ["Pre-sales support request", "Approve", "Reject", "Return for changes"],
    "new form": ["Client organisation", "Estimated contract amount", "Save draft"],
    "profile": ["Personal settings", "Signature image", "Delegate"],
}
CHINESE = {
    "home": ["首页", "待我审批", "项目", "通知", "退出"],
    "approved form": ["系统集成类项目立项书", "审批人", "创建更正版本"],
    "form to decide": ["售前支持工作协调单", "同意", "驳回", "退回修改"],
    "new form": ["客户单位名称", "项目预计合同金额", "保存草稿"],
}


def get(client, user, url, language=None, **headers):
    client.force_login(user)
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(url, **headers)
    assert response.status_code == 200, url
    return response.content.decode()


def without_data(text: str, data: set[str]) -> str:
    for value in sorted(data, key=len, reverse=True):
        if value:
            text = text.replace(value, " ")
    return CHINESE_ASIDE.sub("", text)


def test_switching_language_through_setlang(scene, client):
    # given a signed-in user on the default (Chinese) UI
    client.force_login(scene["org"]["sales"])
    assert 'lang="zh-hans"' in client.get("/").content.decode()
    # when they choose English with the switch in the navbar
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/queue/"})
    # then they are sent back and the pages are English from then on
    assert response.status_code == 302 and response.url == "/queue/"
    html = client.get("/queue/").content.decode()
    assert 'lang="en"' in html and "My approvals" in html and "Log out" in html
    # and switching back restores Chinese
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert "待我审批" in client.get("/").content.decode()


def test_the_ui_is_chinese_whatever_the_browser_asks_until_the_user_switches(scene, client):
    html = get(client, scene["org"]["sales"], "/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "待我审批" in html and "My approvals" not in html


def test_the_api_honours_the_accept_language_header(scene, client):
    client.force_login(scene["org"]["sales"])
    body = client.get("/api/v1/forms/999999/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert body["code"] == "not_found" and not any(
        "\u4e00" <= ch <= "\u9fff" for ch in body["message"]
    )
    body = client.get("/api/v1/forms/999999/").json()
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["message"])


@pytest.mark.parametrize("page", list(ENGLISH))
def test_english_pages_show_english_chrome(scene, client, page):
    username, url = pages(scene)[page]
    html = get(client, scene["org"][username], url, language="en")
    texts = chrome(html)
    shown = " | ".join(text for _, text in texts)
    for word in ENGLISH[page]:
        assert word in shown, f"{page}: {word!r} missing from {shown[:600]}"
    leftovers = [
        (tag, text)
        for tag, text in texts
        if text != "中文" and CJK.search(without_data(text, scene["data"]))
    ]
    assert leftovers == [], f"{page}: untranslated chrome {leftovers}"


@pytest.mark.parametrize("page", list(ENGLISH))
def test_chinese_pages_show_no_english_chrome(scene, client, page):
    username, url = pages(scene)[page]
    html = get(client, scene["org"][username], url)
    texts = chrome(html)
    for word in CHINESE.get(page, []):
        assert word in " | ".join(t for _, t in texts), f"{page}: {word!r} missing"
    english = [
        (tag, text)
        for tag, text in texts
        if set(re.findall(r"[A-Za-z]{2,}", FORM_NUMBER.sub(" ", text))) - ALLOWED_IN_CHINESE
    ]
    assert english == [], f"{page}: English in the Chinese UI {english}"


def test_admin_index_follows_the_language(scene, client):
    admin = scene["org"]["admin"]
    html = get(client, admin, "/admin/", language="en")
    for word in ["System configuration", "Approval", "Organisation", "Working-day calendar"]:
        assert word in html, word
    assert "系统配置" not in html and "组织机构" not in html
    client.cookies.pop(settings.LANGUAGE_COOKIE_NAME)
    html = get(client, admin, "/admin/")
    for word in ["系统配置", "审批", "组织机构", "工作日历", "审批流程模板"]:
        assert word in html, word
    captions = [text for tag, text in chrome(html) if tag == "caption"]
    assert captions and all(CJK.search(c) for c in captions), captions


def test_english_messages_and_errors_are_translated(scene, client):
    # given an English user who submits an initiation form with a bad amount
    client.force_login(scene["org"]["sales"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(
        "/forms/new/initiation/", {"project_name": "测试", "estimated_amount": "十万"}
    )
    # then the field error is English and names the field by its English label
    html = response.content.decode()
    assert response.status_code == 400
    assert "is not a valid number" in html and "不是有效的数字" not in html
