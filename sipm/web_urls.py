"""The browser UI's pages (server-rendered, htmx for partial updates)."""

from django.urls import path

from approvals import views as forms_views
from org import views as org_views
from projects import views as project_views

urlpatterns = [
    path("", project_views.home, name="home"),
    path("login/", org_views.LoginView.as_view(), name="login"),
    path("logout/", org_views.LogoutView.as_view(), name="logout"),
    path("profile/", org_views.profile, name="profile"),
    path("profile/signature/", org_views.signature_upload, name="profile-signature"),
    path("profile/delegations/", org_views.delegation_add, name="delegation-add"),
    path(
        "profile/delegations/<int:pk>/cancel/",
        org_views.delegation_cancel,
        name="delegation-cancel",
    ),
    path("queue/", forms_views.queue, name="queue"),
    path("dashboard/", project_views.dashboard, name="dashboard"),
    path("projects/", project_views.project_list, name="project-list"),
    path("projects/<int:pk>/", project_views.project_detail, name="project-detail"),
    path("projects/<int:pk>/terminate/", project_views.project_terminate, name="project-terminate"),
    path("forms/new/<slug:kind>/", forms_views.form_new, name="form-new"),
    path("forms/<int:pk>/", forms_views.form_detail, name="form-detail"),
    path("forms/<int:pk>/edit/", forms_views.form_edit, name="form-edit"),
    path("forms/<int:pk>/submit/", forms_views.form_submit, name="form-submit"),
    path("forms/<int:pk>/withdraw/", forms_views.form_withdraw, name="form-withdraw"),
    path("forms/<int:pk>/correct/", forms_views.form_correct, name="form-correct"),
    path("forms/<int:pk>/decide/", forms_views.form_decide, name="form-decide"),
    path("forms/<int:pk>/route/", forms_views.form_route, name="form-route"),
    path("forms/<int:pk>/files/<int:attachment_id>/", forms_views.form_file, name="form-file"),
]
