"""Demo projects at different stages, driven through the real services as the demo users.

`seed_demo_projects(stdout)` is called by `manage.py seed_demo` after the demo users exist. It is
idempotent: when any project exists it does nothing. The `Driver` helpers are also what the
tests use to walk a project through its forms.
"""

from datetime import timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals.models import Form, FormStatus
from approvals.services import form_create, form_decide, form_submit
from core.files import attachment_upload
from org.models import Department, User

from .estimates import estimate_report_sign, estimate_report_upload
from .models import Project


def pdf_upload(user, name, body="SIPM demo"):
    content = b"%PDF-1.4\n% " + body.encode() + b"\n%%EOF\n"
    return attachment_upload(
        acting_user=user,
        uploaded_file=SimpleUploadedFile(name, content, content_type="application/pdf"),
    )


def future(days):
    return (timezone.localdate() + timedelta(days=days)).isoformat()


class Driver:
    """Walks one project through its forms as the people the policy names."""

    def __init__(self, users: dict[str, User]):
        self.u = users
        self.depts = {d.code: d.pk for d in Department.objects.all()}

    # -- generic ---------------------------------------------------------------------------

    def decide_step(self, form, username, decision="approve", data=None, comment=""):
        return form_decide(
            acting_user=self.u[username],
            form_id=form.pk,
            decision=decision,
            data=data,
            comment=comment or (_("同意。") if decision == "approve" else ""),
        )

    def run(self, form, route):
        """route: [(username, fill data or None), …] — one approval per seat, in order."""
        for username, data in route:
            form = self.decide_step(form, username, data=data)
        return form

    def start(self, kind, username, project=None, data=None, submit=True):
        form = form_create(acting_user=self.u[username], kind=kind, project=project, data=data)
        if submit:
            form = form_submit(acting_user=self.u[username], form_id=form.pk)
        return form

    # -- the forms, with sensible data -------------------------------------------------------

    def initiation_data(self, name, amount="1200000.00", special=False):
        return {
            "project_name": name,
            "client_name": _("某市信息中心"),
            "client_address": _("某市人民路 1 号"),
            "client_contact": _("刘主任"),
            "client_phone": "0571-88886666",
            "summary": _("网络、机房与业务系统集成。"),
            "estimated_amount": amount,
            "client_funding": _("财政资金已落实。"),
            "success_rate": "70",
            "expected_sign_date": future(60),
            "feasibility": _("客户需求明确，技术方案成熟。"),
            "presales_budget": "30000.00",
            "is_special": special,
        }

    INITIATION_ROUTE = [("mkt_mgr", None), ("cost_dir", None), ("sales_dir", None)]

    def initiate(self, name, approve=True, special=False, by="sales"):
        form = self.start("initiation", by, data=self.initiation_data(name, special=special))
        if approve:
            route = self.INITIATION_ROUTE + ([("gm", None)] if special else [])
            form = self.run(form, route)
        return form

    def presales(self, project):
        form = self.start(
            "presales",
            "sales",
            project,
            {"work_content": _("方案编写与现场调研"), "required_by": future(10)},
        )
        return self.run(
            form,
            [
                ("mkt_mgr", None),
                ("ts_mgr", {"presales_lead": self.u["presales"].pk}),
                ("tech_lead", None),
            ],
        )

    def estimate(self, project):
        attachment = pdf_upload(self.u["ts_lead"], "估算报告.pdf")
        report = estimate_report_upload(
            acting_user=self.u["ts_lead"], project_id=project.pk, attachment_id=attachment.pk
        )
        return estimate_report_sign(acting_user=self.u["presales"], report_id=report.pk)

    def quotation_data(self, report, list_price="1000000.00", quote="900000.00", **extra):
        return {
            "estimate_report": report.attachment_id,
            "list_price": list_price,
            "sales_expense": "20000.00",
            "quote_amount": quote,
            **extra,
        }

    QUOTATION_FILLS = [
        ("pmo", {"implementation_man_days": "120", "maintenance_man_days": "30"}),
        ("admin_dept", {"purchase_cost": "400000.00"}),
    ]
    QUOTATION_REVIEW = [
        ("mkt_mgr", None),
        ("ts_mgr", None),
        ("pmo_mgr", None),
        ("admin_dept", None),
        ("tech_lead", None),
        ("sales_dir", None),
    ]

    def quotation(self, project, report, **data):
        form = self.start("quotation", "sales", project, self.quotation_data(report, **data))
        return self.run(form, self.QUOTATION_FILLS + self.QUOTATION_REVIEW)

    def budget_data(self, impl="500000.00", mgmt="50000.00", maint="50000.00"):
        return {
            "implementation_cost": impl,
            "management_cost": mgmt,
            "maintenance_cost": maint,
            "performance_split": [
                {"department": self.depts["MKT"], "ratio": "40"},
                {"department": self.depts["DEV"], "ratio": "60"},
            ],
        }

    def budget(self, project):
        form = self.start("budget", "pmo", project, self.budget_data())
        return self.run(
            form, [("tech_lead", None), ("sales_dir", None), ("cost_dir", None), ("gm", None)]
        )

    def contract_data(self, number, amount="900000.00", reason=""):
        contract_file = pdf_upload(self.u["sales"], "合同.pdf")
        half = (Decimal(amount) / 2).quantize(Decimal("0.01"))
        return {
            "contract_no": number,
            "contract_amount": amount,
            "sign_date": future(1),
            "payment_terms": [
                {"milestone": _("合同签订"), "amount": str(half), "due_date": future(10)},
                {
                    "milestone": _("竣工验收"),
                    "amount": str(Decimal(amount) - half),
                    "due_date": future(90),
                },
            ],
            "contract_file": contract_file.pk,
            # 合同金额 is pre-filled from the quotation; another amount needs its reason.
            **(
                {"change_reasons": [{"field": "contract_amount", "reason": reason}]}
                if reason
                else {}
            ),
        }

    CONTRACT_ROUTE = [
        ("mkt_mgr", None),
        ("dev_mgr", None),
        ("pmo_mgr", None),
        ("sales_dir", None),
        ("tech_lead", None),
        ("gm", None),
    ]

    def contract(self, project, number):
        form = self.start("contract", "sales", project, self.contract_data(number))
        return self.run(form, self.CONTRACT_ROUTE)

    def commission_data(self, fee="300000.00"):
        return {
            "man_days": "120",
            "start_date": future(3),
            "end_date": future(120),
            "implementation_fee": fee,
            "project_manager": self.u["pm"].pk,
            "members": [self.u["staff"].pk],
            "dept_manager": self.u["dev_mgr"].pk,
            "performance_split": [{"department": self.depts["DEV"], "ratio": "100"}],
            # The commission is pre-filled from the budget [§23]; where the demo's figures differ
            # the reasons go with it (a reason for a figure left unchanged is ignored).
            "change_reasons": [
                {
                    "field": "implementation_fee",
                    "reason": _("实施由软件开发部完成，费用按人力安排核定。"),
                },
                {"field": "performance_split", "reason": _("实施全部由软件开发部承担。")},
            ],
        }

    def commission(self, project):
        form = self.start("commission", "pmo", project, self.commission_data())
        return self.run(form, [("pm", None), ("dev_mgr", None), ("tech_lead", None)])

    def early_start(self, project):
        form = self.start(
            "early_start",
            "sales",
            project,
            {"duration_days": 20, "man_days": "40", "man_day_cost": "1500.00"},
        )
        return self.run(
            form,
            [
                ("presales", None),
                ("sales_dir", {"expected_sign_date": future(30), "risk_owner": _("销售部承担")}),
                ("pmo", {"arrangement": _("开发部先行进场，完成机房勘察。")}),
                ("tech_lead", None),
                ("gm", None),
            ],
        )


DEMO_NAMES = {
    "draft": "智慧园区综合布线",
    "review": "市医院机房改造",
    "initiated": "区政务云平台集成",
    "quoting": "高校一卡通系统升级",
    "signed": "物流园区安防监控",
    "early": "地铁站务系统应急改造",
}


@transaction.atomic
def _seed(users):
    d = Driver(users)
    d.start("initiation", "sales", data=d.initiation_data(DEMO_NAMES["draft"]), submit=False)
    in_review = d.initiate(DEMO_NAMES["review"], approve=False)
    d.run(in_review, [("mkt_mgr", None)])
    d.initiate(DEMO_NAMES["initiated"], special=True)

    quoting = d.initiate(DEMO_NAMES["quoting"]).project
    d.presales(quoting)
    report = d.estimate(quoting)
    form = d.start("quotation", "sales", quoting, d.quotation_data(report))
    d.run(form, d.QUOTATION_FILLS[:1])

    signed = d.initiate(DEMO_NAMES["signed"]).project
    d.presales(signed)
    d.quotation(signed, d.estimate(signed))
    d.budget(signed)
    d.contract(signed, "HT-DEMO-001")

    early = d.initiate(DEMO_NAMES["early"]).project
    d.presales(early)
    d.early_start(early)
    d.commission(early)


def seed_demo_projects(stdout=None):
    if Project.objects.exists():
        if stdout is not None:
            stdout.write(_("已有项目，跳过演示项目。"))
        return
    users = {u.username: u for u in User.objects.filter(is_active=True)}
    _seed(users)
    if stdout is not None:
        count = Project.objects.count()
        in_review = Form.objects.filter(status=FormStatus.IN_REVIEW).count()
        stdout.write(
            _("演示项目已创建：%(n)d 个项目，%(r)d 张表单待审批。") % {"n": count, "r": in_review}
        )
