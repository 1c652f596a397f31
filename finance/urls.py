"""The money side's API, mounted at /api/v1/."""

from django.urls import path

from . import api

app_name = "finance"

urlpatterns = [
    path("projects/<int:project_id>/costs/", api.ProjectCostsView.as_view(), name="costs"),
    path(
        "projects/<int:project_id>/costs/import/",
        api.ProjectCostImportView.as_view(),
        name="costs-import",
    ),
    path("projects/<int:project_id>/payments/", api.ProjectPaymentsView.as_view(), name="payments"),
    path("projects/<int:project_id>/budget/", api.ProjectBudgetView.as_view(), name="budget"),
    path(
        "projects/<int:project_id>/final-accounts/",
        api.ProjectFinalAccountsView.as_view(),
        name="final-accounts",
    ),
    path(
        "reports/monthly-costs/",
        api.MonthlyCostReportView.as_view(),
        name="monthly-costs",
    ),
]
