"""Chains are data edited in the admin; a version in use is frozen, a copy becomes the next one."""

from django.urls import reverse

from approvals.models import ChainTemplate

from .test_services import submitted


def test_a_chain_in_use_is_frozen_and_copying_makes_the_next_version(chain, org, client):
    submitted(org)
    client.force_login(org.admin)
    url = reverse("admin:approvals_chaintemplate_change", args=[chain.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="name"' not in page.content.decode()  # frozen: no editable fields

    changelist = reverse("admin:approvals_chaintemplate_changelist")
    client.post(changelist, {"action": "copy_as_new_version", "_selected_action": [chain.pk]})
    v2 = ChainTemplate.objects.get(kind=chain.kind, version=2)
    assert not v2.is_active and v2.steps.count() == chain.steps.count()

    client.post(changelist, {"action": "activate", "_selected_action": [v2.pk]})
    chain.refresh_from_db()
    v2.refresh_from_db()
    assert v2.is_active and not chain.is_active


def test_forms_and_the_audit_log_cannot_be_changed_in_the_admin(chain, org, client):
    form = submitted(org)
    client.force_login(org.admin)
    assert client.get(reverse("admin:approvals_form_change", args=[form.pk])).status_code == 200
    assert client.get(reverse("admin:core_auditevent_changelist")).status_code == 200
    response = client.post(
        reverse("admin:approvals_form_change", args=[form.pk]), {"status": "approved"}
    )
    assert response.status_code == 403
    assert client.get(reverse("admin:core_auditevent_add")).status_code == 403


def test_copying_and_activating_a_chain_version_is_audited(chain, org, client):
    from core.audit import audit_verify
    from core.models import AuditEvent

    client.force_login(org.admin)
    changelist = reverse("admin:approvals_chaintemplate_changelist")
    client.post(changelist, {"action": "copy_as_new_version", "_selected_action": [chain.pk]})
    v2 = ChainTemplate.objects.get(kind=chain.kind, version=2)
    client.post(changelist, {"action": "activate", "_selected_action": [v2.pk]})
    rows = list(AuditEvent.objects.filter(verb__startswith="config.").order_by("id"))
    assert [(r.verb, r.payload["pk"]) for r in rows] == [
        ("config.created", v2.pk),
        ("config.changed", chain.pk),
        ("config.changed", v2.pk),
    ]
    assert rows[0].payload["changes"]["copied_from"] == [None, chain.pk]
    assert rows[1].payload["changes"] == {"is_active": [True, False]}
    assert rows[2].payload["changes"] == {"is_active": [False, True]}
    assert all(r.actor_id == org.admin.pk for r in rows)
    assert audit_verify() is None


def test_chain_steps_pick_approvers_and_show_chinese_kind_names(chain, org, client):
    from approvals.models import ChainStepTemplate

    client.force_login(org.admin)
    changelist = client.get(reverse("admin:approvals_chaintemplate_changelist")).content.decode()
    assert "测试申请单" in changelist
    url = reverse("admin:approvals_chaintemplate_change", args=[chain.pk])
    page = client.get(url).content.decode()
    assert 'name="steps-0-approver_submitter_manager"' in page and "checked" in page
    assert 'name="steps-0-allow_transfer"' in page
    step = ChainStepTemplate.objects.get(template=chain, order=3)
    from approvals.admin import ChainStepForm

    form = ChainStepForm(
        data={
            "template": chain.pk,
            "order": 3,
            "name": step.name,
            "role_label": step.role_label,
            "kind": step.kind,
            "sla_days": 2,
            "approver_roles": ["BOARD", "GM"],
            "approver_users": [org.hr1.pk],
            "allow_add_signer": "on",
            "fill_fields": "[]",
        },
        instance=step,
    )
    assert form.is_valid(), form.errors
    form.save()
    step.refresh_from_db()
    assert step.approvers == f"role:BOARD,role:GM,user:{org.hr1.pk}"
    assert step.allow_add_signer and not step.allow_transfer
