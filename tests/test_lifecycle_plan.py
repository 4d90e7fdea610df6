"""Lifecycle in the numbers: a model that stops serving hands its months to a successor, and a fine-tune that
cannot be carried out gets no payback. Every expected figure is derived by hand in the comments from the rates in
pricing/ (per 1M tokens): gpt-4-1106-preview input $10 (shut down 2026-03-26), gpt-4-0613 input $30,
ft:gpt-3.5-turbo-0125 input $3 and training $8."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from ftcost import engine, report
from ftcost.engine.lifecycle import iteration_starts
from ftcost.scenario import Scenario

D = Decimal
JAN_2026 = dt.date(2026, 1, 1)


def scenario(**overrides) -> Scenario:
    """1,000 requests × 1,000 prompt tokens a month (1M tokens), no output, no growth, wrong answers free."""
    doc = {
        "schema_version": 1,
        "name": "lifecycle by hand",
        "horizon_months": 6,
        "current_option": "GPT-4",
        "workload": {
            "requests_per_month": 1000,
            "long_prompt_tokens": 1000,
            "short_prompt_tokens": 1000,
            "output_tokens_per_request": 0,
        },
        "option": [
            {
                "name": "Turbo preview",
                "model": "gpt-4-1106-preview",
                "prompt": "long",
                "accuracy_pct": 90,
                "successor": "FT",
            },
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
    doc.update(overrides)
    return Scenario.model_validate(doc)


def test_a_mid_horizon_shutdown_hands_the_months_to_the_named_successor():
    p = engine.plan(scenario(), JAN_2026)
    preview, gpt4, ft = p.option("Turbo preview"), p.option("GPT-4"), p.option("FT")
    # Months start on the 1st: 2026-03-26 falls in month 3 (03-01 .. 03-31), so from month 3 the plan pays for FT.
    assert (preview.serves_until, preview.switch_month, preview.successor) == (dt.date(2026, 3, 26), 3, "FT")
    assert [m.served_by for m in preview.months] == ["Turbo preview"] * 2 + ["FT"] * 4
    # FT's one-off: training 100 examples × 1,000 tokens × 3 epochs (auto) = 300,000 × $8/1M = $2.40; people
    # $100 × 1 h = $100; pilot: 10 examples × 1,000 × 10 epochs = 100,000 × $8/1M = $0.80, eval 1 request through
    # each of the three options = 1,000 × ($10 + $30 + $3)/1M = $0.043, one iteration of people $100 → $100.843.
    # One-off = 2.40 + 100 + 100.843 = $203.243.
    assert ft.one_off.total_usd == D("203.243")
    # The preview's months: $10, $10, then FT's: $3 + the one-off in the switch month, $3, $3, $3.
    assert [m.inference_usd for m in preview.months] == [D(10), D(10), D(3), D(3), D(3), D(3)]
    assert [m.one_off_usd for m in preview.months] == [0, 0, D("203.243"), 0, 0, 0]
    # Cumulative: 10, 20, 226.243, 229.243, 232.243, 235.243.
    assert preview.cumulative_usd == [D(10), D(20), D("226.243"), D("229.243"), D("232.243"), D("235.243")]
    # FT itself: the 4-week project ends 2026-01-29, so it serves from month 2; month 1 is GPT-4's $30 (the
    # current option) plus the one-off; then $3 a month: 233.243, 236.243, … 248.243.
    assert [m.served_by for m in ft.months] == ["GPT-4"] + ["FT"] * 5
    assert ft.cumulative_usd[-1] == D("248.243")
    assert gpt4.cumulative_usd[-1] == D(180)  # 6 × $30, served all along
    # FT against the preview never pays back: the preview's plan moves to FT anyway, so the only difference is
    # months 1–2 (GPT-4 $30 + FT $3 against the preview's 2 × $10): 248.243 − 235.243 = $13 more.
    be = next(b for b in p.break_even if b.against == "Turbo preview")
    assert (be.month, be.savings_at_horizon_usd) == (None, D(-13))
    # The switch is in the CSV (served_by) and the report.
    csv_rows = [r.split(",") for r in report.to_csv(p).splitlines() if r.startswith("Turbo preview,")]
    assert [r[4] for r in csv_rows] == ["Turbo preview"] * 2 + ["FT"] * 4
    md = report.to_markdown(p)
    assert "Turbo preview: `gpt-4-1106-preview` stops serving on 2026-03-26; from month 3 its months are FT's" in md


def test_without_a_named_successor_the_current_option_takes_over():
    s = scenario()
    s.option[0].successor = None
    p = engine.plan(s, JAN_2026)
    preview = p.option("Turbo preview")
    # The current option (GPT-4, $30) serves months 3–6: 10 + 10 + 4 × 30 = 140, and no one-off.
    assert preview.successor == "GPT-4"
    assert preview.cumulative_usd[-1] == D(140)
    assert all(m.one_off_usd == 0 for m in preview.months)
    # No month after the shutdown is the preview's own $10: no saving from a model that does not serve.
    assert all(m.served_by != "Turbo preview" for m in preview.months[2:])


def test_successors_are_validated():
    with pytest.raises(Exception, match="successor 'Nobody', which is not an option"):
        scenario(
            option=[
                {"name": "A", "model": "gpt-4-0613", "prompt": "long", "accuracy_pct": 90, "successor": "Nobody"},
                {"name": "FT", "model": "ft:gpt-3.5-turbo-0125", "prompt": "short", "accuracy_pct": 90},
            ],
            current_option=None,
        )
    with pytest.raises(Exception, match="names itself"):
        scenario(
            option=[
                {"name": "A", "model": "gpt-4-0613", "prompt": "long", "accuracy_pct": 90, "successor": "A"},
                {"name": "FT", "model": "ft:gpt-3.5-turbo-0125", "prompt": "short", "accuracy_pct": 90},
            ],
            current_option=None,
        )
    with pytest.raises(Exception, match=r"circle \(A -> FT -> A\)"):
        scenario(
            option=[
                {"name": "A", "model": "gpt-4-0613", "prompt": "long", "accuracy_pct": 90, "successor": "FT"},
                {
                    "name": "FT",
                    "model": "ft:gpt-3.5-turbo-0125",
                    "prompt": "short",
                    "accuracy_pct": 90,
                    "successor": "A",
                },
            ],
            current_option=None,
        )


# --- feasibility on each rule's boundary day ----------------------------------------------------------------


def ft_scenario(weeks: int, iterations: int, history: str | None = None) -> Scenario:
    """Fine-tuned GPT-4.1 (jobs until 2027-01-06, serves until 2027-01-14) against its base."""
    doc = {
        "schema_version": 1,
        "name": "feasibility",
        "horizon_months": 3,
        "workload": {
            "requests_per_month": 1000,
            "long_prompt_tokens": 1000,
            "short_prompt_tokens": 100,
            "output_tokens_per_request": 10,
        },
        "option": [
            {"name": "GPT-4.1", "model": "gpt-4.1-2025-04-14", "prompt": "long", "accuracy_pct": 90},
            {"name": "FT", "model": "ft:gpt-4.1-2025-04-14", "prompt": "short", "accuracy_pct": 95},
        ],
        "training": {"planned_examples": 100, "tokens_per_example": 1000, "iterations": iterations},
        "labour": {"weeks": weeks, "data_prep_minutes_per_example": 0, "role": []},
        "pilot": {"examples": 10, "eval_examples": 1},
    }
    if history:
        doc["organization"] = {"fine_tuning_history": history}
    return Scenario.model_validate(doc)


def feasible(s: Scenario, day: dt.date) -> bool:
    p = engine.plan(s, day)
    return not p.infeasible and any(o.name == "FT" for o in p.options)


def test_no_job_from_the_day_fine_tuning_closes():
    # One 1-week iteration: 2027-01-05 is the last day a job can start (it goes live 2027-01-12, before 01-14).
    s = ft_scenario(weeks=1, iterations=1)
    assert feasible(s, dt.date(2027, 1, 5))
    p = engine.plan(s, dt.date(2027, 1, 6))
    (x,) = p.infeasible
    assert x.reasons[0].startswith("FT cannot be trained on 2027-01-06: OpenAI creates no new fine-tuning jobs")


def test_every_iteration_must_start_before_the_cutoff():
    # 3 weeks split between 3 iterations: starts 7 days apart. From 2026-12-23 the third starts on 2027-01-06.
    s = ft_scenario(weeks=3, iterations=3)
    assert iteration_starts(s, dt.date(2026, 12, 23)) == [
        dt.date(2026, 12, 23),
        dt.date(2026, 12, 30),
        dt.date(2027, 1, 6),
    ]
    assert feasible(s, dt.date(2026, 12, 22))  # last start 2027-01-05, live 2027-01-12
    p = engine.plan(s, dt.date(2026, 12, 23))
    (x,) = p.infeasible
    assert "1 of its 3 training iterations would start on or after 2027-01-06" in x.reasons[0]


def test_a_fine_tune_must_go_live_before_it_stops_serving():
    # Two weeks, one iteration: from 2026-12-31 the project ends on 2027-01-14, the day fine-tuned GPT-4.1 stops.
    s = ft_scenario(weeks=2, iterations=1)
    assert feasible(s, dt.date(2026, 12, 30))
    p = engine.plan(s, dt.date(2026, 12, 31))
    (x,) = p.infeasible
    assert x.reasons == (
        "FT would go live on 2027-01-14 (when the 2-week project ends), but fine-tuned "
        "gpt-4.1-2025-04-14 stops serving on 2027-01-14.",
    )


@pytest.mark.parametrize("history, cutoff", [("never", dt.date(2026, 5, 7)), ("inactive", dt.date(2026, 7, 2))])
def test_organization_cutoffs(history, cutoff):
    s = ft_scenario(weeks=1, iterations=1, history=history)
    assert feasible(s, cutoff - dt.timedelta(days=1))
    assert not feasible(s, cutoff)
    # An active organization can still start jobs that day, and the answer carries no "only if" caveat.
    active = engine.plan(ft_scenario(weeks=1, iterations=1, history="active"), cutoff)
    assert not active.infeasible and not active.caveats


def test_unstated_history_says_the_plan_holds_only_for_organizations_that_still_can():
    p = engine.plan(ft_scenario(weeks=1, iterations=1), dt.date(2026, 7, 2))
    assert not p.infeasible
    (caveat,) = p.caveats
    assert caveat.startswith("This plan holds only for organizations that can still create fine-tuning jobs")
    assert "2026-05-07" in caveat and "2026-07-02" in caveat
    assert caveat in report.headline(p)


def test_a_shut_down_model_is_not_planned_and_the_answer_says_why():
    p = engine.plan(ft_scenario(weeks=1, iterations=1), dt.date(2027, 1, 14))
    assert [o.name for o in p.options] == []
    assert {e.name for e in p.excluded} == {"GPT-4.1", "FT"}
    answer = report.headline(p)
    # First what to do (nothing can be planned: add a served model or an earlier date), then why FT cannot be.
    assert answer[0].startswith("No option of this scenario can be planned on 2027-01-14")
    assert answer[1].startswith("FT is left out of the plan") and "2027-01-14" in answer[1]
    assert not any("pays back" in a or "pilot" in a for a in answer)


def test_an_infeasible_fine_tune_gets_no_payback_and_no_pilot():
    p = engine.plan(ft_scenario(weeks=3, iterations=3), dt.date(2026, 12, 23))
    answer = report.headline(p)
    # The base option to stay on, the cheapest, first; then why the fine-tune cannot be carried out.
    assert answer[0].startswith(
        "No fine-tune in this scenario can be carried out on 2026-12-23, so stay on a base "
        "model: GPT-4.1 costs the least"
    )
    assert answer[1].startswith("FT cannot be carried out as planned")
    assert p.pilot is None and not p.break_even
    assert not any("pays back" in a for a in answer)


def test_the_page_frames_show_the_switch():
    from ftcost import views

    p = engine.plan(scenario(), JAN_2026)
    events = views.go_live_frame(p)
    assert "Turbo preview stops serving on 2026-03-26: FT from month 3" in list(events["label"])
    assert 3 in list(events["month"])
    cumulative = views.cumulative_frame(p)
    preview = cumulative[cumulative.option == "Turbo preview"]
    assert list(preview["served_by"]) == ["Turbo preview"] * 2 + ["FT"] * 4
    assert list(preview["cumulative"]) == [float(v) for v in p.option("Turbo preview").cumulative_usd]
    breakdown = views.breakdown_frame(p)
    month3 = breakdown[(breakdown.option == "Turbo preview") & (breakdown.month == 3)]
    assert set(month3["served_by"]) == {"FT"}
    assert float(month3[month3.part == "One-off: training, people, pilot"]["usd"].iloc[0]) == 203.243
    table = views.month_table(p)
    assert list(table[table.Option == "Turbo preview"]["Served by"])[2] == "FT"
