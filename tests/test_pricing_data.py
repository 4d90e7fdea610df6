"""The pricing data itself: the reference's price table reproduced, integrity rules (issue 6 item 4),
readable errors for broken copies, and JSON Schemas that match the code."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal

import pytest

from ftcost.errors import NotOfferedError, PricingDataError
from ftcost.pricing import load_pricing, rates, resolve, set_pricing
from ftcost.pricing.schema_export import json_schemas, render

DATA = load_pricing()
ONE_DAY = dt.timedelta(days=1)
PRICING = DATA.directory
D = Decimal

# --- the reference's §3 table, as published (USD per 1M; "in cached out" or the training price) -------------

REFERENCE = [
    ("ada", "base", "standard", "2022-08-01", "0.80 - 0.80"),
    ("ada", "base", "standard", "2023-03-01", "0.40 - 0.40"),
    ("babbage", "base", "standard", "2022-08-01", "1.20 - 1.20"),
    ("babbage", "base", "standard", "2023-03-01", "0.50 - 0.50"),
    ("curie", "base", "standard", "2022-08-01", "6.00 - 6.00"),
    ("curie", "base", "standard", "2023-03-01", "2.00 - 2.00"),
    ("davinci", "base", "standard", "2022-08-01", "60.00 - 60.00"),
    ("davinci", "base", "standard", "2023-03-01", "20.00 - 20.00"),
    ("ada", "fine_tuned", "standard", "2023-03-01", "1.60 - 1.60"),
    ("ada", "training", "standard", "2023-03-01", "0.40"),
    ("babbage", "fine_tuned", "standard", "2022-08-01", "2.40 - 2.40"),
    ("babbage", "training", "standard", "2022-08-01", "0.60"),
    ("curie", "fine_tuned", "standard", "2023-03-01", "12.00 - 12.00"),
    ("curie", "training", "standard", "2023-03-01", "3.00"),
    ("davinci", "fine_tuned", "standard", "2023-03-01", "120.00 - 120.00"),
    ("davinci", "training", "standard", "2023-03-01", "30.00"),
    ("babbage-002", "base", "standard", "2023-09-01", "0.40 - 0.40"),
    ("babbage-002", "base", "batch", "2024-06-01", "0.20 - 0.20"),
    ("babbage-002", "fine_tuned", "standard", "2023-09-01", "1.60 - 1.60"),
    ("babbage-002", "training", "standard", "2023-09-01", "0.40"),
    ("babbage-002", "fine_tuned", "batch", "2024-06-01", "0.80 - 0.90"),
    ("davinci-002", "base", "standard", "2023-09-01", "2.00 - 2.00"),
    ("davinci-002", "base", "batch", "2024-06-01", "1.00 - 1.00"),
    ("davinci-002", "fine_tuned", "standard", "2023-09-01", "12.00 - 12.00"),
    ("davinci-002", "training", "standard", "2023-09-01", "6.00"),
    ("davinci-002", "fine_tuned", "batch", "2024-06-01", "6.00 - 6.00"),
    ("gpt-3.5-turbo-0301", "base", "standard", "2023-04-01", "2.00 - 2.00"),
    ("gpt-3.5-turbo-0301", "base", "standard", "2024-09-12", "1.50 - 2.00"),  # its last day served
    ("gpt-3.5-turbo-0613", "base", "standard", "2023-09-01", "1.50 - 2.00"),
    ("gpt-3.5-turbo-16k-0613", "base", "standard", "2023-09-01", "3.00 - 4.00"),
    ("gpt-3.5-turbo-16k-0613", "base", "batch", "2024-06-01", "1.50 - 2.00"),
    ("gpt-3.5-turbo-0613", "fine_tuned", "standard", "2023-09-01", "12.00 - 16.00"),
    ("gpt-3.5-turbo-0613", "fine_tuned", "standard", "2023-12-01", "3.00 - 6.00"),
    ("gpt-3.5-turbo-0613", "training", "standard", "2023-09-01", "8.00"),
    ("gpt-3.5-turbo-1106", "base", "standard", "2023-12-01", "1.00 - 2.00"),
    ("gpt-3.5-turbo-1106", "fine_tuned", "standard", "2023-12-01", "3.00 - 6.00"),
    ("gpt-3.5-turbo-1106", "training", "standard", "2023-12-01", "8.00"),
    ("gpt-3.5-turbo-0125", "base", "standard", "2024-03-01", "0.50 - 1.50"),
    ("gpt-3.5-turbo-0125", "base", "batch", "2024-06-01", "0.25 - 0.75"),
    ("gpt-3.5-turbo-0125", "fine_tuned", "batch", "2024-06-01", "1.50 - 3.00"),
    ("gpt-3.5-turbo-0125", "training", "standard", "2024-06-01", "8.00"),
    ("gpt-4-0314", "base", "standard", "2023-04-01", "30.00 - 60.00"),
    ("gpt-4-0613", "base", "standard", "2023-09-01", "30.00 - 60.00"),
    ("gpt-4-0613", "base", "batch", "2024-06-01", "15.00 - 30.00"),
    ("gpt-4-32k-0314", "base", "standard", "2023-04-01", "60.00 - 120.00"),
    ("gpt-4-32k-0613", "base", "standard", "2023-09-01", "60.00 - 120.00"),
    ("gpt-4-32k-0613", "base", "batch", "2024-06-01", "30.00 - 60.00"),
    ("gpt-4-1106-preview", "base", "standard", "2023-12-01", "10.00 - 30.00"),
    ("gpt-4-0125-preview", "base", "batch", "2024-06-01", "5.00 - 15.00"),
    ("gpt-4-turbo-2024-04-09", "base", "standard", "2024-06-01", "10.00 - 30.00"),
    ("gpt-4-turbo-2024-04-09", "base", "batch", "2024-06-01", "5.00 - 15.00"),
    ("gpt-4o-2024-05-13", "base", "standard", "2024-06-01", "5.00 - 15.00"),
    ("gpt-4o-2024-05-13", "base", "batch", "2024-06-01", "2.50 - 7.50"),
    ("gpt-4o-2024-08-06", "base", "standard", "2024-09-01", "2.50 - 10.00"),
    ("gpt-4o-2024-08-06", "base", "standard", "2025-01-01", "2.50 1.25 10.00"),
    ("gpt-4o-2024-08-06", "base", "batch", "2025-01-01", "1.25 - 5.00"),
    ("gpt-4o-2024-08-06", "fine_tuned", "standard", "2024-09-01", "3.75 - 15.00"),
    ("gpt-4o-2024-08-06", "fine_tuned", "standard", "2025-01-01", "3.75 1.875 15.00"),
    ("gpt-4o-2024-08-06", "training", "standard", "2025-01-01", "25.00"),
    ("gpt-4o-2024-08-06", "fine_tuned", "batch", "2025-01-01", "2.225 0.90 12.50"),
    ("gpt-4o-mini-2024-07-18", "base", "standard", "2024-08-01", "0.15 - 0.60"),
    ("gpt-4o-mini-2024-07-18", "base", "standard", "2025-01-01", "0.15 0.075 0.60"),
    ("gpt-4o-mini-2024-07-18", "base", "batch", "2024-08-01", "0.075 - 0.30"),
    ("gpt-4o-mini-2024-07-18", "fine_tuned", "standard", "2024-08-01", "0.30 - 1.20"),
    ("gpt-4o-mini-2024-07-18", "fine_tuned", "standard", "2025-01-01", "0.30 0.15 1.20"),
    ("gpt-4o-mini-2024-07-18", "training", "standard", "2025-01-01", "3.00"),
    ("gpt-4o-mini-2024-07-18", "fine_tuned", "batch", "2025-01-01", "0.15 0.075 0.60"),
    ("gpt-4.1-2025-04-14", "base", "standard", "2025-06-01", "2.00 0.50 8.00"),
    ("gpt-4.1-mini-2025-04-14", "base", "standard", "2025-06-01", "0.40 0.10 1.60"),
    ("gpt-4.1-nano-2025-04-14", "base", "standard", "2025-06-01", "0.10 0.025 0.40"),
    ("gpt-4.1-2025-04-14", "base", "batch", "2025-06-01", "1.00 - 4.00"),
    ("gpt-4.1-mini-2025-04-14", "base", "batch", "2025-06-01", "0.20 - 0.80"),
    ("gpt-4.1-nano-2025-04-14", "base", "batch", "2025-06-01", "0.05 - 0.20"),
    ("gpt-4.1-2025-04-14", "fine_tuned", "standard", "2025-06-01", "3.00 0.75 12.00"),
    ("gpt-4.1-2025-04-14", "training", "standard", "2025-06-01", "25.00"),
    ("gpt-4.1-mini-2025-04-14", "fine_tuned", "standard", "2025-06-01", "0.80 0.20 3.20"),
    ("gpt-4.1-mini-2025-04-14", "training", "standard", "2025-06-01", "5.00"),
    ("gpt-4.1-nano-2025-04-14", "fine_tuned", "standard", "2025-06-01", "0.20 0.05 0.80"),
    ("gpt-4.1-nano-2025-04-14", "training", "standard", "2025-06-01", "1.50"),
    ("gpt-4.1-2025-04-14", "fine_tuned", "batch", "2025-06-01", "1.50 0.50 6.00"),
    ("gpt-4.1-mini-2025-04-14", "fine_tuned", "batch", "2025-06-01", "0.40 0.10 1.60"),
    ("gpt-4.1-nano-2025-04-14", "fine_tuned", "batch", "2025-06-01", "0.10 0.025 0.40"),
    ("o4-mini-2025-04-16", "base", "standard", "2025-06-01", "1.10 0.275 4.40"),
    ("o4-mini-2025-04-16", "training_hour", "standard", "2025-06-01", "100.00"),
    ("o4-mini-2025-04-16", "fine_tuned", "standard", "2025-06-01", "4.00 1.00 16.00"),
    ("o4-mini-2025-04-16", "fine_tuned", "data_sharing", "2025-06-01", "2.00 0.50 8.00"),
    ("o4-mini-2025-04-16", "fine_tuned", "batch", "2025-06-01", "2.00 0.50 8.00"),
    ("o4-mini-2025-04-16", "fine_tuned", "batch_data_sharing", "2025-06-01", "1.00 0.25 4.00"),
    ("text-embedding-ada-002", "base", "standard", "2023-01-01", "0.40 - -"),
    ("text-embedding-ada-002", "base", "standard", "2024-06-01", "0.10 - -"),
    ("text-embedding-ada-002", "base", "batch", "2024-06-01", "0.05 - -"),
    ("text-embedding-3-small", "base", "standard", "2024-06-01", "0.02 - -"),
    ("text-embedding-3-small", "base", "batch", "2024-06-01", "0.01 - -"),
    ("text-embedding-3-large", "base", "standard", "2024-06-01", "0.13 - -"),
    ("text-embedding-3-large", "base", "batch", "2024-06-01", "0.065 - -"),
]


def _expected(spec: str) -> dict:
    parts = spec.split()
    if len(parts) == 1:
        return {"price": D(parts[0])}
    return {k: D(v) for k, v in zip(("input", "cached_input", "output"), parts, strict=False) if v != "-"}


@pytest.mark.parametrize("model, kind, tier, on, spec", REFERENCE)
def test_reference_price_table(model, kind, tier, on, spec):
    row = DATA.row_on(model, kind, tier, dt.date.fromisoformat(on))
    assert row is not None, f"no {kind}/{tier} price for {model} on {on}"
    assert row.prices() == _expected(spec)


def test_fine_tuned_gpt_4_0613_is_not_priced_c4():
    assert DATA.periods("gpt-4-0613", "fine_tuned") == [] and DATA.periods("gpt-4-0613", "training") == []


# --- integrity (issue 6 item 4) -----------------------------------------------------------------------------


def test_no_overlapping_periods():
    keys = {(r.model, r.kind, r.tier) for r in DATA.rows}
    for key in keys:
        periods = DATA.periods(*key)
        for a, b in zip(periods, periods[1:], strict=False):
            assert a.effective_until is not None and a.effective_until <= b.effective_from, (
                f"{key}: {a.where()} overlaps {b.where()}"
            )


def test_every_row_has_sources_with_urls_and_a_checked_date():
    today = dt.date.today()
    for r in DATA.rows:
        assert r.sources, r.where()
        for key, url in r.sources:
            assert url == DATA.sources[key].url and re.fullmatch(r"https://\S+", url), r.where()
        assert isinstance(r.checked, dt.date) and r.checked <= today, r.where()
        assert all(p > 0 for p in r.prices().values()), f"{r.where()}: a price of 0 must be left out instead"
        if not r.verified:
            assert r.note, f"{r.where()}: an unverified row must say why in its note"


def _boundaries(model: str, start: dt.date, end: dt.date | None) -> set[dt.date]:
    """Every day a price of `model` could change inside [start, end), and the day before each:
    prices are constant between boundaries, so checking these days checks every day."""
    last = end - ONE_DAY if end else dt.date.today() + dt.timedelta(days=365)
    days = {start, last}
    for r in DATA.rows:
        if r.model == model:
            for d in (r.effective_from, r.effective_until):
                if d:
                    days |= {d, d - ONE_DAY}
    return {d for d in days if start <= d <= last}


@pytest.mark.parametrize("alias", DATA.aliases, ids=lambda a: f"{a.alias}->{a.snapshot}-{a.effective_from}")
def test_every_alias_resolves_on_every_date_it_is_defined(alias):
    for d in sorted(_boundaries(alias.snapshot, alias.effective_from, alias.effective_until)):
        card = rates(alias.alias, d)
        assert card.snapshot == alias.snapshot and card.input is not None, f"{alias.alias} on {d}"


@pytest.mark.parametrize("m", [m for m in DATA.models.values() if m.fine_tunable], ids=lambda m: m.id)
def test_every_fine_tunable_base_has_training_and_usage_prices_throughout(m):
    ends = [d for d in (m.fine_tuning_until, m.shutdown) if d]
    end = min(ends) if ends else None
    for d in sorted(_boundaries(m.id, m.fine_tuning_from, end)):
        card = rates(f"ft:{m.id}:org::id", d)
        assert card.input is not None, f"ft:{m.id} has no usage price on {d}"
        assert card.training is not None or card.training_hour is not None, f"{m.id} has no training price on {d}"
    if m.fine_tuning_until:  # and none from the day jobs stop
        try:
            card = rates(m.id, m.fine_tuning_until)
        except NotOfferedError:  # the model itself is gone that day
            card = None
        assert card is None or (card.training is None and card.training_hour is None), m.id


def test_lifecycle_dates_are_consistent():
    for m in DATA.models.values():
        if m.deprecated and m.shutdown:
            assert m.shutdown > m.deprecated, m.id
        if m.fine_tuned_shutdown and m.shutdown and m.fine_tuned_shutdown > m.shutdown:
            assert m.fine_tuned_shutdown_note, f"{m.id}: fine-tunes outlive the base only where a note cites why"
        if m.fine_tunable:
            assert m.fine_tuning_until and m.fine_tuning_until <= dt.date(2027, 1, 6), (
                f"{m.id}: no new jobs for anyone from 2027-01-06"
            )
            assert not m.released or m.released <= m.fine_tuning_from, m.id
            assert m.fine_tuning_until <= min(d for d in (m.fine_tuned_shutdown, m.shutdown, dt.date.max) if d), m.id
    for mid in ("gpt-4o-2024-08-06", "gpt-4o-mini-2024-07-18", "gpt-4.1-2025-04-14", "gpt-4.1-mini-2025-04-14"):
        assert DATA.models[mid].shutdown == DATA.models[mid].fine_tuned_shutdown == dt.date(2027, 1, 14), mid
    events = {(e.effect, e.date) for e in DATA.events}
    assert {
        ("fine_tuning_restricted", dt.date(2026, 5, 7)),
        ("fine_tuning_restricted", dt.date(2026, 7, 2)),
        ("fine_tuning_closed", dt.date(2027, 1, 6)),
        ("shutdown", dt.date(2027, 1, 14)),
    } <= events


def test_no_row_outlives_its_model():
    for r in DATA.rows:
        m = DATA.models[r.model]
        if r.kind == "base" and m.shutdown:
            assert r.effective_until and r.effective_until <= m.shutdown, r.where()
        if r.kind in ("training", "training_hour") and m.fine_tuning_until:
            assert r.effective_until and r.effective_until <= m.fine_tuning_until, r.where()


def test_every_model_the_issue_lists_is_priced():
    for mid in (
        "gpt-3.5-turbo-0301",
        "gpt-3.5-turbo-0613",
        "gpt-3.5-turbo-16k-0613",
        "gpt-3.5-turbo-1106",
        "gpt-3.5-turbo-0125",
        "gpt-4-0613",
        "gpt-4-32k-0613",
        "gpt-4-turbo-2024-04-09",
        "gpt-4o-2024-05-13",
        "gpt-4o-2024-08-06",
        "gpt-4o-mini-2024-07-18",
        "gpt-4.1-2025-04-14",
        "gpt-4.1-mini-2025-04-14",
        "gpt-4.1-nano-2025-04-14",
        "o4-mini-2025-04-16",
        "babbage-002",
        "davinci-002",
        "ada",
        "babbage",
        "curie",
        "davinci",
        "text-embedding-ada-002",
        "text-embedding-3-small",
        "text-embedding-3-large",
    ):
        assert DATA.periods(mid, "base"), mid
    for alias in ("gpt-3.5-turbo", "gpt-4", "gpt-4o", "gpt-4o-mini", "gpt-4.1", "o4-mini"):
        assert resolve(alias, dt.date(2025, 6, 1)).alias == alias


# --- broken copies give one readable sentence ---------------------------------------------------------------

BROKEN = [
    (
        "prices/gpt-4o.toml",
        "price = 25.00",
        "prise = 25.00",
        ["prices/gpt-4o.toml line", "gpt-4o-2024-08-06 training/standard", "prise: unknown key"],
    ),
    (
        "prices/gpt-4o.toml",
        "input = 0.15\ncached_input = 0.075",
        "input = 0.15\ncached_input = 0",
        [
            "prices/gpt-4o.toml line",
            "gpt-4o-mini-2024-07-18 base/standard from 2024-10-01",
            "cached_input: 0 is not a price; leave the key out",
        ],
    ),
    (
        "prices/gpt-4o.toml",
        "price = 25.00",
        'price = "25.00"',
        ["price: write the price as a number, not a quoted string"],
    ),
    (
        "prices/gpt-4.toml",
        "effective_from = 2023-03-14",
        'effective_from = "2023-03-14"',
        ["effective_from: write the date unquoted"],
    ),
    (
        "prices/gpt-4.toml",
        "input = 30.00\noutput = 60.00\neffective_from = 2023-03-14",
        "output = 60.00\neffective_from = 2023-03-14",
        ["prices/gpt-4.toml line 12", "gpt-4-0314 base/standard", "needs `input`"],
    ),
    (
        "prices/gpt-3.5.toml",
        "effective_from = 2023-08-22\neffective_until = 2023-11-06",
        "effective_from = 2023-08-22\neffective_until = 2023-11-07",
        ["prices/gpt-3.5.toml line", "overlaps the row at line", "set that row's effective_until = 2023-11-06"],
    ),
    (
        "prices/gpt-4.toml",
        'sources = ["S14", "S2", "S10"]',
        'sources = ["S14", "S2", "S99"]',
        ["unknown source 'S99'", "add it to pricing/sources.toml"],
    ),
    (
        "prices/gpt-4.toml",
        'model = "gpt-4-0314"',
        'model = "gpt-4-0315"',
        ["unknown model 'gpt-4-0315'", "did you mean gpt-4-0314"],
    ),
    (
        "prices/gpt-4.toml",
        "effective_from = 2024-04-15",
        "effective_from = 2024-04-14",
        ["starts before batch_api existed (2024-04-15"],
    ),
    (
        "prices/gpt-4o.toml",
        "cached_input = 1.25\noutput = 10.00\neffective_from = 2024-10-01",
        "cached_input = 1.25\noutput = 10.00\neffective_from = 2024-09-30",
        ["starts before prompt_caching existed"],
    ),
    (
        "prices/gpt-4o.toml",
        "price = 3.00\neffective_from = 2024-07-23",
        "price = 3.00\neffective_from = 2024-07-24",
        ["models.toml [gpt-4o-mini-2024-07-18]", "no training price on 2024-07-23"],
    ),
    (
        "prices/gpt-3.toml",
        'effective_from = 2022-09-01\nsources = ["S14"]',
        'effective_from = 2022-09-01\neffective_until = 2024-01-04\nsources = ["S14"]',
        ["ada base/standard", "remove effective_until"],
    ),
    (
        "aliases.toml",
        "effective_from = 2023-03-01",
        "effective_from = 2023-02-01",
        ["aliases.toml line", "no standard base price on 2023-02-01"],
    ),
    ("aliases.toml", 'snapshot = "gpt-4-0613"', 'snapshot = "gpt-4-0612"', ["unknown snapshot 'gpt-4-0612'"]),
    (
        "lifecycle.toml",
        "date = 2027-01-14",
        "date = 2027-01-15",
        ["models.toml [gpt-4o-2024-08-06]: shutdown is 2027-01-14", "2027-01-15; make them agree"],
    ),
    (
        "lifecycle.toml",
        "date = 2027-01-06",
        "date = 2027-01-05",
        ["fine_tuning_until is 2027-01-06", "set fine_tuning_until = 2027-01-05"],
    ),
    (
        "models.toml",
        "fine_tuning_until = 2027-01-06\nfine_tuned_shutdown = 2027-01-14",
        "fine_tuning_until = 2027-01-20\nfine_tuned_shutdown = 2027-01-14",
        ["models.toml [gpt-4o-2024-08-06]"],
    ),
    (
        "sources.toml",
        'url = "https://openai.com/index/gpt-4-1"',
        'url = "openai.com/index/gpt-4-1"',
        ["sources.toml: source.S9.url", "https://"],
    ),
    (
        "promotions.toml",
        "effective_from = 2024-08-20",
        "effective_from = 2024-08-19",
        ["gpt-4o-free-training-2024", "no training price on 2024-08-19"],
    ),
    (
        "prices/o-series.toml",
        'tier = "standard"\nprice = 100.00',
        'tier = "batch"\nprice = 100.00',
        ["training has one price: use tier"],
    ),
    (
        "prices/embeddings.toml",
        "input = 0.02\n",
        "input = 0.02\noutput = 0.02\n",
        ["embedding models bill input tokens only"],
    ),
    ("prices/gpt-4.toml", "schema_version = 1", "schema_version = 2", ["prices/gpt-4.toml: schema_version must be 1"]),
]


@pytest.mark.parametrize("file, old, new, fragments", BROKEN, ids=[f"{b[0]}:{b[2][:30]}" for b in BROKEN])
def test_broken_copy_is_one_sentence_naming_file_entry_and_key(pricing_copy, file, old, new, fragments):
    path = pricing_copy / file
    text = path.read_text(encoding="utf-8")
    assert old in text, f"test setup: {old!r} not in {file}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(PricingDataError) as exc:
        load_pricing(pricing_copy)
    message = str(exc.value)
    assert "\n" not in message and "Traceback" not in message
    for fragment in fragments:
        assert fragment in message


def test_the_untouched_copy_loads(pricing_copy):
    assert len(load_pricing(pricing_copy).rows) == len(DATA.rows)


def test_injected_pricing_is_used_until_reset(pricing_copy):
    path = pricing_copy / "prices" / "gpt-4.toml"
    path.write_text(path.read_text().replace("input = 30.00", "input = 31.00", 1))
    set_pricing(load_pricing(pricing_copy))
    try:
        assert rates("gpt-4-0314", dt.date(2023, 4, 1)).input.price == D("31.00")
    finally:
        set_pricing(None)
    assert rates("gpt-4-0314", dt.date(2023, 4, 1)).input.price == D("30.00")


# --- JSON Schemas for editors ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(json_schemas()))
def test_json_schema_files_are_current(name):
    path = PRICING / "schema" / name
    assert path.exists() and path.read_text(encoding="utf-8") == render(json_schemas()[name]), (
        f"pricing/schema/{name} is stale: run `python -m ftcost.pricing` and commit the result."
    )


def test_every_toml_file_points_at_its_schema():
    for path in [*PRICING.glob("*.toml"), *PRICING.glob("prices/*.toml")]:
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("#:schema "), f"{path.name} has no #:schema line"
        assert (path.parent / first.split(maxsplit=1)[1]).resolve().exists(), path.name


def test_schemas_reject_unknown_keys():
    prices = json_schemas()["prices.schema.json"]
    assert prices["$defs"]["PriceEntry"]["additionalProperties"] is False
    assert json.loads(render(prices))["$defs"]["PriceEntry"]["properties"]["input"]["exclusiveMinimum"] == 0


def test_the_schema_command_answers_help_and_writes_where_it_is_told(tmp_path):
    import subprocess
    import sys

    command = [sys.executable, "-m", "ftcost.pricing"]
    shown = subprocess.run([*command, "--help"], cwd=tmp_path, capture_output=True, text=True, check=True)
    assert "Regenerate the JSON Schemas" in shown.stdout
    assert list(tmp_path.iterdir()) == []  # no folder called "--help"
    written = subprocess.run([*command, str(tmp_path / "out")], capture_output=True, text=True, check=True)
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == sorted(p.name for p in (PRICING / "schema").iterdir())
    assert len(written.stdout.splitlines()) == len(names)
