from django.urls import path

from . import api

urlpatterns = [
    path("forms/<int:pk>/pdf/", api.FormPdfView.as_view(), name="api-form-pdf"),
    path("verify/<str:digest>/", api.VerifyView.as_view(), name="api-document-verify"),
]
