"""Links placed in notifications: the browser pages of a form and of a project."""

from django.urls import reverse


def form_url(form_id) -> str:
    return reverse("form-detail", args=[form_id])


def project_url(project_id) -> str:
    return reverse("project-detail", args=[project_id])
