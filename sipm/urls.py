from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from .health import health

admin.site.site_header = _("SIPM 系统集成项目管理 · 管理后台")
admin.site.site_title = _("SIPM 管理后台")
admin.site.index_title = _("系统配置")

urlpatterns = [
    path("health/", health, name="health"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    # REST API v1: forms, projects, queue, files (sipm.api_urls); PDFs and finance add theirs.
    path("api/v1/", include("documents.urls")),
    path("api/v1/", include("finance.urls")),
    path("api/v1/", include("delivery.urls")),
    path("api/v1/", include("sipm.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    # The browser UI.
    path("", include("documents.web_urls")),
    path("", include("delivery.web_urls")),
    path("", include("sipm.web_urls")),
]
# Unknown URLs and unexpected errors under /api/ answer JSON like every other API error.
handler404 = "sipm.api_errors.page_not_found"
handler500 = "sipm.api_errors.server_error"

if settings.SIPM_BENCH:
    urlpatterns.insert(0, path("", include("sipm.bench")))

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
