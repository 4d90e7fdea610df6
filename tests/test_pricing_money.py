"""Display of money: cents half-up, sub-cent amounts kept visible, prices never shortened."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ftcost.money import decimal_str, format_price, format_usd


@pytest.mark.parametrize(
    "amount, shown",
    [
        ("1234.56", "$1,234.56"),
        ("1234.565", "$1,234.57"),  # half-up, not banker's rounding
        ("0.125", "$0.13"),
        ("0.115", "$0.12"),
        ("150", "$150.00"),
        ("0", "$0.00"),
        ("0.01", "$0.01"),
        ("0.0045", "$0.0045"),  # under a cent: not "$0.00"
        ("0.000000225", "$0.00000023"),
        ("-2", "-$2.00"),
        ("1E+3", "$1,000.00"),
    ],
)
def test_format_usd(amount, shown):
    assert format_usd(Decimal(amount)) == shown


@pytest.mark.parametrize(
    "price, shown", [("0.075", "$0.075"), ("2.225", "$2.225"), ("30", "$30.00"), ("1.50", "$1.50")]
)
def test_format_price_keeps_every_digit(price, shown):
    assert format_price(Decimal(price)) == shown


@pytest.mark.parametrize(
    "value, text", [("0.20000000", "0.20"), ("52", "52.00"), ("2.25E-7", "0.000000225"), ("0", "0.00")]
)
def test_decimal_str_is_exact_and_plain(value, text):
    assert decimal_str(Decimal(value)) == text
    assert Decimal(text) == Decimal(value)


@pytest.mark.parametrize("bad", [1.5, 2, "1.50", Decimal("NaN"), Decimal("Infinity")])
def test_money_must_be_a_finite_decimal(bad):
    with pytest.raises(TypeError):
        format_usd(bad)


@pytest.mark.parametrize(
    "amount, places, shown",
    [
        ("0.123456", 4, "$0.1235"),
        ("0.00005", 4, "$0.00005"),
        ("1234.5", 0, "$1,235"),
        ("2.5", 0, "$3"),
        ("1.5", 3, "$1.500"),
    ],
)
def test_format_usd_with_other_places(amount, places, shown):
    assert format_usd(Decimal(amount), places=places) == shown
