"""Showing money: the library computes exact Decimals and never rounds; these helpers are for display.

`format_usd` is for amounts (cents, half-up); `format_price` is for unit prices, which must never lose a
digit ($0.075 per 1M stays $0.075); `decimal_str` is the exact machine form used in JSON. `Display` shows the same USD amounts in the reader's
currency and locale (converted here, for display only: the engine computes in USD).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

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
    if int(normal.as_tuple().exponent) > -2:  # finite (checked above), so the exponent is an int
        normal = normal.quantize(_CENT)
    return f"{normal:f}"


def _require_decimal(value: Decimal) -> Decimal:
    if not isinstance(value, Decimal) or not value.is_finite():
        raise TypeError(f"money must be a finite Decimal, got {value!r}")
    return value


# --- showing USD amounts in the reader's currency ------------------------------------------------------------

#: Symbols that say which dollar or yuan is meant whatever the reader's locale (Babel's zh_Hant_TW writes the
#: New Taiwan dollar as a bare "$", which beside US$ figures would be read as US dollars).
_SYMBOLS = {"TWD": "NT$"}
#: Decimals shown where they differ from Babel's (ISO 4217) digits: New Taiwan dollar amounts are written in whole
#: dollars (CLDR's cash digits for TWD are 0), and NT$442,926.32 does not fit a metric card that NT$442,926 does.
_DIGITS = {"TWD": 0}


@lru_cache(maxsize=64)
def _digits(currency: str) -> int:
    """The decimals an amount in `currency` is shown with (asked for on every amount: Babel looks it up anew)."""
    # deferred: babel's locale data loads only when a currency is shown
    from babel.numbers import get_currency_precision

    return _DIGITS.get(currency, get_currency_precision(currency))


@lru_cache(maxsize=256)
def _symbol(currency: str, locale: str) -> str:
    if currency in _SYMBOLS:
        return _SYMBOLS[currency]
    # deferred: babel, as in _digits
    from babel.numbers import get_currency_symbol

    return get_currency_symbol(currency, locale)


@dataclass(frozen=True)
class Display:
    """How amounts the engine computed in USD are shown: the currency, the rate it is converted at, the locale.

    The engine never sees this: conversion happens here, once per figure shown, at `rate` units of `currency`
    per US dollar, rounded half-up to the currency's decimals (cents, or whole yen) like `format_usd`.
    """

    currency: str = "USD"
    rate: Decimal = Decimal(1)  # units of `currency` per 1 USD
    rate_date: dt.date | None = None  # the day or month the rate is for
    source: str = ""  # who published it ("" for USD)
    stated: bool = False  # the scenario's own rate rather than ftcost's pricing/fx.toml
    verified: bool = True  # false when only secondary sources give the rate
    locale: str = "en"  # Babel locale id (en, zh_Hant_TW, zh_Hans_CN)

    def __post_init__(self) -> None:
        _require_decimal(self.rate)
        if self.rate <= 0:
            raise ValueError(f"an exchange rate must be above 0, got {self.rate}")
        if self.currency == "USD" and self.rate != 1:
            raise ValueError("USD is shown as computed: its rate is 1")

    @property
    def converted(self) -> bool:
        return self.currency != "USD"

    @property
    def digits(self) -> int:
        return _digits(self.currency)

    @property
    def symbol(self) -> str:
        return _symbol(self.currency, self.locale)

    def value(self, usd: Decimal) -> Decimal:
        """The exact amount in the display currency (unrounded)."""
        return _require_decimal(usd) * self.rate

    def to_usd(self, amount: Decimal) -> Decimal:
        """An amount entered in the display currency (a labour rate), in USD at the same rate; exact to the
        hundredth of a cent so that showing it again gives back what was typed."""
        return (_require_decimal(amount) / self.rate).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)

    def amount(self, usd: Decimal, places: int | None = None) -> str:
        """An amount (`NT$32,377.00`, `¥1,234`): the currency's decimals unless `places` says more."""
        places = self.digits if places is None else places
        if self.currency == "USD" and self.locale == "en":
            return format_usd(usd, places)
        return self._format(self.value(usd), places)

    def signed(self, usd: Decimal) -> str:
        """`+NT$1,234.00` / `-NT$1,234.00`: a difference."""
        return ("+" if usd > 0 else "") + self.amount(usd)

    def per_answer(self, usd: Decimal | None) -> str:
        """A cost per answer, two decimals finer than the currency's (a hundredth of a cent, of a yen)."""
        return "—" if usd is None else self.amount(usd, self.digits + 2)

    def price(self, usd: Decimal) -> str:
        """A unit price: exact in USD as published; converted, four significant digits at least."""
        if not self.converted and self.locale == "en":
            return format_price(usd)
        value = self.value(usd)
        if self.converted:  # a converted price has no published digits to keep: four significant ones
            places = max(self.digits, 3 - value.adjusted()) if value else self.digits
        else:
            places = max(2, -int(value.normalize().as_tuple().exponent))
        return self._format(value, places)

    def rate_text(self) -> str:
        """`32.3768`: the rate as given, to at most six decimals (a euro rate derived from the Federal Reserve's
        USD-per-euro quote is a long fraction)."""
        rate = self.rate
        if -int(rate.normalize().as_tuple().exponent) > 6:
            rate = rate.quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)
        return f"{rate.normalize():f}"

    def _format(self, value: Decimal, places: int) -> str:
        # deferred: babel, as in digits
        from babel.numbers import format_decimal

        sign = "-" if value < 0 else ""
        size = abs(value)
        step = Decimal(1).scaleb(-places)
        if size == 0 or size >= step:
            shown = size.quantize(step, rounding=ROUND_HALF_UP)
        else:  # as format_usd: a real cost too small for the shown places keeps two significant digits
            digits = -size.adjusted() + 1
            shown = size.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
            places = digits
        pattern = "#,##0" + ("." + "0" * places if places > 0 else "")
        text = format_decimal(shown, format=pattern, locale=self.locale, decimal_quantization=False)
        return f"{sign}{self.symbol}{text}"


USD = Display()
