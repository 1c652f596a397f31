"""Reads of projects with visibility: a project is seen by whoever sees one of its forms, its
team, and directors, the GM and admins."""

from django.db.models import Exists, OuterRef, Q

from approvals.selectors import forms_visible_to
from org.selectors import user_sees_all

from .models import Project


def projects_visible_to(user, qs=None):
    qs = Project.objects.all() if qs is None else qs
    if not user.is_authenticated:
        return qs.none()
    if user_sees_all(user):
        return qs
    from approvals.models import Form

    visible_forms = forms_visible_to(user, Form.objects.filter(project=OuterRef("pk")))
    return qs.filter(
        Q(initiator=user)
        | Q(sales_lead=user)
        | Q(presales_lead=user)
        | Q(project_manager=user)
        | Q(
            Exists(
                Project.members.through.objects.filter(project_id=OuterRef("pk"), user_id=user.pk)
            )
        )
        | Q(Exists(visible_forms))
    )


def project_visible_to(user, project) -> bool:
    return projects_visible_to(user, Project.objects.filter(pk=project.pk)).exists()
