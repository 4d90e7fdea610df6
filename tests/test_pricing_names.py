"""Names → snapshots → rates as of a date: aliases on both sides of each switch, every ft: form, both sides
of every price change in the data, and the "not offered" sentences."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from ftcost.errors import NotOfferedError, UnknownModelError
from ftcost.pricing import (
    diff,
    fine_tunable_models,
    fine_tuning_status,
    load_pricing,
    price_versions,
    rates,
    resolve,
    table,
)

D = Decimal
ONE_DAY = dt.timedelta(days=1)
DATA = load_pricing()


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


# --- aliases -----------------------------------------------------------------------------------------------

# Written from the reference (§3 notes, C6) and OpenAI's gpt-4o notice, independently of aliases.toml.
ALIAS_SWITCHES = [
    ("gpt-3.5-turbo", "2023-06-26", "gpt-3.5-turbo-0301", "2023-06-27", "gpt-3.5-turbo-0613"),
    ("gpt-3.5-turbo", "2024-02-15", "gpt-3.5-turbo-0613", "2024-02-16", "gpt-3.5-turbo-0125"),
    ("gpt-4", "2023-06-26", "gpt-4-0314", "2023-06-27", "gpt-4-0613"),
    ("gpt-4-32k", "2023-06-26", "gpt-4-32k-0314", "2023-06-27", "gpt-4-32k-0613"),
    ("gpt-4o", "2024-10-01", "gpt-4o-2024-05-13", "2024-10-02", "gpt-4o-2024-08-06"),
]


@pytest.mark.parametrize("alias, before, old, on, new", ALIAS_SWITCHES)
def test_alias_switches(alias, before, old, on, new):
    assert resolve(alias, day(before)).snapshot == old
    assert resolve(alias, day(on)).snapshot == new
    assert resolve(alias, day(on)).alias == alias


def test_the_gpt_3_5_alias_changes_the_price_c6():
    assert rates("gpt-3.5-turbo", day("2023-09-01")).input.price == D("1.50")
    assert rates("gpt-3.5-turbo", day("2024-03-01")).input.price == D("0.50")


@pytest.mark.parametrize("row", DATA.aliases, ids=lambda a: f"{a.alias}->{a.snapshot}")
def test_every_alias_period_on_both_sides_of_its_edges(row):
    periods = DATA.alias_periods(row.alias)
    assert resolve(row.alias, row.effective_from).snapshot == row.snapshot
    before = [p for p in periods if p.effective_until == row.effective_from]
    if before:
        assert resolve(row.alias, row.effective_from - ONE_DAY).snapshot == before[0].snapshot
    else:
        with pytest.raises(NotOfferedError, match=f"{row.alias} did not exist before {row.effective_from}"):
            resolve(row.alias, row.effective_from - ONE_DAY)
    if row.effective_until:
        assert resolve(row.alias, row.effective_until - ONE_DAY).snapshot == row.snapshot
        after = [p for p in periods if p.effective_from == row.effective_until]
        if after:
            assert resolve(row.alias, row.effective_until).snapshot == after[0].snapshot
        else:
            with pytest.raises(NotOfferedError):
                resolve(row.alias, row.effective_until)


# --- fine-tuned names ------------------------------------------------------------------------------------

FT_FORMS = [
    ("ft:gpt-3.5-turbo-0613", "gpt-3.5-turbo-0613", None),
    ("ft:gpt-3.5-turbo-0613:acme::7p4lURel", "gpt-3.5-turbo-0613", None),
    ("ft:gpt-3.5-turbo-0613:acme:support-bot:7p4lURel", "gpt-3.5-turbo-0613", None),
    ("ft:gpt-3.5-turbo:acme::7p4lURel", "gpt-3.5-turbo-0613", "gpt-3.5-turbo"),  # 2023 names used the alias
    ("ft:gpt-3.5-turbo-0613:acme:bot:abc:ckpt-step-100", "gpt-3.5-turbo-0613", None),
    ("  ft:gpt-3.5-turbo-0613:acme::x  ", "gpt-3.5-turbo-0613", None),
]


@pytest.mark.parametrize("name, snapshot, alias", FT_FORMS)
def test_every_ft_form_gets_fine_tuned_rates(name, snapshot, alias):
    card = rates(name, day("2023-09-01"))
    assert (card.snapshot, card.fine_tuned, card.resolved.alias) == (snapshot, True, alias)
    assert (card.input.price, card.output.price, card.training.price) == (D("12.00"), D("16.00"), D("8.00"))
    assert card.input.kind == "fine_tuned"


def test_legacy_gpt3_fine_tune_name():
    card = rates("davinci:ft-personal-2023-01-01-12-00-00", day("2023-01-01"))
    assert (card.snapshot, card.fine_tuned, card.input.price, card.output.price) == (
        "davinci",
        True,
        D("120.00"),
        D("120.00"),
    )


@pytest.mark.parametrize("m", [m for m in DATA.models.values() if m.fine_tunable], ids=lambda m: m.id)
def test_ft_name_of_every_fine_tunable_base_is_priced_at_its_fine_tuned_row(m):
    on = m.fine_tuning_from
    card = rates(f"ft:{m.id}:org:suffix:id123", on)
    row = DATA.row_on(m.id, "fine_tuned", "standard", on)
    base = DATA.row_on(m.id, "base", "standard", on)
    assert card.input.price == row.input and card.input.price != base.input
    assert card.training is not None or card.training_hour is not None


@pytest.mark.parametrize("name", ["ft:", "ft::acme::id", "ft:gpt-4o:a:b:c:d:e", "", "   "])
def test_malformed_names(name):
    with pytest.raises(UnknownModelError):
        resolve(name, day("2025-01-01"))


def test_unknown_model_lists_close_matches():
    with pytest.raises(UnknownModelError, match=r"Unknown model 'gpt-4o-mni'; did you mean .*gpt-4o-mini"):
        resolve("gpt-4o-mni", day("2025-01-01"))
    with pytest.raises(UnknownModelError, match=r"the base of 'ft:gpt-9:org::x'"):
        resolve("ft:gpt-9:org::x", day("2025-01-01"))


# --- not offered -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, on, message",
    [
        (
            "gpt-4o-2024-08-06",
            "2024-01-01",
            "gpt-4o-2024-08-06 was first priced on 2024-08-06; you asked about 2024-01-01.",
        ),
        (
            "ft:gpt-4o-2024-08-06",
            "2024-08-19",
            "fine-tuned gpt-4o-2024-08-06 was first priced on 2024-08-20; you asked about 2024-08-19.",
        ),
        ("ft:gpt-4-0613:org::x", "2024-01-01", "gpt-4-0613 cannot be fine-tuned: Fine-tuning was invitation-only"),
        ("ft:gpt-4o-2024-05-13", "2024-06-01", "gpt-4o-2024-05-13 cannot be fine-tuned"),
        ("ada", "2024-01-04", "ada was shut down on 2024-01-04 (https://"),
        ("gpt-4o-mini-2024-07-18", "2027-01-14", "gpt-4o-mini-2024-07-18 was shut down on 2027-01-14 (https://"),
        ("gpt-4o", "2024-05-12", "gpt-4o did not exist before 2024-05-13"),
        ("gpt-4o", "2027-02-01", "gpt-4o (gpt-4o-2024-08-06, which it pointed to) was shut down on 2027-01-14"),
        ("gpt-4-0314", "2022-12-01", "first priced on 2023-03-14"),
    ],
)
def test_not_offered_says_when_it_was(name, on, message):
    with pytest.raises(NotOfferedError) as exc:
        rates(name, day(on))
    assert message in str(exc.value)


def test_tier_not_offered_names_the_tiers_that_are():
    with pytest.raises(NotOfferedError, match="has no price; ftcost has the standard tier"):
        rates("gpt-4-0314", day("2024-06-01"), "batch")


# --- both sides of every price change in the data -----------------------------------------------------------


def offered(model: str, kind: str, tier: str, on: dt.date) -> dict | None:
    """What the public API charges for (model, kind, tier) on a day; None when not offered."""
    try:
        if kind in ("base", "fine_tuned"):
            card = rates(("ft:" if kind == "fine_tuned" else "") + model, on, tier)
            return {c: getattr(card, c).price for c in ("input", "cached_input", "output") if getattr(card, c)}
        card = rates(model, on)
    except NotOfferedError:
        return None
    rate = card.training if kind == "training" else card.training_hour
    return {"price": rate.price} if rate else None


def _edges():
    for r in DATA.rows:
        yield pytest.param(r, r.effective_from, id=f"{r.model}-{r.kind}-{r.tier}-from-{r.effective_from}")
        if r.effective_until:
            yield pytest.param(r, r.effective_until, id=f"{r.model}-{r.kind}-{r.tier}-until-{r.effective_until}")


@pytest.mark.parametrize("row, edge", list(_edges()))
def test_both_sides_of_every_price_edge(row, edge):
    key = (row.model, row.kind, row.tier)
    neighbours = {r.effective_from: r for r in DATA.periods(*key)}
    inside = edge if edge == row.effective_from else edge - ONE_DAY
    outside = edge - ONE_DAY if edge == row.effective_from else edge
    assert offered(*key, inside) == row.prices()
    other = (
        neighbours.get(outside)
        if outside > inside
        else next((r for r in DATA.periods(*key) if r.effective_until == row.effective_from), None)
    )
    assert offered(*key, outside) == (other.prices() if other else None)


def test_published_price_changes_side_by_side():
    assert offered("gpt-3.5-turbo-0613", "fine_tuned", "standard", day("2023-11-05")) == {
        "input": D("12.00"),
        "output": D("16.00"),
    }
    assert offered("gpt-3.5-turbo-0613", "fine_tuned", "standard", day("2023-11-06")) == {
        "input": D("3.00"),
        "output": D("6.00"),
    }
    assert offered("gpt-4o-2024-08-06", "base", "standard", day("2024-09-30")) == {
        "input": D("2.50"),
        "output": D("10.00"),
    }
    assert offered("gpt-4o-2024-08-06", "base", "standard", day("2024-10-01"))["cached_input"] == D("1.25")
    assert offered("text-embedding-ada-002", "base", "standard", day("2023-06-12")) == {"input": D("0.40")}
    assert offered("text-embedding-ada-002", "base", "standard", day("2023-06-13")) == {"input": D("0.10")}


# --- versions, diff, table ----------------------------------------------------------------------------------


def test_versions_include_the_known_change_days():
    days = set(price_versions())
    for known in ("2023-08-22", "2023-11-06", "2024-04-15", "2024-10-01", "2025-04-14", "2027-01-06"):
        assert day(known) in days
    assert day("2023-09-01") not in days


def test_versions_are_exactly_the_days_with_a_difference():
    days = price_versions("gpt-4o-mini*")
    assert days == [day(d) for d in ("2024-07-18", "2024-07-23", "2024-10-01", "2027-01-06", "2027-01-14")]
    for d in days:
        assert diff(d - ONE_DAY, d, "gpt-4o-mini*")


def test_diff_between_two_dates():
    changes = {(c.model, c.kind, c.tier): c for c in diff(day("2023-09-01"), day("2023-12-01"), "gpt-3.5-turbo-0613")}
    c = changes[("gpt-3.5-turbo-0613", "fine_tuned", "standard")]
    assert c.change == "changed"
    assert c.fields == (("input", D("12.00"), D("3.00")), ("output", D("16.00"), D("6.00")))
    added = diff(day("2024-09-30"), day("2024-10-01"), "gpt-4o-2024-08-06")
    assert {(c.kind, c.tier, c.fields[0][0]) for c in added} == {
        ("base", "standard", "cached_input"),
        ("fine_tuned", "standard", "cached_input"),
        ("fine_tuned", "batch", "cached_input"),
    }


def test_table_patterns():
    assert {r.model for r in table(day("2023-09-01"), "gpt-3.5-turbo")} == {"gpt-3.5-turbo-0613"}
    assert {r.kind for r in table(day("2023-09-01"), "ft:gpt-3.5-turbo")} == {"fine_tuned", "training"}
    assert {r.model for r in table(day("2025-06-01"), "gpt-4.1*", tier="batch")} == {
        "gpt-4.1-2025-04-14",
        "gpt-4.1-mini-2025-04-14",
        "gpt-4.1-nano-2025-04-14",
    }
    with pytest.raises(UnknownModelError, match="No model matches 'claude'"):
        table(day("2025-01-01"), "claude")


# --- fine-tuning status -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "base, on, allowed, words",
    [
        ("gpt-4o-mini", "2025-01-01", True, ""),
        ("gpt-4o-mini", "2026-05-06", True, ""),
        ("gpt-4o-mini", "2026-05-07", True, "never fine-tuned"),
        ("gpt-4o-mini", "2026-07-02", True, "60 days"),
        ("gpt-4o-mini", "2027-01-05", True, "60 days"),
        ("gpt-4o-mini", "2027-01-06", False, "from 2027-01-06"),
        ("gpt-4-0613", "2024-01-01", False, "cannot be fine-tuned"),
        ("gpt-4o-2024-08-06", "2024-08-19", False, "opened on 2024-08-20"),
        ("ft:gpt-3.5-turbo:org::x", "2023-09-01", True, ""),
    ],
)
def test_fine_tuning_status(base, on, allowed, words):
    ok, reason = fine_tuning_status(base, day(on))
    assert ok is allowed
    assert (words in reason) if words else reason == ""


def test_fine_tunable_models_by_date():
    assert [m.id for m in fine_tunable_models(day("2023-09-01"))] == [
        "ada",
        "babbage",
        "babbage-002",
        "curie",
        "davinci",
        "davinci-002",
        "gpt-3.5-turbo-0613",
    ]
    assert fine_tunable_models(day("2027-01-06")) == []
