"""Parsing of money, dates and categories with Chinese messages (without the field's label).

Shared by the services, the Excel import and the API, so one input is judged the same way
everywhere. Each parser raises ValueError with the message.
"""

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _

from approvals.fields import MONEY_MAX

from .categories import categories

CENT = Decimal("0.01")
MIN_DATE = date(2000, 1, 1)


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def parse_amount(raw) -> Decimal:
    """A positive amount with at most two decimals, not above the money maximum."""
    if raw is None or raw == "" or isinstance(raw, bool):
        raise ValueError(_("必填。"))
    if isinstance(raw, float):
        # Spreadsheet numbers arrive as floats: accept those that are whole cents.
        rounded = round(raw, 2)
        if abs(raw - rounded) > 1e-6:
            raise ValueError(_("最多 2 位小数。"))
        raw = f"{rounded:.2f}"
    try:
        value = Decimal(str(raw).strip().replace(",", "").replace("，", ""))
    except (InvalidOperation, ValueError):
        raise ValueError(_("“%(value)s”不是有效的金额。") % {"value": raw})
    if not value.is_finite():
        raise ValueError(_("请输入有效的金额。"))
    if value.as_tuple().exponent < -2:
        raise ValueError(_("最多 2 位小数。"))
    if value <= 0:
        raise ValueError(_("金额必须大于 0。"))
    if value > MONEY_MAX:
        raise ValueError(_("金额不能超过 %(max)s。") % {"max": MONEY_MAX})
    return cents(value)


def parse_date(raw, *, today: date) -> date:
    """A date from 2000-01-01 up to today (no future costs or collections)."""
    if raw is None or raw == "":
        raise ValueError(_("必填。"))
    if isinstance(raw, datetime):
        value = raw.date()
    elif isinstance(raw, date):
        value = raw
    else:
        text = str(raw).strip().replace("/", "-").replace(".", "-")
        try:
            y, m, d = (int(part) for part in text.split("-"))
            value = date(y, m, d)
        except (TypeError, ValueError):
            raise ValueError(_("请输入有效日期（格式 YYYY-MM-DD）。"))
    if value < MIN_DATE:
        raise ValueError(_("日期不能早于 %(d)s。") % {"d": MIN_DATE.isoformat()})
    if value > today:
        raise ValueError(_("日期不能晚于今天（%(d)s）。") % {"d": today.isoformat()})
    return value


def parse_category(raw) -> str:
    """An active category (admin data) by its code (implementation) or its name (实施成本)."""
    text = str(raw or "").strip()
    if not text:
        raise ValueError(_("必填。"))
    code = categories.code_for(text)
    if code is not None and code in categories.active_values:
        return code
    return _raise_category(text)


def _raise_category(text):
    active = set(categories.active_values)
    labels = "、".join(str(label) for v, label in categories.choices if v in active)
    raise ValueError(
        _("“%(value)s”不是有效的费用类别，可选：%(labels)s。") % {"value": text, "labels": labels}
    )


def parse_note(raw, max_length=300) -> str:
    text = "" if raw is None else str(raw).strip()
    if len(text) > max_length:
        raise ValueError(_("不能超过 %(n)d 个字。") % {"n": max_length})
    return text
