"""/api/v1/delivery/…"""

from django.urls import path

from . import api

P = "delivery/projects/<int:pk>/"
urlpatterns = [
    path(P, api.OverviewView.as_view(), name="api-delivery"),
    path(P + "plan/", api.PlanView.as_view(), name="api-delivery-plan"),
    path(P + "plan/import/", api.PlanImportView.as_view(), name="api-delivery-import"),
    path(P + "tasks/", api.TaskListView.as_view(), name="api-delivery-tasks"),
    path(P + "tasks/<int:task_id>/", api.TaskView.as_view(), name="api-delivery-task"),
    path(
        P + "tasks/<int:task_id>/progress/",
        api.ProgressView.as_view(),
        name="api-delivery-progress",
    ),
    path(P + "milestones/", api.MilestoneListView.as_view(), name="api-delivery-milestones"),
    path(P + "baselines/", api.BaselineView.as_view(), name="api-delivery-baselines"),
    path(P + "timesheet/", api.TimesheetView.as_view(), name="api-delivery-timesheet"),
    path(P + "evm/", api.EvmView.as_view(), name="api-delivery-evm"),
    path(P + "risks/", api.RiskListView.as_view(), name="api-delivery-risks"),
    path(P + "risks/<int:risk_id>/", api.RiskView.as_view(), name="api-delivery-risk"),
    path(
        P + "risks/<int:risk_id>/review/", api.RiskReviewView.as_view(), name="api-delivery-review"
    ),
    path("delivery/portfolio/", api.PortfolioView.as_view(), name="api-delivery-portfolio"),
]
