"""统计看板: the finance/director dashboard, read from a snapshot built off the request path.

The figures (projects per stage, waiting and overdue approval steps per form kind, the pipeline
of open projects' expected contract amounts by month) are SQL aggregates over every project and
every open step: too much work for each page view at a large company's scale. They are built
into a `DashboardSnapshot` row by the beat task `projects.tasks.dashboard_snapshot_build` every
few minutes; the page reads the latest row (one indexed query) and says when it was built.

A page that finds no snapshot, or only one older than `SIPM_DASHBOARD_MAX_AGE_MINUTES` (beat
not running), builds one itself, once: a build lock (a PostgreSQL advisory lock across
processes, a thread lock within one) lets one request build while the others show the older
snapshot, or, when there is none yet, wait for that build instead of starting their own.
"""

import logging
import threading
import time
from collections import defaultdict
from contextlib import contextmanager, nullcontext
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection, transaction
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.db.models.fields.json import KT
from django.db.models.functions import Substr
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals.kinds import all_kinds
from approvals.models import Form, FormStatus, FormStep, StepStatus
from org.codes import RoleCode
from org.selectors import user_has_role, user_sees_all
from sipm.values import to_decimal

from .models import OPEN_STAGES, DashboardSnapshot, Project, Stage

# The shape of `DashboardSnapshot.figures`; a snapshot of another shape is not read.
FIGURES_VERSION = 1
# Snapshots older than this are removed when a new one is stored.
KEEP = timedelta(days=1)
BUILD_LOCK = 0x5199_0002  # the advisory lock key of a snapshot build (PostgreSQL)
_thread_lock = threading.Lock()
logger = logging.getLogger(__name__)


def may_see_dashboard(user) -> bool:
    return user.is_authenticated and (user_sees_all(user) or user_has_role(user, RoleCode.FINANCE))


def max_age() -> timedelta:
    """How old a snapshot may be before a page view rebuilds it (beat builds every 5 minutes)."""
    return timedelta(minutes=getattr(settings, "SIPM_DASHBOARD_MAX_AGE_MINUTES", 15))


# --- The figures ---------------------------------------------------------------------------


def compute_figures(now: datetime) -> dict:
    """The dashboard's figures as of `now`, in language-neutral codes: a few aggregate queries,
    however many projects and steps there are."""
    by_stage = dict(Project.objects.order_by().values_list("stage").annotate(n=Count("id")))
    waiting = (
        FormStep.objects.filter(status=StepStatus.ACTIVE, form__status=FormStatus.IN_REVIEW)
        .order_by("form__kind")
        .values("form__kind")
        .annotate(n=Count("id"), late=Count("id", filter=Q(due_at__lt=now)))
    )
    return {
        "v": FIGURES_VERSION,
        "stages": by_stage,
        # [form kind, steps waiting, of which overdue]
        "approvals": [[row["form__kind"], row["n"], row["late"]] for row in waiting],
        "pipeline": _pipeline(),
    }


def _pipeline() -> dict[str, str]:
    """项目预计合同金额 of open projects by the month their contract is expected to be signed
    ({"YYYY-MM": "amount"}): two aggregate queries."""
    creating = [k.slug for k in all_kinds() if k.creates_project]
    statuses = [FormStatus.IN_REVIEW, FormStatus.APPROVED]
    # A corrected initiation replaces the earlier one: count each project once, latest wins.
    # (`previous__isnull=False` says nothing new; it lets PostgreSQL read the few corrections
    # through the index on previous_id instead of hashing every form.)
    corrected = Form.objects.filter(
        previous=OuterRef("pk"), previous__isnull=False, status__in=statuses
    )
    rows = (
        Form.objects.filter(kind__in=creating, project__stage__in=OPEN_STAGES, status__in=statuses)
        .exclude(project__stage=Stage.INITIATING, status=FormStatus.APPROVED)
        .exclude(Exists(corrected))
        .annotate(month=Substr(KT("data__expected_sign_date"), 1, 7))
        .order_by()
    )
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for month, total in (
        rows.filter(project__estimated_amount__isnull=False)
        .values("month")
        .annotate(total=Sum("project__estimated_amount"))
        .values_list("month", "total")
    ):
        if month and len(month) == 7 and total is not None:
            sums[month] += total
    # Projects without an amount of their own (rare): the form's figure, checked here.
    for month, raw in rows.filter(project__estimated_amount__isnull=True).values_list(
        "month", KT("data__estimated_amount")
    ):
        value = to_decimal(raw)
        if month and len(month) == 7 and value is not None:
            sums[month] += value
    cents = Decimal("0.01")
    return {month: str(sums[month].quantize(cents)) for month in sorted(sums)}


# --- Snapshots -----------------------------------------------------------------------------


def latest_snapshot() -> DashboardSnapshot | None:
    """The newest snapshot of the current shape: one query on the built_at index."""
    snap = DashboardSnapshot.objects.order_by("-built_at").first()
    if snap is None or not isinstance(snap.figures, dict):
        return None
    return snap if snap.figures.get("v") == FIGURES_VERSION else None


def is_fresh(snap: DashboardSnapshot | None, now: datetime | None = None) -> bool:
    return snap is not None and (now or timezone.now()) - snap.built_at < max_age()


@contextmanager
def _build_lock(*, wait: bool):
    """Yields whether this caller may build. With `wait`, blocks until a build going on
    elsewhere has finished (and its snapshot is committed), then holds the lock; without,
    gives up at once. On PostgreSQL a transaction-scoped advisory lock: released at commit or
    rollback, whatever happens inside."""
    if not _thread_lock.acquire(blocking=wait):
        yield False
        return
    try:
        if connection.vendor != "postgresql":
            yield True
            return
        with transaction.atomic():
            with connection.cursor() as cur:
                if wait:
                    cur.execute("SELECT pg_advisory_xact_lock(%s)", [BUILD_LOCK])
                    got = True
                else:
                    cur.execute("SELECT pg_try_advisory_xact_lock(%s)", [BUILD_LOCK])
                    got = cur.fetchone()[0]
            yield got
    finally:
        _thread_lock.release()


def snapshot_build() -> DashboardSnapshot:
    """Compute the figures now and store them as the newest snapshot; older ones than `KEEP`
    go."""
    started = time.perf_counter()
    now = timezone.now()
    figures = compute_figures(now)
    took_ms = round((time.perf_counter() - started) * 1000)
    with transaction.atomic():
        snap = DashboardSnapshot.objects.create(built_at=now, took_ms=took_ms, figures=figures)
        DashboardSnapshot.objects.filter(built_at__lt=now - KEEP).delete()
    return snap


def snapshot_refresh() -> DashboardSnapshot | None:
    """The beat task's build: skipped (None) while another build is going on."""
    with _build_lock(wait=False) as got:
        return snapshot_build() if got else None


def current_snapshot() -> DashboardSnapshot:
    """The snapshot a page shows: the latest if fresh; else one built now, by this request or,
    when another is already building, the older one (or, with none at all, the other's)."""
    snap = latest_snapshot()
    if is_fresh(snap):
        return snap
    with _build_lock(wait=snap is None) as got:
        if not got:
            return snap
        newer = latest_snapshot()  # built while this request waited for the lock
        if is_fresh(newer):
            return newer
        try:
            # inside a transaction (the lock's), a savepoint: a failed build leaves it usable
            with transaction.atomic() if connection.in_atomic_block else nullcontext():
                return snapshot_build()
        except DatabaseError:
            if snap is None:
                raise
            logger.exception(
                "dashboard snapshot build failed; showing the one of %s", snap.built_at
            )
            return snap


# --- The page ------------------------------------------------------------------------------


def charts(figures: dict) -> dict:
    """The page's charts and totals from a snapshot's figures, labelled in the current
    language."""
    by_stage = figures["stages"]
    stage_chart = {
        "labels": [str(label) for value, label in Stage.choices if by_stage.get(value)],
        "values": [by_stage[value] for value, _label in Stage.choices if by_stage.get(value)],
    }
    titles = {k.slug: k.title for k in all_kinds()}
    approvals_chart = {"labels": [], "waiting": [], "overdue": []}
    for kind, n, late in figures["approvals"]:
        approvals_chart["labels"].append(str(titles.get(kind, kind)))
        approvals_chart["waiting"].append(n - late)
        approvals_chart["overdue"].append(late)
    pipeline = figures["pipeline"]
    return {
        "stage_chart": stage_chart,
        "approvals_chart": approvals_chart,
        "pipeline_chart": {"labels": list(pipeline), "values": list(pipeline.values())},
        "totals": {
            "open_projects": sum(by_stage.get(s, 0) for s in OPEN_STAGES),
            "waiting": sum(n for _kind, n, _late in figures["approvals"]),
            "overdue": sum(late for _kind, _n, late in figures["approvals"]),
        },
    }


@login_required
def dashboard(request):
    if not may_see_dashboard(request.user):
        raise PermissionDenied(_("只有财务和总监可以查看统计看板。"))
    snap = current_snapshot()
    built_at = timezone.localtime(snap.built_at)
    same_day = built_at.date() == timezone.localdate()
    return render(
        request,
        "projects/dashboard.html",
        {
            **charts(snap.figures),
            "built_at": built_at,
            "built_at_text": built_at.strftime("%H:%M" if same_day else "%Y-%m-%d %H:%M"),
        },
    )
