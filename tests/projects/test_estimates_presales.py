"""The estimate report [§12, §19(1)] and the end of pre-sales work [§7, §8]."""

import pytest

from approvals.models import FormCopy
from approvals.selectors import forms_visible_to
from core.models import AuditEvent
from projects.demo import pdf_upload
from projects.estimates import estimate_report_sign, estimate_report_upload
from projects.models import EstimateReport, PresalesRecord
from projects.presales import presales_evaluate, presales_record_work
from sipm.errors import Conflict, InvalidInput, Refused

pytestmark = pytest.mark.django_db


def upload(org, project, username="ts_mgr"):
    attachment = pdf_upload(org[username], "估算报告.pdf")
    return estimate_report_upload(
        acting_user=org[username], project_id=project.pk, attachment_id=attachment.pk
    )


def test_estimate_report_is_written_by_technical_services(org, with_presales):
    """§12: 技术服务部 submits the estimate; sales may not."""
    attachment = pdf_upload(org["sales"], "销售估算.pdf")
    with pytest.raises(Refused, match="技术服务部"):
        estimate_report_upload(
            acting_user=org["sales"], project_id=with_presales.pk, attachment_id=attachment.pk
        )
    assert not EstimateReport.objects.exists()
    report = upload(org, with_presales)
    assert report.uploaded_by == org["ts_mgr"] and not report.is_signed
    assert AuditEvent.objects.filter(verb="estimate.uploaded", project_id=with_presales.pk).exists()


def test_estimate_report_needs_an_initiated_project_and_own_file(org, d):
    form = d.initiate("未立项", approve=False)
    attachment = pdf_upload(org["ts_mgr"], "估算.pdf")
    with pytest.raises(Conflict) as exc:
        estimate_report_upload(
            acting_user=org["ts_mgr"], project_id=form.project_id, attachment_id=attachment.pk
        )
    assert exc.value.code == "precondition"
    d.run(form, d.INITIATION_ROUTE)
    someone_elses = pdf_upload(org["ts_lead"], "别人的.pdf")
    with pytest.raises(InvalidInput) as exc:
        estimate_report_upload(
            acting_user=org["ts_mgr"], project_id=form.project_id, attachment_id=someone_elses.pk
        )
    assert "attachment" in exc.value.fields


def test_only_the_presales_lead_signs_the_estimate(org, with_presales):
    """§19(1): 项目售前负责人必须在项目估算文档上签字 — not a director, not the author."""
    report = upload(org, with_presales)
    for username in ("ts_mgr", "tech_lead", "gm", "sales"):
        with pytest.raises(Refused, match="售前负责人"):
            estimate_report_sign(acting_user=org[username], report_id=report.pk)
    report = estimate_report_sign(acting_user=org["presales"], report_id=report.pk)
    assert report.signed_by == org["presales"]
    assert report.signed_sha256 == report.attachment.sha256
    with pytest.raises(Conflict, match="已签字"):
        estimate_report_sign(acting_user=org["presales"], report_id=report.pk)


def test_no_signature_without_a_presales_lead(org, initiated):
    report = upload(org, initiated)
    with pytest.raises(Conflict, match="售前负责人"):
        estimate_report_sign(acting_user=org["presales"], report_id=report.pk)


def test_presales_approval_names_the_lead_and_team(org, d, initiated):
    """§6: the lead (and team) named by 技术服务部 and approved by 技术团队负责人 start work."""
    form = d.start(
        "presales", "sales", initiated, {"work_content": "方案", "required_by": "2099-01-01"}
    )
    d.run(
        form,
        [
            ("mkt_mgr", None),
            (
                "ts_mgr",
                {"presales_lead": org["presales"].pk, "presales_team": [org["ts_lead"].pk]},
            ),
            ("tech_lead", None),
        ],
    )
    initiated.refresh_from_db()
    assert initiated.presales_lead == org["presales"]
    assert org["ts_lead"] in initiated.members.all()
    event = AuditEvent.objects.get(verb="project.presales_lead", project_id=initiated.pk)
    assert event.payload["to"] == org["presales"].pk


def test_presales_copies_and_the_leads_record(org, d, initiated):
    """§7: one copy with the lead (the work record), one archived by 技术服务部; §8: 项目管理部
    gets a copy to evaluate the pre-sales work."""
    form = d.presales(initiated)
    assert set(FormCopy.objects.filter(form=form).values_list("department__code", "kind")) == {
        ("TS", "archive"),
        ("PMO", "copy"),
    }
    assert forms_visible_to(org["presales"]).filter(pk=form.pk).exists()
    with pytest.raises(Refused, match="售前负责人"):
        presales_record_work(acting_user=org["sales"], form_id=form.pk, work_record="x")
    with pytest.raises(InvalidInput):
        presales_record_work(acting_user=org["presales"], form_id=form.pk, work_record="  ")
    record = presales_record_work(
        acting_user=org["presales"], form_id=form.pk, work_record="完成三次调研与方案评审"
    )
    assert record.recorded_by == org["presales"]
    assert form.data.get("work_record") is None  # the approved form itself is unchanged


def test_presales_evaluation_by_the_project_management_department(org, d, initiated):
    """§8: when pre-sales ends, the lead submits the record to 项目管理部 for evaluation."""
    form = d.presales(initiated)
    with pytest.raises(Conflict, match="工作记录"):
        presales_evaluate(acting_user=org["pmo"], form_id=form.pk, evaluation="好")
    presales_record_work(acting_user=org["presales"], form_id=form.pk, work_record="完成")
    with pytest.raises(Refused, match="项目管理部"):
        presales_evaluate(acting_user=org["tech_lead"], form_id=form.pk, evaluation="好")
    record = presales_evaluate(acting_user=org["pmo"], form_id=form.pk, evaluation="支持及时")
    assert record.evaluated_by == org["pmo"]
    with pytest.raises(Conflict):
        presales_record_work(acting_user=org["presales"], form_id=form.pk, work_record="改")
    assert PresalesRecord.objects.get(form=form).work_record == "完成"
