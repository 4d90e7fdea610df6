"""The quicker paths of the simulation give its answers as they were, to the last bit: the break-even values
("what would have to be true") searched side by side equal the one-assumption-at-a-time search (the reference
below is that search as it shipped, one sweep and 36 one-point bisection steps per assumption), the cumulative
cost of two options equals theirs among all, and the bands are the percentiles of the draws as drawn."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from ftcost.engine import uncertainty as u
from ftcost.measure_training import measured_plan
from ftcost.scenario import gallery, load_scenario

DATES = [dt.date(2026, 6, 1), dt.date(2026, 12, 2), dt.date(2027, 2, 1)]


def sweep(model: u.LinearPlan, ft: str, base: str, key: str, xs: np.ndarray) -> np.ndarray:
    """Savings as `key` takes each of `xs`, from every option's cumulative cost (as pair() computed it then)."""
    values = model.likely(len(xs))
    values[key] = np.asarray(xs, dtype=float)
    return u.pair(model, values, ft, base, u.cumulative(model, values)).savings


def reference(model: u.LinearPlan, ft: str, base: str, a: u.Assumption) -> u.BreakEvenValue:
    """The search as it shipped before the side-by-side one (kept verbatim as the reference)."""
    lo, hi = a.bounds
    hi = min(hi, max(a.high, a.likely, 1.0) * 100)
    xs = np.linspace(lo, hi, 801)
    if a.whole:
        xs = np.unique(u._whole(xs))
    s = sweep(model, ft, base, a.key, xs)
    sign = s >= 0
    changes = np.nonzero(sign[1:] != sign[:-1])[0]
    if not len(changes):
        return u.BreakEvenValue(a.key, a.label, a.likely, None, None, a.unit)
    likely_i = int(np.searchsorted(xs, a.likely))
    i = int(changes[np.argmin(np.abs(changes - likely_i))])
    x0, x1 = float(xs[i]), float(xs[i + 1])
    if a.whole:
        value = x1 if sign[i + 1] else x0
    else:
        for _ in range(36):
            mid = (x0 + x1) / 2
            if (sweep(model, ft, base, a.key, np.array([mid]))[0] >= 0) == sign[i]:
                x0 = mid
            else:
                x1 = mid
        value = (x0 + x1) / 2
    return u.BreakEvenValue(a.key, a.label, a.likely, value, bool(sign[i + 1]), a.unit)


@pytest.mark.slow  # up to ~4 s a scenario: the old one-point search is the reference, at four dates each
@pytest.mark.parametrize("name", sorted(gallery()))
def test_every_break_even_value_is_the_one_at_a_time_searchs(name):
    scenario = load_scenario(gallery()[name])
    days = sorted({*DATES, *([scenario.as_of] if scenario.as_of else [])})
    pairs = crossed = 0
    for day in days:  # a scenario of 2023's models has nothing to compare on a later date: that date adds nothing
        plan = measured_plan(scenario, day)
        model = u.linear_model(scenario, plan)
        for be in plan.break_even:
            got = u.break_even_values(model, be.fine_tuned, be.against)
            want = [reference(model, be.fine_tuned, be.against, a) for a in model.assumptions]
            assert got == want, (day, be.fine_tuned, be.against)  # floats compared exactly: the same bits
            assert [type(v.value) for v in got] == [type(v.value) for v in want]
            single = [u.break_even_value(model, be.fine_tuned, be.against, a) for a in model.assumptions]
            assert single == want
            pairs += 1
            crossed += sum(v.value is not None and not model.assumption(v.key).whole for v in got)
    assert pairs and crossed  # the comparison covers bisected values, not only "no value crosses"


@pytest.mark.parametrize("name", sorted(gallery()))
def test_the_cumulative_cost_of_some_options_is_theirs_among_all(name):
    scenario = load_scenario(gallery()[name])
    plan = measured_plan(scenario, scenario.as_of or DATES[0])
    model = u.linear_model(scenario, plan)
    values = u.draw(model, 500, 7)
    every = u.cumulative(model, values)
    for be in plan.break_even:
        some = u.cumulative(model, values, (be.fine_tuned, be.against))
        assert list(some) == [k for k in every if k in (be.fine_tuned, be.against)]
        for k, c in some.items():
            assert np.array_equal(c, every[k])
        assert np.array_equal(
            u.pair(model, values, be.fine_tuned, be.against).savings,
            every[be.against][:, -1] - every[be.fine_tuned][:, -1],
        )


@pytest.mark.parametrize("name", sorted(gallery()))
def test_the_bands_are_the_percentiles_of_the_draws_as_drawn(name):
    scenario = load_scenario(gallery()[name])
    plan = measured_plan(scenario, scenario.as_of or DATES[0])
    model = u.linear_model(scenario, plan)
    result = u.simulate(scenario, plan, draws=2000, seed=11, model=model)
    cum = u.cumulative(model, u.draw(model, 2000, 11))
    assert [b.option for b in result.bands] == list(cum)
    for band in result.bands:
        drawn = np.percentile(cum[band.option], [10, 50, 90], axis=0)
        assert np.array_equal(np.percentile(np.sort(cum[band.option], axis=0), [10, 50, 90], axis=0), drawn)
        p10, p50, p90 = drawn
        assert band.p10 == [u._usd(x) for x in p10]
        assert band.p50 == [u._usd(x) for x in p50]
        assert band.p90 == [u._usd(x) for x in p90]
