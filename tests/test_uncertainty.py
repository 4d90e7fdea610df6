"""The Monte Carlo over a scenario's ranges: it is the engine's plan when every range is a point, its odds match
analytic answers, its draws follow the seed, and its drivers / break-even values are the plan's own arithmetic."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest

from ftcost.dataset import default_epochs
from ftcost.engine import uncertainty as u
from ftcost.engine.roi import break_even_accuracy
from ftcost.measure_training import measured_plan
from ftcost.scenario import Range, Scenario, default_scenario, gallery, load_scenario, parse_scenario

AS_OF = dt.date(2026, 6, 1)
REPO_SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
CENT = 0.01


def _points(scenario: Scenario) -> Scenario:
    """`scenario` with every range removed: each assumption at its likely value."""
    doc = scenario.model_dump()

    def strip(value):
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k != "ranges"}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    return Scenario.model_validate(strip(doc))


@pytest.mark.parametrize("name", sorted(gallery()))
def test_the_likely_values_give_the_engines_plan_to_the_cent(name):
    scenario = load_scenario(gallery()[name])
    plan = measured_plan(scenario, scenario.as_of or AS_OF)
    model = u.linear_model(scenario, plan)
    cum = u.cumulative(model, model.likely(1))
    for option in plan.options:
        for exact, simulated in zip(option.cumulative_usd, cum[option.name][0], strict=True):
            assert abs(float(exact) - simulated) < CENT, (option.name, exact, simulated)
    for be in plan.break_even:
        got = u.pair(model, model.likely(1), be.fine_tuned, be.against)
        assert abs(float(be.savings_at_horizon_usd) - got.savings[0]) < CENT
        assert (be.month or 0) == got.break_even[0]


def test_with_every_range_a_point_every_draw_is_the_point_plan():
    scenario = _points(default_scenario())
    plan = measured_plan(scenario, AS_OF)
    sim = u.simulate(scenario, plan, draws=500, seed=1)
    assert sim.ranged == [] and sim.notes
    for be in plan.break_even:
        odds = sim.odds_for(be.fine_tuned, be.against)
        point = be.savings_at_horizon_usd.quantize(Decimal("0.01"))
        assert odds.savings_p10 == odds.savings_p50 == odds.savings_p90 == point
        assert odds.p_pays_back == (1.0 if be.month else 0.0)
        assert odds.break_even_p10 == odds.break_even_p50 == odds.break_even_p90 == be.month
    assert sim.pilot.value_usd == 0  # nothing left to learn


def test_the_default_scenario_carries_ranges_and_a_seed():
    scenario = default_scenario()
    assert scenario.simulation.seed == 2026
    plan = measured_plan(scenario, AS_OF)
    sim = u.simulate(scenario, plan)
    assert sim.seed == 2026 and sim.draws == 10_000
    assert "Cost of a wrong answer" in sim.ranged
    assert 0 < sim.odds_for("Fine-tuned GPT-4.1 mini", "GPT-4.1 mini, long prompt").p_pays_back < 1


# --- a hand-built case with an analytic answer ------------------------------------------------------------

HAND = """
schema_version = 1
name = "hand"
as_of = 2024-09-01
horizon_months = 6
[workload]
requests_per_month = 50000
long_prompt_tokens = 2000
short_prompt_tokens = 100
output_tokens_per_request = 100
[[option]]
name = "base"
model = "gpt-4o-mini-2024-07-18"
prompt = "long"
accuracy_pct = 85
[[option]]
name = "ft"
model = "ft:gpt-4o-mini-2024-07-18"
prompt = "short"
accuracy_pct = 90
[training]
planned_examples = 100
tokens_per_example = 500
iterations = 2
epochs = 3
[labour]
weeks = 1
data_prep_minutes_per_example = 0
[[labour.role]]
role = "engineer"
hourly_usd = 100
hours_per_iteration = 20
[quality]
cost_per_wrong_answer_usd = 1
[simulation]
seed = 7
draws = 20000
"""


def test_one_uniform_accuracy_pays_back_with_the_analytic_probability():
    # Savings are linear in the fine-tune's accuracy, so with accuracy ~ U(lo, hi) the chance of paying back is
    # (hi − a*) / (hi − lo), a* the engine's own closed-form break-even accuracy.
    scenario = parse_scenario(
        HAND.replace("accuracy_pct = 90", 'accuracy_pct = { low = 80, high = 100, dist = "uniform" }')
    )
    assert scenario.option[1].accuracy_pct == 90  # a uniform range's likely value is its midpoint
    plan = measured_plan(scenario)
    ft, base = plan.option("ft"), plan.option("base")
    a_star = float(break_even_accuracy(ft, base, Decimal(1)))
    assert 80 < a_star < 100
    expected = (100 - a_star) / 20
    sim = u.simulate(scenario, plan)
    p = sim.odds_for("ft", "base").p_pays_back
    sigma = (expected * (1 - expected) / sim.draws) ** 0.5
    assert abs(p - expected) < 4 * sigma + 0.001  # 0.1 point: a* is rounded up to 0.1 %


def test_the_break_even_cost_of_a_wrong_answer_is_the_hand_derived_one():
    # savings(w) = Δinference + w · Σrequests served by the fine-tune · (a_ft − a_base) − one-off (before the
    # 1-week project ends, in month 1, both pay for the base), so the break-even cost of a wrong answer is
    # (one-off − Δinference) / (Σrequests · Δaccuracy).
    scenario = parse_scenario(HAND)
    plan = measured_plan(scenario)
    ft, base = plan.option("ft"), plan.option("base")
    assert ft.go_live_month == 2
    requests = sum(m.requests for m in ft.months if m.served_by == "ft")
    inference = sum(m.inference_usd for m in base.months) - sum(m.inference_usd for m in ft.months)
    by_hand = (ft.one_off_usd - inference) / (requests * Decimal("0.05"))
    model = u.linear_model(scenario, plan)
    got = u.break_even_value(model, "ft", "base", model.assumption("quality.cost_per_wrong_answer_usd"))
    assert got.value == pytest.approx(float(by_hand), rel=1e-9)
    assert got.pays_back_above is True


def test_a_triangular_cost_per_wrong_answer_has_its_analytic_probability():
    # Triangular(0, 1, 4): P(w > w*) = (4 − w*)² / (4 · 3) for w* ≥ 1.
    scenario = parse_scenario(
        HAND.replace("accuracy_pct = 90", "accuracy_pct = 86").replace(
            "cost_per_wrong_answer_usd = 1", "cost_per_wrong_answer_usd = { low = 0, likely = 1, high = 4 }"
        )
    )
    plan = measured_plan(scenario)
    model = u.linear_model(scenario, plan)
    w_star = u.break_even_value(model, "ft", "base", model.assumption("quality.cost_per_wrong_answer_usd")).value
    assert 1 < w_star < 4
    expected = (4 - w_star) ** 2 / 12
    p = u.simulate(scenario, plan).odds_for("ft", "base").p_pays_back
    assert abs(p - expected) < 4 * (expected * (1 - expected) / 20000) ** 0.5


# --- seeds ------------------------------------------------------------------------------------------------


def test_the_same_seed_gives_the_same_draws_and_another_seed_others():
    scenario = default_scenario()
    plan = measured_plan(scenario, AS_OF)
    model = u.linear_model(scenario, plan)
    a, b, c = u.draw(model, 1000, 5), u.draw(model, 1000, 5), u.draw(model, 1000, 6)
    key = "option[Fine-tuned GPT-4.1 mini].accuracy_pct"
    assert all(np.array_equal(a[k], b[k]) for k in a)
    assert not np.array_equal(a[key], c[key])
    assert u.simulate(scenario, plan, seed=5) == u.simulate(scenario, plan, seed=5)


def test_draws_stay_in_their_ranges_and_whole_numbers_stay_whole():
    scenario = default_scenario()
    plan = measured_plan(scenario, AS_OF)
    model = u.linear_model(scenario, plan)
    values = u.draw(model, 5000, 3)
    for a in model.assumptions:
        assert values[a.key].min() >= a.low and values[a.key].max() <= a.high
        if a.whole:
            assert np.array_equal(values[a.key], np.round(values[a.key]))
    weeks = values["labour.weeks"]
    assert set(np.unique(weeks)) <= set(range(4, 14)) and len(np.unique(weeks)) > 5


def test_a_pert_range_draws_around_its_likely_value():
    scenario = parse_scenario(
        HAND.replace(
            "cost_per_wrong_answer_usd = 1",
            'cost_per_wrong_answer_usd = { low = 0, likely = 1, high = 4, dist = "pert" }',
        )
    )
    model = u.linear_model(scenario, measured_plan(scenario))
    w = u.draw(model, 20000, 1)["quality.cost_per_wrong_answer_usd"]
    assert w.mean() == pytest.approx((0 + 4 * 1 + 4) / 6, abs=0.02)


# --- drivers, sensitivity, the pilot's information -----------------------------------------------------------


def test_the_tornado_is_sorted_by_swing_and_its_ends_are_the_plans_at_those_ends():
    scenario = default_scenario()
    plan = measured_plan(scenario, AS_OF)
    model = u.linear_model(scenario, plan)
    ft, base = "Fine-tuned GPT-4.1 mini", "GPT-4.1 mini, long prompt"
    bars = u.drivers(model, ft, base)
    assert [d.swing for d in bars] == sorted((d.swing for d in bars), reverse=True)
    top = bars[0]
    # The low end of the top driver, re-planned by the engine itself.
    moved = default_scenario()
    option = next(o for o in moved.option if f"option[{o.name}].accuracy_pct" == top.key)
    option.ranges = None
    option.accuracy_pct = Decimal(str(top.low))
    exact = next(b for b in measured_plan(moved, AS_OF).break_even if b.fine_tuned == ft and b.against == base)
    assert abs(exact.savings_at_horizon_usd - top.savings_at_low) <= Decimal("0.01")


def test_the_pilots_information_is_worth_nothing_when_the_decision_cannot_change():
    # A fine-tune that pays back at every accuracy in its range: learning the accuracy changes no decision.
    scenario = parse_scenario(
        HAND.replace("accuracy_pct = 90", "accuracy_pct = { low = 96, likely = 98, high = 100 }").replace(
            "cost_per_wrong_answer_usd = 1", "cost_per_wrong_answer_usd = 5"
        )
    )
    plan = measured_plan(scenario)
    sim = u.simulate(scenario, plan)
    assert sim.odds_for("ft", "base").p_pays_back == 1.0
    assert sim.pilot.value_usd == 0 and sim.pilot.decide_now == "go ahead"


def test_the_pilots_information_is_worth_something_when_the_accuracy_decides():
    scenario = parse_scenario(
        HAND.replace("accuracy_pct = 90", 'accuracy_pct = { low = 80, high = 100, dist = "uniform" }')
    )
    plan = measured_plan(scenario)
    sim = u.simulate(scenario, plan)
    pv = sim.pilot
    assert pv.value_usd > 0
    assert pv.net_usd == pv.value_usd - pv.pilot_usd
    # Once the pilot is paid, going on is right down to the accuracy where the rest of the project breaks even:
    # below the plan's break-even accuracy, which counts the pilot as still to be spent.
    a_star = float(break_even_accuracy(plan.option("ft"), plan.option("base"), Decimal(1)))
    assert pv.accuracy_to_go < a_star
    model = u.linear_model(scenario, plan)
    at = u.sweep(model, "ft", "base", "option[ft].accuracy_pct", np.array([pv.accuracy_to_go]))[0]
    assert at + float(pv.pilot_usd) == pytest.approx(0, abs=0.01)
    assert pv.go_ahead_share == pytest.approx((100 - pv.accuracy_to_go) / 20, abs=0.02)


def test_a_range_is_kept_beside_the_likely_value():
    scenario = default_scenario()
    ft = scenario.option[3]
    assert ft.accuracy_pct == 95 and ft.ranges["accuracy_pct"] == Range(low=Decimal(88), high=Decimal(98))


@pytest.mark.parametrize("name", ["airport", "airport-rules-change"])
def test_each_draw_is_what_the_engine_plans_for_it(name):
    # Not only the likely values: draws of every range (weeks, iterations, hours, accuracies, the cost of a wrong
    # answer, planned examples, growth) written into the scenario and planned one by one by engine.plan.
    scenario = load_scenario(gallery()[name])
    as_of = scenario.as_of or AS_OF
    plan = measured_plan(scenario, as_of)
    model = u.linear_model(scenario, plan)
    values = u.draw(model, 4, 11)
    ranged = {a.key: values[a.key] for a in model.assumptions if a.ranged}
    cum = u.cumulative(model, values)
    for i in range(4):
        exact = measured_plan(u.scenario_at(scenario, ranged, i), as_of)
        for option in exact.options:
            assert float(option.cumulative_usd[-1]) == pytest.approx(cum[option.name][i, -1], abs=CENT), option.name
        for be in exact.break_even:
            assert (be.month or 0) == u.pair(model, values, be.fine_tuned, be.against, cum).break_even[i]


def test_every_kind_of_range_gives_what_the_engine_plans_for_each_draw():
    ranged = (
        HAND.replace("requests_per_month = 50000", "requests_per_month = { low = 20000, likely = 50000, high = 80000 }")
        .replace(
            "output_tokens_per_request = 100", "output_tokens_per_request = { low = 50, likely = 100, high = 400 }"
        )
        .replace("[workload]", '[workload]\nmonthly_growth_pct = { low = -5, likely = 2, high = 10, dist = "pert" }')
        .replace("planned_examples = 100", "planned_examples = { low = 20, likely = 100, high = 3000 }")
        .replace("epochs = 3", 'epochs = "auto"')
        .replace("weeks = 1", "weeks = { low = 1, likely = 6, high = 20 }")
        .replace(
            "data_prep_minutes_per_example = 0",
            'data_prep_minutes_per_example = { low = 0, likely = 2, high = 9 }\ndata_prep_role = "engineer"',
        )
        .replace("hourly_usd = 100", "hourly_usd = { low = 60, likely = 100, high = 180 }")
        .replace("accuracy_pct = 85", "accuracy_pct = { low = 70, likely = 85, high = 90 }")
    )
    scenario = parse_scenario(ranged)
    plan = measured_plan(scenario)
    model = u.linear_model(scenario, plan)
    assert sum(a.ranged for a in model.assumptions) == 8
    values = u.draw(model, 6, 2)
    cum = u.cumulative(model, values)
    for i in range(6):
        exact = measured_plan(u.scenario_at(scenario, {a.key: values[a.key] for a in model.assumptions if a.ranged}, i))
        for option in exact.options:
            assert [float(x) for x in option.cumulative_usd] == pytest.approx(list(cum[option.name][i]), abs=CENT)


def test_a_providers_epochs_follow_the_rule_the_plan_used_in_every_draw():
    # Priced today, the airport scenario's fine-tunes are providers': Together trains its documented default of one
    # epoch whatever the size; Fireworks, Azure and the self-hosted run publish no default, so the plan uses
    # OpenAI's auto rule, which changes with the number of examples (3 epochs at 300, 2 at 12,000, 1 at 30,000). The
    # draws must follow the same rule, as engine.plan does for each of them.
    text = (REPO_SCENARIOS / "airport.toml").read_text(encoding="utf-8")
    ranged = text.replace("planned_examples = 300", "planned_examples = { low = 20, likely = 300, high = 40000 }")
    scenario = parse_scenario(ranged, "airport.toml")
    as_of = dt.date(2026, 12, 2)
    plan = measured_plan(scenario, as_of)
    fts = {o.name: o.one_off for o in plan.options if o.one_off}
    assert {name: (x.epochs, x.epochs_default) for name, x in fts.items() if name.startswith("Together")} == {
        "Together: Llama 3.1 8B LoRA, dedicated endpoint": (1, "Together AI")
    }
    assert any(x.epochs_estimated and x.epochs_default is None for x in fts.values())  # the auto rule's
    model = u.linear_model(scenario, plan)
    values = u.draw(model, 6, 5)
    examples = values["training.planned_examples"]
    assert len({default_epochs(int(n)) for n in examples}) >= 2  # the rule gives these draws different epochs
    cum = u.cumulative(model, values)
    ranged_values = {a.key: values[a.key] for a in model.assumptions if a.ranged}
    for i in range(6):
        exact = measured_plan(u.scenario_at(scenario, ranged_values, i), as_of)
        for option in exact.options:
            if option.one_off and option.name in cum:  # (an option the likely values leave out is not drawn)
                assert float(option.cumulative_usd[-1]) == pytest.approx(cum[option.name][i, -1], abs=CENT), (
                    option.name,
                    int(examples[i]),
                )
