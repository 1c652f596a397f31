"""Engine fixtures: a small organisation and a test-only form kind with every step kind."""

import pytest

from approvals.fields import FieldSpec
from approvals.kinds import FormKind, register, unregister
from approvals.models import ChainStepTemplate, ChainTemplate, StepKind
from org.models import Department, Position, Role, RoleAssignment, User

TEST_KIND = "test_leave"


def make_user(username, dept=None, position=Position.STAFF, roles=(), **extra):
    user = User.objects.create_user(
        username=username,
        password="pw",
        department=dept,
        position=position,
        display_name=extra.pop("display_name", username),
        **extra,
    )
    for code in roles:
        role, _ = Role.objects.get_or_create(code=code, defaults={"name": code})
        RoleAssignment.objects.create(user=user, role=role)
    return user


@pytest.fixture
def test_kind():
    kind = register(
        FormKind(
            slug=TEST_KIND,
            title="测试申请单",
            prefix="TST",
            fields=(
                FieldSpec("days", "天数", "int", required=True, min_value=1, max_value=30),
                FieldSpec("reason", "事由", "text"),
                FieldSpec("amount", "金额", "money"),
                FieldSpec("is_special", "特殊", "bool"),
                FieldSpec("hr_note", "人事意见", "text", required=True),
            ),
            submitter_fields=frozenset({"days", "reason", "amount", "is_special"}),
            copies=(("FIN", "copy"), ("ARC", "original")),
            needs_project=False,
        )
    )
    yield kind
    unregister(TEST_KIND)


class Org:
    """A small organisation: 销售部 (sales, mgr), 人事部 (hr1, hr2), directors d1..d3, gm."""

    def __init__(self):
        self.sales_dept = Department.objects.create(code="SAL", name="销售部")
        self.hr_dept = Department.objects.create(code="HR", name="人事部")
        self.fin, _ = Department.objects.get_or_create(code="FIN", defaults={"name": "财务部"})
        self.arc = Department.objects.create(code="ARC", name="档案室")
        self.other_dept = Department.objects.create(code="OTH", name="其他部门")
        self.mgr = make_user("mgr", self.sales_dept, Position.MANAGER)
        self.sales_dept.manager = self.mgr
        self.sales_dept.save()
        self.sales = make_user("sales", self.sales_dept)
        self.sales2 = make_user("sales2", self.sales_dept)
        self.hr1 = make_user("hr1", self.hr_dept)
        self.hr2 = make_user("hr2", self.hr_dept)
        self.d1 = make_user("d1", roles=["BOARD"])
        self.d2 = make_user("d2", roles=["BOARD"])
        self.d3 = make_user("d3", roles=["BOARD"])
        self.gm = make_user("gm", position=Position.GENERAL_MANAGER, roles=["GM"])
        self.finance = make_user("fin", self.fin)
        self.outsider = make_user("outsider", self.other_dept)
        self.admin = User.objects.create_superuser("root", password="pw")
        Role.objects.filter(code="GM").update(sees_all_forms=True)


@pytest.fixture
def org(db):
    return Org()


def build_chain(kind=TEST_KIND, steps=None, version=1, active=True):
    chain = ChainTemplate.objects.create(
        kind=kind, version=version, name="测试流程", is_active=active
    )
    steps = steps or [
        dict(
            name="部门经理审核",
            role_label="部门经理",
            kind=StepKind.SINGLE,
            approvers="dept_manager:submitter",
        ),
        dict(
            name="人事填写",
            role_label="人事部",
            kind=StepKind.FILL,
            approvers="dept:HR",
            fill_fields=["hr_note"],
        ),
        dict(name="董事会签", role_label="董事", kind=StepKind.ALL, approvers="role:BOARD"),
        dict(
            name="总经理批准",
            role_label="总经理",
            kind=StepKind.SINGLE,
            approvers="role:GM",
            condition={"field": "is_special", "op": "eq", "value": True},
        ),
    ]
    for i, s in enumerate(steps, start=1):
        ChainStepTemplate.objects.create(template=chain, order=i, **s)
    return chain


@pytest.fixture
def chain(test_kind, org):
    return build_chain()
