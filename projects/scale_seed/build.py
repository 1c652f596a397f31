"""`seed_scale`: a company's worth of history through the real schema, written in bulk.

Each project walks the main line of forms (立项书 → 售前 → 报价 → 预算 → 合同 → 委托 → 评估 → 决算 →
移交; some with 提前开工 or 预算变更); every form but a project's last is approved, with its chain's
steps, one seat holder per step, the decision and the audit rows (hash-chained, so verify_audit
accepts them). The last form of ~20% of projects is waiting: the queue slots give one GM ~10% of
the projects, a few managers 1–3% each, most generated people a few and some nobody. Projects
that signed get payment terms and collections; every project has cost lines over 24 months.
Project 1 has ~300 forms. A commissioned project's team (manager and members) comes from the
delivery department's people (People.team): the demo `pm` manages ~15% of them, `staff` is a
member of a handful.
"""

import random
import time
from datetime import UTC, timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from approvals.kinds import get_kind
from approvals.models import ChainTemplate, Decision, Form, FormCopy, FormStep, StepAssignee
from core.audit import AuditBulk
from core.files import attachment_upload
from core.hashing import data_hash
from core.models import AuditEvent
from finance.categories import DEFAULTS as CATEGORY_DEFAULTS
from finance.models import CostEntry, Payment, PaymentTerm
from org.models import User

from ..models import POLICY_STAGES, Project, Stage
from .formdata import CLIENTS, WORDS, FormData
from .people import People
from .writer import Writer, js

LINE = (
    "initiation",
    "presales",
    "quotation",
    "budget",
    "contract",
    "commission",
    "evaluation",
    "final_accounts",
    "handover",
)
FORMS_WEIGHTS = (25, 20, 15, 12, 10, 8, 5, 3, 2)
SUBMITTER = {
    "budget": "pmo",
    "commission": "pmo",
    "evaluation": "pmo",
    "final_accounts": "finance",
}
# The seeded categories' codes (finance/0003); cost lines use them.
CATEGORIES = [code for code, _name, _source in CATEGORY_DEFAULTS]
# Where a project stands while a form of the kind waits, and once it is approved.
STAGE_MOVES = {
    "initiation": (None, Stage.INITIATED),
    "presales": (None, Stage.PRESALES),
    "quotation": (Stage.QUOTING, None),
    "budget": (Stage.BUDGETING, None),
    "contract": (Stage.CONTRACTING, Stage.SIGNED),
    "commission": (Stage.COMMISSIONING, Stage.IMPLEMENTING),
    "evaluation": (Stage.EVALUATING, Stage.SETTLING),
    "final_accounts": (None, Stage.HANDOVER),
    "handover": (None, Stage.CLOSED),
}
BIG_PROJECT_FORMS = 300
CHUNK = 2000  # projects per write round


def _chains():
    chains = {}
    for chain in ChainTemplate.objects.filter(is_active=True).prefetch_related("steps"):
        chains[chain.kind] = (chain.id, chain.version, list(chain.steps.order_by("order")))
    return chains


def _files(user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    with transaction.atomic():
        return [
            attachment_upload(
                acting_user=user,
                uploaded_file=SimpleUploadedFile(
                    name, b"%PDF-1.4\n% SIPM scale\n%%EOF\n", content_type="application/pdf"
                ),
            ).pk
            for name in ("估算报告.pdf", "合同.pdf")
        ]


class Seeder:
    def __init__(self, n_projects, seed, stdout=None):
        self.n = n_projects
        self.rng = random.Random(seed)
        self.stdout = stdout
        self.now = timezone.now().astimezone(UTC).replace(microsecond=0)
        self.today = timezone.localdate()
        self.people = People(self.rng, n_projects, self.today)
        self.commissioned = 0  # projects given a team so far (People.team)
        self.users = self.people.demo
        self.files = _files(self.people_user("ts_lead"))
        self.chains = _chains()
        self.data = FormData(
            self.rng,
            {
                "users": self.users,
                "depts": self.people.depts,
                "files": self.files,
                "today": self.today,
            },
        )
        self.w = Writer()
        self.dt = (lambda v: v) if self.w.pg else connection.ops.adapt_datetimefield_value
        self.copy_depts = {}
        for kind in LINE + ("early_start", "budget_change"):
            spec = get_kind(kind)
            self.copy_depts[kind] = [
                (self.people.depts[c], k) for c, k in spec.copies if c in self.people.depts
            ]

    def people_user(self, username):
        return User.objects.get(pk=self.users[username])

    def log(self, msg):
        if self.stdout is not None:
            self.stdout.write(msg)
            self.stdout.flush()

    # -- planning ------------------------------------------------------------------------------

    def _plan(self):
        """Per project: its kinds, and the queue slot of its waiting last form (or None)."""
        slots = self.people.queue_slots(self.n)
        waiting = set(self.rng.sample(range(self.n), len(slots)))
        slot_iter = iter(slots)
        for i in range(self.n):
            if i == 0:
                # Every kind at least once, and ~300 forms on one project.
                kinds = list(LINE[:2]) + ["early_start"] + list(LINE[2:])
                kinds += ["budget_change"] * (BIG_PROJECT_FORMS - len(kinds))
            else:
                k = self.rng.choices(range(1, len(LINE) + 1), FORMS_WEIGHTS)[0]
                kinds = list(LINE[:k])
                if k >= 3 and self.rng.random() < 0.1:
                    kinds.insert(2, "early_start")
                if k >= 5 and self.rng.random() < 0.1:
                    kinds.insert(kinds.index("budget") + 1, "budget_change")
            yield i, kinds, (next(slot_iter) if i in waiting else None)

    # -- one project ---------------------------------------------------------------------------

    def project(self, i, kinds, slot, out):
        r, w, dt = self.rng, self.w, self.dt
        span = timedelta(days=730)
        created = self.now - span + span * (i / max(self.n, 1))
        initiator = r.choice(self.people.sales) if self.people.sales else self.users["sales"]
        if i % 997 == 5:
            initiator = self.users["sales"]  # the demo salesperson sees a handful
        amount = r.choice((300_000, 800_000, 1_200_000, 2_500_000, 6_000_000))
        pid = w.next_id(Project)
        p = {
            "id": pid,
            "number": f"SI-{created.year}-{pid:06d}",
            "name": f"{r.choice(WORDS)}{r.choice(('一期', '二期', '升级', '集成'))}项目{pid}",
            "client_name": f"{r.choice(CLIENTS)}{r.randint(1, 300)}",
            "sales_lead": initiator,
            "amount": amount,
            "contract_amount": Decimal(amount) * Decimal("0.9"),
            "created_at": created,
        }
        audit = out["audit"]
        audit.append(
            self.chain.row(
                created_at=created,
                verb="project.created",
                actor_id=initiator,
                project_id=pid,
                payload={"number": p["number"], "name": p["name"]},
            )
        )
        stage = Stage.INITIATING
        at = created
        last = len(kinds) - 1
        if "commission" in kinds:
            p["pm"], p["members"] = self.people.team(r, self.commissioned)
            self.commissioned += 1
        for j, kind in enumerate(kinds):
            waiting = j == last and slot is not None
            at = min(at + timedelta(days=r.randint(1, 10), minutes=r.randint(0, 600)), self.now)
            if waiting:
                at = self.now - timedelta(hours=r.randint(1, 48))
            self.form(p, kind, at, waiting, slot, out)
            target = (
                STAGE_MOVES.get(kind, (None, None))[0]
                if waiting
                else (
                    STAGE_MOVES.get(kind, (None, None))[1] or STAGE_MOVES.get(kind, (None, None))[0]
                )
            )
            if target:
                stage = target
            at += timedelta(days=5)
        reached = set(kinds[: last + (0 if slot is not None else 1)])
        out["projects"].append(
            (
                pid,
                p["number"],
                p["name"],
                p["client_name"],
                self.people.dept_of[initiator],
                initiator,
                initiator,
                self.users["presales"] if "presales" in reached else None,
                p["pm"] if "commission" in reached else None,
                stage,
                "early_start" in reached,
                str(Decimal(amount)),
                "",
                dt(created),
                dt(at if at < self.now else self.now),
                dt(at) if stage == Stage.CLOSED else None,
                dt(self._next_look(None)) if stage in POLICY_STAGES else None,
            )
        )
        if "commission" in reached:
            # As the approved 项目委托书 sets the team: its members and the project manager.
            out["members"] += [(pid, u) for u in sorted({*p["members"], p["pm"]})]
        self.money(p, created, reached, out)

    def _next_look(self, due):
        """A running system's sweep columns: due rows come up when their next reminder stage
        begins (about a day before the deadline); ~1% are due now, as at any given run."""
        if self.rng.random() < 0.01:
            return self.now - timedelta(minutes=self.rng.randint(1, 600))
        if due is not None and due > self.now + timedelta(days=1):
            return due - timedelta(days=1)
        return self.now + timedelta(hours=self.rng.randint(1, 480))

    def form(self, p, kind, at, waiting, slot, out):
        r, w, dt = self.rng, self.w, self.dt
        spec = get_kind(kind)
        chain_id, chain_version, tpl_steps = self.chains[kind]
        submitter = self.users[SUBMITTER[kind]] if kind in SUBMITTER else p["sales_lead"]
        if kind == "handover":
            submitter = p["pm"]  # the project's own manager hands it over
        data = self.data.build(kind, p)
        digest = data_hash(data)
        fid = w.next_id(Form)
        if kind == "contract":
            p["contract_form"] = fid
            p["contract_data"] = data
        steps = [
            s for s in tpl_steps if not s.condition or (kind == "initiation" and data["is_special"])
        ]
        active = r.randrange(len(steps)) if waiting else None
        audit = out["audit"]
        audit.append(
            self.chain.row(
                created_at=at,
                verb="form.submitted",
                actor_id=submitter,
                form_id=fid,
                project_id=p["id"],
                payload={
                    "round": 1,
                    "chain": chain_id,
                    "chain_version": chain_version,
                    "data_hash": digest,
                },
            )
        )
        t = at
        included = {s.pk for s in steps}
        for tpl in tpl_steps:
            sid = w.next_id(FormStep)
            if tpl.pk not in included:
                status, seat, activated, due, done = "skipped", None, None, None, None
            else:
                idx = steps.index(tpl)
                seat = self.people.seat(tpl.approvers, submitter=submitter, project=p, data=data)
                activated = t
                due = t + timedelta(days=tpl.sla_days + 1)
                if active is None or idx < active:
                    status, done = "approved", t + timedelta(hours=r.randint(1, 30))
                    t = done
                elif idx == active:
                    status, done, seat = "active", None, slot
                    due = self.now + timedelta(days=r.randint(2, 20)) if r.random() > 0.03 else due
                else:
                    status, seat, activated, due, done = "pending", None, None, None, None
            out["steps"].append(
                (
                    sid, fid, 1, tpl.order, tpl.name, tpl.role_label, tpl.kind, tpl.approvers,
                    tpl.quorum, js(tpl.fill_fields), js(tpl.condition) if tpl.condition else None,
                    tpl.sla_days, status, 1 if activated else 0, "",
                    dt(activated) if activated else None, dt(due) if due else None,
                    dt(done) if done else None, dt(self._next_look(due)) if status == "active" else None,
                    tpl.allow_add_signer, tpl.allow_transfer, tpl.transfer_scope,
                    tpl.comment_required, "",
                )
            )  # fmt: skip
            if seat is None:
                continue
            open_ = status == "active"  # the queue's copies live on open seats only
            out["assignees"].append(
                (
                    w.next_id(StepAssignee), sid, seat, "", open_,
                    dt(due) if open_ and due else None, dt(activated) if open_ else None,
                    dt(at) if open_ else None, kind if open_ else "", p["id"],
                    dt(p["created_at"]),
                )
            )  # fmt: skip
            if status == "approved":
                out["decisions"].append(
                    (w.next_id(Decision), fid, sid, seat, None, seat, 1, "approve", "同意。", digest, None, dt(done))
                )  # fmt: skip
                audit.append(
                    self.chain.row(
                        created_at=done,
                        verb="form.decision.approve",
                        actor_id=seat,
                        form_id=fid,
                        project_id=p["id"],
                        payload={"step": tpl.order, "name": tpl.name, "comment": "同意。",
                                 "data_hash": digest, "filled": {}, "to_step": None},
                    )
                )  # fmt: skip
        closed = None if waiting else t
        if not waiting:
            copies = self.copy_depts[kind]
            audit.append(
                self.chain.row(
                    created_at=t,
                    verb="form.approved",
                    actor_id=seat,
                    form_id=fid,
                    project_id=p["id"],
                    payload={"data_hash": digest, "copies": [c for c, _k in spec.copies]},
                )
            )
            made = dt(p["created_at"])
            out["copies"] += [(fid, d, k, dt(t), p["id"], made) for d, k in copies]
        out["forms"].append(
            (
                fid, kind, f"{spec.prefix}-S{fid:08d}", p["id"], js(data),
                "in_review" if waiting else "approved", submitter, self.people.dept_of[submitter],
                chain_id, steps[active].order if waiting else None, 1, 1, 1, None,
                "" if waiting else digest, dt(at), dt(t), dt(at), dt(closed) if closed else None,
            )
        )  # fmt: skip

    def money(self, p, created, reached, out):
        r, w, dt = self.rng, self.w, self.dt
        entered = self.users["finance"]
        days = max(1, (self.now - created).days)
        for _n in range(r.randint(5, 15)):
            day = (created + timedelta(days=r.randrange(days))).date()
            amount = Decimal(r.randint(100, 500_000)) / 10
            out["costs"].append(
                (w.next_id(CostEntry), p["id"], r.choice(CATEGORIES), day, f"{amount:.2f}", "", entered, dt(created))
            )  # fmt: skip
        if "contract" not in reached or "contract_form" not in p:
            return
        for pos, term in enumerate(p["contract_data"]["payment_terms"], start=1):
            tid = w.next_id(PaymentTerm)
            out["terms"].append(
                (tid, p["id"], p["contract_form"], pos, term["milestone"], term["amount"],
                 term["due_date"], dt(created), dt(created))
            )  # fmt: skip
            if pos == 1 or "final_accounts" in reached:
                out["payments"].append(
                    (w.next_id(Payment), tid, p["id"], term["amount"], created.date(), "", entered, dt(created))
                )  # fmt: skip

    # -- writing -------------------------------------------------------------------------------

    TABLES = (
        ("projects", Project, ("id", "number", "name", "client_name", "department_id", "initiator_id",
            "sales_lead_id", "presales_lead_id", "project_manager_id", "stage", "early_start",
            "estimated_amount", "terminated_reason", "created_at", "updated_at", "closed_at",
            "next_deadline_at")),
        ("members", Project.members.through._meta.db_table, ("project_id", "user_id")),
        ("forms", Form, ("id", "kind", "number", "project_id", "data", "status", "submitter_id",
            "department_id", "chain_id", "current_step", "round", "revision", "version",
            "previous_id", "approved_data_hash", "created_at", "updated_at", "submitted_at",
            "closed_at")),
        ("steps", FormStep, ("id", "form_id", "round", "order", "name", "role_label", "kind",
            "approvers", "quorum", "fill_fields", "condition", "sla_days", "status", "passes",
            "note", "activated_at", "due_at", "completed_at", "next_reminder_at",
            "allow_add_signer", "allow_transfer", "transfer_scope", "comment_required",
            "added_position")),
        ("assignees", StepAssignee, ("id", "step_id", "user_id", "reason", "is_open", "due_at",
            "waiting_since", "submitted_at", "form_kind", "project_id", "project_created_at")),
        ("decisions", Decision, ("id", "form_id", "step_id", "decider_id", "on_behalf_of_id",
            "principal_id", "step_pass", "decision", "comment", "data_hash", "to_step",
            "created_at")),
        ("copies", FormCopy, ("form_id", "department_id", "kind", "created_at", "project_id",
            "project_created_at")),
        ("costs", CostEntry, ("id", "project_id", "category", "date", "amount", "note",
            "entered_by_id", "created_at")),
        ("terms", PaymentTerm, ("id", "project_id", "contract_form_id", "position", "milestone",
            "amount", "due_date", "created_at", "updated_at")),
        ("payments", Payment, ("id", "term_id", "project_id", "amount", "date", "note",
            "entered_by_id", "created_at")),
    )  # fmt: skip

    def flush(self, out):
        for name, model, columns in self.TABLES:
            self.w.write(model, columns, out[name])
            out[name] = []
        dt = self.dt
        # Ids first: no query may run on the connection while COPY streams.
        ids = [self.w.next_id(AuditEvent) for _row in out["audit"]]
        rows = (
            (pk, *row[:2], dt(row[2]), *row[3:8], js(row[8]), *row[9:])
            for pk, row in zip(ids, out["audit"], strict=True)
        )
        self.w.write(AuditEvent, AuditBulk.COLUMNS, rows)
        out["audit"] = []

    def run(self):
        started = time.monotonic()
        out = {name: [] for name, _m, _c in self.TABLES} | {"audit": []}
        with transaction.atomic():
            self.w.fast_load()
            self.chain = AuditBulk()
            for i, kinds, slot in self._plan():
                self.project(i, kinds, slot, out)
                if (i + 1) % CHUNK == 0:
                    self.flush(out)
                    self.log(f"{i + 1} projects, {time.monotonic() - started:.0f} s")
            self.flush(out)
            self.chain.close()
            self.w.finish()
        if self.w.pg:
            # As autovacuum would soon after a load: statistics, and (outside a transaction,
            # i.e. not in the tests) the visibility map, so index-only scans work as they would
            # on a running system.
            verb = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
            with connection.cursor() as cur:
                for table in [*self.w.counts, User._meta.db_table]:
                    cur.execute(f"{verb} {connection.ops.quote_name(table)}")
        return self.w.counts, time.monotonic() - started


def seed_scale(n_projects, seed=2025, stdout=None):
    return Seeder(n_projects, seed, stdout).run()
