"""Reading, parsing and showing values: one place for the decimal, money and percent rules that
the forms, the finance pages, the PDFs and the reports share.

- `to_decimal(value)`: a stored or computed value as Decimal, or None (lenient: for reading).
- `parse_decimal(raw, places=, lo=, hi=)`: what a person typed, strictly, or ValueError with
  a message in the user's language (for writing).
- `cents(value)`: rounded half-up to the cent.
- `money_text`, `number_text`, `percent_text`: how values read on screen and on paper.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _

CENT = Decimal("0.01")


def to_decimal(value) -> Decimal | None:
    """Decimal of a number or numeric string; None for nothing, a bool, or anything else."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    try:
        # A float's repr is its shortest exact decimal (0.1 → "0.1", not 0.1000000000000000055…).
        result = Decimal(repr(value)) if isinstance(value, float) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return result if result.is_finite() else None


def cents(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def parse_decimal(raw, *, places: int = 2, lo=None, hi=None) -> Decimal:
    """A number typed by a person ("1,234.5" and "1，234.5" too), with at most `places`
    decimals, within [lo, hi]; quantized to `places`. Raises ValueError with the reason."""
    if isinstance(raw, bool) or raw is None or raw == "":
        raise ValueError(_("请输入数字。"))
    if isinstance(raw, float):
        raw = repr(raw)
    try:
        value = Decimal(str(raw).strip().replace(",", "").replace("，", ""))
    except (InvalidOperation, ValueError):
        raise ValueError(_("“%(value)s”不是有效的数字。") % {"value": raw}) from None
    if not value.is_finite():
        raise ValueError(_("请输入有效的数字。"))
    if value.as_tuple().exponent < -places:  # type: ignore[operator]
        raise ValueError(_("最多 %(places)d 位小数。") % {"places": places})
    if lo is not None and value < Decimal(lo):
        raise ValueError(_("不能小于 %(lo)s。") % {"lo": lo})
    if hi is not None and value > Decimal(hi):
        raise ValueError(_("不能大于 %(hi)s。") % {"hi": hi})
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def money_text(value) -> str:
    """¥1,234.50 (negative: -¥1,234.50); empty for no value; other text as it is."""
    if value is None or value == "":
        return ""
    amount = to_decimal(value)
    if amount is None:
        return str(value)
    sign = "-" if amount < 0 else ""
    return f"{sign}¥{abs(amount):,.2f}"


def number_text(value) -> str:
    """1,234.5 — digits grouped, the decimals as stored."""
    amount = to_decimal(value)
    return str(value) if amount is None else f"{amount:,}"


def percent_text(value) -> str:
    """12.50% — two decimals; empty for no value."""
    if value is None or value == "":
        return ""
    amount = to_decimal(value)
    return str(value) if amount is None else f"{amount:.2f}%"
