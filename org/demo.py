"""Demo people for a fresh installation and for tests: one login per part of the process.

`seed_demo_org()` is idempotent: running it again leaves existing users' passwords and any
admin edits to departments alone, and only fills in what is missing.
"""

import importlib
from dataclasses import dataclass
from decimal import Decimal

from django.apps import apps as django_apps
from django.db import transaction
from django.utils.translation import gettext as _

from .models import Department, Position, Role, RoleAssignment, User

DEMO_PASSWORD = "sipm-demo"


@dataclass(frozen=True)
class DemoUser:
    username: str
    display_name: str
    department: str | None
    position: int
    roles: tuple[str, ...] = ()
    manages: tuple[str, ...] = ()
    superuser: bool = False


DEMO_USERS = [
    DemoUser("sales", "张销售", "MKT", Position.STAFF, roles=("SALES",)),
    DemoUser("cs_sales", "李客服", "CS", Position.STAFF, roles=("SALES",)),
    DemoUser("mkt_mgr", "王市场", "MKT", Position.MANAGER, manages=("MKT",)),
    DemoUser("cs_mgr", "尤客服", "CS", Position.MANAGER, manages=("CS",)),
    DemoUser("gmo", "秦总办", "GMO", Position.STAFF),
    DemoUser("ts_lead", "赵主管", "TS", Position.SUPERVISOR),
    DemoUser("ts_mgr", "钱技服", "TS", Position.MANAGER, manages=("TS",)),
    DemoUser("presales", "孙售前", "TS", Position.STAFF, roles=("PRESALES",)),
    DemoUser(
        "tech_lead",
        "周技术",
        "TECH_LEAD",
        Position.DIRECTOR,
        roles=("TECH_LEAD",),
        manages=("TECH_LEAD",),
    ),
    DemoUser(
        "sales_dir",
        "吴总监",
        "SALES_DIR",
        Position.DIRECTOR,
        roles=("SALES_DIR",),
        manages=("SALES_DIR",),
    ),
    DemoUser(
        "cost_dir",
        "郑成本",
        "COST_DIR",
        Position.DIRECTOR,
        roles=("COST_DIR",),
        manages=("COST_DIR",),
    ),
    DemoUser("gm", "陈总", "GM", Position.GENERAL_MANAGER, roles=("GM",), manages=("GM", "GMO")),
    DemoUser("pmo", "冯项管", "PMO", Position.STAFF, roles=("PMO",)),
    DemoUser("pmo_mgr", "褚项目部", "PMO", Position.MANAGER, roles=("PMO",), manages=("PMO",)),
    DemoUser("admin_dept", "卫综合", "ADMIN", Position.STAFF, manages=("ADMIN",)),
    DemoUser("dev_mgr", "蒋开发", "DEV", Position.MANAGER, manages=("DEV",)),
    DemoUser("pm", "沈项目", "DEV", Position.STAFF, roles=("PM",)),
    DemoUser("finance", "韩财务", "FIN", Position.STAFF, roles=("FINANCE",), manages=("FIN",)),
    DemoUser("bd", "杨商务", "BD", Position.STAFF, manages=("BD",)),
    DemoUser("staff", "朱员工", "DEV", Position.STAFF),
    DemoUser("admin", "系统管理员", None, Position.STAFF, superuser=True),
]

# 折扣权限 [§15]: the lowest 折扣率 (%) each approver may approve alone.
DISCOUNT_LIMITS = {"sales_dir": Decimal("85.00"), "gm": Decimal("0.00")}


def ensure_organisation():
    """Restore the seeded departments, roles and 立项权 rules if any are missing.

    Migrations seed them; a flushed database (TransactionTestCase, `flush`) loses them.
    """
    seed = importlib.import_module("org.migrations.0002_seed_organisation")
    dept_codes = {code for code, _name in seed.DEPARTMENTS}
    role_codes = {code for code, _name, _all in seed.ROLES}
    have_depts = set(Department.objects.filter(code__in=dept_codes).values_list("code", flat=True))
    have_roles = set(Role.objects.filter(code__in=role_codes).values_list("code", flat=True))
    if have_depts != dept_codes or have_roles != role_codes:
        seed.seed(django_apps)
        # The later migrations that grant the roles their visibility.
        for name in ("0003_role_sees_all_projects", "0004_sec_role_forms_scope"):
            importlib.import_module(f"org.migrations.{name}").grant(django_apps, None)


def _discount_limit_model():
    try:
        return django_apps.get_model("projects", "DiscountLimit")
    except LookupError:
        return None


@transaction.atomic
def seed_demo_org() -> dict[str, User]:
    """Create or complete the demo users; return them by username."""
    ensure_organisation()
    departments = {d.code: d for d in Department.objects.all()}
    roles = {r.code: r for r in Role.objects.all()}
    users: dict[str, User] = {}

    for spec in DEMO_USERS:
        department = departments[spec.department] if spec.department else None
        user, created = User.objects.update_or_create(
            username=spec.username,
            defaults={
                "display_name": spec.display_name,
                "email": f"{spec.username}@example.com",
                "department": department,
                "position": spec.position,
                "is_active": True,
                "is_staff": spec.superuser,
                "is_superuser": spec.superuser,
            },
        )
        if created or not user.has_usable_password():
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        for code in spec.roles:
            assignment, _created = RoleAssignment.objects.get_or_create(
                user=user, role=roles[code], defaults={"active": True}
            )
            if not assignment.active:
                assignment.active = True
                assignment.save(update_fields=["active"])
        for code in spec.manages:
            managed = departments[code]
            if managed.manager_id != user.pk:
                managed.manager = user
                managed.save(update_fields=["manager"])
        users[spec.username] = user

    discount_limit = _discount_limit_model()
    if discount_limit is not None:
        for username, rate in DISCOUNT_LIMITS.items():
            discount_limit.objects.update_or_create(
                user=users[username], defaults={"min_rate": rate}
            )

    return users


def demo_logins_table() -> str:
    """A plain-text table of the demo logins for the console."""
    from .selectors import user_role_codes

    rows = [(_("用户名"), _("姓名"), _("部门"), _("职位"), _("角色"), _("任部门经理"))]
    by_name = {
        u.username: u
        for u in User.objects.filter(username__in=[s.username for s in DEMO_USERS])
        .select_related("department")
        .prefetch_related("managed_departments")
    }
    for spec in DEMO_USERS:
        user = by_name.get(spec.username)
        if user is None:
            continue
        roles = _("超级管理员") if user.is_superuser else "、".join(sorted(user_role_codes(user)))
        rows.append(
            (
                user.username,
                user.display_name,
                user.department.name if user.department else "—",
                str(user.get_position_display()) if user.department else "—",
                roles or "—",
                "、".join(d.name for d in user.managed_departments.all()) or "—",
            )
        )

    def width(text):
        # CJK characters take two columns in a terminal.
        return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)

    widths = [max(width(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = [cell + " " * (widths[i] - width(cell)) for i, cell in enumerate(row)]
        lines.append("  ".join(cells).rstrip())
    lines.insert(1, "  ".join("-" * w for w in widths))
    lines.append("")
    lines.append(_("所有演示账号的密码：%(password)s") % {"password": DEMO_PASSWORD})
    return "\n".join(lines)
