#!/usr/bin/env bash
# SIPM 系统集成项目管理 — the two commands a developer needs.
#
#   ./sipm.sh start   set up, migrate, seed the demo, run web + Celery worker + Celery beat
#   ./sipm.sh test    set up, run the whole test suite (extra arguments go to pytest)
#   ./sipm.sh build   the production build check: fresh npm ci, collectstatic, check --deploy
#
# Defaults are embedded: SQLite in var/ and a SQLite-backed Celery broker in var/. Set
# DATABASE_URL (postgres://…) and CELERY_BROKER_URL (redis://…) to run on PostgreSQL/Redis.
set -Eeuo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$ROOT"

VENV="$ROOT/.venv"
PY="$VENV/bin/python"
PORT="${SIPM_PORT:-8000}"
# Links in e-mails, robot posts and the PDFs' QR codes point at this server unless configured.
export SIPM_SITE_URL="${SIPM_SITE_URL:-http://localhost:$PORT}"
SYSTEM_PACKAGES=(fonts-noto-cjk libharfbuzz-subset0 poppler-utils zbar-tools chromium gettext)

say() { printf '\033[1;34m[sipm]\033[0m %s\n' "$*"; }
die() {
    printf '\033[1;31m[sipm] %s\033[0m\n' "$*" >&2
    exit 1
}

usage() {
    cat <<EOF
Usage: ./sipm.sh start          run SIPM at http://localhost:$PORT/ (Ctrl-C stops everything)
       ./sipm.sh test [ARGS…]   run the test suite; ARGS are passed to pytest
       ./sipm.sh build          the production build check (npm ci, collectstatic, check --deploy)
       ./sipm.sh lint           ruff check, ruff format --check, makemigrations --check, layers, mypy

Environment: DATABASE_URL, CELERY_BROKER_URL (default: SQLite files in var/),
             SIPM_PORT (default 8000), SIPM_SKIP_APT=1 (do not check system packages).
EOF
}

ensure_system_packages() {
    [[ "${SIPM_SKIP_APT:-0}" == 1 ]] && return 0
    if ! command -v dpkg-query >/dev/null 2>&1; then
        say "Not a Debian/Ubuntu system: make sure these are installed: ${SYSTEM_PACKAGES[*]}"
        return 0
    fi
    local missing=() pkg
    for pkg in "${SYSTEM_PACKAGES[@]}"; do
        if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
            missing+=("$pkg")
        fi
    done
    ((${#missing[@]} == 0)) && return 0
    if [[ "$(id -u)" != 0 ]]; then
        die "Missing system packages: ${missing[*]}. Install them, e.g.: sudo apt-get install -y ${missing[*]}"
    fi
    say "Installing system packages: ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" \
        || die "apt-get could not install: ${missing[*]}"
}

find_python() {
    local candidate
    for candidate in python3.11 python3.12 python3; do
        if command -v "$candidate" >/dev/null 2>&1 &&
            "$candidate" -c 'import sys; sys.exit(not ((3, 11) <= sys.version_info[:2] < (3, 13)))'; then
            echo "$candidate"
            return 0
        fi
    done
    return 1
}

ensure_venv() {
    if [[ ! -x "$PY" ]]; then
        local python
        python="$(find_python)" || die "Python 3.11 or 3.12 is required (python3.11 not found)."
        say "Creating .venv with $python"
        "$python" -m venv "$VENV"
    fi
    # The exact versions (with hashes) from requirements.lock, then the project itself without
    # resolving anything again. Reinstall only when pyproject.toml or the lock changed.
    local stamp="$VENV/.sipm-installed" want
    want="$(cat pyproject.toml requirements.lock | sha256sum | cut -d' ' -f1)"
    if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
        say "Installing Python dependencies (pip install --require-hashes -r requirements.lock)"
        "$PY" -m pip install -q --require-hashes -r requirements.lock
        "$PY" -m pip install -q --no-deps -e '.[dev]'
        echo "$want" >"$stamp"
    fi
}

ensure_postgres_database() {
    # runserver needs the database itself; the test run creates its own test_… database.
    [[ "${DATABASE_URL:-}" == postgres* ]] || return 0
    "$PY" - <<'EOF'
import os

import environ
import psycopg
from psycopg import sql

cfg = environ.Env.db_url_config(os.environ["DATABASE_URL"])
params = {k: v for k, v in {
    "host": cfg.get("HOST"), "port": cfg.get("PORT"), "user": cfg.get("USER"),
    "password": cfg.get("PASSWORD"),
}.items() if v}
try:
    psycopg.connect(dbname=cfg["NAME"], **params).close()
except psycopg.OperationalError as exc:
    if "does not exist" not in str(exc):
        raise SystemExit(f"[sipm] cannot reach PostgreSQL: {exc}")
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(cfg["NAME"])))
    print(f"[sipm] created database {cfg['NAME']}")
EOF
}

compile_messages() {
    if compgen -G "locale/*/LC_MESSAGES/*.po" >/dev/null; then
        say "Compiling translations"
        "$PY" manage.py compilemessages -v 0 --ignore=.venv
    fi
}

ensure_ui_assets() {
    # Bootstrap, bootstrap-icons, htmx and ECharts come from npm (package-lock.json); `npm ci`
    # copies their dist files into static/vendor/ (gitignored). Re-run only when the lock or the
    # copy step (package.json) changes.
    command -v npm >/dev/null 2>&1 || die "npm (Node.js) is required for the UI assets: install nodejs and npm."
    local stamp="static/vendor/.sipm-lock" want
    want="$(cat package.json package-lock.json | sha256sum | cut -d' ' -f1)"
    if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
        say "Installing UI assets (npm ci)"
        npm ci --no-audit --no-fund --loglevel=error
        echo "$want" >"$stamp"
    fi
}

setup() {
    ensure_system_packages
    ensure_venv
    ensure_ui_assets
    mkdir -p var/log
    compile_messages
}

cmd_lint() {
    # The same checks CI runs before the tests (and .pre-commit-config.yaml runs on commit).
    setup
    say "ruff check"
    "$VENV/bin/ruff" check .
    say "ruff format --check"
    "$VENV/bin/ruff" format --check .
    say "makemigrations --check"
    DJANGO_SETTINGS_MODULE=sipm.settings.test "$PY" manage.py makemigrations --check --dry-run
    say "layers (scripts/check_layers.py)"
    "$PY" scripts/check_layers.py
    say "mypy (the engine and the services; pyproject.toml [tool.mypy])"
    "$VENV/bin/mypy"
}

cmd_test() {
    setup
    local args=()
    # Run in parallel when pytest-xdist is installed and the caller did not choose.
    if "$PY" -c "import xdist" 2>/dev/null && [[ " $* " != *" -n "* && " $* " != *"no:xdist"* ]]; then
        args+=(-n auto)
    fi
    say "Running the test suite (database: ${DATABASE_URL:-SQLite in memory}," \
        "broker: ${CELERY_BROKER_URL:-in-memory})"
    local rc=0
    DJANGO_SETTINGS_MODULE=sipm.settings.test "$VENV/bin/pytest" "${args[@]}" "$@" || rc=$?
    if ((rc == 5)); then
        die "pytest collected no tests (exit code 5): that is a failure."
    fi
    exit "$rc"
}

cmd_build() {
    # The production build, as the Dockerfile does it: fresh UI assets (npm ci), translations,
    # collectstatic with the production settings (WhiteNoise's manifest), and the deploy checks
    # with no warning allowed.
    setup
    say "Production build: npm ci, collectstatic and check --deploy (sipm.settings.production)"
    rm -rf static/vendor
    npm ci --no-audit --no-fund --loglevel=error
    echo "$(cat package.json package-lock.json | sha256sum | cut -d' ' -f1)" >static/vendor/.sipm-lock
    local build_env=(DJANGO_SETTINGS_MODULE=sipm.settings.production
        DJANGO_SECRET_KEY="${DJANGO_SECRET_KEY:-$(head -c 32 /dev/urandom | sha256sum | cut -d' ' -f1)}")
    env "${build_env[@]}" "$PY" manage.py collectstatic --noinput -v 0
    env "${build_env[@]}" "$PY" manage.py check --deploy --fail-level WARNING
    say "Production build passed."
}

PIDS=()
stop_all() {
    trap - INT TERM EXIT
    if ((${#PIDS[@]})); then
        say "Stopping web, worker and beat…"
        local pid _
        # Ask each service's main process first, so Celery shuts down warmly…
        for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
        for _ in $(seq 1 20); do
            local alive=0
            for pid in "${PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
            ((alive)) || break
            sleep 0.5
        done
        # …then clean up what is left in each process group (setsid made one per service),
        # e.g. runserver's child, which outlives its autoreloader parent.
        for pid in "${PIDS[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
        sleep 1
        for pid in "${PIDS[@]}"; do kill -KILL -- "-$pid" 2>/dev/null || true; done
    fi
    exit "${1:-0}"
}

launch() {
    # launch NAME LOGFILE CMD… — start CMD in its own session and remember its pid.
    local name="$1" log="$2"
    shift 2
    if [[ -n "$log" ]]; then
        setsid "$@" >>"$log" 2>&1 &
    else
        setsid "$@" &
    fi
    PIDS+=("$!")
    say "started $name (pid $!)${log:+, log: $log}"
}

cmd_start() {
    setup
    export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-sipm.settings.local}"
    ensure_postgres_database
    say "Migrating the database"
    "$PY" manage.py migrate --noinput
    say "Seeding demo data"
    "$PY" manage.py seed_demo

    trap 'stop_all 130' INT
    trap 'stop_all 143' TERM
    trap 'stop_all $?' EXIT
    launch web "" "$PY" manage.py runserver "0.0.0.0:$PORT"
    launch worker var/log/worker.log "$VENV/bin/celery" -A sipm worker -l info \
        --concurrency "${SIPM_WORKER_CONCURRENCY:-2}"
    launch beat var/log/beat.log "$VENV/bin/celery" -A sipm beat -l info \
        -S django_celery_beat.schedulers:DatabaseScheduler

    sleep 2
    cat <<EOF

  SIPM 系统集成项目管理 is running:  http://localhost:$PORT/
  Admin:  http://localhost:$PORT/admin/   (admin / sipm-demo)
  Demo logins (password sipm-demo for all):
EOF
    "$PY" manage.py shell -v 0 -c 'from org.demo import demo_logins_table; print(demo_logins_table())' \
        | sed 's/^/    /'
    echo
    say "Press Ctrl-C to stop web, worker and beat."

    # Exit as soon as any of the three dies, so a crash is not hidden.
    local pid
    while true; do
        for pid in "${PIDS[@]}"; do
            if ! kill -0 "$pid" 2>/dev/null; then
                say "A service (pid $pid) stopped; stopping the others."
                stop_all 1
            fi
        done
        sleep 1
    done
}

case "${1:-}" in
    start)
        shift
        cmd_start "$@"
        ;;
    test)
        shift
        cmd_test "$@"
        ;;
    build)
        shift
        cmd_build "$@"
        ;;
    lint)
        shift
        cmd_lint "$@"
        ;;
    -h | --help | help) usage ;;
    *)
        usage >&2
        exit 2
        ;;
esac
