"""People of the scale seed: the demo organisation plus generated staff, and who holds a seat."""

from django.contrib.auth.hashers import make_password
from django.db import transaction

from org.demo import DEMO_PASSWORD, seed_demo_org
from org.models import Delegation, Department, Position, Role, RoleAssignment, User

SALES_DEPTS = ("MKT", "CS")
# Who carries out commissioned projects (项目委托书 to 软件开发部: its manager accepts them).
DELIVERY_DEPTS = ("DEV",)
# One in this many delivery people is a project manager (role PM); the rest are engineers.
PM_EVERY = 5
ROLE_HOLDERS = {
    "GM": "gm",
    "SALES_DIR": "sales_dir",
    "COST_DIR": "cost_dir",
    "TECH_LEAD": "tech_lead",
    "PMO": "pmo",
    "FINANCE": "finance",
    "PM": "pm",
    "PRESALES": "presales",
    "SALES": "sales",
}
PROJECT_SEATS = {"pm": "pm", "presales_lead": "presales"}


class People:
    def __init__(self, rng, n_projects, today):
        self.rng = rng
        with transaction.atomic():
            seed_demo_org()
        self.demo = {u.username: u.pk for u in User.objects.all()}
        self.depts = {d.code: d.pk for d in Department.objects.all()}
        self.managers = {d.pk: d.manager_id or self.demo["gm"] for d in Department.objects.all()}
        self.dept_of = dict(User.objects.values_list("pk", "department_id"))
        self.generated = self._generate(max(10, min(400, n_projects // 250)), today)
        self.sales = [u for u, dept in self.generated if dept in self._sales_dept_ids()]
        self.delivery_pms, self.engineers = self._delivery(max(20, min(800, n_projects // 160)))
        # ~18% of the projects reach their 项目委托书: `staff` joins every staff_every-th (~6).
        self.staff_every = max(1, n_projects // 40)

    def _sales_dept_ids(self):
        return {self.depts[c] for c in SALES_DEPTS}

    def _generate(self, count, today):
        """`count` staff in every department (40% sales); their password is the demo one."""
        password = make_password(DEMO_PASSWORD)
        codes = sorted(self.depts)
        start = User.objects.filter(username__startswith="scale_").count()
        users = []
        for i in range(start, start + count):
            sales = i % 5 < 2
            code = SALES_DEPTS[i % 2] if sales else codes[i % len(codes)]
            users.append(
                User(
                    username=f"scale_{i:04d}",
                    display_name=f"员工{i:04d}",
                    department_id=self.depts[code],
                    position=Position.STAFF,
                    password=password,
                )
            )
        User.objects.bulk_create(users, batch_size=1000)
        made = list(
            User.objects.filter(username__startswith="scale_").values_list("pk", "department_id")
        )
        sales_role = Role.objects.get(code="SALES")
        sales_ids = self._sales_dept_ids()
        RoleAssignment.objects.bulk_create(
            [RoleAssignment(user_id=pk, role=sales_role) for pk, dept in made if dept in sales_ids],
            ignore_conflicts=True,
        )
        for pk, dept in made:
            self.dept_of[pk] = dept
        # Delegations (代签): a few people away today, one manager among them.
        pairs = [(made[i][0], made[i + 1][0]) for i in range(0, min(len(made) - 1, 20), 2)]
        pairs.append((self.demo["mkt_mgr"], made[0][0]))
        Delegation.objects.bulk_create(
            [
                Delegation(
                    principal_id=a,
                    delegate_id=b,
                    start_date=today,
                    end_date=today.replace(year=today.year + 1),
                    note="出差",
                )
                for a, b in pairs
            ]
        )
        return made

    def _delivery(self, count):
        """The delivery departments' people who staff commissioned projects: the generated staff
        of those departments plus `count` more (about one for every 160 projects), one in
        PM_EVERY of them a project manager (role PM). Returns (project managers, engineers)."""
        password = make_password(DEMO_PASSWORD)
        dept_ids = [self.depts[c] for c in DELIVERY_DEPTS]
        start = User.objects.filter(username__startswith="delivery_").count()
        User.objects.bulk_create(
            [
                User(
                    username=f"delivery_{i:04d}",
                    display_name=f"实施{i:04d}",
                    department_id=dept_ids[i % len(dept_ids)],
                    position=Position.STAFF,
                    password=password,
                )
                for i in range(start, start + count)
            ],
            batch_size=1000,
        )
        made = User.objects.filter(username__startswith="delivery_").values_list(
            "pk", "department_id"
        )
        for pk, dept in made:
            self.dept_of[pk] = dept
        pool = [pk for pk, _d in made]
        pool += [pk for pk, dept in self.generated if dept in dept_ids]
        pool.sort()
        pms = pool[::PM_EVERY]
        pm_role = Role.objects.get(code="PM")
        RoleAssignment.objects.bulk_create(
            [RoleAssignment(user_id=pk, role=pm_role) for pk in pms], ignore_conflicts=True
        )
        chosen = set(pms)
        return pms, [pk for pk in pool if pk not in chosen]

    def team(self, rng, commissioned):
        """The project manager and members of the `commissioned`-th commissioned project (0, 1,
        …): drawn from the delivery people; the demo `pm` manages ~15% of them (the heavy
        persona: a few thousand projects at 100k); the demo `staff` is a member of a handful
        (~6 whatever the size)."""
        pm = self.demo["pm"] if rng.random() < 0.15 else rng.choice(self.delivery_pms)
        members = set(rng.sample(self.engineers, min(len(self.engineers), rng.randint(1, 3))))
        if commissioned % self.staff_every == 0:
            members.add(self.demo["staff"])
        return pm, sorted(members - {pm})

    def seat(self, approvers, *, submitter, project, data):
        """The one person who holds a step's seat (the first approver spec that names someone)."""
        spec = approvers.split(",")[0].strip()
        kind, _sep, arg = spec.partition(":")
        if kind == "role":
            return self.demo[ROLE_HOLDERS.get(arg, "gm")]
        if kind == "dept_manager":
            dept = self.dept_of.get(submitter) if arg == "submitter" else self.depts.get(arg)
            return self.managers.get(dept, self.demo["gm"])
        if kind == "dept":
            return self.managers.get(self.depts.get(arg), self.demo["gm"])
        if kind == "project":
            if arg == "sales_lead":
                return project["sales_lead"]
            if arg == "pm" and project.get("pm"):
                return project["pm"]
            return self.demo[PROJECT_SEATS.get(arg, "pm")]
        if kind == "field" and isinstance(data.get(arg), int):
            return data[arg]
        return self.demo["gm"]

    def queue_slots(self, n_projects):
        """Who waits for the open forms: one GM with ~10% of the projects, managers with 1–3%,
        most generated people a few, some nobody (the demo `staff` never)."""
        d = self.demo
        slots = [d["gm"]] * round(0.10 * n_projects)
        for name, share in (
            ("mkt_mgr", 0.03),
            ("sales_dir", 0.02),
            ("cost_dir", 0.015),
            ("tech_lead", 0.01),
            ("ts_mgr", 0.01),
        ):
            slots += [d[name]] * round(share * n_projects)
        others = []
        for pk, _dept in self.generated:
            if self.rng.random() < 0.6:
                others += [pk] * self.rng.randint(1, 5)
        slots += others[: max(0, int(0.8 * n_projects) - len(slots))]
        self.rng.shuffle(slots)
        return slots
