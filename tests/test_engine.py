"""The cost/ROI engine against hand-computed plans: every expected figure is derived in the comments."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ftcost import engine
from ftcost.engine.workload import add_months, requests_in_month
from ftcost.errors import ScenarioError
from ftcost.scenario import Scenario, dump_scenario, parse_scenario

D = Decimal
JUNE_2024 = dt.date(2024, 6, 1)


def hand_scenario(**overrides) -> Scenario:
    """GPT-4 with a 1,000-token prompt vs fine-tuned GPT-3.5 (0125) with the same, no output, no growth.

    On 2024-06-01: gpt-4-0613 input $30/1M; ft:gpt-3.5-turbo-0125 input $3/1M, training $8/1M.
    """
    doc = {
        "schema_version": 1,
        "name": "hand",
        "horizon_months": 12,
        "workload": {
            "requests_per_month": 1000,
            "long_prompt_tokens": 1000,
            "short_prompt_tokens": 1000,
            "output_tokens_per_request": 0,
        },
        "option": [
            {"name": "GPT-4", "model": "gpt-4-0613", "prompt": "long", "accuracy_pct": 90},
            {"name": "FT", "model": "ft:gpt-3.5-turbo-0125", "prompt": "short", "accuracy_pct": 90},
        ],
        "training": {"planned_examples": 100, "tokens_per_example": 1000, "iterations": 1},
        "labour": {
            "weeks": 4,
            "data_prep_minutes_per_example": 0,
            "role": [{"role": "Engineer", "hourly_usd": 100, "hours_per_iteration": 1}],
        },
        "pilot": {"examples": 10, "eval_examples": 1},
    }
    for key, value in overrides.items():
        section, _, field = key.partition("__")
        if section == "current_option":
            doc[section] = value
            continue
        if field:
            doc[section][field] = value
        else:
            doc[section] = value
    return Scenario.model_validate(doc)


def test_hand_computed_plan():
    p = engine.plan(hand_scenario(), JUNE_2024)
    gpt4, ft = p.option("GPT-4"), p.option("FT")
    # 1,000 requests × 1,000 tokens = 1M input tokens a month.
    assert gpt4.monthly_usd == D("30")  # 1M × $30/1M
    assert ft.monthly_usd == D("3")  # 1M × $3/1M
    x = ft.one_off
    # Training: 100 examples × 1,000 tokens = 100,000 per epoch; auto epochs for 100 examples = 3.
    assert (x.training_tokens_per_epoch, x.epochs, x.charged_tokens_per_run) == (100_000, 3, 300_000)
    assert x.training_usd == D("2.4")  # 300,000 × $8/1M, one iteration
    assert x.labour_usd == D("100")  # $100/h × 1 h × 1 iteration
    # Pilot: 10 examples × 1,000 = 10,000 per epoch; auto epochs for 10 = min(25, 100 // 10) = 10
    # → 100,000 tokens × $8/1M = $0.80; eval: 1 request on each option = 1,000 × $30/1M + 1,000 × $3/1M = $0.033;
    # labour: one iteration = $100.
    assert p.pilot.training_usd == D("0.8")
    assert p.pilot.eval_usd == D("0.033")
    assert p.pilot.total_usd == D("100.833")
    assert x.total_usd == D("2.4") + D("100") + D("100.833")
    # The 4-week project ends 2024-06-29, so the fine-tune goes live in month 2 (from 2024-07-01);
    # month 1 is still served by the current option, GPT-4, at $30.
    assert ft.go_live_month == 2
    assert [m.served_by for m in ft.months[:2]] == ["GPT-4", "FT"]
    assert ft.months[0].inference_usd == D("30") and ft.months[1].inference_usd == D("3")
    # Break-even: 203.233 + 30 + 3(m − 1) ≤ 30m ⇔ 230.233 ≤ 27m ⇔ m ≥ 8.53 → month 9.
    (be,) = p.break_even
    assert be.month == 9
    # Savings after 12 months: 12 × 30 − (203.233 + 30 + 11 × 3) = 93.767; ROI = 93.767 / 203.233.
    assert be.savings_at_horizon_usd == D("93.767")
    assert be.roi_pct == D("93.767") / D("203.233") * 100  # exact: rounded once, where it is shown
    # Pilot share of the project's one-off cost.
    assert p.pilot.share_of_project_pct == D("100.833") / D("203.233") * 100


def test_go_live_waits_for_the_project_timeline():
    # 8 weeks from 2024-06-01 is 2024-07-27: months start 06-01, 07-01, 08-01 → the fine-tune serves from month 3.
    # (A date when both models were served: gpt-3.5-turbo-0125 and gpt-4-0613 shut down on 2026-10-23.)
    s = hand_scenario(labour={"weeks": 8, "data_prep_minutes_per_example": 0, "role": []})
    p = engine.plan(s, JUNE_2024)
    ft = p.option("FT")
    assert ft.go_live_month == 3
    assert [m.served_by for m in ft.months[:4]] == ["GPT-4", "GPT-4", "FT", "FT"]
    # Its own monthly price is unaffected: what a price table compares.
    assert ft.monthly_usd == D("3")


def test_current_option_must_be_a_base_option():
    with pytest.raises(Exception, match="current_option 'FT' must name a base option"):
        hand_scenario(current_option="FT")


def test_project_longer_than_the_horizon_is_said():
    s = hand_scenario(labour={"weeks": 60, "data_prep_minutes_per_example": 0, "role": []})
    p = engine.plan(s, JUNE_2024)
    assert any("no fine-tune serves within it" in w for w in p.warnings)
    assert p.break_even[0].month is None


def test_never_pays_back_when_the_fine_tune_costs_more_each_month():
    # Same prompt length, base is gpt-3.5-turbo-0125 at $0.50/1M: the fine-tune ($3/1M) costs more every month.
    s = hand_scenario()
    s.option[0].model = "gpt-3.5-turbo-0125"
    p = engine.plan(s, JUNE_2024)
    assert p.break_even[0].month is None
    assert p.break_even[0].savings_at_horizon_usd < 0


def test_requests_change_the_monthly_cost_proportionally():
    small = engine.plan(hand_scenario(), JUNE_2024)
    big = engine.plan(hand_scenario(workload__requests_per_month=3000), JUNE_2024)
    assert big.option("GPT-4").monthly_usd == 3 * small.option("GPT-4").monthly_usd


def test_growth_compounds_and_rounds_to_whole_requests():
    s = hand_scenario(workload__monthly_growth_pct=10)
    assert [requests_in_month(s.workload, m) for m in (1, 2, 3)] == [1000, 1100, 1210]
    s = hand_scenario(workload__monthly_growth_pct=D("2.5"))
    assert requests_in_month(s.workload, 3) == 1051  # 1000 × 1.025² = 1050.625 → 1051


def test_prompt_shortening_is_measured_per_encoding():
    p = engine.plan(hand_scenario(workload__short_prompt_tokens=100), JUNE_2024)
    (s,) = p.prompt_savings
    assert (s.tokens_saved_per_request, s.tokens_saved_first_month, s.saved_pct) == (900, 900_000, D("90.00"))


def test_cached_share_is_billed_at_the_cached_rate():
    # gpt-4o-mini-2024-07-18 on 2024-11-01: input $0.15, cached input $0.075 per 1M.
    s = hand_scenario(workload__cached_share_pct=50)
    s.option[0].model = "gpt-4o-mini-2024-07-18"
    p = engine.plan(s, dt.date(2024, 11, 1))
    m = p.option("GPT-4").months[0]
    assert (m.input_tokens, m.cached_input_tokens) == (1_000_000, 500_000)
    assert m.input_usd == D("0.075")  # 500,000 uncached × $0.15/1M
    assert m.cached_input_usd == D("0.0375")  # 500,000 cached × $0.075/1M


def test_quality_cost_and_cost_per_correct_answer():
    s = hand_scenario(quality={"cost_per_wrong_answer_usd": 2})
    p = engine.plan(s, JUNE_2024)
    gpt4 = p.option("GPT-4")
    # 10% of 1,000 requests wrong × $2 = $200 a month.
    assert gpt4.months[0].wrong_answers_usd == D("200")
    # $30 of inference over 900 right answers.
    assert gpt4.cost_per_correct_usd == D("30") / D("900")


def test_break_even_accuracy_is_the_threshold():
    s = hand_scenario(quality={"cost_per_wrong_answer_usd": D("0.05")})
    s.option[0].accuracy_pct = D("95")
    p = engine.plan(s, JUNE_2024)
    need = p.pilot.break_even_accuracy_pct
    assert need is not None and 0 < need <= 100

    def pays_back(accuracy):
        s.option[1].accuracy_pct = accuracy
        return engine.plan(s, JUNE_2024).break_even[0].month is not None

    assert pays_back(need)
    assert not pays_back(need - D("0.1"))


def test_gate_is_at_least_the_stated_target():
    p = engine.plan(hand_scenario(), JUNE_2024)
    assert p.pilot.break_even_accuracy_pct is None  # wrong answers cost nothing here
    assert p.pilot.gate_accuracy_pct == p.pilot.target_accuracy_pct == D("90")


def test_pilot_never_below_openais_minimum():
    s = hand_scenario()
    with pytest.raises(Exception, match="greater than or equal to 10"):
        s.pilot.examples = 5


def test_model_not_yet_offered_is_a_warning_not_a_crash():
    # ft:gpt-3.5-turbo-0125 and the 0125 base did not exist on 2023-09-01.
    s = hand_scenario()
    s.option.append(s.option[0].model_copy(update={"name": "New base", "model": "gpt-3.5-turbo-0125"}))
    p = engine.plan(s, dt.date(2023, 9, 1))
    names = [o.name for o in p.options]
    assert "New base" not in names and "FT" not in names
    assert any(w.startswith("New base is left out of the plan") for w in p.warnings)


def test_lifecycle_warnings_name_the_date_and_the_month():
    s = hand_scenario(labour={"weeks": 4, "data_prep_minutes_per_example": 0, "role": []})
    s.option[0].model = "gpt-5.6-luna"  # a base served through the horizon (gpt-4-0613 shut down on 2026-10-23)
    s.option[1].model = "ft:gpt-4o-mini-2024-07-18"
    p = engine.plan(s, dt.date(2026, 11, 21))
    text = "\n".join(p.warnings)
    # 2027-01-14 falls after 2026-12-21 (start of month 2) and before 2027-01-21 (month 3).
    assert "FT stops serving on 2027-01-14, in month 2 of your 12-month horizon" in text
    # The 4-week project ends 2026-12-19, so it would go live in month 2: the month it stops serving.
    assert "FT stops serving in month 2, before or as it goes live" in text
    # Its only iteration starts on 2026-11-21, 46 days before new jobs close (2027-01-06): no "last day" warning.
    assert "days before no new jobs" not in text


def test_a_plan_needs_a_date():
    with pytest.raises(ScenarioError, match="price date"):
        engine.plan(hand_scenario(), None)


def test_add_months_clamps_to_month_end():
    assert add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2023, 1, 31), 1) == dt.date(2023, 2, 28)
    assert add_months(dt.date(2024, 11, 15), 3) == dt.date(2025, 2, 15)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    requests=st.integers(1, 10**7),
    extra=st.integers(1, 10**6),
    prompt=st.integers(0, 50_000),
    output=st.integers(0, 5_000),
)
def test_cost_never_falls_when_volume_grows(requests, extra, prompt, output):
    small = hand_scenario(
        workload__requests_per_month=requests,
        workload__long_prompt_tokens=prompt,
        workload__output_tokens_per_request=output,
    )
    big = hand_scenario(
        workload__requests_per_month=requests + extra,
        workload__long_prompt_tokens=prompt,
        workload__output_tokens_per_request=output,
    )
    for a, b in zip(engine.plan(small, JUNE_2024).options, engine.plan(big, JUNE_2024).options, strict=True):
        assert a.monthly_usd <= b.monthly_usd
        assert a.monthly_usd >= 0
        assert all(x <= y for x, y in zip(a.cumulative_usd, b.cumulative_usd, strict=True))


def test_toml_round_trip_keeps_the_plan():
    s = hand_scenario()
    again = parse_scenario(dump_scenario(s))
    assert again == s
    assert engine.plan(again, JUNE_2024).option("FT").one_off == engine.plan(s, JUNE_2024).option("FT").one_off
