"""The registry of form kinds. Each kind declares its fields, gates and copies; its approval
chain is data (ChainTemplate), seeded by a migration and edited in the admin.

The engine knows no domain: the app that owns the kinds (projects) registers them, their
process order and the owner lock in its AppConfig.ready(), and reacts to what the engine does
through the event stream (core.events: form.submitted, form.approved, form.rejected, …).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal, overload

from django.utils.translation import gettext as _

from sipm.errors import InvalidInput

from .fields import FieldSpec


@dataclass
class FormKind:
    slug: str
    title: str
    prefix: str
    fields: tuple[FieldSpec, ...]
    # Fields the submitter fills; the rest belong to fill-in steps (or are computed).
    submitter_fields: frozenset[str] = frozenset()
    # (department code, CopyKind value) pairs that receive the approved form.
    copies: tuple[tuple[str, str], ...] = ()
    creates_project: bool = False
    needs_project: bool = True
    # Who may start the form on this project: returns a refusal message or None.
    may_start: Callable | None = None
    # The precondition on the project (gate): returns a message or None.
    gate: Callable | None = None
    # Cross-field validation on submit: returns {field: message}.
    validate: Callable | None = None
    # Values computed from the data (e.g. discount rate), shown and used by conditions.
    derive: Callable | None = None
    # For a field whose value must be one of the project's records (e.g. the quotation's signed
    # estimate report): field_options(project, name) -> [(id, label)] or None for a free field.
    field_options: Callable | None = None
    # For a kind that creates its owner (the initiation creates the project):
    # create_owner(acting_user, data) -> the owner row, called before the form is created.
    create_owner: Callable | None = None
    description: str = ""
    extra: dict = field(default_factory=dict)

    def field(self, name) -> FieldSpec | None:
        return next((f for f in self.fields if f.name == name), None)

    def options_for(self, project, name):
        if self.field_options is None or project is None:
            return None
        return self.field_options(project, name)

    def derived(self, data: dict) -> dict:
        return self.derive(data) if self.derive else {}


_REGISTRY: dict[str, FormKind] = {}


def register(kind: FormKind) -> FormKind:
    _REGISTRY[kind.slug] = kind
    return kind


def unregister(slug: str) -> None:
    _REGISTRY.pop(slug, None)


@overload
def get_kind(slug: str, missing_ok: Literal[False] = False) -> FormKind: ...


@overload
def get_kind(slug: str, missing_ok: bool) -> FormKind | None: ...


def get_kind(slug: str, missing_ok: bool = False) -> FormKind | None:
    """The registered kind; an unknown slug is refused (or None with missing_ok=True)."""
    kind = _REGISTRY.get(slug)
    if kind is None and not missing_ok:
        raise InvalidInput(
            _("未知的表单类型：%(kind)s") % {"kind": slug}, fields={"kind": _("未知的表单类型")}
        )
    return kind


_ORDER: tuple[str, ...] = ()


def set_order(order) -> None:
    """The owning app's process order of its kinds (all_kinds sorts by it)."""
    global _ORDER
    _ORDER = tuple(order)


def all_kinds() -> list[FormKind]:
    """Registered kinds in process order (set_order), others after."""
    rank = {slug: i for i, slug in enumerate(_ORDER)}
    return sorted(_REGISTRY.values(), key=lambda k: rank.get(k.slug, len(rank)))


# The owner lock: forms belong to an owner row (a project) that services lock after the form
# (lock order form → owner → counters → audit head). The owning app registers the callable.
_OWNER_LOCK: Callable | None = None
_OWNER_LOOKUP: Callable | None = None


def register_owner_lock(fn: Callable) -> None:
    """fn(owner_id) locks the owner row (SELECT … FOR UPDATE) and returns it."""
    global _OWNER_LOCK
    _OWNER_LOCK = fn


def register_owner_lookup(fn: Callable) -> None:
    """fn(user, owner_id) returns the owner row the user may see, or None."""
    global _OWNER_LOOKUP
    _OWNER_LOOKUP = fn


def visible_owner(user, owner_id):
    """The form owner (a project) with this id if `user` may see it, else None."""
    if owner_id in (None, "") or _OWNER_LOOKUP is None:
        return None
    return _OWNER_LOOKUP(user, owner_id)


def lock_owner(owner_id):
    if owner_id is None or _OWNER_LOCK is None:
        return None
    return _OWNER_LOCK(owner_id)
