"""Racing decisions with real threads on PostgreSQL: exactly one wins, the rest get a conflict."""

import threading

import pytest
from django.db import connection

from approvals import services
from approvals.models import Decision, Form, FormStatus, StepKind
from org.models import Position
from sipm.errors import Conflict

from .conftest import TEST_KIND, build_chain, make_user

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 20
ROUNDS = 10


def race(callables):
    """Start every callable at once; return their results (value or exception)."""
    barrier = threading.Barrier(len(callables))
    results = [None] * len(callables)

    def run(i, fn):
        try:
            barrier.wait()
            results[i] = fn()
        except Exception as exc:  # noqa: BLE001 - collected and asserted by the test
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(callables)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


@pytest.fixture
def board(test_kind, org):
    members = [
        make_user(f"board{i}", position=Position.DIRECTOR, roles=["RACE"]) for i in range(THREADS)
    ]
    build_chain(
        steps=[dict(name="或签", role_label="董事", kind=StepKind.ANY, approvers="role:RACE")]
    )
    return members


def test_twenty_approvers_racing_on_one_step_give_one_decision(board, org):
    for _round in range(ROUNDS):
        form = services.form_create(acting_user=org.sales, kind=TEST_KIND, data={"days": 1})
        form = services.form_submit(acting_user=org.sales, form_id=form.pk)
        results = race(
            [
                lambda u=u, f=form.pk: services.form_decide(
                    acting_user=u, form_id=f, decision="approve"
                )
                for u in board
            ]
        )
        wins = [r for r in results if isinstance(r, Form)]
        conflicts = [r for r in results if isinstance(r, Conflict)]
        assert len(wins) == 1, results
        assert len(conflicts) == THREADS - 1, [
            r for r in results if not isinstance(r, Form | Conflict)
        ]
        assert Decision.objects.filter(form=form).count() == 1
        assert Form.objects.get(pk=form.pk).status == FormStatus.APPROVED


def test_approve_racing_withdraw_gives_exactly_one_outcome(board, org):
    outcomes = set()
    for _round in range(ROUNDS * 2):
        form = services.form_create(acting_user=org.sales, kind=TEST_KIND, data={"days": 1})
        form = services.form_submit(acting_user=org.sales, form_id=form.pk)
        calls = [
            lambda u=u, f=form.pk: services.form_decide(
                acting_user=u, form_id=f, decision="approve"
            )
            for u in board[: THREADS // 2]
        ]
        calls += [lambda f=form.pk: services.form_withdraw(acting_user=org.sales, form_id=f)] * (
            THREADS // 2
        )
        results = race(calls)
        wins = [r for r in results if isinstance(r, Form)]
        assert len(wins) == 1, results
        assert all(isinstance(r, Conflict) for r in results if not isinstance(r, Form)), results
        status = Form.objects.get(pk=form.pk).status
        assert status in (FormStatus.APPROVED, FormStatus.WITHDRAWN)
        assert Decision.objects.filter(form=form).count() == (
            1 if status == FormStatus.APPROVED else 0
        )
        outcomes.add(status)


def test_concurrent_creation_gives_unique_numbers(board, org):
    results = race(
        [lambda: services.form_create(acting_user=org.sales, kind=TEST_KIND, data={"days": 1})]
        * THREADS
    )
    numbers = [r.number for r in results]
    assert all(isinstance(r, Form) for r in results), results
    assert len(set(numbers)) == THREADS
    from core.audit import audit_verify

    assert audit_verify() is None


@pytest.mark.parametrize(
    ("kind", "quorum", "needed"), [(StepKind.ALL, None, THREADS), (StepKind.QUORUM, 3, 3)]
)
def test_countersign_and_quorum_under_a_race_approve_exactly_once(
    test_kind, org, kind, quorum, needed
):
    members = [
        make_user(f"cs{i}", position=Position.DIRECTOR, roles=["CS_RACE"]) for i in range(THREADS)
    ]
    build_chain(
        steps=[
            dict(name="会签", role_label="董事", kind=kind, quorum=quorum, approvers="role:CS_RACE")
        ]
    )
    for _round in range(3):
        form = services.form_create(acting_user=org.sales, kind=TEST_KIND, data={"days": 1})
        form = services.form_submit(acting_user=org.sales, form_id=form.pk)
        results = race(
            [
                lambda u=u, f=form.pk: services.form_decide(
                    acting_user=u, form_id=f, decision="approve"
                )
                for u in members
            ]
        )
        assert sum(isinstance(r, Form) for r in results) == needed, results
        assert all(isinstance(r, Form | Conflict) for r in results), results
        assert Decision.objects.filter(form=form).count() == needed
        assert Form.objects.get(pk=form.pk).status == FormStatus.APPROVED
        assert form.events.filter(verb="form.approved").count() == 1
