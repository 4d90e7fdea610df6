"""Versioned OpenAI prices: load once, resolve any model name as of a date, price it with sources.

The data lives in `pricing/` (see pricing/README.md); this package validates and queries it:

    from ftcost.pricing import quote
    q = quote("ft:gpt-3.5-turbo-0613:acme::abc", input_tokens=3_000_000, output_tokens=1_000_000,
              training_tokens=25_000, as_of=date(2023, 9, 1))
    q.total_usd  # Decimal('52.20'); q.rates["input"].source → the URL of OpenAI's announcement

Functions (all take `as_of` dates, never read the clock, and return exact Decimals):
    load_pricing(path=None) / set_pricing(data)   the validated tables, cached; injection for tests
    resolve(name, as_of)                          snapshot / alias / ft: name → Resolved
    rates(name, as_of, tier)                      → RateCard of Rate (price + source + period), None = not offered
    token_cost(tokens, price_per_mtok)            exact tokens × price / 1M
    quote(model, *, input_tokens, ..., as_of)     itemised Quote (to_dict() for JSON)
    training_cost(model, charged_tokens, as_of)   (Decimal, Rate)
    table(as_of) / history(pattern)               price rows in force / all periods
    price_versions(pattern) / diff(d1, d2)        days anything changed / what changed
    can_create_job(base, as_of, org_history)      → (allowed, JobFacts): the one job-cutoff rule
    fine_tuning_status(base, on) / fine_tunable_models(as_of)
    default_fine_tune(start, as_of)               → DefaultFineTune: the base a fine-tune planned from `start` uses
A model asked about on/after its shutdown raises ShutDownError (a NotOfferedError with model, shutdown,
source, still_served fields).
Errors are ftcost.errors subclasses: UnknownModelError, NotOfferedError, PricingDataError.
"""

from ftcost.errors import ShutDownError
from ftcost.pricing.costs import Quote, promotions_on, quote, token_cost, training_cost
from ftcost.pricing.lifecycle import (
    ORG_HISTORIES,
    FineTuningStatus,
    JobDecision,
    JobFacts,
    can_create_job,
    default_fine_tune,
    fine_tunable_models,
    fine_tuning_status,
)
from ftcost.pricing.lookup import TIERS, Rate, RateCard, Resolved, parse_name, rates, resolve, still_served
from ftcost.pricing.rows import AliasRow, PriceRow, PricingData, Promotion, Source
from ftcost.pricing.store import load_pricing, set_pricing
from ftcost.pricing.timeline import Change, diff, history, price_versions, select, table

__all__ = [
    "AliasRow",
    "Change",
    "FineTuningStatus",
    "JobDecision",
    "JobFacts",
    "ORG_HISTORIES",
    "ShutDownError",
    "can_create_job",
    "default_fine_tune",
    "still_served",
    "PriceRow",
    "PricingData",
    "Promotion",
    "Quote",
    "Rate",
    "RateCard",
    "Resolved",
    "Source",
    "TIERS",
    "diff",
    "fine_tunable_models",
    "fine_tuning_status",
    "history",
    "load_pricing",
    "parse_name",
    "price_versions",
    "promotions_on",
    "quote",
    "rates",
    "resolve",
    "select",
    "set_pricing",
    "table",
    "token_cost",
    "training_cost",
]
