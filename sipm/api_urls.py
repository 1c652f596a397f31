"""REST API v1 (mounted at /api/v1/): auth, me, projects, forms, queue, files."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from approvals.api import FileDownloadView, FileUploadView, FormViewSet, QueueView
from notifications import api as notification_api
from org.api import MeView, TokenView
from projects.api import PresalesEvaluationView, PresalesRecordView, ProjectViewSet

router = SimpleRouter()
router.register("projects", ProjectViewSet, basename="api-project")
router.register("forms", FormViewSet, basename="api-form")

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("me/", MeView.as_view(), name="api-me"),
    path("queue/", QueueView.as_view(), name="api-queue"),
    path("files/", FileUploadView.as_view(), name="api-file-upload"),
    path("files/<int:pk>/", FileDownloadView.as_view(), name="api-file-download"),
    path(
        "forms/<int:pk>/presales-record/",
        PresalesRecordView.as_view(),
        name="api-presales-record",
    ),
    path(
        "forms/<int:pk>/presales-evaluation/",
        PresalesEvaluationView.as_view(),
        name="api-presales-evaluation",
    ),
    path(
        "notifications/", notification_api.NotificationListView.as_view(), name="api-notifications"
    ),
    path(
        "notifications/read-all/",
        notification_api.NotificationReadAllView.as_view(),
        name="api-notifications-read-all",
    ),
    path(
        "notifications/preferences/",
        notification_api.PreferenceView.as_view(),
        name="api-notification-preferences",
    ),
    path(
        "notifications/<int:pk>/read/",
        notification_api.NotificationReadView.as_view(),
        name="api-notification-read",
    ),
    path(
        "forms/<int:pk>/remind/", notification_api.FormRemindView.as_view(), name="api-form-remind"
    ),
    *router.urls,
]
