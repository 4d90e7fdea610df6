"""Showing money: the library computes exact Decimals and never rounds; these helpers are for display.

`format_usd` is for amounts (cents, half-up); `format_price` is for unit prices, which must never lose a
digit ($0.075 per 1M stays $0.075); `decimal_str` is the exact machine form used in JSON.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

_CENT = Decimal("0.01")


def format_usd(amount: Decimal, places: int = 2) -> str:
    """`$1,234.56`: rounded half-up to `places` decimals (cents by default); a non-zero amount too small to
    show that way keeps two significant digits instead of turning into $0.00.

    >>> format_usd(Decimal("1234.565")), format_usd(Decimal("0.0045")), format_usd(Decimal("0.00123"), places=4)
    ('$1,234.57', '$0.0045', '$0.0012')
    """
    amount = _require_decimal(amount)
    if isinstance(places, bool) or not isinstance(places, int) or places < 0:
        raise TypeError(f"places must be a whole number of decimals, got {places!r}")
    step = Decimal(1).scaleb(-places)
    sign = "-" if amount < 0 else ""
    size = abs(amount)
    if size == 0 or size >= step:
        return f"{sign}${size.quantize(step, rounding=ROUND_HALF_UP):,.{places}f}"
    # Below the last shown place "$0.00" would hide a real cost; show two significant digits instead.
    digits = -size.adjusted() + 1
    shown = size.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP).normalize()
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
