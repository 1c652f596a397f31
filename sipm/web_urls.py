"""The browser UI's pages (server-rendered, htmx for partial updates)."""

from django.urls import path

from approvals import views as forms_views
from approvals.views import people as people_views
from finance import views as finance_views
from notifications import views as notification_views
from org import views as org_views
from projects import dashboard as dashboard_views
from projects import views as project_views
from projects import views_estimates as panel_views
from sipm import home as home_views

urlpatterns = [
    path("", home_views.home, name="home"),
    path("login/", org_views.LoginView.as_view(), name="login"),
    path("logout/", org_views.LogoutView.as_view(), name="logout"),
    path("profile/", org_views.profile, name="profile"),
    path("profile/signature/", org_views.signature_upload, name="profile-signature"),
    path("profile/password/", org_views.password_change, name="profile-password"),
    path("profile/delegations/", org_views.delegation_add, name="delegation-add"),
    path(
        "profile/delegations/<int:pk>/cancel/",
        org_views.delegation_cancel,
        name="delegation-cancel",
    ),
    path("queue/", forms_views.queue, name="queue"),
    path("queue/decide/", forms_views.queue_decide, name="queue-decide"),
    path("dashboard/", dashboard_views.dashboard, name="dashboard"),
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
    path("forms/<int:pk>/people/", people_views.form_people, name="form-people"),
    path("forms/<int:pk>/add-signer/", forms_views.form_add_signer, name="form-add-signer"),
    path("forms/<int:pk>/transfer/", forms_views.form_transfer, name="form-transfer"),
    path("forms/<int:pk>/comments/", forms_views.form_comment, name="form-comment"),
    path("people/", people_views.people, name="people-search"),
    path("forms/<int:pk>/files/<uuid:public_id>/", forms_views.form_file, name="form-file"),
    # Project page panels (htmx): estimate report, pre-sales record, deadlines.
    path("projects/<int:pk>/estimates/", panel_views.estimates_panel, name="project-estimates"),
    path(
        "projects/<int:pk>/estimates/upload/", panel_views.estimate_upload, name="estimate-upload"
    ),
    path(
        "projects/<int:pk>/estimates/<int:report_id>/sign/",
        panel_views.estimate_sign,
        name="estimate-sign",
    ),
    path(
        "projects/<int:pk>/estimates/<int:report_id>/file/",
        panel_views.estimate_file,
        name="estimate-file",
    ),
    path(
        "projects/<int:pk>/estimates/<int:report_id>/quote/",
        panel_views.estimate_quote,
        name="estimate-quote",
    ),
    path("projects/<int:pk>/presales/", panel_views.presales_panel, name="project-presales"),
    path(
        "projects/<int:pk>/presales/<int:form_id>/record/",
        panel_views.presales_record,
        name="presales-record",
    ),
    path(
        "projects/<int:pk>/presales/<int:form_id>/evaluate/",
        panel_views.presales_evaluation,
        name="presales-evaluate",
    ),
    path(
        "projects/<int:pk>/deadlines/", notification_views.deadlines_panel, name="project-deadlines"
    ),
    # Money pages.
    path("projects/<int:pk>/costs/", finance_views.project_costs, name="project-costs"),
    path(
        "projects/<int:pk>/costs/import/",
        finance_views.project_costs_import,
        name="project-costs-import",
    ),
    path(
        "projects/<int:pk>/costs/template.xlsx",
        finance_views.project_costs_template,
        name="project-costs-template",
    ),
    path("projects/<int:pk>/payments/", finance_views.project_payments, name="project-payments"),
    path(
        "projects/<int:pk>/final-accounts/",
        finance_views.project_final_accounts,
        name="project-final-accounts",
    ),
    path("projects/<int:pk>/money/", finance_views.project_money, name="project-money"),
    path(
        "projects/<int:pk>/money.xlsx", finance_views.project_money_xlsx, name="project-money-xlsx"
    ),
    path("reports/monthly/", finance_views.monthly_report, name="monthly-report"),
    path(
        "reports/monthly/build/",
        finance_views.monthly_report_build_start,
        name="monthly-report-build",
    ),
    path(
        "reports/monthly/build/<str:token>/",
        finance_views.monthly_report_build_status,
        name="monthly-report-build-status",
    ),
    path(
        "reports/monthly/build/<str:token>/download/",
        finance_views.monthly_report_build_download,
        name="monthly-report-build-download",
    ),
    path(
        "reports/monthly/archive/<str:month>/<str:fmt>/",
        finance_views.monthly_report_archived,
        name="monthly-report-archived",
    ),
    # Notifications.
    path("notifications/", notification_views.notification_list, name="notifications"),
    path(
        "notifications/<int:pk>/read/",
        notification_views.notification_read,
        name="notification-read",
    ),
    path(
        "notifications/read-all/",
        notification_views.notification_read_all,
        name="notifications-read-all",
    ),
    path("notifications/badge/", notification_views.notification_badge, name="notifications-badge"),
    path(
        "notifications/preferences/",
        notification_views.preferences_save,
        name="notification-preferences",
    ),
    path("forms/<int:pk>/remind/", notification_views.form_remind_view, name="form-remind"),
]
