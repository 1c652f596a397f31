from django.urls import path

from . import views

urlpatterns = [
    path("forms/<int:pk>/pdf/", views.form_pdf, name="form-pdf"),
    path("verify/", views.verify_lookup, name="document-verify-lookup"),
    path("verify/<str:digest>/", views.verify, name="document-verify"),
]
