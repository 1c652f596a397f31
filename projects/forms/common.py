"""Building blocks shared by the form kinds: field shorthands and cross-field checks.

Cross-field checks return {field name: message}; each message starts with the field's label, as
the engine's own field errors do, so the UI can show it beside the field and in the summary.
"""

from datetime import date
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from approvals.fields import FieldSpec, field_message
from sipm.values import to_decimal

ZERO = Decimal("0")
HUNDRED = Decimal("100")


def money(name, label, required=True, **kw):
    return FieldSpec(name, label, "money", required=required, **kw)


def rate(name, label, required=True, **kw):
    return FieldSpec(name, label, "rate", required=required, **kw)


def text(name, label, required=True, max_length=200, **kw):
    return FieldSpec(name, label, "text", required=required, max_length=max_length, **kw)


def textarea(name, label, required=True, max_length=4000, **kw):
    return FieldSpec(name, label, "textarea", required=required, max_length=max_length, **kw)


def performance_split(name="performance_split", label=None, help=""):
    """部门业绩分配: rows of department with a ratio (%) or an amount [§17, §23, §25]."""
    return FieldSpec(
        name,
        label or gettext_lazy("部门业绩分配"),
        "rows",
        required=True,
        columns=(
            FieldSpec("department", gettext_lazy("部门"), "department", required=True),
            FieldSpec("ratio", gettext_lazy("比例(%)"), "rate"),
            FieldSpec("amount", gettext_lazy("金额"), "money"),
        ),
        help=help,
    )


dec = to_decimal


def as_date(value) -> date | None:
    try:
        return date.fromisoformat(str(value))
    except (TypeError, ValueError):
        return None


def fmt_money(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01')):,}"


class Errors(dict):
    """{field: message} that knows the kind's labels."""

    def __init__(self, kind_fields):
        super().__init__()
        self._specs = {f.name: f for f in kind_fields}

    def add(self, name, message):
        if name not in self:
            self[name] = field_message(self._specs[name], message)


def positive(errors: Errors, data, *names):
    """Amounts and quantities that must be more than zero (a zero contract means nothing)."""
    for name in names:
        value = dec(data.get(name))
        if value is not None and value <= 0:
            errors.add(name, _("必须大于 0。"))


def not_before_today(errors: Errors, data, name, today=None):
    value = as_date(data.get(name))
    today = today or timezone.localdate()
    if value is not None and value < today:
        errors.add(name, _("不能早于今天（%(d)s）。") % {"d": today.isoformat()})


def check_split(errors: Errors, data, total: Decimal | None, total_label, name="performance_split"):
    """The shares are all ratios adding up to 100%, or all amounts adding up to the total."""
    rows = data.get(name)
    if not rows:
        return
    departments = set()
    mode = None
    for i, row in enumerate(rows, start=1):
        has_ratio, has_amount = "ratio" in row, "amount" in row
        if has_ratio == has_amount:
            errors.add(name, _("第 %(i)d 行：比例和金额须填写其中一项。") % {"i": i})
            return
        row_mode = "ratio" if has_ratio else "amount"
        if mode is not None and row_mode != mode:
            errors.add(name, _("各行须统一按比例或统一按金额划分。"))
            return
        mode = row_mode
        if row["department"] in departments:
            errors.add(name, _("第 %(i)d 行：部门重复。") % {"i": i})
            return
        departments.add(row["department"])
    if mode == "ratio":
        ratio_sum = sum((Decimal(r["ratio"]) for r in rows), ZERO)
        if ratio_sum != HUNDRED:
            errors.add(name, _("各部门比例合计须为 100%%，当前为 %(sum)s%%。") % {"sum": ratio_sum})
    elif total is not None:
        amount_sum = sum((Decimal(r["amount"]) for r in rows), ZERO)
        if amount_sum != total:
            errors.add(
                name,
                _("各部门金额合计 %(sum)s 须等于%(what)s %(total)s。")
                % {"sum": fmt_money(amount_sum), "what": total_label, "total": fmt_money(total)},
            )
