"""API fixtures: clients that log in as a user, and an engine-only form kind with a file field

(the company's eleven kinds are exercised separately, in the end-to-end tests)."""

import pytest

pytest.register_assert_rewrite("tests.api.lifecycle")

from rest_framework.test import APIClient  # noqa: E402

from approvals.fields import FieldSpec  # noqa: E402
from approvals.kinds import FormKind, register, unregister  # noqa: E402
from tests.approvals.conftest import Org, build_chain  # noqa: E402

API_KIND = "test_api_leave"


@pytest.fixture
def client_for():
    """client_for(user) → an APIClient authenticated as the user (None: anonymous)."""

    def make(user=None):
        client = APIClient()
        if user is not None:
            client.force_authenticate(user=user)
        return client

    return make


@pytest.fixture
def api_kind():
    kind = register(
        FormKind(
            slug=API_KIND,
            title="接口测试申请单",
            prefix="API",
            fields=(
                FieldSpec("days", "天数", "int", required=True, min_value=1, max_value=30),
                FieldSpec("reason", "事由", "text"),
                FieldSpec("amount", "金额", "money"),
                FieldSpec("is_special", "特殊", "bool"),
                FieldSpec("evidence", "证明材料", "file"),
                FieldSpec("hr_note", "人事意见", "text", required=True),
            ),
            submitter_fields=frozenset({"days", "reason", "amount", "is_special", "evidence"}),
            copies=(("FIN", "copy"),),
            needs_project=False,
        )
    )
    yield kind
    unregister(API_KIND)


@pytest.fixture
def eorg(db):
    """The engine's small organisation (tests/approvals/conftest.py): sales, mgr, hr1, hr2,
    d1..d3 (会签), gm, outsider, admin."""
    return Org()


@pytest.fixture
def chain(api_kind, eorg):
    return build_chain(kind=API_KIND)
