"""Quotes: published figures reproduced from the pricing data, exact Decimal arithmetic, properties."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ftcost.errors import FtcostError, NotOfferedError
from ftcost.pricing import load_pricing, quote, rates, token_cost, training_cost

D = Decimal
SEPT_2023 = dt.date(2023, 9, 1)


# --- published figures -----------------------------------------------------------------------------------

# Seed 002's cost table (3,000,000 input + 1,000,000 output tokens, prices of September 2023), written as the
# article prints it: input $, output $, training $, total $.
SEED_002 = [
    ("gpt-3.5-turbo", 0, "4.5", "2", "0", "6.5"),
    ("ft:gpt-3.5-turbo-0613", 25_000, "36", "16", "0.2", "52.20"),
    ("gpt-4", 0, "90", "60", "0", "150"),
]


@pytest.mark.parametrize("model, training_tokens, input_usd, output_usd, training_usd, total_usd", SEED_002)
def test_seed_002_cost_table(model, training_tokens, input_usd, output_usd, training_usd, total_usd):
    q = quote(model, input_tokens=3_000_000, output_tokens=1_000_000, training_tokens=training_tokens, as_of=SEPT_2023)
    assert (q.input_usd, q.output_usd, q.training_usd) == (D(input_usd), D(output_usd), D(training_usd))
    assert q.total_usd == D(total_usd)


def test_seed_002_monthly_figures_without_training():
    # The wording of the same table: $6.50, $52.00 + $0.20 one-off, $150.00 a month.
    monthly = {
        m: quote(m, input_tokens=3_000_000, output_tokens=1_000_000, as_of=SEPT_2023).total_usd
        for m in ("gpt-3.5-turbo", "ft:gpt-3.5-turbo-0613", "gpt-4")
    }
    assert monthly == {"gpt-3.5-turbo": D("6.50"), "ft:gpt-3.5-turbo-0613": D("52.00"), "gpt-4": D("150.00")}
    usd, rate = training_cost("ft:gpt-3.5-turbo-0613", 25_000, SEPT_2023)
    assert usd == D("0.20") and rate.price == D("8.00") and rate.kind == "training"


@pytest.mark.parametrize(
    "model, as_of, expected",
    [
        # OpenAI's fine-tuning guide: 100,000 tokens trained for 3 epochs.
        ("gpt-3.5-turbo-0125", dt.date(2024, 6, 1), "2.40"),
        ("gpt-4o-mini-2024-07-18", dt.date(2024, 10, 1), "0.90"),
        # S1's own example on launch day, via the alias and via a fine-tuned name.
        ("gpt-3.5-turbo", dt.date(2023, 8, 22), "2.40"),
        ("ft:gpt-3.5-turbo:acme::abc123", dt.date(2023, 8, 22), "2.40"),
    ],
)
def test_openai_guide_training_example(model, as_of, expected):
    q = quote(model, training_tokens=100_000, epochs=3, as_of=as_of)
    assert q.training_usd == D(expected)
    assert q.charged_training_tokens == 300_000
    assert training_cost(model, 300_000, as_of)[0] == D(expected)


def test_fine_tuned_name_is_never_priced_at_base_or_zero():
    # The peers' bug (user-asks #2): ft: names priced at the base rate or at $0.
    base = quote("gpt-4o-mini-2024-07-18", input_tokens=1_000_000, output_tokens=1_000_000, as_of=dt.date(2025, 1, 1))
    ft = quote(
        "ft:gpt-4o-mini-2024-07-18:acme:bot:xyz",
        input_tokens=1_000_000,
        output_tokens=1_000_000,
        as_of=dt.date(2025, 1, 1),
    )
    assert base.total_usd == D("0.15") + D("0.60")
    assert ft.total_usd == D("0.30") + D("1.20")
    assert ft.rates["input"].kind == "fine_tuned"


# --- cached input ------------------------------------------------------------------------------------------


def test_cached_tokens_are_part_of_the_prompt_and_charged_once():
    # 10,000 prompt tokens of which 4,000 cached, gpt-4o-2024-08-06 on 2024-11-01: $2.50 and $1.25 per 1M.
    q = quote(
        "gpt-4o-2024-08-06", input_tokens=10_000, cached_input_tokens=4_000, output_tokens=0, as_of=dt.date(2024, 11, 1)
    )
    assert q.input_usd == D("0.015")  # 6,000 × 2.50 / 1M
    assert q.cached_input_usd == D("0.005")  # 4,000 × 1.25 / 1M
    assert q.total_usd == D("0.020")
    assert not any("cached" in n for n in q.notes)


def test_cached_tokens_before_prompt_caching_are_charged_at_the_input_rate_and_said_so():
    q = quote("gpt-4o-2024-08-06", input_tokens=10_000, cached_input_tokens=4_000, as_of=dt.date(2024, 9, 30))
    assert q.input_usd + q.cached_input_usd == D("0.025")  # all 10,000 at $2.50
    assert q.rates["cached_input"].component == "input"
    assert any("No cached-input price" in n for n in q.notes)


def test_more_cached_than_input_is_refused():
    with pytest.raises(FtcostError, match=r"cached_input_tokens \(5\) cannot exceed input_tokens \(4\)"):
        quote("gpt-4o-mini", input_tokens=4, cached_input_tokens=5, as_of=dt.date(2025, 1, 1))


# --- tiers, RFT, embeddings, promotions -------------------------------------------------------------------


def test_batch_tier_halves_gpt_4_1_as_announced():
    std = quote("gpt-4.1", input_tokens=1_000_000, output_tokens=1_000_000, as_of=dt.date(2025, 6, 1))
    batch = quote("gpt-4.1", input_tokens=1_000_000, output_tokens=1_000_000, as_of=dt.date(2025, 6, 1), tier="batch")
    assert (std.total_usd, batch.total_usd) == (D("10.00"), D("5.00"))


def test_batch_not_offered_before_the_batch_api():
    with pytest.raises(NotOfferedError, match="first priced on 2024-04-15; you asked about 2024-04-14"):
        quote("gpt-4-0613", input_tokens=1, as_of=dt.date(2024, 4, 14), tier="batch")


def test_reinforcement_fine_tuning_is_per_hour():
    q = quote("o4-mini", training_hours=D("2.5"), as_of=dt.date(2025, 6, 1))
    assert q.training_usd == D("250.00")
    assert q.rates["training_hour"].unit == "USD per training hour"
    with pytest.raises(NotOfferedError, match="per training hour"):
        quote("o4-mini", training_tokens=1000, as_of=dt.date(2025, 6, 1))


def test_data_sharing_halves_fine_tuned_o4_mini():
    args = dict(input_tokens=1_000_000, output_tokens=1_000_000, as_of=dt.date(2025, 6, 1))
    assert quote("ft:o4-mini-2025-04-16", **args).total_usd == D("20.00")
    assert quote("ft:o4-mini-2025-04-16", tier="data_sharing", **args).total_usd == D("10.00")


def test_embeddings_have_no_output_price():
    assert quote("text-embedding-3-small", input_tokens=1_000_000, as_of=dt.date(2024, 6, 1)).total_usd == D("0.02")
    with pytest.raises(NotOfferedError, match="no output-token price"):
        quote("text-embedding-3-small", input_tokens=1, output_tokens=1, as_of=dt.date(2024, 6, 1))


def test_legacy_fine_tune_single_usage_rate():
    q = quote(
        "curie:ft-acme-2023-01-01-00-00-00", input_tokens=1_000_000, output_tokens=1_000_000, as_of=dt.date(2023, 1, 1)
    )
    assert (q.input_usd, q.output_usd) == (D("12.00"), D("12.00"))


def test_free_training_promotion_is_off_by_default_but_visible():
    args = dict(training_tokens=1_500_000, as_of=dt.date(2024, 9, 23))
    off = quote("gpt-4o-2024-08-06", **args)
    assert off.training_usd == D("37.50")  # 1.5M × $25
    assert any("not applied" in n for n in off.notes)
    on = quote("gpt-4o-2024-08-06", apply_promotions=True, **args)
    assert on.training_usd == D("12.50")  # first 1M free that day
    assert on.promotion_usd == D("25.00")
    after = quote("gpt-4o-2024-08-06", apply_promotions=True, training_tokens=1_500_000, as_of=dt.date(2024, 9, 24))
    assert after.training_usd == D("37.50") and after.promotion_usd == 0


def test_training_inside_the_wind_down_is_priced_with_a_warning():
    q = quote("gpt-4.1-mini", training_tokens=1_000_000, as_of=dt.date(2026, 8, 1))
    assert q.training_usd == D("5.00")
    assert any("2026-05-07" in n and "2026-07-02" in n for n in q.notes)
    with pytest.raises(NotOfferedError, match="from 2027-01-06"):
        quote("gpt-4.1-mini", training_tokens=1_000_000, as_of=dt.date(2027, 1, 6))


def test_unverified_rates_are_noted_once_per_row():
    q = quote("ft:gpt-3.5-turbo-0125", input_tokens=1, output_tokens=1, as_of=dt.date(2024, 6, 1))
    unverified = [n for n in q.notes if n.startswith("Unverified")]
    assert len(unverified) == 1 and "(input, output)" in unverified[0]


def test_to_dict_keys_and_exact_strings():
    q = quote(
        "ft:gpt-3.5-turbo-0613",
        input_tokens=3_000_000,
        output_tokens=1_000_000,
        training_tokens=25_000,
        as_of=SEPT_2023,
    )
    doc = q.to_dict()
    for key in (
        "model",
        "resolved_model",
        "as_of",
        "tier",
        "input_usd",
        "cached_input_usd",
        "output_usd",
        "training_usd",
        "total_usd",
        "rates",
        "notes",
    ):
        assert key in doc
    assert (doc["input_usd"], doc["output_usd"], doc["training_usd"], doc["total_usd"]) == (
        "36.00",
        "16.00",
        "0.20",
        "52.20",
    )
    assert doc["rates"]["input"]["price"] == "12.00"
    assert doc["rates"]["input"]["source"].startswith("https://")
    assert doc["rates"]["input"]["effective_from"] == "2023-08-22"


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(input_tokens=-1), "cannot be negative"),
        (dict(input_tokens=1.5), "whole number"),
        (dict(input_tokens=True), "whole number"),
        (dict(epochs=0), "at least 1"),
        (dict(training_hours=-1), "zero or more"),
        (dict(tier="express"), "Unknown tier 'express'"),
    ],
)
def test_bad_arguments_are_one_ftcost_sentence(kwargs, message):
    with pytest.raises(FtcostError, match=message):
        quote("gpt-4o-mini", as_of=dt.date(2025, 1, 1), **kwargs)


# --- exact arithmetic and properties -----------------------------------------------------------------------


def test_token_cost_is_exact():
    assert token_cost(3, D("0.075")) == D("0.000000225")
    assert token_cost(10**15, D("120.00")) == D("120000000000")
    assert token_cost(1, D("2.225")) * 1_000_000 == D("2.225")


def _priced_days():
    """(name, day, tier) for the first day of every inference price in the data."""
    out = []
    for r in load_pricing().rows:
        if r.kind in ("base", "fine_tuned") and r.tier in ("standard", "batch"):
            out.append((("ft:" if r.kind == "fine_tuned" else "") + r.model, r.effective_from, r.tier))
    return sorted(set(out))


PRICED = _priced_days()
tokens = st.integers(min_value=0, max_value=10**12)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(PRICED), tokens, tokens, tokens, st.integers(0, 10**9), st.integers(1, 50))
def test_total_is_the_sum_of_exact_non_negative_parts(case, inp, extra_cached, out, train, epochs):
    name, day, tier = case
    m = load_pricing().models[name.removeprefix("ft:")]
    out = 0 if m.format == "embedding" else out
    card = rates(name, day, tier)
    train = train if card.training else 0
    q = quote(
        name,
        input_tokens=inp + extra_cached,
        cached_input_tokens=extra_cached,
        output_tokens=out,
        training_tokens=train,
        epochs=epochs,
        as_of=day,
        tier=tier,
    )
    parts = (q.input_usd, q.cached_input_usd, q.output_usd, q.training_usd)
    assert all(p >= 0 for p in parts)
    assert q.total_usd == sum(parts)
    assert q.input_usd == token_cost(inp, card.input.price)


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(PRICED),
    tokens,
    tokens,
    st.integers(0, 10**9),
    st.integers(1, 49),
    st.sampled_from(["input", "cached", "output", "training", "epochs"]),
    st.integers(1, 10**9),
)
def test_cost_never_decreases_when_tokens_or_epochs_grow(case, inp, out, train, epochs, which, step):
    name, day, tier = case
    m = load_pricing().models[name.removeprefix("ft:")]
    out = 0 if m.format == "embedding" else out
    train = train if rates(name, day, tier).training else 0
    args = dict(input_tokens=inp, cached_input_tokens=0, output_tokens=out, training_tokens=train, epochs=epochs)
    before = quote(name, as_of=day, tier=tier, **args).total_usd
    grown = dict(args)
    if which == "input":
        grown["input_tokens"] += step
    elif which == "cached":  # a longer prompt whose extra part is cached still costs at least as much
        grown["input_tokens"] += step
        grown["cached_input_tokens"] += step
    elif which == "output" and m.format != "embedding":
        grown["output_tokens"] += step
    elif which == "training" and train:
        grown["training_tokens"] += step
    elif which == "epochs" and train:
        grown["epochs"] += 1
    assert quote(name, as_of=day, tier=tier, **grown).total_usd >= before


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 10**15), st.integers(0, 10**15), st.decimals(min_value=D("0.001"), max_value=D("1000"), places=4))
def test_token_cost_is_linear(a, b, price):
    assert token_cost(a + b, price) == token_cost(a, price) + token_cost(b, price)
