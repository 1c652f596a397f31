"""The project walk of test_lifecycle_api from 立项 to 归档, then each person's inbox through the
API: every approver was told of each step that waited on them, the submitters of every result,
the departments of their copies, the people an approved form put on the project."""

import pytest

from approvals.models import StepAssignee

from .lifecycle import Api
from .test_lifecycle_api import (
    budget,
    close_out,
    commission,
    contract,
    estimate,
    initiate,
    presales,
    quotation,
)

pytestmark = pytest.mark.django_db


def inbox(api, username):
    body = api.ok(api(username).get("/api/v1/notifications/", {"page_size": 100}))
    assert body["count"] <= 100
    return [n["title"] for n in body["results"]], body["unread_count"]


def test_each_person_is_told_what_concerns_them_along_the_whole_project(org):
    api = Api(org)
    project_id = initiate(api)
    presales(api, project_id)
    quotation(api, project_id, estimate(api, project_id))
    budget(api, project_id)
    contract(api, project_id)
    commission(api, project_id)
    close_out(api, project_id)

    # every seat of every step was told once, with the form in the title
    seats = StepAssignee.objects.filter(step__form__project_id=project_id).select_related(
        "user", "step__form"
    )
    for seat in seats:
        titles, _unread = inbox(api, seat.user.username)
        wanted = f"【待审批】{seat.step.form.number}《{seat.step.form.title}》"
        assert wanted in titles, (seat.user.username, wanted)

    # the salesperson heard of each of their forms' approval
    titles, unread = inbox(api, "sales")
    approved = sorted(t.split("》")[0].split("《")[1] for t in titles if t.startswith("【已批准】"))
    assert approved == sorted(
        ["系统集成类项目立项书", "售前支持工作协调单", "报价审批表", "合同审批表"]
    )
    assert unread == len(titles)
    # the pre-sales lead and the project manager were told they are on the project
    assert any(t.startswith("【售前支持】") for t in inbox(api, "presales")[0])
    assert any(t.startswith("【项目委托】") for t in inbox(api, "pm")[0])
    # copies: the initiation's original to 商务拓展部, its copy to 财务部 [§5]
    assert any(t.startswith("【原件存档】") and "立项书" in t for t in inbox(api, "bd")[0])
    assert any(t.startswith("【抄送】") and "立项书" in t for t in inbox(api, "finance")[0])
    # the GM decided the initiation, the quotation, the contract, the final accounts
    gm_todos = [t for t in inbox(api, "gm")[0] if t.startswith("【待审批】")]
    assert len(gm_todos) >= 4
    # reading all empties the badge
    api.ok(api("sales").post("/api/v1/notifications/read-all/"))
    assert inbox(api, "sales")[1] == 0
