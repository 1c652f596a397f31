"""立项权 [§2]: who may initiate a project, one test per clause, allowed and refused."""

import pytest

from org.models import Department, InitiationRule, Position, Role, RoleAssignment, User
from org.selectors import initiation_refusal

pytestmark = pytest.mark.django_db


def make_user(username, dept_code, position=Position.STAFF, roles=()):
    user = User.objects.create_user(
        username=username,
        password="x",
        department=Department.objects.get(code=dept_code),
        position=position,
    )
    for code in roles:
        RoleAssignment.objects.create(user=user, role=Role.objects.get(code=code))
    return user


def test_migration_seeds_the_four_clauses():
    rules = {
        r.department.code: (r.min_position, r.sales_only)
        for r in InitiationRule.objects.select_related("department").filter(active=True)
    }
    assert rules == {
        "GMO": (Position.STAFF, False),
        "MKT": (Position.STAFF, True),
        "CS": (Position.STAFF, True),
        "TS": (Position.SUPERVISOR, False),
    }


@pytest.mark.parametrize("position", [Position.STAFF, Position.MANAGER])
def test_any_member_of_gmo_may_initiate(position):
    # given a member of 总经办 at any position, without any role
    user = make_user("gmo_member", "GMO", position)
    # then they hold 立项权
    assert initiation_refusal(user) is None


@pytest.mark.parametrize("dept_code", ["MKT", "CS"])
def test_sales_staff_of_mkt_and_cs_may_initiate(dept_code):
    user = make_user("seller", dept_code, roles=("SALES",))
    assert initiation_refusal(user) is None


@pytest.mark.parametrize("dept_code", ["MKT", "CS"])
def test_non_sales_staff_of_mkt_and_cs_are_refused(dept_code):
    # given a member of 市场部/客户服务部 who is not sales staff, even a manager
    user = make_user("clerk", dept_code, Position.MANAGER)
    # then they are refused with a reason
    assert "立项权" in initiation_refusal(user)


@pytest.mark.parametrize("position", [Position.SUPERVISOR, Position.MANAGER, Position.DIRECTOR])
def test_ts_supervisors_and_above_may_initiate(position):
    user = make_user("ts_senior", "TS", position)
    assert initiation_refusal(user) is None


def test_ts_staff_below_supervisor_are_refused_even_with_presales_role():
    user = make_user("ts_junior", "TS", Position.STAFF, roles=("PRESALES",))
    assert "立项权" in initiation_refusal(user)


def test_sales_role_outside_mkt_and_cs_gives_no_right():
    user = make_user("dev_seller", "DEV", roles=("SALES",))
    assert initiation_refusal(user) is not None


def test_user_without_department_is_refused():
    user = User.objects.create_user(username="nodept", password="x")
    assert "部门" in initiation_refusal(user)


def test_inactive_rule_gives_no_right():
    InitiationRule.objects.filter(department__code="GMO").update(active=False)
    user = make_user("gmo_member", "GMO")
    assert initiation_refusal(user) is not None


def test_anonymous_user_is_asked_to_log_in():
    from django.contrib.auth.models import AnonymousUser

    assert initiation_refusal(AnonymousUser()) == "请先登录。"


@pytest.mark.parametrize("username", ["gmo", "sales", "cs_sales", "ts_lead", "ts_mgr"])
def test_demo_users_with_the_right(org, username):
    assert initiation_refusal(org[username]) is None


@pytest.mark.parametrize(
    "username",
    [
        "staff",
        "presales",
        "mkt_mgr",
        "cs_mgr",
        "pm",
        "pmo",
        "finance",
        "bd",
        "dev_mgr",
        "sales_dir",
        "gm",
        "admin",
    ],
)
def test_demo_users_without_the_right_are_refused(org, username):
    refusal = initiation_refusal(org[username])
    assert refusal
    assert "立项权" in refusal
