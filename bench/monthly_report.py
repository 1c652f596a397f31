"""Benchmark of the monthly cost report [§4] on PostgreSQL.

Builds `--scale` × (100,000 projects, 1,000,000 cost lines) with approved initiation forms and
budgets for half of the projects, then measures, each in a fresh process so the peak memory is
the report's own: the figures (department and grand totals and the top projects, aggregated by
PostgreSQL: what the PDF and the 月度成本 page read), the JSON (every row streamed), the
spreadsheet, and the PDF. Prints wall time, peak RSS growth (getrusage), the CPU seconds of this
process and of its PostgreSQL backend (/proc, when the server is local; on a shared machine the
CPU time varies far less than the wall time) and, with --tracemalloc, the Python heap peak.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sipm_bench \
        .venv/bin/python bench/monthly_report.py --scale 0.1 --repeat 5

With --repeat N each measurement runs N times (fresh processes) and the best and the median are
printed too: on a shared machine single runs vary by a factor of two.

The data is kept between runs (projects numbered BENCH-…); --rebuild deletes and rebuilds it.
Targets at scale 1 (issue #10): each format (json, xlsx, pdf) ≤ 5 s and ≤ 300 MB.
"""

import argparse
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sipm.settings.local")

SHANGHAI = ZoneInfo("Asia/Shanghai")
PREFIX = "BENCH-"
MONTH = "2025-06"
RESULT = "#result"
BATCH = 5000
CATEGORIES = ("presales", "implementation", "management", "maintenance", "purchase", "sales")


def setup():
    import django

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("bench/monthly_report.py needs PostgreSQL: set DATABASE_URL=postgres://…")


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def cpu_seconds(backend_pid) -> tuple[float, float]:
    """(this process, the PostgreSQL backend) user + system CPU seconds; the backend's is NaN
    when its /proc entry cannot be read (a remote server). Parallel workers are not counted."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    try:
        fields = Path(f"/proc/{backend_pid}/stat").read_text().rsplit(")", 1)[1].split()
        backend = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        backend = float("nan")
    return usage.ru_utime + usage.ru_stime, backend


# --- building the data ---------------------------------------------------------------------


def _delete_bench_data():
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT id FROM projects_project WHERE number LIKE %s", [PREFIX + "%"])
        if not cur.fetchone():
            return
        sub = "SELECT id FROM projects_project WHERE number LIKE %s"
        cur.execute(f"DELETE FROM finance_costentry WHERE project_id IN ({sub})", [PREFIX + "%"])
        cur.execute(f"DELETE FROM approvals_form WHERE project_id IN ({sub})", [PREFIX + "%"])
        cur.execute("DELETE FROM projects_project WHERE number LIKE %s", [PREFIX + "%"])


def _copy(table, columns, rows):
    """COPY rows (tuples of str/None) into table, streamed."""
    from django.db import connection

    with connection.cursor() as cur:
        raw = cur.cursor
        with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


def build(n_projects: int, n_lines: int, seed=2025):
    from django.db import connection, transaction

    from approvals.models import Form, FormStatus
    from org.demo import seed_demo_org
    from org.models import Department
    from projects.models import Project, Stage

    rng = random.Random(seed)
    users = seed_demo_org()
    sales = users["sales"]
    departments = list(Department.objects.values_list("pk", flat=True))
    approved_at = datetime(2025, 1, 2, 10, tzinfo=SHANGHAI)
    stages = [Stage.IMPLEMENTING, Stage.SIGNED, Stage.EVALUATING, Stage.PRESALES, Stage.CLOSED]
    started = time.perf_counter()
    with transaction.atomic():
        for start in range(0, n_projects, BATCH):
            batch = [
                Project(
                    number=f"{PREFIX}{i:07d}",
                    name=f"基准项目{i}",
                    client_name="基准客户",
                    department_id=rng.choice(departments),
                    initiator=sales,
                    sales_lead=sales,
                    stage=rng.choice(stages),
                )
                for i in range(start, min(start + BATCH, n_projects))
            ]
            Project.objects.bulk_create(batch)
        ids = list(
            Project.objects.filter(number__startswith=PREFIX)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        forms_number = 0

        def form_rows():
            nonlocal forms_number
            for pk in ids:
                forms_number += 1
                yield Form(
                    kind="initiation",
                    number=f"{PREFIX}LX-{forms_number:07d}",
                    project_id=pk,
                    submitter=sales,
                    status=FormStatus.APPROVED,
                    closed_at=approved_at,
                    data={"presales_budget": f"{rng.randint(1, 50) * 1000}.00"},
                )
                if pk % 2 == 0:
                    forms_number += 1
                    yield Form(
                        kind="budget",
                        number=f"{PREFIX}YS-{forms_number:07d}",
                        project_id=pk,
                        submitter=sales,
                        status=FormStatus.APPROVED,
                        closed_at=approved_at + timedelta(days=30),
                        data={
                            "implementation_cost": f"{rng.randint(10, 500) * 1000}.00",
                            "management_cost": f"{rng.randint(1, 50) * 1000}.00",
                            "maintenance_cost": f"{rng.randint(1, 50) * 1000}.00",
                        },
                    )

        batch = []
        for form in form_rows():
            batch.append(form)
            if len(batch) >= BATCH:
                Form.objects.bulk_create(batch)
                batch = []
        Form.objects.bulk_create(batch)
        print(
            f"  {len(ids):,} projects and {forms_number:,} forms: "
            f"{time.perf_counter() - started:.1f} s",
            flush=True,
        )

        started = time.perf_counter()
        now = datetime.now(SHANGHAI).isoformat()
        year_start = date(2025, 1, 1)

        def cost_rows():
            for _i in range(n_lines):
                yield (
                    str(rng.choice(ids)),
                    rng.choice(CATEGORIES),
                    (year_start + timedelta(days=rng.randint(0, 364))).isoformat(),
                    str(Decimal(rng.randint(100, 5_000_000)) / 100),
                    "",
                    str(sales.pk),
                    now,
                )

        _copy(
            "finance_costentry",
            ("project_id", "category", "date", "amount", "note", "entered_by_id", "created_at"),
            cost_rows(),
        )
        print(f"  {n_lines:,} cost lines (COPY): {time.perf_counter() - started:.1f} s", flush=True)
    with connection.cursor() as cur:
        # VACUUM sets the visibility map that lets the report read the covering index alone
        # (autovacuum does the same for an insert-only table in production, PostgreSQL ≥ 13).
        for table in ("projects_project", "approvals_form", "finance_costentry"):
            cur.execute(f"VACUUM (ANALYZE) {table}")


def ensure_data(scale: float, rebuild: bool):
    from django.core.management import call_command

    from projects.models import Project

    call_command("migrate", verbosity=0)
    n_projects, n_lines = int(100_000 * scale), int(1_000_000 * scale)
    have = Project.objects.filter(number__startswith=PREFIX).count()
    if rebuild or have != n_projects:
        print(f"Building {n_projects:,} projects and {n_lines:,} cost lines …", flush=True)
        _delete_bench_data()
        build(n_projects, n_lines)
    else:
        print(f"Reusing {have:,} bench projects.", flush=True)


# --- measuring -----------------------------------------------------------------------------


def measure(what: str, use_tracemalloc: bool):
    import tracemalloc

    from django.db import connection

    from finance.reports import data
    from finance.reports.pdf import PDF_TOP_PROJECTS, render_pdf
    from finance.reports.services import build_files, iter_json

    month = data.parse_month(MONTH)
    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        backend_pid = cur.fetchone()[0]
    base = rss_mb()
    if use_tracemalloc:
        tracemalloc.start()
    cpu_before = cpu_seconds(backend_pid)
    started = time.perf_counter()
    if what == "figures":
        acc = data.run(month)
        detail = f"{acc.grand.projects:,} projects, month total {acc.grand.month_total:,}"
    elif what == "json":
        size = sum(len(piece) for piece in iter_json(month))
        detail = f"{size / 1e6:.1f} MB of JSON streamed"
    elif what == "xlsx":
        files, _summary = build_files(month, formats=("xlsx",))
        detail = f"{len(files['xlsx']) / 1e6:.1f} MB xlsx"
    else:
        acc = data.run(month, top=PDF_TOP_PROJECTS)
        pdf = render_pdf(month, acc)
        detail = f"{len(pdf) / 1e3:.0f} kB pdf"
    elapsed = time.perf_counter() - started
    cpu = [
        after - before for after, before in zip(cpu_seconds(backend_pid), cpu_before, strict=True)
    ]
    heap = ""
    if use_tracemalloc:
        heap = f", Python heap peak {tracemalloc.get_traced_memory()[1] / 2**20:.0f} MB"
        tracemalloc.stop()
    print(
        f"{what:8s} {elapsed:6.2f} s   peak RSS +{rss_mb() - base:5.0f} MB "
        f"(process {rss_mb():.0f} MB)   CPU {cpu[0]:.2f} s + PostgreSQL {cpu[1]:.2f} s"
        f"{heap}   {detail}",
        flush=True,
    )
    print(f"{RESULT} {elapsed:.3f} {rss_mb() - base:.1f} {rss_mb():.1f} {sum(cpu):.3f}", flush=True)


def run_measure(what: str, use_tracemalloc: bool) -> tuple[float, float, float, float]:
    """(seconds, peak RSS growth in MB, peak RSS in MB, CPU seconds of the process and its
    PostgreSQL backend) of one measurement in a fresh process."""
    cmd = [sys.executable, __file__, "--measure", what]
    if use_tracemalloc:
        cmd.append("--tracemalloc")
    out = subprocess.run(
        cmd, check=True, env=os.environ.copy(), capture_output=True, text=True
    ).stdout
    result = None
    for line in out.splitlines():
        if line.startswith(RESULT):
            result = tuple(float(x) for x in line.split()[1:5])
        else:
            print(line, flush=True)
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--tracemalloc", action="store_true")
    parser.add_argument("--repeat", type=int, default=1, help="runs per measurement")
    parser.add_argument("--only", choices=("figures", "json", "xlsx", "pdf"), action="append")
    parser.add_argument(
        "--measure", choices=("figures", "json", "xlsx", "pdf"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    setup()
    if args.measure:
        measure(args.measure, args.tracemalloc)
        return
    ensure_data(args.scale, args.rebuild)
    print(f"Monthly cost report for {MONTH} (each in a fresh process):", flush=True)
    summary = []
    for what in args.only or ("figures", "json", "xlsx", "pdf"):
        results = [run_measure(what, args.tracemalloc) for _i in range(args.repeat)]
        times = [r[0] for r in results]
        summary.append(
            f"{what:8s} best {min(times):5.2f} s   median {statistics.median(times):5.2f} s   "
            f"peak RSS +{max(r[1] for r in results):.0f} MB "
            f"(process {max(r[2] for r in results):.0f} MB)   "
            f"CPU median {statistics.median(r[3] for r in results):.2f} s   ({len(times)} runs)"
        )
    if args.repeat > 1:
        print("\n".join(["Summary:", *summary]), flush=True)


if __name__ == "__main__":
    main()
