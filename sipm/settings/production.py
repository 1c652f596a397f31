"""Production: everything from the environment; no insecure defaults.

HTTPS is on by default (redirect, HSTS, secure cookies); `check --deploy` reports nothing. Behind
a TLS-terminating proxy that redirects by itself, DJANGO_SECURE_SSL_REDIRECT=false switches the
redirect off (and its deploy check with it); DJANGO_HSTS_SECONDS=0 switches HSTS off.
"""

from .base import *  # noqa: F403
from .base import DATABASES, env

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
# The health check is called over plain HTTP from inside the container network.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# Switched off on purpose (behind a proxy, or a local try-out): not a deploy warning then.
SILENCED_SYSTEM_CHECKS = [
    check
    for check, on in (
        ("security.W008", SECURE_SSL_REDIRECT),
        ("security.W004", SECURE_HSTS_SECONDS),
        ("security.W012", SESSION_COOKIE_SECURE),
        ("security.W016", CSRF_COOKIE_SECURE),
    )
    if not on
]

# Reuse database connections, checked before each request (a dropped one is replaced).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Persistent connections, checked before reuse (a request never gets a dead connection).
CONN_MAX_AGE = env.int("DJANGO_CONN_MAX_AGE", default=60)
CONN_HEALTH_CHECKS = True
