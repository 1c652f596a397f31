# SIPM 系统集成项目管理 — production image (web, Celery worker and beat share it).

# UI assets (Bootstrap, bootstrap-icons, htmx, ECharts) from npm; `npm ci` copies their dist
# files (and the source maps they reference, which the static manifest needs) into static/vendor/.
FROM node:20-bookworm-slim AS assets
WORKDIR /build
COPY package.json package-lock.json ./
RUN mkdir -p static && npm ci --no-audit --no-fund

FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=sipm.settings.production

# CJK fonts and Pango/HarfBuzz for WeasyPrint's PDFs; gettext for compilemessages.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        fonts-noto-cjk libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 gettext \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Dependencies first, so code changes do not reinstall them: the exact versions and hashes of
# requirements.lock (uv pip compile from pyproject.toml), then the project without resolving
# again. pyproject.toml declares no packages: the code runs from /app.
COPY pyproject.toml requirements.lock ./
RUN pip install --require-hashes -r requirements.lock \
    && pip install --no-deps .

COPY . .
COPY --from=assets /build/static/vendor ./static/vendor

# Only a placeholder key is needed to build; the real one comes from the environment at run time.
RUN if ls locale/*/LC_MESSAGES/*.po >/dev/null 2>&1; then \
        DJANGO_SECRET_KEY=build-only python manage.py compilemessages -v 0; \
    fi \
    && DJANGO_SECRET_KEY=build-only python manage.py collectstatic --noinput -v 0 \
    && DJANGO_SECRET_KEY=build-only-$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n') \
        python manage.py check --deploy --fail-level WARNING \
    && useradd --system --uid 10001 --home-dir /app sipm \
    && mkdir -p /app/var/media \
    && chown -R sipm:sipm /app/var

USER sipm
VOLUME ["/app/var/media"]
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=10s --retries=3 \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health/', timeout=5)"

CMD ["gunicorn", "sipm.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", \
     "--access-logfile", "-"]
