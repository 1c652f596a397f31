"""The approval engine, edge by edge, on the test suite's own small form kind."""

import pytest
from django.utils import timezone

from approvals import services
from approvals.models import (
    ChainStepTemplate,
    Decision,
    Form,
    FormCopy,
    FormStatus,
    StepKind,
    StepStatus,
)
from approvals.selectors import queue_for
from core.hashing import data_hash
from org.models import Delegation
from sipm.errors import Conflict, InvalidInput, NotVisible, Refused

from .conftest import TEST_KIND, build_chain


def new_form(org, data=None, user=None):
    return services.form_create(
        acting_user=user or org.sales, kind=TEST_KIND, data=data or {"days": 3, "reason": "年假"}
    )


def submitted(org, data=None):
    form = new_form(org, data)
    return services.form_submit(acting_user=org.sales, form_id=form.pk)


def step(form, order=None):
    form = Form.objects.get(pk=form.pk)
    return form.steps.get(round=form.round, order=order or form.current_step)


def approve(user, form, **kw):
    return services.form_decide(acting_user=user, form_id=form.pk, decision="approve", **kw)


def run_to_board(org, form):
    approve(org.mgr, form)
    return approve(org.hr1, form, data={"hr_note": "同意休假"})


class TestCreateAndUpdate:
    def test_given_a_draft_when_created_then_it_is_numbered_and_logged(self, chain, org):
        form = new_form(org)
        assert form.status == FormStatus.DRAFT
        assert form.number.startswith("TST-")
        assert form.events.filter(verb="form.created").exists()

    def test_bad_values_name_the_field_and_save_nothing(self, chain, org):
        with pytest.raises(InvalidInput) as exc:
            new_form(org, {"days": "abc", "amount": "-1"})
        assert "天数" in exc.value.fields["days"]
        assert "金额" in exc.value.fields["amount"]
        assert Form.objects.count() == 0

    def test_money_with_three_decimals_is_refused(self, chain, org):
        with pytest.raises(InvalidInput) as exc:
            new_form(org, {"days": 2, "amount": "10.005"})
        assert "小数" in exc.value.fields["amount"]

    def test_a_field_owned_by_a_step_is_refused_to_the_submitter(self, chain, org):
        with pytest.raises(InvalidInput) as exc:
            new_form(org, {"days": 2, "hr_note": "自己批了"})
        assert "hr_note" in exc.value.fields

    def test_only_the_submitter_updates(self, chain, org):
        form = new_form(org)
        with pytest.raises((Refused, NotVisible)):
            services.form_update(acting_user=org.sales2, form_id=form.pk, data={"days": 5})
        services.form_update(acting_user=org.sales, form_id=form.pk, data={"days": 5})
        assert Form.objects.get(pk=form.pk).data["days"] == 5

    def test_submit_checks_required_fields(self, chain, org):
        form = services.form_create(acting_user=org.sales, kind=TEST_KIND, data={"reason": "x"})
        with pytest.raises(InvalidInput) as exc:
            services.form_submit(acting_user=org.sales, form_id=form.pk)
        assert "days" in exc.value.fields
        assert Form.objects.get(pk=form.pk).status == FormStatus.DRAFT

    def test_the_status_field_is_protected(self, chain, org):
        form = new_form(org)
        with pytest.raises(AttributeError):
            form.status = FormStatus.APPROVED


class TestChain:
    def test_full_chain_single_fill_countersign_then_approved_with_copies(self, chain, org):
        form = submitted(org)
        first = step(form)
        assert first.status == StepStatus.ACTIVE
        assert [a.user for a in first.assignees.all()] == [org.mgr]
        assert first.due_at is not None and first.due_at > timezone.now()

        approve(org.mgr, form)
        fill = step(form)
        assert fill.kind == StepKind.FILL
        assert {a.user for a in fill.assignees.all()} == {org.hr1, org.hr2}
        with pytest.raises(InvalidInput):
            approve(org.hr1, form)  # the fill-in field is required
        approve(org.hr2, form, data={"hr_note": "同意"})
        assert Form.objects.get(pk=form.pk).data["hr_note"] == "同意"

        board = step(form)
        assert board.kind == StepKind.ALL
        approve(org.d1, form)
        assert step(form).order == board.order  # countersign waits for all
        with pytest.raises(Conflict):
            approve(org.d1, form)  # no second decision for the same seat
        approve(org.d2, form)
        form = approve(org.d3, form)

        assert form.status == FormStatus.APPROVED
        gm_step = form.steps.get(round=1, order=4)
        assert gm_step.status == StepStatus.SKIPPED
        assert "特殊" in gm_step.note
        assert set(
            FormCopy.objects.filter(form=form).values_list("department__code", flat=True)
        ) == {
            "FIN",
            "ARC",
        }
        assert form.approved_data_hash == data_hash(form.data)

    def test_conditional_step_applies_when_the_data_says_so(self, chain, org):
        form = submitted(org, {"days": 3, "is_special": True})
        run_to_board(org, form)
        for d in (org.d1, org.d2, org.d3):
            form = approve(d, form)
        assert form.status == FormStatus.IN_REVIEW
        gm = step(form)
        assert gm.name == "总经理批准" and "是" in gm.note
        form = approve(org.gm, form)
        assert form.status == FormStatus.APPROVED

    def test_any_of_step_needs_one(self, test_kind, org):
        build_chain(
            steps=[dict(name="或签", role_label="董事", kind=StepKind.ANY, approvers="role:BOARD")]
        )
        form = submitted(org)
        form = approve(org.d2, form)
        assert form.status == FormStatus.APPROVED
        with pytest.raises(Conflict):
            approve(org.d1, form)

    def test_quorum_step_needs_n_of_m(self, test_kind, org):
        build_chain(
            steps=[
                dict(
                    name="多数签",
                    role_label="董事",
                    kind=StepKind.QUORUM,
                    quorum=2,
                    approvers="role:BOARD",
                )
            ]
        )
        form = submitted(org)
        form = approve(org.d1, form)
        assert form.status == FormStatus.IN_REVIEW
        form = approve(org.d3, form)
        assert form.status == FormStatus.APPROVED

    def test_decision_records_the_hash_of_the_data_seen(self, chain, org):
        form = submitted(org)
        approve(org.mgr, form, comment="同意")
        decision = Decision.objects.get(form=form)
        assert decision.data_hash == data_hash(Form.objects.get(pk=form.pk).data)
        assert decision.decider == org.mgr and decision.on_behalf_of is None
        assert decision.comment == "同意"


class TestRejectReturnWithdraw:
    def test_reject_ends_the_form(self, chain, org):
        form = submitted(org)
        with pytest.raises(InvalidInput):
            services.form_decide(acting_user=org.mgr, form_id=form.pk, decision="reject")
        form = services.form_decide(
            acting_user=org.mgr, form_id=form.pk, decision="reject", comment="不批"
        )
        assert form.status == FormStatus.REJECTED
        for call in (
            lambda: approve(org.mgr, form),
            lambda: services.form_submit(acting_user=org.sales, form_id=form.pk),
            lambda: services.form_withdraw(acting_user=org.sales, form_id=form.pk),
            lambda: services.form_update(acting_user=org.sales, form_id=form.pk, data={"days": 1}),
        ):
            with pytest.raises(Conflict):
                call()

    def test_return_to_submitter_then_resubmit_starts_a_new_round(self, chain, org):
        form = submitted(org)
        approve(org.mgr, form)
        form = services.form_decide(
            acting_user=org.hr1, form_id=form.pk, decision="return", comment="补充材料"
        )
        assert form.status == FormStatus.RETURNED
        assert not queue_for(org.hr1).exists()
        services.form_update(acting_user=org.sales, form_id=form.pk, data={"reason": "补充了"})
        form = services.form_submit(acting_user=org.sales, form_id=form.pk)
        assert form.round == 2 and step(form).order == 1

    def test_return_to_an_earlier_step_reactivates_it(self, chain, org):
        form = submitted(org)
        run_to_board(org, form)
        form = services.form_decide(
            acting_user=org.d1, form_id=form.pk, decision="return", comment="请人事重填", to_step=2
        )
        assert form.status == FormStatus.IN_REVIEW
        again = step(form)
        assert again.order == 2 and again.passes == 2
        approve(org.hr1, form, data={"hr_note": "重填"})
        assert step(form).order == 3
        approve(org.d1, form)  # the same director decides again in the new pass

    def test_return_to_a_later_step_is_refused(self, chain, org):
        form = submitted(org)
        with pytest.raises(InvalidInput):
            services.form_decide(
                acting_user=org.mgr, form_id=form.pk, decision="return", comment="x", to_step=3
            )

    def test_withdraw_until_the_first_decision(self, chain, org):
        form = submitted(org)
        with pytest.raises(Refused):
            services.form_withdraw(acting_user=org.mgr, form_id=form.pk)
        form = services.form_withdraw(acting_user=org.sales, form_id=form.pk)
        assert form.status == FormStatus.WITHDRAWN
        form = services.form_submit(acting_user=org.sales, form_id=form.pk)
        approve(org.mgr, form)
        with pytest.raises(Conflict):
            services.form_withdraw(acting_user=org.sales, form_id=form.pk)

    def test_a_draft_is_invisible_to_approvers_and_a_conflict_for_those_who_see_it(
        self, chain, org
    ):
        form = new_form(org)
        with pytest.raises(NotVisible):
            approve(org.mgr, form)
        with pytest.raises(Conflict):
            approve(org.gm, form)

    def test_stale_revision_is_a_conflict(self, chain, org):
        form = submitted(org)
        with pytest.raises(Conflict) as exc:
            approve(org.mgr, form, revision=form.revision - 1)
        assert exc.value.code == "stale"
        approve(org.mgr, form, revision=form.revision)


class TestWhoDecides:
    def test_someone_else_is_refused_and_an_outsider_sees_nothing(self, chain, org):
        form = submitted(org)
        with pytest.raises(NotVisible):
            approve(org.outsider, form)
        run_to_board(org, form)
        with pytest.raises(Refused):
            approve(org.gm, form)  # the GM sees every form but is not on this step

    def test_delegate_decides_on_behalf(self, chain, org):
        today = timezone.localdate()
        Delegation.objects.create(
            principal=org.mgr, delegate=org.outsider, start_date=today, end_date=today
        )
        form = submitted(org)
        assert queue_for(org.outsider).count() == 1
        approve(org.outsider, form, comment="代签")
        decision = Decision.objects.get(form=form)
        assert decision.decider == org.outsider and decision.on_behalf_of == org.mgr

    def test_expired_delegation_gives_nothing(self, chain, org):
        today = timezone.localdate()
        Delegation.objects.create(
            principal=org.mgr,
            delegate=org.outsider,
            start_date=today.replace(year=today.year - 1),
            end_date=today.replace(year=today.year - 1),
        )
        form = submitted(org)
        with pytest.raises(NotVisible):
            approve(org.outsider, form)

    def test_vacant_role_escalates_to_the_department_manager_visibly(self, test_kind, org):
        build_chain(
            steps=[
                dict(
                    name="财务总监",
                    role_label="财务总监",
                    kind=StepKind.SINGLE,
                    approvers="role:NOBODY",
                )
            ]
        )
        form = submitted(org)
        st = step(form)
        assert [a.user for a in st.assignees.all()] == [org.mgr]
        assert "空缺" in st.note and "mgr" in st.note
        assert form.events.filter(verb="step.escalated").exists()

    def test_self_approval_escalates_to_admin(self, test_kind, org):
        build_chain()
        form = services.form_create(acting_user=org.mgr, kind=TEST_KIND, data={"days": 1})
        form = services.form_submit(acting_user=org.mgr, form_id=form.pk)
        st = step(form)
        assert [a.user for a in st.assignees.all()] == [org.admin]
        assert "不能审批自己" in st.note


class TestVersions:
    def test_approved_form_cannot_be_edited_and_a_correction_links_back(self, test_kind, org):
        build_chain(
            steps=[
                dict(
                    name="经理",
                    role_label="经理",
                    kind=StepKind.SINGLE,
                    approvers="dept_manager:submitter",
                )
            ]
        )
        form = approve(org.mgr, submitted(org))
        with pytest.raises(Conflict):
            services.form_update(acting_user=org.sales, form_id=form.pk, data={"days": 9})
        new = services.form_correct(acting_user=org.sales, form_id=form.pk)
        assert new.previous == form and new.version == 2 and new.status == FormStatus.DRAFT
        assert new.data == form.data

    def test_a_form_in_flight_keeps_its_chain_version(self, chain, org):
        form = submitted(org)
        chain.is_active = False
        chain.save()
        v2 = build_chain(
            version=2,
            steps=[
                dict(
                    name="只需总经理",
                    role_label="总经理",
                    kind=StepKind.SINGLE,
                    approvers="role:GM",
                )
            ],
        )
        form = services.form_decide(
            acting_user=org.mgr, form_id=form.pk, decision="return", comment="改"
        )
        form = services.form_submit(acting_user=org.sales, form_id=form.pk)
        assert form.chain == chain and step(form).name == "部门经理审核"
        fresh = submitted(org)
        assert fresh.chain == v2
        assert ChainStepTemplate.objects.filter(template=chain).count() == 4


def test_step_notes_are_stored_in_the_company_language_whatever_the_request(test_kind, org):
    from django.utils import translation

    build_chain(
        steps=[
            dict(
                name="财务总监",
                role_label="财务总监",
                kind=StepKind.SINGLE,
                approvers="role:NOBODY",
            )
        ]
    )
    with translation.override("en"):
        form = submitted(org)
    assert "空缺" in step(form).note
