"""A project's 实施 driven through the real services as the demo users: plan from the template,
baseline approved, the customer's final acceptance recorded. Used by tests of later stages."""

from django.core.files.uploadedfile import SimpleUploadedFile

from approvals.attachments import attachment_upload
from approvals.services import form_create, form_decide, form_submit
from workcal.calendar import today

from .models import Milestone
from .services import baseline_submit, plan_create_from_template


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
