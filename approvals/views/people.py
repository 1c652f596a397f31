"""People pickers' JSON: who may be chosen for a person field, or for 加签/转交 on a form."""

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse

from ..services.seats import eligible_people, people_search
from ..webforms import PEOPLE_SCOPES, people_in_scope, person_label
from .common import _visible_form
from .detail import _open_seats


def _results(qs, q):
    return JsonResponse(
        {
            "results": [
                {
                    "id": u.pk,
                    "label": person_label(u),
                    "name": str(u),
                    "department": u.department.name if u.department_id else "",
                    "position": u.get_position_display(),
                }
                for u in people_search(qs, q)
            ]
        }
    )


@login_required
def people(request):
    """?field=NAME&q=…: the active employees eligible for that field (never the superuser)."""
    scope = PEOPLE_SCOPES.get(request.GET.get("field") or "")
    return _results(people_in_scope(scope), request.GET.get("q"))


@login_required
def form_people(request, pk):
    """?purpose=transfer|add_signer&q=…: who may take the user's seat or be added to it."""
    form = _visible_form(request.user, pk, detail=True)
    current, seats = _open_seats(form, request.user)
    if not seats:
        return JsonResponse({"results": []})
    purpose = "transfer" if request.GET.get("purpose") == "transfer" else "add_signer"
    qs = eligible_people(form, current, purpose=purpose).exclude(pk=request.user.pk)
    return _results(qs, request.GET.get("q"))
