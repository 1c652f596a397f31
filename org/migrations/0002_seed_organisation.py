"""Seed the company's departments, roles and 立项权 rules [§2].

The data is frozen here on purpose: later edits happen in the admin, not in code. `seed` only
uses `apps.get_model`, so `org.demo` can also call it with the live app registry to restore a
flushed test database.
"""

from django.db import migrations

# Position values frozen from org.models.Position at the time of this migration.
STAFF = 10
SUPERVISOR = 20

# (code, name); sort_order follows this order.
DEPARTMENTS = [
    ("GM", "总经理室"),
    ("GMO", "总经办"),
    ("SALES_DIR", "销售管理部"),
    ("COST_DIR", "成本管理部"),
    ("TECH_LEAD", "技术团队"),
    ("MKT", "市场部"),
    ("CS", "客户服务部"),
    ("TS", "技术服务部"),
    ("BD", "商务拓展部"),
    ("FIN", "财务部"),
    ("PMO", "项目管理部"),
    ("ADMIN", "综合管理部"),
    ("DEV", "软件开发部"),
]

# (code, name, sees_all_forms)
ROLES = [
    ("GM", "总经理", True),
    ("SALES_DIR", "销售总监", True),
    ("COST_DIR", "成本总监", True),
    ("TECH_LEAD", "技术团队负责人", True),
    ("SALES", "销售人员", False),
    ("PRESALES", "售前工程师", False),
    ("PM", "项目经理", False),
    ("FINANCE", "财务人员", False),
    ("PMO", "项目管理专员", False),
]

# (department code, min_position, sales_only, note)
INITIATION_RULES = [
    ("GMO", STAFF, False, "总经办成员均有立项权 [§2]"),
    ("MKT", STAFF, True, "市场部销售人员有立项权 [§2]"),
    ("CS", STAFF, True, "客户服务部销售人员有立项权 [§2]"),
    ("TS", SUPERVISOR, False, "技术服务部主管及以上人员有立项权 [§2]"),
]


def seed(apps, schema_editor=None):
    Department = apps.get_model("org", "Department")
    Role = apps.get_model("org", "Role")
    InitiationRule = apps.get_model("org", "InitiationRule")

    departments = {}
    for order, (code, name) in enumerate(DEPARTMENTS, start=1):
        departments[code], _ = Department.objects.update_or_create(
            code=code, defaults={"name": name, "sort_order": order * 10}
        )
    for code, name, sees_all in ROLES:
        Role.objects.update_or_create(code=code, defaults={"name": name, "sees_all_forms": sees_all})
    for dept_code, min_position, sales_only, note in INITIATION_RULES:
        department = departments[dept_code]
        if not InitiationRule.objects.filter(department=department).exists():
            InitiationRule.objects.create(
                department=department,
                min_position=min_position,
                sales_only=sales_only,
                active=True,
                note=note,
            )


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
