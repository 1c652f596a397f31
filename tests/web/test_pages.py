"""Given the demo organisation, when people use the pages, then they see only what they may,
with clear Chinese messages and the security headers set."""

import datetime
import json
import re

import pytest
from django.contrib.messages import get_messages

from approvals.models import Form, FormStatus
from org.models import Delegation

from .conftest import initiation_post


def submitted(driver, name="测试项目"):
    return driver.start("initiation", "sales", data=driver.initiation_data(name))


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.mark.parametrize("url", ["/", "/queue/", "/projects/", "/profile/", "/dashboard/"])
def test_pages_need_a_login(client, db, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith("/login/")


def test_security_headers_on_pages(users, login):
    response = login(users["sales"]).get("/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_admin_link_only_for_staff(users, login):
    assert "/admin/" not in login(users["sales"]).get("/").content.decode()
    assert "/admin/" in login(users["admin"]).get("/").content.decode()


def test_bad_value_is_shown_under_its_field_and_nothing_is_saved(users, login):
    client = login(users["sales"])
    response = client.post("/forms/new/initiation/", initiation_post(estimated_amount="十万"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "“项目预计合同金额”" in html and "不是有效的数字" in html
    assert Form.objects.count() == 0


def test_someone_without_initiation_rights_is_refused_clearly(users, login):
    response = login(users["staff"]).get("/forms/new/initiation/", follow=True)
    assert any("立项权" in m for m in messages_of(response))
    assert Form.objects.count() == 0


def test_others_forms_and_projects_are_404(driver, users, login):
    form = submitted(driver)
    client = login(users["staff"])
    assert client.get(f"/forms/{form.pk}/").status_code == 404
    assert client.get(f"/projects/{form.project_id}/").status_code == 404
    assert client.post(f"/forms/{form.pk}/decide/", {"decision": "approve"}).status_code == 404


def test_draft_save_preview_then_submit(users, login):
    client = login(users["sales"])
    response = client.post("/forms/new/initiation/", initiation_post())
    form = Form.objects.get()
    assert response.url == f"/forms/{form.pk}/"
    page = client.get(response.url).content.decode()
    assert "审批路线预览" in page and "王市场" in page and "条件步骤：不需要" in page
    client.post(f"/forms/{form.pk}/submit/", {"revision": form.revision})
    assert Form.objects.get().status == FormStatus.IN_REVIEW


def test_submit_with_a_missing_field_names_it(users, login):
    client = login(users["sales"])
    client.post("/forms/new/initiation/", initiation_post(summary=None))
    form = Form.objects.get()
    response = client.post(f"/forms/{form.pk}/submit/", {"revision": form.revision})
    assert response.status_code == 400
    assert "项目功能简介" in response.content.decode()
    assert Form.objects.get().status == FormStatus.DRAFT


def test_htmx_approve_then_a_stale_second_decision_is_a_message(driver, users, login):
    form = submitted(driver)
    client = login(users["mkt_mgr"])
    post = {"decision": "approve", "revision": form.revision, "step": 1}
    response = client.post(f"/forms/{form.pk}/decide/", post, HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Redirect"] == "/queue/"
    again = client.post(f"/forms/{form.pk}/decide/", post, HTTP_HX_REQUEST="true")
    assert again.status_code == 204
    assert again["HX-Redirect"] == f"/forms/{form.pk}/"
    assert any("刷新" in m or "已由他人处理" in m for m in messages_of(again))
    assert form.decisions.count() == 1


def test_return_without_comment_rerenders_the_panel_with_the_message(driver, users, login):
    form = submitted(driver)
    client = login(users["mkt_mgr"])
    response = client.post(
        f"/forms/{form.pk}/decide/", {"decision": "return"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="decide-panel"' in html and "请填写意见" in html
    assert Form.objects.get(pk=form.pk).status == FormStatus.IN_REVIEW


def test_return_fix_and_resubmit(driver, users, login):
    form = submitted(driver)
    manager = login(users["mkt_mgr"])
    manager.post(f"/forms/{form.pk}/decide/", {"decision": "return", "comment": "请补充联系人"})
    assert Form.objects.get(pk=form.pk).status == FormStatus.RETURNED
    sales = login(users["sales"])
    page = sales.get(f"/forms/{form.pk}/").content.decode()
    assert "请补充联系人" in page and "重新提交" in page
    form.refresh_from_db()
    sales.post(
        f"/forms/{form.pk}/edit/",
        initiation_post(client_contact="王主任") | {"revision": form.revision},
    )
    form.refresh_from_db()
    sales.post(f"/forms/{form.pk}/submit/", {"revision": form.revision})
    form.refresh_from_db()
    assert form.status == FormStatus.IN_REVIEW and form.round == 2
    assert form.data["client_contact"] == "王主任"


def test_withdraw_before_any_decision(driver, users, login):
    form = submitted(driver)
    login(users["sales"]).post(f"/forms/{form.pk}/withdraw/")
    assert Form.objects.get(pk=form.pk).status == FormStatus.WITHDRAWN


def test_fill_step_shows_and_takes_its_own_fields(driver, users, login):
    initiation = driver.initiate("售前测试项目")
    presales = driver.start(
        "presales",
        "sales",
        initiation.project,
        {"work_content": "现场调研", "required_by": "2099-01-01"},
    )
    driver.decide_step(presales, "mkt_mgr")
    client = login(users["ts_mgr"])
    page = client.get(f"/forms/{presales.pk}/").content.decode()
    assert "本步骤需填写" in page and 'name="fill-presales_lead"' in page
    presales.refresh_from_db()
    client.post(
        f"/forms/{presales.pk}/decide/",
        {
            "decision": "approve",
            "fill-presales_lead": users["presales"].pk,
            "revision": presales.revision,
        },
    )
    presales.refresh_from_db()
    assert presales.data["presales_lead"] == users["presales"].pk
    assert presales.current_step == 3


def test_queue_marks_delegated_items_and_filters_by_kind(driver, users, login):
    form = submitted(driver)
    Delegation.objects.create(
        principal=users["mkt_mgr"],
        delegate=users["ts_lead"],
        start_date=datetime.date.today(),
        end_date=datetime.date.today(),
    )
    client = login(users["ts_lead"])
    html = client.get("/queue/").content.decode()
    assert form.number in html and "代 王市场 审批" in html
    partial = client.get(
        "/queue/?kind=contract", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="queue-list"
    ).content.decode()
    assert "<html" not in partial
    assert form.number not in partial and "没有待您审批的事项" in partial


def test_dashboard_for_finance_and_directors_only(driver, users, login):
    submitted(driver)
    assert login(users["sales"]).get("/dashboard/").status_code == 403
    response = login(users["finance"]).get("/dashboard/")
    assert response.status_code == 200
    html = response.content.decode()

    def chart(name):
        match = re.search(rf'<script id="data-{name}" type="application/json">(.*?)</script>', html)
        return json.loads(match.group(1))

    assert chart("stages") == {"labels": ["立项申请"], "values": [1]}
    assert chart("approvals")["labels"] == ["系统集成类项目立项书"]
    pipeline = chart("pipeline")
    assert pipeline["values"] == ["1200000.00"] and len(pipeline["labels"]) == 1


def test_delegation_from_the_profile(users, login):
    client = login(users["mkt_mgr"])
    today = datetime.date.today()
    bad = client.post(
        "/profile/delegations/",
        {
            "delegate": users["ts_lead"].pk,
            "start_date": today.isoformat(),
            "end_date": (today - datetime.timedelta(days=1)).isoformat(),
        },
    )
    assert bad.status_code == 400 and "结束日期不能早于开始日期" in bad.content.decode()
    client.post(
        "/profile/delegations/",
        {
            "delegate": users["ts_lead"].pk,
            "start_date": today.isoformat(),
            "end_date": today.isoformat(),
        },
    )
    assert Delegation.objects.filter(principal=users["mkt_mgr"], active=True).count() == 1


def test_english_is_one_click_away(users, login):
    client = login(users["sales"])
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert client.get("/").content.decode().count('lang="en"') == 1
