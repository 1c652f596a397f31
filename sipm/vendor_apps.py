"""Third-party apps under Chinese names in the admin (django-axes, django-rest-knox)."""

from axes.apps import AppConfig as AxesBaseConfig
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AxesConfig(AxesBaseConfig):
    verbose_name = _("登录锁定")


class KnoxConfig(AppConfig):
    name = "knox"
    verbose_name = _("API 令牌")
