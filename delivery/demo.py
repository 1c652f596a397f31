"""A project's 实施 driven through the real services as the demo users: plan from the template,
baseline approved, the customer's final acceptance recorded. Used by tests of later stages."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from approvals.services import form_create, form_decide, form_submit
from core.files import attachment_upload
from org.models import User
from projects.demo import DEMO_NAMES
from projects.models import Project, Stage
from workcal.calendar import today

from .models import Milestone, Plan
from .services import baseline_submit, plan_create_from_template, risk_create


def _approve(form, users, route):
    for username in route:
        form = form_decide(acting_user=users[username], form_id=form.pk, decision="approve")
    return form


def accept_finally(users, project):
    """From an approved commission to the final acceptance (the 项目评估 gate [§26])."""
    pm = users["pm"]
    if not hasattr(project, "plan"):
        plan_create_from_template(
            acting_user=pm, project_id=project.pk, template="system_integration"
        )
    baseline = baseline_submit(acting_user=pm, project_id=project.pk)
    _approve(baseline.form, users, ("pmo_mgr", "tech_lead"))
    final = Milestone.objects.get(plan__project=project, is_final=True)
    scan = attachment_upload(
        acting_user=pm,
        uploaded_file=SimpleUploadedFile(
            "验收单.pdf", b"%PDF-1.4\n% signed\n%%EOF\n", content_type="application/pdf"
        ),
    )
    form = form_create(
        acting_user=pm,
        kind="acceptance",
        project=project,
        data={
            "milestone": final.pk,
            "accepted_on": today().isoformat(),
            "signatory": "客户代表",
            "signed_scan": scan.pk,
            "conclusion": "同意验收",
        },
    )
    form = form_submit(acting_user=pm, form_id=form.pk)
    return _approve(form, users, ("pmo",))


def seed_demo_delivery(stdout=None):
    """The demo project in 实施 gets a plan from the template, an approved baseline and a risk.
    Idempotent: does nothing once any plan exists."""
    project = Project.objects.filter(name=DEMO_NAMES["early"], stage=Stage.IMPLEMENTING).first()
    if project is None or Plan.objects.exists():
        return
    users = {u.username: u for u in User.objects.filter(is_active=True)}
    with transaction.atomic():
        plan_create_from_template(
            acting_user=users["pm"], project_id=project.pk, template="system_integration"
        )
        baseline = baseline_submit(acting_user=users["pm"], project_id=project.pk)
        _approve(baseline.form, users, ("pmo_mgr", "tech_lead"))
        risk_create(
            acting_user=users["pm"],
            project_id=project.pk,
            values={
                "description": _("站务系统停机窗口短，割接可能延期"),
                "probability": 3,
                "impact": 4,
                "owner": users["staff"].pk,
                "response": _("提前演练割接方案，准备回退预案"),
            },
        )
    if stdout is not None:
        stdout.write(_("演示实施计划已创建：%(n)s。") % {"n": project.number})
