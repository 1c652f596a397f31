"""Forms pre-filled from the records before them: the 合同审批表 from the approved 报价审批表, the
项目委托书 from the budget and the contract, the 项目决算表 from the ledger, the payments and the
项目委托书's split.

Each kind registers `extra={"prefill": proposal_fn}` where proposal_fn(project) returns a
Proposal: {field: value} in the engine's canonical shape, with a source per field. The form
engine calls `complete_form_data(kind, project, data)` when a draft is created or saved (and the
new-form page shows `initial_values`), so:

- a pre-filled field the user leaves out (API) or clears (browser) gets the proposed value;
- the system fields `prefilled` (what SIPM proposed, and from which record) and `changes` (each
  pre-filled value the user changed, with the reason given in `change_reasons`) are rewritten,
  so approvers and the PDF see both; `check_change_reasons` refuses a submission with a changed
  value that has no reason.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from approvals.fields import FieldSpec, is_empty

SYSTEM_FIELDS = ("prefilled", "changes")


@dataclass
class Proposal:
    values: dict = field(default_factory=dict)
    sources: dict = field(default_factory=dict)
    # System fields computed with the proposal (not compared, always rewritten).
    system: dict = field(default_factory=dict)
    # Convenience defaults (filled in when omitted, not compared: changing them needs no reason).
    defaults: dict = field(default_factory=dict)
    # finish(data) → more system fields computed from the completed data (e.g. comparisons).
    finish: Callable | None = None

    def put(self, name, value, source):
        if value is None or value == []:
            return
        self.values[name] = value
        self.sources[name] = str(source)


def change_fields(prefilled_specs):
    """The three fields every pre-filled kind carries (choices: its pre-filled fields)."""
    choices = tuple((spec.name, spec.label) for spec in prefilled_specs)
    return (
        FieldSpec(
            "change_reasons",
            gettext_lazy("改动原因"),
            "rows",
            columns=(
                FieldSpec("field", gettext_lazy("字段"), "choice", required=True, choices=choices),
                FieldSpec("reason", gettext_lazy("原因"), "text", required=True, max_length=300),
            ),
            help=gettext_lazy("修改了系统预填的数值时，逐项说明原因（审批人和 PDF 可见）"),
        ),
        FieldSpec(
            "prefilled",
            gettext_lazy("系统预填值"),
            "rows",
            columns=(
                FieldSpec("field", gettext_lazy("字段"), "choice", choices=choices),
                FieldSpec("value", gettext_lazy("预填值"), "text"),
                FieldSpec("source", gettext_lazy("来源"), "text"),
            ),
        ),
        FieldSpec(
            "changes",
            gettext_lazy("与预填值不同的项"),
            "rows",
            columns=(
                FieldSpec("field", gettext_lazy("字段"), "choice", choices=choices),
                FieldSpec("prefilled", gettext_lazy("预填值"), "text"),
                FieldSpec("value", gettext_lazy("填写值"), "text"),
                FieldSpec("reason", gettext_lazy("原因"), "text"),
            ),
        ),
    )


def proposal_for(kind, project) -> Proposal | None:
    fn = (kind.extra or {}).get("prefill")
    if fn is None or project is None:
        return None
    return fn(project)


def initial_values(kind, project) -> dict:
    """What the new-form page opens with."""
    proposal = proposal_for(kind, project)
    return {**proposal.defaults, **proposal.values} if proposal else {}


def _comparable(value):
    """Rows compare without their free-text note columns (a note is not a changed figure)."""
    if isinstance(value, list):
        return [
            {k: v for k, v in row.items() if k != "note"} if isinstance(row, dict) else row
            for row in value
        ]
    return value


def value_text(kind, name, value) -> str:
    """The value as the form page shows it (¥1,234.50; names of people and departments)."""
    from approvals.webforms import Lookups  # the engine's own display of field values

    spec = kind.field(name)
    if spec is None or is_empty(value):
        return ""
    lookups = Lookups([(kind, {name: value})])
    if spec.type == "rows":
        rows = value if isinstance(value, list) else []
        return "；".join(
            " ".join(t for t in (lookups.text(c, r.get(c.name)) for c in spec.columns) if t)
            for r in rows
            if isinstance(r, dict)
        )
    return lookups.text(spec, value)


def complete_form_data(kind, project, data: dict) -> dict:
    """`data` (cleaned, merged) with omitted pre-filled fields filled in and the system fields
    rewritten; unchanged for kinds without a proposal."""
    proposal = proposal_for(kind, project)
    if proposal is None:
        return data
    out = dict(data)
    for name, value in {**proposal.defaults, **proposal.values}.items():
        if is_empty(out.get(name)):
            out[name] = value
    out.update(proposal.system)
    if proposal.finish is not None:
        out.update(proposal.finish(out))
    reasons = {}
    for row in out.get("change_reasons") or []:
        if isinstance(row, dict) and row.get("field"):
            reasons[row["field"]] = row.get("reason") or ""
    out["prefilled"] = [
        {
            "field": name,
            "value": value_text(kind, name, value),
            "source": proposal.sources.get(name, ""),
        }
        for name, value in proposal.values.items()
    ]
    changes = []
    for name, value in proposal.values.items():
        if _comparable(out.get(name)) != _comparable(value):
            row = {
                "field": name,
                "prefilled": value_text(kind, name, value),
                "value": value_text(kind, name, out.get(name)),
            }
            if reasons.get(name):
                row["reason"] = reasons[name]
            changes.append(row)
    out["changes"] = changes
    return {k: v for k, v in out.items() if not is_empty(v)}


def check_change_reasons(errors, data):
    """Each pre-filled value the user changed needs its reason (errors on change_reasons)."""
    missing = [row["field"] for row in data.get("changes") or [] if not row.get("reason")]
    if missing:
        labels = dict(errors._specs["change_reasons"].columns[0].choices)
        names = "、".join(str(labels.get(n, n)) for n in missing)
        errors.add(
            "change_reasons",
            _("以下字段修改了系统预填的数值，须说明原因：%(names)s。") % {"names": names},
        )
