"""The approval queue as a page of cards: filters, sort, counts and key figures.

Flat in the size of the history: one aggregate query gives the per-kind counts (filtered and
unfiltered — the unfiltered total is the navigation badge), one query reads the page's seats
with their forms, a bounded one the project filter's choices, and the cards' figures and
working days cost a fixed few queries per page (approvals.cards).
"""

from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from org.selectors import principals_for
from workcal.calendar import Workdays

from .cards import card_figures
from .kinds import all_kinds
from .models import StepAssignee
from .selectors import queue_for

PAGE_SIZE = 25
PROJECT_CHOICES_MAX = 100
PROJECT_SCAN_MAX = PROJECT_CHOICES_MAX
SORTS = {
    "due": (("due_at", "step_id"), _("截止时间")),
    "waiting": (("waiting_since", "step_id"), _("等待最久")),
    "newest": (("-submitted_at", "-step_id"), _("最新提交")),
}


@dataclass
class QueueFilters:
    kind: str = ""
    project: int | None = None
    department: int | None = None
    overdue: bool = False
    delegated: bool = False
    sort: str = "due"

    def narrowing(self, user_id, now) -> Q:
        """The filters other than kind (kind is the count's grouping)."""
        q = Q()
        if self.project:
            q &= Q(project_id=self.project)
        if self.department:
            q &= Q(step__form__department_id=self.department)
        if self.overdue:
            q &= Q(due_at__lt=now)
        if self.delegated:
            q &= ~Q(user_id=user_id)
        return q


@dataclass
class QueuePage:
    items: list
    number: int
    num_pages: int
    total: int  # items matching the filters
    all_total: int  # everything waiting on the user (the badge)
    counts: list = field(default_factory=list)
    projects: list = field(default_factory=list)

    @property
    def has_previous(self):
        return self.number > 1

    @property
    def has_next(self):
        return self.number < self.num_pages

    @property
    def has_other_pages(self):
        return self.num_pages > 1

    @property
    def previous_page_number(self):
        return self.number - 1

    @property
    def next_page_number(self):
        return self.number + 1


def _page_number(raw, num_pages) -> int:
    try:
        number = int(raw)
    except (TypeError, ValueError):
        number = 1
    return min(max(number, 1), max(num_pages, 1))


def queue_page(user, filters: QueueFilters, page=1, page_size=PAGE_SIZE, *, now=None) -> QueuePage:
    now = now or timezone.now()
    principals = principals_for(user)
    base = queue_for(user, principals)
    narrow = filters.narrowing(user.pk, now)
    titles = {k.slug: k.title for k in all_kinds()}
    grouped = (
        base.order_by()
        .values("form_kind")
        # COUNT(*): an index-only scan of the open seats' (user, form_kind, due_at) index
        .annotate(n=Count("*"), hits=Count("id", filter=narrow) if narrow else Count("*"))
    )
    counts = [
        {
            "kind": row["form_kind"],
            "title": titles.get(row["form_kind"], row["form_kind"]),
            "n": row["hits"],
            "all": row["n"],
        }
        for row in grouped
    ]
    rank = {k.slug: i for i, k in enumerate(all_kinds())}
    counts.sort(key=lambda c: rank.get(c["kind"], len(rank)))
    all_total = sum(c["all"] for c in counts)
    total = sum(c["n"] for c in counts if not filters.kind or c["kind"] == filters.kind)
    num_pages = max(1, -(-total // page_size))
    number = _page_number(page, num_pages)
    rows = base.filter(narrow)
    if filters.kind:
        rows = rows.filter(form_kind=filters.kind)
    order = SORTS.get(filters.sort, SORTS["due"])[0]
    start = (number - 1) * page_size
    seats = list(rows.order_by(*order)[start : start + page_size]) if total else []
    return QueuePage(
        items=queue_cards(seats, user, now=now),
        number=number,
        num_pages=num_pages,
        total=total,
        all_total=all_total,
        counts=counts,
        projects=_project_choices(base),
    )


def _project_choices(base) -> list[tuple[int, str]]:
    """The project filter's choices: the projects of the most urgent waiting seats (a bounded
    range of the queue's index), by number."""
    urgent = base.select_related(None).values("project_id")  # a null matches no project
    projects = StepAssignee._meta.get_field("project").related_model._default_manager
    rows = (
        projects.filter(pk__in=urgent[:PROJECT_SCAN_MAX])
        .order_by("number")
        .values_list("pk", "number", "name")[:PROJECT_CHOICES_MAX]
    )
    return [(pk, f"{number} {name}") for pk, number, name in rows]


def queue_cards(seats, user, *, now=None) -> list[dict]:
    """Cards for seats (StepAssignee rows with step and form selected)."""
    now = now or timezone.now()
    forms = [s.step.form for s in seats]
    figures = card_figures(forms, user)
    today = timezone.localdate(now)
    span = Workdays.around(
        [today]
        + [s.step.due_at for s in seats]
        + [s.step.activated_at for s in seats]
        + [s.step.form.submitted_at for s in seats],
        before=0,
        after=0,
    )

    def between(start, end):
        return None if start is None or end is None else span.between(start, end)

    cards = []
    for seat in seats:
        step, form = seat.step, seat.step.form
        cards.append(
            {
                "seat": seat,
                "step": step,
                "form": form,
                "overdue": step.due_at is not None and step.due_at < now,
                "delegated": seat.user_id != user.pk,
                "figures": figures.get(form.pk, []),
                # Working days left until the deadline (negative: overdue by that many).
                "due_days": between(today, step.due_at),
                "waited_days": between(step.activated_at, today),
                "submitted_days": between(form.submitted_at, today),
                "quick": not step.fill_fields,
                "comment_required": step.comment_required,
            }
        )
    return cards
