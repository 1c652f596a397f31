"""Given the demo organisation in Chromium, when approvers work from the queue: batch approval,
加签 and 转交 from a form's page, and the phone layout (content first, a sticky decision bar)."""

import re

import pytest
from playwright.sync_api import expect

from approvals.models import Form
from projects.demo import Driver

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


def initiations(people, n):
    driver = Driver(people)
    return [driver.initiate(f"批量项目{i}", approve=False) for i in range(n)]


def test_batch_approval_from_the_queue(open_as, live_server, people, shot):
    forms = initiations(people, 3)
    page = open_as("mkt_mgr")
    page.goto(f"{live_server.url}/queue/")
    expect(page.locator(".queue-item")).to_have_count(3)
    expect(page.locator(".queue-figures").first).to_contain_text("预计合同金额")
    shot(page, "queue-desktop")
    # The third form changes after the page was shown: approve-what-you-saw refuses it alone
    Form.objects.filter(pk=forms[2].pk).update(revision=forms[2].revision + 1)
    page.get_by_label("全选").check()
    expect(page.locator("[data-picked]")).to_have_text("3")
    page.get_by_label("批量意见").fill("同意立项。")
    page.get_by_role("button", name="批量同意").click()
    messages = page.locator("#messages")
    expect(messages).to_contain_text("批量审批：2 项已同意，1 项未处理")
    expect(messages).to_contain_text(f"{forms[2].number}：未处理")
    expect(page.locator(".queue-item")).to_have_count(1)
    assert [f.current_step for f in Form.objects.filter(pk__in=[f.pk for f in forms[:2]])] == [
        2,
        2,
    ]
    shot(page, "queue-after-batch")


def test_add_signer_before_me_then_transfer(open_as, live_server, people, shot):
    (form,) = initiations(people, 1)
    page = open_as("mkt_mgr")
    page.goto(f"{live_server.url}/forms/{form.pk}/")
    page.locator("#add-signer summary").click()
    picker = page.locator("#add-signer .ts-control")
    picker.click()
    page.keyboard.type("尤客服")
    page.locator(".ts-dropdown .option", has_text="尤客服").click()
    page.get_by_label("在我之前（先由加签人审批）").check()
    page.get_by_label("加签说明").fill("请客服部先确认。")
    page.get_by_role("button", name="确定加签").click()
    steps = page.locator("#steps")
    expect(steps).to_contain_text("加签：尤客服")
    expect(steps.locator("li").first).to_contain_text("审批中")
    shot(page, "form-add-signer")

    # The added signer approves; the step comes back to the manager, who hands it over
    cs = open_as("cs_mgr")
    cs.goto(f"{live_server.url}/queue/")
    cs.get_by_role("button", name=re.compile(f"同意 {form.number}")).click()
    expect(cs.locator("#messages")).to_contain_text(f"{form.number}：已同意")

    page.goto(f"{live_server.url}/forms/{form.pk}/")
    page.locator("#transfer summary").click()
    page.locator("#transfer .ts-control").click()
    page.keyboard.type("李客服")
    page.locator(".ts-dropdown .option", has_text="李客服").click()
    page.get_by_label("转交说明").fill("由李客服处理。")
    page.once("dialog", lambda d: d.accept())
    page.get_by_role("button", name="确定转交").click()
    expect(page.locator("#messages")).to_contain_text("转交给 李客服")

    li = open_as("cs_sales")
    li.goto(f"{live_server.url}/forms/{form.pk}/")
    expect(li.locator("#steps")).to_contain_text("王市场 转交")
    expect(li.locator("#decide-panel")).to_be_visible()
    shot(li, "form-after-transfer")


def test_a_late_search_answer_does_not_reopen_the_picker_over_the_form(
    open_as, live_server, people
):
    """The picker's focus preload answers after the person was picked (a slow network): the
    list stays closed, so the 确定加签 button is not covered."""
    (form,) = initiations(people, 1)
    page = open_as("mkt_mgr")
    held = []

    def hold_the_preload(route):
        if route.request.url.endswith("q="):
            held.append(route)
        else:
            route.continue_()

    page.route(re.compile(r"/people/?\?"), hold_the_preload)
    page.goto(f"{live_server.url}/forms/{form.pk}/")
    page.locator("#add-signer summary").click()
    page.locator("#add-signer .ts-control").click()
    page.keyboard.type("尤客服")
    page.locator(".ts-dropdown .option", has_text="尤客服").click()
    wrapper = page.locator("#add-signer .ts-wrapper")
    expect(wrapper).to_have_class(re.compile("has-items"))
    assert len(held) == 1
    held[0].continue_()
    expect(wrapper).not_to_have_class(re.compile(r"\bloading\b"))
    dropdown = page.locator("#add-signer .ts-dropdown")
    expect(dropdown).to_be_hidden()
    # The person can still reopen the list, by a click or by typing
    page.locator("#add-signer .ts-control").click()
    expect(dropdown).to_be_visible()
    page.keyboard.press("Escape")
    expect(dropdown).to_be_hidden()
    page.keyboard.type("李")
    expect(dropdown).to_be_visible()
    expect(dropdown.locator(".option", has_text="李客服")).to_be_visible()
    page.keyboard.press("Escape")
    expect(dropdown).to_be_hidden()
    expect(page.locator("#add-signer-user")).to_have_value(str(people["cs_mgr"].pk))
    page.get_by_role("button", name="确定加签").click(timeout=3000)
    expect(page.locator("#steps")).to_contain_text("加签：尤客服")


def test_phone_layout_content_first_and_a_sticky_decision_bar(open_as, live_server, people, shot):
    (form,) = initiations(people, 1)
    page = open_as("mkt_mgr", viewport=PHONE)
    page.goto(f"{live_server.url}/queue/")
    bar = page.locator("#batch-bar")
    expect(bar).to_be_visible()
    approve = page.get_by_role("button", name=re.compile(f"同意 {form.number}"))
    box = approve.bounding_box()
    assert box["height"] >= 40  # a thumb-sized target
    shot(page, "queue-phone", full_page=False)

    page.goto(f"{live_server.url}/forms/{form.pk}/")
    content = page.get_by_text("表单内容").bounding_box()
    panel = page.locator("#decide-panel").bounding_box()
    assert content["y"] < panel["y"]  # read before deciding
    decision_bar = page.locator("#decision-bar")
    expect(decision_bar).to_be_visible()
    bar_box = decision_bar.bounding_box()
    assert bar_box["y"] + bar_box["height"] <= PHONE["height"] + 1  # in view, at the bottom
    shot(page, "form-phone", full_page=False)
    decision_bar.get_by_role("button", name="同意").click()
    expect(page.locator("#messages")).to_contain_text(form.number)
    form.refresh_from_db()
    assert form.current_step == 2
