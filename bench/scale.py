"""SIPM at a large company's scale: every page as a ratio to a bare view, at two sizes.

    .venv/bin/python bench/scale.py                    # seeds sipm_bench_10k and sipm_bench_100k
    .venv/bin/python bench/scale.py --reuse            # keeps already seeded databases
    .venv/bin/python bench/scale.py --sizes 10000 --rounds 15

For each size it (re)creates the PostgreSQL database `sipm_bench_<size>` (`--reuse` keeps one
that has projects), migrates and runs `manage.py seed_scale`, then starts gunicorn with
`sipm.settings.production` (DEBUG off, plain-HTTP cookies allowed, SIPM_BENCH=true for the
server-time header and the bare views) on 127.0.0.1 and a free port, and measures, interleaved
round by round with the bare `login_required` view and the bare DRF view, each page's server time
(X-Bench-Ms: inside Django) and queries per request. Then: approve latency and throughput with
16 concurrent clients (lost and doubled decisions counted, the audit chain verified), PDFs, the
monthly report per format (time and peak RSS, fresh process each) and the reminder sweep.
Writes change the data (decisions, reminders): a `--reuse` run measures a slightly later state.
"""

import argparse
import json
import os
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
PG = os.environ.get("SIPM_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
REDIS = os.environ.get("SIPM_BENCH_REDIS", "redis://127.0.0.1:6379/4")
PASSWORD = "sipm-demo"
THROUGHPUT_CLIENTS = 16


def db_url(size):
    return f"{PG}/sipm_bench_{size // 1000}k"


def env_for(size, **extra):
    env = dict(os.environ)
    env.update(
        DATABASE_URL=db_url(size),
        CELERY_BROKER_URL=REDIS,
        DJANGO_SECRET_KEY="bench-only-" + "x" * 40,
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SECURE_COOKIES="false",
        # Plain HTTP on 127.0.0.1: no redirect to HTTPS, no HSTS (production turns both on).
        DJANGO_SECURE_SSL_REDIRECT="false",
        DJANGO_HSTS_SECONDS="0",
        SIPM_BENCH="true",
        SIPM_AUTH_THROTTLE="100000/minute",
        # The same media directory whichever checkout runs the bench: stored PDFs stay stored.
        SIPM_MEDIA_ROOT=os.environ.get(
            "SIPM_BENCH_MEDIA", f"/tmp/sipm-bench-media-{size // 1000}k"
        ),
        **extra,
    )
    return env


def manage(size, *args, settings="sipm.settings.local", check=True, capture=False, **extra):
    env = env_for(size, DJANGO_SETTINGS_MODULE=settings, **extra)
    return subprocess.run(
        [PY, "manage.py", *args], cwd=ROOT, env=env, check=check, text=True,
        capture_output=capture,
    )  # fmt: skip


def psql(sql, db="postgres"):
    subprocess.run(["psql", f"{PG}/{db}", "-qAtc", sql], check=True, capture_output=True)


SETTLE = """
UPDATE approvals_formstep SET next_reminder_at = CASE
    WHEN random() < 0.01 THEN now() - interval '1 hour'
    WHEN due_at > now() + interval '1 day' THEN due_at - interval '1 day'
    ELSE now() + random() * interval '20 days' END
  WHERE status = 'active';
UPDATE projects_project SET next_deadline_at = CASE
    WHEN random() < 0.01 THEN now() - interval '1 hour'
    ELSE now() + random() * interval '20 days' END
  WHERE next_deadline_at IS NOT NULL;
"""


def settle(size):
    """A database seeded before the sweep's due columns existed: the migration asks the sweep
    to look at every open step and project once; give them instead what seed_scale writes now
    (the columns of a system whose sweep has been running), so the sweep figures are a normal
    run's, not the one-off catch-up."""
    name = f"sipm_bench_{size // 1000}k"
    out = subprocess.run(
        ["psql", f"{PG}/{name}", "-qAtc",
         "SELECT count(*) FROM information_schema.columns WHERE column_name = 'next_reminder_at'"],
        capture_output=True, text=True,
    )  # fmt: skip
    if out.stdout.strip() == "1":
        psql(SETTLE, db=name)


def prepare(size, reuse):
    name = f"sipm_bench_{size // 1000}k"
    if reuse:
        out = subprocess.run(
            ["psql", f"{PG}/{name}", "-qAtc", "SELECT count(*) FROM projects_project"],
            capture_output=True, text=True,
        )  # fmt: skip
        if out.returncode == 0 and int(out.stdout.strip() or 0) >= size:
            manage(size, "migrate", "-v0")
            settle(size)
            print(f"[{name}] reused ({out.stdout.strip()} projects)", flush=True)
            return
    psql(f"DROP DATABASE IF EXISTS {name}")
    psql(f"CREATE DATABASE {name}")
    manage(size, "migrate", "-v0")
    started = time.monotonic()
    manage(size, "seed_scale", "--projects", str(size))
    print(f"[{name}] seeded in {time.monotonic() - started:.0f} s", flush=True)


# --- the server --------------------------------------------------------------------------------


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, size, workers):
        self.size = size
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        manage(size, "collectstatic", "--noinput", "-v0", settings="sipm.settings.production")
        self.proc = subprocess.Popen(
            [str(ROOT / ".venv" / "bin" / "gunicorn"), "sipm.wsgi", "-b", f"127.0.0.1:{self.port}",
             "-w", str(workers), "--threads", "4", "--timeout", "300", "--log-level", "warning"],
            cwd=ROOT, env=env_for(size, DJANGO_SETTINGS_MODULE="sipm.settings.production"),
        )  # fmt: skip
        for _i in range(300):
            try:
                urllib.request.urlopen(self.base + "/login/", timeout=30)
                return
            except OSError:
                time.sleep(0.5)
        self.stop()
        raise SystemExit("gunicorn did not start")

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Client:
    """A browser session (cookies, CSRF) or an API token."""

    def __init__(self, base):
        self.base = base
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect
        )
        self.token = None

    def request(self, path, data=None, method=None, headers=None):
        headers = dict(headers or {})
        if self.token:
            headers["Authorization"] = f"Token {self.token}"
        csrf = next((c.value for c in self.jar if c.name == "csrftoken"), None)
        if csrf and data is not None and not self.token:
            headers["X-CSRFToken"] = csrf
            headers["Referer"] = self.base + "/"
        body = None
        if isinstance(data, dict):
            if self.token:
                body, headers["Content-Type"] = json.dumps(data).encode(), "application/json"
            else:
                body = urllib.parse.urlencode(data).encode()
        req = urllib.request.Request(self.base + path, data=body, headers=headers, method=method)
        try:
            resp = self.opener.open(req, timeout=600)
        except urllib.error.HTTPError as exc:
            resp = exc
        content = resp.read()
        return (
            resp.status,
            float(resp.headers.get("X-Bench-Ms") or "nan"),
            int(resp.headers.get("X-Bench-Queries") or -1),
            content,
        )

    def login(self, username):
        self.request("/login/")
        status, ms, q, _body = self.request("/login/", {"username": username, "password": PASSWORD})
        assert status == 302, f"login of {username} failed ({status})"
        return ms, q

    def api_login(self, username):
        status, _ms, _q, body = self.request(
            "/api/v1/auth/token/", {"username": username, "password": PASSWORD}, method="POST",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )  # fmt: skip
        assert status == 200, body
        self.token = json.loads(body)["token"]
        return self


# --- data the measures need ---------------------------------------------------------------------


def facts(size):
    code = r"""
import json
from django.db.models import Count
from approvals.models import Form, StepAssignee
from projects.models import Project
from org.models import User
big = Project.objects.annotate(n=Count("forms")).order_by("-n").values_list("pk", "number", "name", "client_name").first()
typical = Project.objects.filter(forms__kind="contract").exclude(pk=big[0]).values_list("pk", flat=True).first()
gm = User.objects.get(username="gm").pk
waiting = list(StepAssignee.objects.filter(user_id=gm, step__status="active", step__form__status="in_review")
    .order_by("step__form_id").values_list("step__form_id", flat=True)[:3000])
approved = list(Form.objects.filter(status="approved", kind="contract").order_by("-id").values_list("pk", flat=True)[:40])
other = Project.objects.exclude(pk=big[0]).order_by("id").values_list("number", "name", "client_name")[size // 2]
print(json.dumps({"big": big, "typical": typical, "waiting": waiting, "approved": approved, "other": list(other)}))
""".replace("size", str(size))
    out = manage(size, "shell", "-c", code, capture=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


# --- measuring -------------------------------------------------------------------------------------


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def interleaved(server, f, rounds):
    """Each round: every page once, and the bare views before each page."""
    users = {}

    def client(username):
        if username not in users:
            c = Client(server.base)
            c.login(username)
            users[username] = c
        return users[username]

    def api(username):
        key = "api:" + username
        if key not in users:
            users[key] = Client(server.base).api_login(username)
        return users[key]

    big_number, big_name, big_client = f["big"][1], f["big"][2], f["big"][3]
    number, name, client_name = f["other"]
    q = urllib.parse.quote
    pages = [
        ("queue page · GM", "html", lambda: client("gm").request("/queue/")),
        ("queue page · manager", "html", lambda: client("mkt_mgr").request("/queue/")),
        ("queue page · empty", "html", lambda: client("staff").request("/queue/")),
        ("queue API · GM", "api", lambda: api("gm").request("/api/v1/queue/")),
        ("queue API · manager", "api", lambda: api("mkt_mgr").request("/api/v1/queue/")),
        ("queue API · empty", "api", lambda: api("staff").request("/api/v1/queue/")),
        ("project list · pmo (all)", "html", lambda: client("pmo").request("/projects/")),
        ("project list · sales", "html", lambda: client("sales").request("/projects/")),
        ("project list · staff", "html", lambda: client("staff").request("/projects/")),
        ("project list · heavy member", "html", lambda: client("pm").request("/projects/")),
        ("projects API · sales", "api", lambda: api("sales").request("/api/v1/projects/")),
        ("search number · pmo", "html", lambda: client("pmo").request(f"/projects/?q={q(number)}")),
        ("search name · pmo", "html", lambda: client("pmo").request(f"/projects/?q={q(name[-6:])}")),
        ("search client · pmo", "html", lambda: client("pmo").request(f"/projects/?q={q(client_name)}")),
        ("search name · sales", "html", lambda: client("sales").request(f"/projects/?q={q(big_name[:4])}")),
        ("project detail · typical", "html", lambda: client("pmo").request(f"/projects/{f['typical']}/")),
        ("project detail · 300 forms", "html", lambda: client("pmo").request(f"/projects/{f['big'][0]}/")),
        ("dashboard · GM", "html", lambda: client("gm").request("/dashboard/")),
        ("home · GM", "html", lambda: client("gm").request("/")),
        ("home · sales", "html", lambda: client("sales").request("/")),
        ("login", "html", lambda: (302, *Client(server.base).login("sales"), b"")),
        ("PDF download · stored", "html", lambda: client("gm").request(f"/forms/{f['approved'][0]}/pdf/")),
    ]  # fmt: skip
    del big_number, big_client
    results = {name: ([], []) for name, _k, _fn in pages}
    bare = {"html": ([], []), "api": ([], [])}
    client("staff")
    # Issue it once as the worker would after approval (no Celery worker runs here): "stored".
    manage(server.size, "shell", "-c",
           f"from documents.services import document_issue; document_issue(form_id={f['approved'][0]})",
           settings="sipm.settings.production")  # fmt: skip
    for r in range(rounds):
        for label, kind, fn in pages:
            bc = client("staff") if kind == "html" else api("staff")
            status, ms, nq, _b = bc.request(
                "/_bench/bare/" if kind == "html" else "/_bench/bare-api/"
            )
            assert status == 200, status
            bare[kind][0].append(ms)
            bare[kind][1].append(nq)
            status, ms, nq, *_rest = fn()
            if status not in (200, 302):
                raise SystemExit(f"{label}: HTTP {status}")
            results[label][0].append(ms)
            results[label][1].append(nq)
        print(f"  round {r + 1}/{rounds}", flush=True)
    return pages, results, bare


def approve_bench(server, size, f, latency_n=20):
    gm = Client(server.base).api_login("gm")
    forms = list(f["waiting"])
    latency, queries = [], []
    for form_id in forms[:latency_n]:
        status, ms, nq, body = gm.request(
            f"/api/v1/forms/{form_id}/decide/", {"decision": "approve"}, method="POST"
        )
        if status == 200:
            latency.append(ms)
            queries.append(nq)
    rest = forms[latency_n:]
    # Throughput: 16 clients; every form is sent by two clients at once (a double click).
    jobs = [fid for fid in rest[: max(0, min(len(rest), 600))] for _twice in (0, 1)]
    lock = threading.Lock()
    ok, conflicts, errors = [], [0], [0]
    clients = [Client(server.base).api_login("gm") for _i in range(THROUGHPUT_CLIENTS)]

    def worker(c):
        while True:
            with lock:
                if not jobs:
                    return
                fid = jobs.pop()
            status, _ms, _nq, _body = c.request(
                f"/api/v1/forms/{fid}/decide/", {"decision": "approve"}, method="POST"
            )
            with lock:
                if status == 200:
                    ok.append(fid)
                elif status == 409:
                    conflicts[0] += 1
                else:
                    errors[0] += 1

    threads = [threading.Thread(target=worker, args=(c,)) for c in clients]
    started = time.perf_counter()
    since = time.time()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    sent = sorted(set(rest[:600]))
    code = f"""
from approvals.models import Decision
from django.db.models import Count
from core.audit import audit_verify
gm = __import__("org.models").models.User.objects.get(username="gm").pk
import datetime
since = datetime.datetime.fromtimestamp({since!r}, datetime.timezone.utc)
rows = Decision.objects.filter(form_id__in={sent!r}, principal_id=gm, created_at__gte=since).values("form_id", "step_id", "step_pass").annotate(n=Count("id"))
recorded = doubled = 0
for r in rows:
    recorded += 1
    doubled += r["n"] - 1
print(recorded, doubled, audit_verify() is None)
"""
    out = manage(size, "shell", "-c", code, capture=True).stdout.strip().splitlines()[-1].split()
    recorded, doubled, chain_ok = int(out[0]), int(out[1]), out[2] == "True"
    return {
        "latency_p50": pct(latency, 50) if latency else float("nan"),
        "latency_p95": pct(latency, 95) if latency else float("nan"),
        "queries": max(queries) if queries else -1,
        "throughput": len(ok) / wall,
        "ok": len(ok),
        "conflicts": conflicts[0],
        "errors": errors[0],
        # Every 200 is one decision row (a form's next step may be the GM's again); a seat
        # decided twice would be a doubled row.
        "lost": max(0, len(ok) - recorded),
        "doubled": doubled,
        "chain_ok": chain_ok,
        "forms": len(sent),
    }


def fresh_pdf(server, f, n=5):
    gm = Client(server.base)
    gm.login("gm")
    times = []
    for form_id in f["approved"][1 : 1 + n]:
        status, ms, nq, _b = gm.request(f"/forms/{form_id}/pdf/")
        times.append((ms, nq, status))
    return times


REPORT = r"""
import resource, sys, time
from finance.reports import data
from finance.reports.services import build_files, iter_json
from finance.reports.pdf import PDF_TOP_PROJECTS, render_pdf
month = data.parse_month(sys.argv[-2]); fmt = sys.argv[-1]
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t = time.perf_counter()
if fmt == "json":
    n = sum(len(chunk) for chunk in iter_json(month))
elif fmt == "xlsx":
    n = len(build_files(month, formats=("xlsx",))[0]["xlsx"])
else:
    n = len(render_pdf(month, data.run(month, top=PDF_TOP_PROJECTS)))
print(time.perf_counter() - t, (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024, n)
"""

DASHBOARD = r"""
# What beat does every 5 minutes (projects.tasks.dashboard_snapshot_build): the page then reads
# the snapshot, as in a running system, instead of one measured request building it.
from projects.dashboard import snapshot_refresh
snap = snapshot_refresh()
print(snap.took_ms / 1000 if snap is not None else -1)
"""

SWEEP = r"""
import time
from django.db import connection
from django.urls import get_resolver
from notifications.reminders import reminders_scan
from sipm.bench import QueryCounter
from sipm.celery import app
get_resolver()._populate()  # a long-lived worker has its URLconf loaded before its first sweep
with app.producer_or_acquire() as producer:  # ... and its broker connection open
    producer.connection.ensure_connection(max_retries=1)
import datetime, sys
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from notifications.workdays import SHANGHAI, Workdays
now = None
if sys.argv[-1] == "morning":
    # The first sweep of the next working day (08:05 Shanghai): what falls due until then,
    # over the evening, the night and any days off, is told at once.
    start, _end = getattr(settings, "SIPM_REMINDER_HOURS", (8, 20))
    local = timezone.now().astimezone(SHANGHAI)
    day = local.date() + datetime.timedelta(days=0 if local.hour < start else 1)
    days = Workdays(day, day + datetime.timedelta(days=40))
    while not days.is_working(day):
        day += datetime.timedelta(days=1)
    now = datetime.datetime.combine(day, datetime.time(start, 5), SHANGHAI)
class Undo(Exception):
    pass
try:
    # Counted as the pages' queries are (sipm.bench): CaptureQueriesContext would force the debug
    # cursor, which renders every statement with its parameters (megabytes for a batch's inserts)
    # and adds that to the time measured.
    counter = QueryCounter()
    with transaction.atomic(), connection.execute_wrapper(counter):
        t = time.perf_counter()
        result = reminders_scan(now=now)
        took = time.perf_counter() - t
        if now is not None:
            raise Undo  # the morning run is measured, then rolled back: the data stays as seeded
except Undo:
    pass
print(took, counter.n, len(result.recorded), result.retried,
      int(result.skipped_quiet_time))
"""


def script(size, code, *args, timeout=900):
    env = env_for(size, DJANGO_SETTINGS_MODULE="sipm.settings.production")
    runner = "import django, sys; django.setup(); exec(open(sys.argv[1]).read())"
    path = ROOT / "var" / "bench-script.py"
    path.parent.mkdir(exist_ok=True)
    path.write_text(code)
    try:
        out = subprocess.run(
            [PY, "-c", runner, str(path), *args], cwd=ROOT, env=env, capture_output=True,
            text=True, timeout=timeout,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        return None
    if out.returncode:
        print(out.stderr[-2000:])
        return None
    return [float(x) for x in out.stdout.strip().splitlines()[-1].split()]


def run_size(size, args):
    print(f"== {size} projects ==", flush=True)
    prepare(size, args.reuse)
    f = facts(size)
    dashboard_build = script(size, DASHBOARD)
    server = Server(size, args.workers)
    try:
        pages, results, bare = interleaved(server, f, args.rounds)
        out = {"pages": {}, "bare": {}, "dashboard_build": dashboard_build}
        for kind, (ms, nq) in bare.items():
            out["bare"][kind] = {"p50": pct(ms, 50), "p95": pct(ms, 95), "queries": max(nq)}
        for label, kind, _fn in pages:
            ms, nq = results[label]
            b = out["bare"][kind]
            out["pages"][label] = {
                "p50": pct(ms, 50), "p95": pct(ms, 95), "queries": max(nq),
                "ratio": pct(ms, 95) / b["p95"], "ratio50": pct(ms, 50) / b["p50"],
            }  # fmt: skip
        out["pdf_fresh"] = fresh_pdf(server, f)
        out["approve"] = approve_bench(server, size, f)
    finally:
        server.stop()
    month = args.month
    out["report"] = {fmt: script(size, REPORT, month, fmt) for fmt in ("json", "xlsx", "pdf")}
    out["sweep"] = [script(size, SWEEP, timeout=args.sweep_timeout) for _i in range(2)]
    out["sweep"].append(script(size, SWEEP, "morning", timeout=args.sweep_timeout))
    return out


def show(all_results):
    sizes = sorted(all_results)
    print("\nserver time (ms, inside Django), p95 ratio to the bare view of the same run, queries")
    head = "".join(f" | {s // 1000}k p50   p95  ×bare  q" for s in sizes)
    print(f"{'measure':30}{head}" + (" | 100k/10k" if len(sizes) == 2 else ""))
    labels = list(all_results[sizes[0]]["pages"])
    for kind in ("html", "api"):
        row = "".join(
            f" | {all_results[s]['bare'][kind]['p50']:6.1f} {all_results[s]['bare'][kind]['p95']:6.1f}  1.0 {all_results[s]['bare'][kind]['queries']:3d}"
            for s in sizes
        )
        print(f"{'bare ' + kind:30}{row}")
    for label in labels:
        cells = [all_results[s]["pages"][label] for s in sizes]
        row = "".join(
            f" | {c['p50']:6.1f} {c['p95']:6.1f} {c['ratio']:4.1f} {c['queries']:3d}" for c in cells
        )
        growth = f" | {cells[1]['p95'] / cells[0]['p95']:5.2f}" if len(cells) == 2 else ""
        print(f"{label:30}{row}{growth}")
    for s in sizes:
        r = all_results[s]
        a = r["approve"]
        bare = r["bare"]["api"]["p95"]
        print(
            f"\n[{s // 1000}k] approve: p50 {a['latency_p50']:.1f} ms, p95 {a['latency_p95']:.1f} ms "
            f"({a['latency_p95'] / bare:.1f}× bare API), {a['queries']} queries; "
            f"{THROUGHPUT_CLIENTS} clients: {a['throughput']:.1f} decisions/s ({a['ok']} ok, "
            f"{a['conflicts']} refused doubles, {a['errors']} errors), lost {a['lost']}, "
            f"doubled {a['doubled']}, audit chain {'verifies' if a['chain_ok'] else 'BROKEN'}"
        )
        print(
            f"[{s // 1000}k] PDF not yet issued (ms, queries, HTTP): "
            f"{[(round(ms), q, st) for ms, q, st in r['pdf_fresh']]} (202: the worker issues it)"
        )
        build = (r.get("dashboard_build") or [None])[0]
        print(
            f"[{s // 1000}k] dashboard snapshot (beat's build, before the pages): "
            + (f"{build:.2f} s" if build is not None and build >= 0 else "not built")
        )
        for fmt, v in r["report"].items():
            print(
                f"[{s // 1000}k] monthly report {fmt}: "
                + (f"{v[0]:.2f} s, +{v[1]:.0f} MB peak RSS" if v else "failed/timeout")
            )
        for i, v in enumerate(r["sweep"], start=1):
            what = "the next working day's first run (rolled back)" if i == 3 else f"run {i}"
            print(
                f"[{s // 1000}k] sweep {what}: "
                + (
                    f"{v[0]:.2f} s, {v[1]:.0f} queries, {v[2]:.0f} sent, {v[3]:.0f} notices "
                    "handed to the retry (no Celery worker runs in the bench)"
                    + (", quiet hours: retries only" if len(v) > 4 and v[4] else "")
                    if v
                    else "timeout"
                )
            )
    # fmt: skip


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--month", default=time.strftime("%Y-%m"))
    parser.add_argument("--sweep-timeout", type=int, default=300)
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()
    results = {}
    for size in [int(s) for s in args.sizes.split(",")]:
        results[size] = run_size(size, args)
    show(results)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1, default=str))


if __name__ == "__main__":
    main()
