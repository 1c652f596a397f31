"""Settings shared by every environment; values come from the environment."""

from datetime import timedelta
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("DJANGO_SECRET_KEY", default="dev-insecure-sipm-key-change-me")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "sipm.vendor_apps.KnoxConfig",
    "sipm.vendor_apps.AxesConfig",
    "drf_spectacular",
    "django_celery_beat",
    "django_fsm",
    "django_htmx",
    "core",
    "org",
    "workcal",
    "projects",
    "delivery",
    "approvals",
    "finance",
    "documents",
    "notifications",
    "sipm",  # the top: commands that span every app (seed_demo)
]

MIDDLEWARE = [
    "sipm.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "sipm.middleware.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "sipm.security.ContentSecurityPolicyMiddleware",
    "sipm.security.InputGuardMiddleware",
    # Last: answers a locked-out login (django-axes) with our Chinese page or JSON.
    "axes.middleware.AxesMiddleware",
]
# The model a form belongs to (approvals.Form.project): the approval engine names no domain.
SIPM_FORM_OWNER_MODEL = "projects.Project"

# Parallel hash chains of the audit log (core.audit): appends never wait for each other.
SIPM_AUDIT_SHARDS = env.int("SIPM_AUDIT_SHARDS", default=16)
# bench/scale.py only: server time and query count per response, and the bare views (sipm.bench).
SIPM_BENCH = env.bool("SIPM_BENCH", default=False)
if SIPM_BENCH:
    MIDDLEWARE.insert(0, "sipm.bench.ServerTiming")

ROOT_URLCONF = "sipm.urls"
WSGI_APPLICATION = "sipm.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "workcal.context_processors.calendar_warning",
                "sipm.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'sipm.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers wait for each other instead of failing at once with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    )
# Dropped connections: check a reused connection before each request instead of failing on it.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# One cache for every worker (throttles, idempotency keys): Redis when SIPM_CACHE_URL is set.
_CACHE_URL = env("SIPM_CACHE_URL", default="")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _CACHE_URL}
        if _CACHE_URL.startswith(("redis://", "rediss://"))
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# The addresses of the reverse proxies whose X-Forwarded-For is believed (IPs or CIDR
# networks). Empty (the default): the client address is the connection's own.
SIPM_TRUSTED_PROXIES = env.list("SIPM_TRUSTED_PROXIES", default=[])

# Login lockout (django-axes, stored in the database so every worker shares it): after
# AXES_FAILURE_LIMIT failures for one account or from one address, both the web login and the
# API token endpoint refuse until the cool-off ends or an admin deletes the attempts (admin →
# Axes → 访问尝试).
AXES_FAILURE_LIMIT = env.int("SIPM_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("SIPM_LOGIN_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "sipm.security.client_ip"
AXES_LOCKOUT_CALLABLE = "org.auth.locked_out"
AXES_USERNAME_FORM_FIELD = "username"
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_VERBOSE = False

# API tokens (django-rest-knox): one per login, stored hashed, expiring; `Authorization: Token
# <token>`. Logout and a password change revoke them.
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=env.int("SIPM_TOKEN_TTL_HOURS", default=12)),
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
    "TOKEN_LIMIT_PER_USER": 20,
}

AUTH_USER_MODEL = "org.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses any login attempt of a locked-out account or address (django-axes).
    "org.auth.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env("SIPM_MEDIA_ROOT", default=str(VAR_DIR / "media"))

# Uploads: the forms' attachments (estimate report, contract text, archive).
SIPM_UPLOAD_MAX_BYTES = env.int("SIPM_UPLOAD_MAX_BYTES", default=20 * 1024 * 1024)
SIPM_UPLOAD_EXTENSIONS = [
    "pdf",
    "doc",
    "docx",
    "xls",
    "xlsx",
    "ppt",
    "pptx",
    "zip",
    "rar",
    "7z",
    "png",
    "jpg",
    "jpeg",
    "txt",
]

# The public base URL printed in PDFs' verification links and QR codes (fixed into stored PDFs).
SIPM_PUBLIC_URL = env("SIPM_PUBLIC_URL", default="http://localhost:8000")
SIPM_COMPANY_NAME = env("SIPM_COMPANY_NAME", default="")
# Absolute links in e-mails and group-robot messages.
SIPM_SITE_URL = env("SIPM_SITE_URL", default=SIPM_PUBLIC_URL)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "sipm.api_errors.exception_handler",
    # `?format=` is ours (the monthly report's json|xlsx|pdf), not DRF's renderer override.
    "URL_FORMAT_OVERRIDE": None,
    "DEFAULT_THROTTLE_RATES": {"auth": env("SIPM_AUTH_THROTTLE", default="20/minute")},
    # Forwarded headers are read by sipm.security.client_ip only (SIPM_TRUSTED_PROXIES).
    "NUM_PROXIES": 0,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "SIPM API",
    "DESCRIPTION": "系统集成项目管理 REST API",
    "VERSION": "1.0.0",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "sipm.openapi.add_error_responses",
    ],
}

CELERY_BROKER_URL = env(
    "CELERY_BROKER_URL", default="sqla+sqlite:///" + str(VAR_DIR / "broker.sqlite3")
)
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=None)
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="sipm@localhost")

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False

ADMINS = [
    tuple(a.split(":", 1))
    for a in env.list("DJANGO_ADMINS", default=["SIPM 管理员:admin@example.com"])
]

# Logs: one JSON object a line with the request id (SIPM_LOG_FORMAT=text for plain lines).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "sipm.middleware.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "sipm.middleware.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": env("SIPM_LOG_FORMAT", default="json"),
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
}

# Error reporting (Sentry or a compatible service): off unless SENTRY_DSN is set.
SENTRY_DSN = env("SENTRY_DSN", default="")
if SENTRY_DSN:
    import sentry_sdk

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=env("SENTRY_ENVIRONMENT", default="production"),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
        send_default_pii=False,
    )

# Input limits (sipm.security.InputGuardMiddleware): bodies, JSON depth, one string's length.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("SIPM_MAX_BODY_BYTES", default=2 * 1024 * 1024)
SIPM_MAX_JSON_DEPTH = 32
SIPM_MAX_STRING_LENGTH = 20000
