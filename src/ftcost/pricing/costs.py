"""Exact costs from token counts: `token_cost`, `training_cost` and the itemised `quote`.

All arithmetic is Decimal with Inexact trapped, so a result is either exact or an error: nothing is rounded
here (rounding for display is ftcost.money's job). Cached input tokens are part of the prompt tokens, as in
OpenAI's usage (`prompt_tokens` includes `cached_tokens`), so they are charged once, at the cached rate.
"""

from __future__ import annotations

import datetime as dt
import decimal
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ftcost.errors import FtcostError, NotOfferedError
from ftcost.money import decimal_str
from ftcost.pricing.lifecycle import restrictions_on
from ftcost.pricing.lookup import Rate, RateCard, check_date, explain_missing, rates
from ftcost.pricing.rows import PricingData, Promotion
from ftcost.pricing.store import current

_MILLION = Decimal(1_000_000)


def _exact() -> decimal.Context:
    """A context in which any rounding is an error, so every result is provably exact."""
    return decimal.Context(prec=200, traps=[decimal.Inexact, decimal.InvalidOperation, decimal.Overflow])


def token_cost(tokens: int, price_per_mtok: Decimal) -> Decimal:
    """`tokens × price / 1,000,000`, exactly (no rounding)."""
    tokens = _count(tokens, "tokens")
    if not isinstance(price_per_mtok, Decimal):
        raise TypeError(f"price_per_mtok must be a Decimal, got {price_per_mtok!r}")
    ctx = _exact()
    # An exact division keeps the price's own decimal places where it can: 3M × $1.50 → 4.50, not 4.50000000.
    return ctx.divide(ctx.multiply(Decimal(tokens), price_per_mtok), _MILLION)


@dataclass(frozen=True)
class Quote:
    """An itemised price for one model on one date. Amounts are exact Decimals."""

    model: str
    resolved_model: str
    fine_tuned: bool
    alias: str | None
    as_of: dt.date
    tier: str
    input_tokens: int
    cached_input_tokens: int
    output_tokens: int
    training_tokens: int
    epochs: int
    training_hours: Decimal
    input_usd: Decimal
    cached_input_usd: Decimal
    output_usd: Decimal
    training_usd: Decimal
    promotion_usd: Decimal = Decimal(0)
    rates: dict[str, Rate] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    @property
    def total_usd(self) -> Decimal:
        return self.input_usd + self.cached_input_usd + self.output_usd + self.training_usd

    @property
    def charged_training_tokens(self) -> int:
        return self.training_tokens * self.epochs

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "resolved_model": self.resolved_model,
            "fine_tuned": self.fine_tuned,
            "alias": self.alias,
            "as_of": self.as_of.isoformat(),
            "tier": self.tier,
            "tokens": {
                "input": self.input_tokens,
                "cached_input": self.cached_input_tokens,
                "output": self.output_tokens,
                "training": self.training_tokens,
                "epochs": self.epochs,
                "charged_training": self.charged_training_tokens,
                "training_hours": decimal_str(self.training_hours),
            },
            "input_usd": decimal_str(self.input_usd),
            "cached_input_usd": decimal_str(self.cached_input_usd),
            "output_usd": decimal_str(self.output_usd),
            "training_usd": decimal_str(self.training_usd),
            "promotion_usd": decimal_str(self.promotion_usd),
            "total_usd": decimal_str(self.total_usd),
            "rates": {name: rate.to_dict() for name, rate in self.rates.items()},
            "notes": list(self.notes),
        }


def quote(
    model: str,
    *,
    input_tokens: int = 0,
    output_tokens: int = 0,
    cached_input_tokens: int = 0,
    training_tokens: int = 0,
    epochs: int = 1,
    training_hours: Decimal | int = 0,
    as_of: dt.date,
    tier: str = "standard",
    apply_promotions: bool = False,
    data: PricingData | None = None,
) -> Quote:
    """Price `model` (any name ftcost resolves) on `as_of`.

    Args:
        input_tokens: total prompt tokens, cached ones included (OpenAI's `usage.prompt_tokens`).
        cached_input_tokens: the part of `input_tokens` served from the prompt cache (≤ input_tokens).
        output_tokens: completion tokens.
        training_tokens: tokens in the training file; charged × `epochs` at the base's training rate.
        training_hours: reinforcement fine-tuning hours (o4-mini), charged per hour.
        apply_promotions: subtract free training tokens offered that day (promotions.toml); off by default,
            and when off an available offer is mentioned in `notes`.
    Returns:
        A Quote whose parts sum to `total_usd`, with the Rate (price, source, period) behind each part.
    """
    input_tokens = _count(input_tokens, "input_tokens")
    output_tokens = _count(output_tokens, "output_tokens")
    cached = _count(cached_input_tokens, "cached_input_tokens")
    training_tokens = _count(training_tokens, "training_tokens")
    epochs = _epochs(epochs)
    hours = _hours(training_hours)
    as_of = check_date(as_of)
    if cached > input_tokens:
        raise FtcostError(
            f"cached_input_tokens ({cached:,}) cannot exceed input_tokens ({input_tokens:,}): cached tokens are part of the prompt."
        )
    d = current(data)
    card = rates(model, as_of, tier, data=d)
    used: dict[str, Rate] = {}
    notes: list[str] = []
    if card.resolved.alias:
        notes.append(f"{card.resolved.alias} pointed to {card.snapshot} on {as_of}.")

    if card.input is None:  # a card that prices only training or hosting
        raise NotOfferedError(f"{card.snapshot} has no input-token price on {as_of}.")
    input_usd = token_cost(input_tokens - cached, card.input.price)
    used["input"] = card.input
    cached_usd = Decimal(0)
    if cached:
        rate = card.cached_input or card.input
        if card.cached_input is None:
            notes.append(
                f"No cached-input price for {card.resolved.describe()} in the {tier} tier on {as_of}; "
                f"the {cached:,} cached tokens are charged at the input rate."
            )
        cached_usd = token_cost(cached, rate.price)
        used["cached_input"] = rate
    output_usd = Decimal(0)
    if output_tokens:
        if card.output is None:
            raise NotOfferedError(
                f"{card.snapshot} has no output-token price (embedding models bill input tokens only)."
            )
        output_usd = token_cost(output_tokens, card.output.price)
    if card.output is not None:
        used["output"] = card.output

    training_usd, promo_usd = Decimal(0), Decimal(0)
    if training_tokens:
        training_usd, rate, promo_usd, promo_notes = _training(
            card, training_tokens * epochs, as_of, apply_promotions, d
        )
        used["training"] = rate
        notes += promo_notes
    if hours:
        if card.training_hour is None:
            raise NotOfferedError(explain_missing(d, card.resolved, "training_hour", "standard", as_of))
        training_usd += _exact().multiply(hours, card.training_hour.price)
        used["training_hour"] = card.training_hour
    if training_tokens or hours:
        restrictions = restrictions_on(as_of, data=d)
        if restrictions:
            notes.append(f"Fine-tuning on {as_of}: " + "; ".join(restrictions) + ".")
    unverified: dict[tuple, list[str]] = {}
    for name, r in used.items():
        if not r.verified:  # one note per price row, naming every part of the quote that uses it
            unverified.setdefault((r.model, r.kind, r.tier, r.effective_from, r.note), []).append(name)
    notes += [
        f"Unverified {kind}/{tier} price from {start} ({', '.join(names)}): {note or 'see its sources'}"
        for (_, kind, tier, start, note), names in unverified.items()
    ]
    return Quote(
        model=card.name,
        resolved_model=card.snapshot,
        fine_tuned=card.fine_tuned,
        alias=card.resolved.alias,
        as_of=as_of,
        tier=tier,
        input_tokens=input_tokens,
        cached_input_tokens=cached,
        output_tokens=output_tokens,
        training_tokens=training_tokens,
        epochs=epochs,
        training_hours=hours,
        input_usd=input_usd,
        cached_input_usd=cached_usd,
        output_usd=output_usd,
        training_usd=training_usd,
        promotion_usd=promo_usd,
        rates=used,
        notes=tuple(notes),
    )


def training_cost(
    model: str, charged_tokens: int, as_of: dt.date, *, apply_promotions: bool = False, data: PricingData | None = None
) -> tuple[Decimal, Rate]:
    """Cost of `charged_tokens` training tokens (tokens in file × epochs) on `model`'s base, and the rate used."""
    charged_tokens = _count(charged_tokens, "charged_tokens")
    as_of = check_date(as_of)
    d = current(data)
    card = rates(model, as_of, data=d)
    usd, rate, _, _ = _training(card, charged_tokens, as_of, apply_promotions, d)
    return usd, rate


def promotions_on(model: str, as_of: dt.date, *, data: PricingData | None = None) -> list[Promotion]:
    """Promotions (free training tokens) that apply to `model`'s base on `as_of`."""
    d = current(data)
    snapshot = rates(model, as_of, data=d).snapshot
    return [p for p in d.promotions if snapshot in p.models and p.in_force(as_of)]


def _training(card: RateCard, charged: int, as_of: dt.date, apply: bool, d: PricingData):
    rate = card.training
    if rate is None:
        raise NotOfferedError(explain_missing(d, card.resolved, "training", "standard", as_of))
    notes, free = [], 0
    for p in (p for p in d.promotions if card.snapshot in p.models and p.in_force(as_of)):
        last_day = p.effective_until - dt.timedelta(days=1)
        offer = f"{p.free_training_tokens_per_day:,} free training tokens a day on {card.snapshot} until {last_day} ({p.id})"
        if apply:
            free = max(free, min(charged, p.free_training_tokens_per_day))
            notes.append(f"Promotion applied: {offer}; assumes no other training that day.")
        else:
            notes.append(f"Promotion available but not applied: {offer}.")
    usd = token_cost(charged - free, rate.price)
    return usd, rate, token_cost(free, rate.price), notes


def _count(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise FtcostError(f"{name} must be a whole number of tokens, got {value!r}.")
    if value < 0:
        raise FtcostError(f"{name} cannot be negative (got {value:,}).")
    return value


def _epochs(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise FtcostError(f"epochs must be a whole number of at least 1, got {value!r}.")
    return value


def _hours(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        raise FtcostError(f"training_hours must be a Decimal or an integer, got {value!r}.")
    value = Decimal(value)
    if not value.is_finite() or value < 0:
        raise FtcostError(f"training_hours must be zero or more, got {value}.")
    return value
