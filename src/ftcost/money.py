"""Showing money: the library computes exact Decimals and never rounds; these helpers are for display.

`format_usd` is for amounts (cents, half-up); `format_price` is for unit prices, which must never lose a
digit ($0.075 per 1M stays $0.075); `decimal_str` is the exact machine form used in JSON.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

_CENT = Decimal("0.01")


def format_usd(amount: Decimal) -> str:
    """`$1,234.56` rounded half-up to cents; a non-zero amount under a cent keeps two significant digits.

    >>> format_usd(Decimal("1234.565")), format_usd(Decimal("0.0045")), format_usd(Decimal("-2"))
    ('$1,234.57', '$0.0045', '-$2.00')
    """
    amount = _require_decimal(amount)
    sign = "-" if amount < 0 else ""
    size = abs(amount)
    if size == 0 or size >= _CENT:
        return f"{sign}${size.quantize(_CENT, rounding=ROUND_HALF_UP):,.2f}"
    # Under a cent, "$0.00" would hide the cost of a small call; show two significant digits instead.
    places = -size.adjusted() + 1
    shown = size.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP).normalize()
    return f"{sign}${shown:f}"


def format_price(price: Decimal) -> str:
    """A unit price exactly as published, with at least two decimals: `$0.075`, `$2.50`, `$120.00`."""
    return "$" + decimal_str(_require_decimal(price))


def decimal_str(value: Decimal) -> str:
    """The exact value as a plain string with at least two decimals and no trailing zeros beyond them.

    Exact (no rounding): `Decimal("0.20000000")` → `"0.20"`, `Decimal("0.0045")` → `"0.0045"`,
    `Decimal("52")` → `"52.00"`.
    """
    value = _require_decimal(value)
    if value == 0:
        return "0.00"
    normal = value.normalize()
    if normal.as_tuple().exponent > -2:
        normal = normal.quantize(_CENT)
    return f"{normal:f}"


def _require_decimal(value: Decimal) -> Decimal:
    if not isinstance(value, Decimal) or not value.is_finite():
        raise TypeError(f"money must be a finite Decimal, got {value!r}")
    return value
