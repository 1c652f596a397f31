from django.urls import path

from . import views

P = "projects/<int:pk>/delivery/"
urlpatterns = [
    path(P, views.project_page, name="delivery-project"),
    path(P + "panel/", views.panel, name="delivery-panel"),
    path(P + "plan/", views.plan_create, name="delivery-plan-create"),
    path(P + "import/", views.plan_import, name="delivery-plan-import"),
    path(P + "tasks/", views.task_add, name="delivery-task-add"),
    path(P + "tasks/<int:task_id>/progress/", views.task_progress, name="delivery-task-progress"),
    path(P + "milestones/", views.milestone_add, name="delivery-milestone-add"),
    path(P + "baselines/", views.baseline_submit, name="delivery-baseline-submit"),
    path(P + "risks/", views.risk_add, name="delivery-risk-add"),
    path(P + "risks/<int:risk_id>/review/", views.risk_review, name="delivery-risk-review"),
    path(P + "timesheet/", views.timesheet, name="delivery-timesheet"),
    path("delivery/portfolio/", views.portfolio, name="delivery-portfolio"),
]
