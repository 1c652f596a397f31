"""The registry of form kinds. Each kind declares its fields, gates, copies and stage moves;
its approval chain is data (ChainTemplate), seeded by a migration and edited in the admin."""

from collections.abc import Callable
from dataclasses import dataclass, field

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
    stage_on_submit: str | None = None
    stage_on_approve: str | None = None
    on_approved: Callable | None = None
    on_rejected: Callable | None = None
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


def get_kind(slug: str, missing_ok=False) -> FormKind | None:
    kind = _REGISTRY.get(slug)
    if kind is None and not missing_ok:
        from django.utils.translation import gettext as _

        from sipm.errors import InvalidInput

        raise InvalidInput(
            _("未知的表单类型：%(kind)s") % {"kind": slug}, fields={"kind": _("未知的表单类型")}
        )
    return kind


_ORDER: tuple[str, ...] = ()


def all_kinds() -> list[FormKind]:
    """Registered kinds in process order (the defining module's KIND_ORDER), others after."""
    rank = {slug: i for i, slug in enumerate(_ORDER)}
    return sorted(_REGISTRY.values(), key=lambda k: rank.get(k.slug, len(rank)))


def load_project_kinds():
    """Import the company's form definitions (kept in projects.forms) so they register."""
    import importlib

    global _ORDER
    module = importlib.import_module("projects.forms")
    _ORDER = tuple(getattr(module, "KIND_ORDER", ()))
    # Their queue cards' key figures (approvals.cards).
    importlib.import_module("projects.cards")
