"""Exchange rates for display: `pricing/fx.toml`, and the `Display` a plan is shown with.

ftcost's prices are published in USD and the engine computes in USD; a reader who wants TWD, CNY, EUR, JPY
(or any ISO 4217 currency the scenario gives a rate for) gets each amount converted for display at one dated
rate: the scenario's own `[display] rate` when it states one (it wins), else the table's average for the latest
month on or before the plan's price date.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, model_validator

from ftcost.data import data_dir, read_toml, validate
from ftcost.errors import PricingDataError, ScenarioError
from ftcost.i18n import _
from ftcost.money import Display
from ftcost.pricing.schema import Date, Price, SourceEntry, SourceKeys, Strict

#: The currencies pricing/fx.toml carries (any other needs a rate stated in the scenario).
CURRENCIES = ("USD", "TWD", "CNY", "EUR", "JPY")
#: A table rate older than this (days before the price date) is flagged: the reader may want a newer one.
STALE_AFTER_DAYS = 92

Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$")]


class RateEntry(Strict):
    currency: Currency
    """ISO 4217 code."""
    month: Date
    """First day of the month the average covers."""
    per_usd: Price | None = None
    """Currency units per US dollar."""
    usd_per_unit: Price | None = None
    """US dollars per currency unit (how the Federal Reserve quotes the euro)."""
    sources: SourceKeys
    checked: Date
    verified: bool
    note: str = ""

    @model_validator(mode="after")
    def _one_quote(self) -> RateEntry:
        if (self.per_usd is None) == (self.usd_per_unit is None):
            raise ValueError("give either per_usd or usd_per_unit")
        if self.month.day != 1:
            raise ValueError("month is the first day of the month the average covers (e.g. 2024-06-01)")
        if self.currency == "USD":
            raise ValueError("USD needs no rate")
        return self

    @property
    def units_per_usd(self) -> Decimal:
        if self.per_usd is not None:
            return self.per_usd
        assert self.usd_per_unit is not None  # the validator above requires exactly one of the two
        return Decimal(1) / self.usd_per_unit


class FxFile(Strict):
    schema_version: Literal[1]
    source: dict[str, SourceEntry]
    rate: list[RateEntry]

    @model_validator(mode="after")
    def _known(self) -> FxFile:
        seen = set()
        for r in self.rate:
            if (r.currency, r.month) in seen:
                raise ValueError(f"{r.currency} has two rates for {r.month:%Y-%m}")
            seen.add((r.currency, r.month))
            for key in r.sources:
                if key not in self.source:
                    raise ValueError(f"{r.currency} {r.month:%Y-%m}: source {key!r} is not in [source]")
        return self


@dataclass(frozen=True)
class Rate:
    currency: str
    month: dt.date
    units_per_usd: Decimal
    source: str  # the sources' titles and publishers, for the report's rate section
    publisher: str  # who published it, for the rate line
    verified: bool
    before_table: bool = False  # the price date is before the table's first month for this currency
    stale: bool = False  # the price date is more than STALE_AFTER_DAYS after this month


@functools.lru_cache(maxsize=4)
def load_fx(path: str | None = None) -> FxFile:
    """pricing/fx.toml, validated (every problem one sentence naming the file and key)."""
    file = Path(path) if path else data_dir("pricing") / "fx.toml"
    return validate(FxFile, read_toml(file, PricingDataError), file.name, PricingDataError)


def rate_on(currency: str, day: dt.date, fx: FxFile | None = None) -> Rate | None:
    """The table's rate for `currency` on `day`: the latest month on or before it (else the first month, flagged);
    None when the table has no rate for that currency."""
    fx = fx or load_fx()
    rows = sorted((r for r in fx.rate if r.currency == currency), key=lambda r: r.month)
    if not rows:
        return None
    earlier = [r for r in rows if r.month <= day]
    row = earlier[-1] if earlier else rows[0]
    source = "; ".join(f"{fx.source[k].publisher}, {fx.source[k].title} ({fx.source[k].url})" for k in row.sources)
    publisher = "; ".join(dict.fromkeys(fx.source[k].publisher for k in row.sources))
    return Rate(
        currency,
        row.month,
        row.units_per_usd,
        source,
        publisher,
        row.verified,
        before_table=not earlier,
        stale=bool(earlier) and (day - row.month).days > STALE_AFTER_DAYS,
    )


def display_for(
    settings,
    day: dt.date,
    locale: str = "en",
    currency: str | None = None,
    rate: Decimal | None = None,
    fx: FxFile | None = None,
) -> tuple[Display, Rate | None]:
    """The Display for a scenario's `[display]` settings (or None) on the price date `day`.

    `currency`/`rate` override the settings (the CLI's --currency/--rate, the app's selector). A rate stated in
    the scenario (or given here) wins over the table. Returns the Display and the table row used (None when
    the stated rate was used or the currency is USD).
    """
    code = (currency or (settings.currency if settings else None) or "USD").upper()
    if code == "USD":
        return Display(locale=locale), None
    same = settings is not None and (settings.currency or "").upper() == code
    stated = rate if rate is not None else (settings.rate if same and settings.rate is not None else None)
    if stated is not None:
        return Display(
            currency=code,
            rate=Decimal(stated),
            rate_date=(settings.rate_date if same else None) if rate is None else None,
            source=(settings.rate_source if same and rate is None else "") or "",
            stated=True,
            locale=locale,
        ), None
    found = rate_on(code, day, fx)
    if found is None:
        raise ScenarioError(
            f"ftcost has no {code} rate in pricing/fx.toml (it has {', '.join(CURRENCIES[1:])}); state one in the "
            f'scenario: [display] currency = "{code}", rate = units per US dollar, rate_date = the day it is for.'
        )
    return Display(
        currency=code,
        rate=found.units_per_usd,
        rate_date=found.month,
        source=found.publisher,
        verified=found.verified,
        locale=locale,
    ), found


def rate_sentence(
    display: Display, found: Rate | None = None, day: dt.date | None = None, *, on_page: bool = False
) -> str | None:
    """The one sentence a page or report shows once: which rate converted its figures, from when, from whom
    (None for USD, which is shown as computed). `on_page`: said in the app, where a newer rate is typed in the
    sidebar's rate box, not written in the scenario's file."""
    if not display.converted:
        return None
    fields = {
        "code": display.currency,
        "rate": display.rate_text(),
        "symbol": display.symbol,
        "source": display.source,
        "date": display.rate_date.isoformat() if display.rate_date else "",
    }
    if display.stated:
        text = _("Amounts in {code} at {rate} {code} per US dollar, the scenario's own rate").format(**fields)
        if display.rate_date:
            text += _(" for {date}").format(**fields)
        if display.source:
            text += _(" ({source})").format(**fields)
    else:
        fields["month"] = display.rate_date.strftime("%Y-%m") if display.rate_date else ""
        text = _("Amounts in {code} at {rate} {code} per US dollar, the rate for {month} ({source})").format(**fields)
    text += _("; ftcost computes in USD and converts only to show the figures.")
    if not display.verified:
        text += " " + _("Only secondary sources give this rate.")
    if found is not None and found.before_table:
        text += " " + _("The price date is before the first {code} rate in pricing/fx.toml.").format(**fields)
    elif found is not None and found.stale and day is not None:
        days = (day - found.month).days
        if on_page:
            newer = _(
                "It is the latest {code} rate ftcost has, {days} days before the price date: type a newer one in "
                "the sidebar's rate box for today's figures."
            )
        else:
            newer = _(
                "It is the latest {code} rate ftcost has, {days} days before the price date: state a newer "
                "one in the scenario ([display] rate) for today's figures."
            )
        text += " " + newer.format(days=days, **fields)
    return text.replace("。 ", "。")  # Chinese sentences follow each other without a space
