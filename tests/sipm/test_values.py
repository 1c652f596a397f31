"""One reader, one parser and one display rule for numbers and money."""

from decimal import Decimal

import pytest

from sipm.values import cents, money_text, number_text, parse_decimal, percent_text, to_decimal


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1234.50", Decimal("1234.50")),
        (" 7 ", Decimal("7")),
        (0.1, Decimal("0.1")),
        (3, Decimal("3")),
        (Decimal("2.5"), Decimal("2.5")),
        (None, None),
        ("", None),
        (True, None),
        ("abc", None),
        ("NaN", None),
        ("Infinity", None),
        ([1], None),
    ],
)
def test_to_decimal_reads_leniently(raw, expected):
    assert to_decimal(raw) == expected


def test_parse_decimal_accepts_grouping_and_quantizes():
    assert parse_decimal("1,234.5") == Decimal("1234.50")
    assert parse_decimal("1，234") == Decimal("1234.00")
    assert parse_decimal(12.25, places=2) == Decimal("12.25")
    assert parse_decimal("3", places=0) == Decimal("3")


@pytest.mark.parametrize(
    ("raw", "kwargs", "message"),
    [
        ("", {}, "请输入数字"),
        (None, {}, "请输入数字"),
        (False, {}, "请输入数字"),
        ("x1", {}, "不是有效的数字"),
        ("inf", {}, "请输入有效的数字"),
        ("1.234", {}, "最多 2 位小数"),
        ("-1", {"lo": 0}, "不能小于 0"),
        ("101", {"hi": 100}, "不能大于 100"),
    ],
)
def test_parse_decimal_refuses_with_a_reason(raw, kwargs, message):
    with pytest.raises(ValueError, match=message):
        parse_decimal(raw, **kwargs)


def test_display():
    assert money_text("1234.5") == "¥1,234.50"
    assert money_text(Decimal("-20")) == "-¥20.00"
    assert money_text("") == ""
    assert money_text("n/a") == "n/a"
    assert number_text("1234567.125") == "1,234,567.125"
    assert percent_text("12.5") == "12.50%"
    assert percent_text(None) == ""
    assert cents("2.345") == Decimal("2.35")
