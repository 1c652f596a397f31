"""Real headless Chromium (Debian's /usr/bin/chromium) driven by Playwright, against
pytest-django's live_server. Screenshots go to artifacts/screenshots/ (gitignored)."""

import os
from pathlib import Path

import pytest
from django.conf import settings

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SHOTS = Path(settings.BASE_DIR) / "artifacts" / "screenshots"


@pytest.fixture(scope="session")
def browser():
    # Playwright's sync API runs its own event loop; Django must allow ORM calls beside it.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    vendor = Path(settings.BASE_DIR) / "static" / "vendor" / "htmx" / "htmx.min.js"
    assert vendor.exists(), "static/vendor is missing: run `npm ci` first"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def people(transactional_db):
    from org.demo import seed_demo_org
    from tests.web.conftest import ensure_chains

    users = seed_demo_org()
    ensure_chains()
    return users


@pytest.fixture
def open_as(browser, live_server, people):
    """open_as("sales", viewport=None) → a logged-in page for that demo user."""
    contexts = []

    def open_page(username, viewport=None):
        context = browser.new_context(
            viewport=viewport or {"width": 1280, "height": 900}, locale="zh-CN"
        )
        context.set_default_timeout(15000)
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{live_server.url}/login/")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill("sipm-demo")
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(f"{live_server.url}/")
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def shot():
    SHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name, full_page=True):
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)

    return take
