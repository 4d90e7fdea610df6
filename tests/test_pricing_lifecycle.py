"""The one job-creation rule (`can_create_job`) on each boundary day, and the shut-down sentence with its
structured fields. Boundary days come from the pricing data itself, so every cutoff and shutdown added to
pricing/ is tested on both sides."""

from __future__ import annotations

import datetime as dt
import pickle

import pytest

from ftcost.errors import NotOfferedError, ShutDownError
from ftcost.pricing import ORG_HISTORIES, can_create_job, load_pricing, rates, resolve

ONE_DAY = dt.timedelta(days=1)
DATA = load_pricing()


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


# --- organization-specific cutoffs (OpenAI's wind-down), both sides of each day --------------------------


@pytest.mark.parametrize(
    "org, on, allowed",
    [
        ("never", "2026-05-06", True),
        ("never", "2026-05-07", False),
        ("inactive", "2026-07-01", True),
        ("inactive", "2026-07-02", False),
        ("active", "2027-01-05", True),
        ("active", "2027-01-06", False),
        (None, "2027-01-05", True),
        (None, "2027-01-06", False),
    ],
)
def test_org_cutoffs(org, on, allowed):
    ok, facts = can_create_job("gpt-4o-mini", day(on), org)
    assert ok is allowed
    if not ok:
        assert facts.rule in ("org_restricted", "closed") and facts.reason and facts.source


def test_unknown_org_is_allowed_with_the_restrictions_named():
    ok, facts = can_create_job("gpt-4o-mini-2024-07-18", day("2026-12-01"))
    assert ok and [e.date for e in facts.possible_restrictions] == [day("2026-05-07"), day("2026-07-02")]
    assert "never fine-tuned" in facts.reason and "60 days" in facts.reason


def test_bad_org_history_is_one_sentence():
    with pytest.raises(Exception, match="Unknown organization fine-tuning history"):
        can_create_job("gpt-4o-mini", day("2026-12-01"), "sometimes")


RESTRICTIONS = [e for e in DATA.events if e.effect == "fine_tuning_restricted"]


@pytest.mark.parametrize("event", RESTRICTIONS, ids=lambda e: e.id)
@pytest.mark.parametrize("org", ORG_HISTORIES)
def test_every_restriction_event_both_sides(event, org):
    before, _ = can_create_job("gpt-4o-mini", event.date - ONE_DAY, org)
    on, facts = can_create_job("gpt-4o-mini", event.date, org)
    blocked_before = any(org in e.orgs and e.date < event.date for e in RESTRICTIONS)
    assert before is (not blocked_before)
    assert on is (org not in event.orgs and not blocked_before)


FINE_TUNABLE = [m for m in DATA.models.values() if m.fine_tunable]


@pytest.mark.parametrize("m", FINE_TUNABLE, ids=lambda m: m.id)
def test_every_fine_tuning_window_both_sides(m):
    assert can_create_job(m.id, m.fine_tuning_from - ONE_DAY).allowed is False
    assert can_create_job(m.id, m.fine_tuning_from, "active").allowed is True
    ends = [x for x in (m.fine_tuning_until, m.shutdown) if x]
    if ends:
        last = min(ends)
        assert can_create_job(m.id, last - ONE_DAY, "active").allowed is True
        ok, facts = can_create_job(m.id, last)
        assert ok is False and facts.rule in ("closed", "base_shut_down") and facts.cutoff == last


# --- the shut-down sentence --------------------------------------------------------------------------------

SHUT = [m for m in DATA.models.values() if m.shutdown]


@pytest.mark.parametrize("m", SHUT, ids=lambda m: m.id)
def test_shutdown_both_sides(m):
    before = m.shutdown - ONE_DAY
    if DATA.row_on(m.id, "base", "standard", before):
        assert rates(m.id, before).input is not None
    with pytest.raises(ShutDownError) as err:
        rates(m.id, m.shutdown)
    e = err.value
    assert isinstance(e, NotOfferedError)
    assert e.model == m.id and e.shutdown == m.shutdown and e.source
    assert f"was shut down on {m.shutdown}" in str(e) and e.source_url in str(e)
    assert all(DATA.models[s].served_on(m.shutdown) for s in e.still_served)


def test_shutdown_error_pickles_with_its_fields():
    with pytest.raises(ShutDownError) as err:
        rates("gpt-4o-mini-2024-07-18", day("2027-01-14"))
    back = pickle.loads(pickle.dumps(err.value))
    assert back.model == "gpt-4o-mini-2024-07-18" and back.shutdown == day("2027-01-14") and str(back) == str(err.value)


def test_resolve_still_names_a_shut_down_snapshot():
    # Counting tokens needs no price: a snapshot id resolves on any date.
    assert resolve("gpt-4o-mini-2024-07-18", day("2028-01-01")).snapshot == "gpt-4o-mini-2024-07-18"
