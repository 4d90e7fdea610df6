"""Every shipped scenario is a test case; the ChatOpenSource x LangChain article's table comes out to the cent from the pricing data."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from ftcost import report
from ftcost.cli import main
from ftcost.dataset import analyze_file
from ftcost.measure_training import measured_plan
from ftcost.scenario import dataset_path, default_scenario, dump_scenario, gallery, load_scenario, parse_scenario
from ftcost.share import decode_link, encode_link

D = Decimal
SHIPPED = sorted(gallery())
#: A fixed date for scenarios that price "as of today": the tests must not depend on the clock.
TODAY = dt.date(2026, 11, 21)


def test_the_gallery_ships_the_three_seed_scenarios():
    assert {"airport", "reviews", "marv"} <= set(SHIPPED)
    assert default_scenario().name == "Airport customer-service bot"


@pytest.mark.parametrize("stem", SHIPPED)
def test_shipped_scenario_plans_cleanly(stem):
    scenario = load_scenario(gallery()[stem])
    assert parse_scenario(dump_scenario(scenario)) == scenario
    assert decode_link(encode_link(scenario)) == scenario
    # Its sample dataset is valid training data with at least OpenAI's minimum of 10 examples.
    path = dataset_path(scenario)
    ft_base = next(o.model for o in scenario.option if o.fine_tuned).split(":")[1]
    sample = analyze_file(path, model=ft_base)
    assert sample.valid, sample.errors
    assert sample.examples >= 10
    plan = measured_plan(scenario, scenario.as_of or TODAY)
    # Every option is planned or explained; a scenario that pins its date tells its story whole.
    assert len(plan.options) + len(plan.excluded) == len(scenario.option)
    assert report.headline(plan)
    if scenario.as_of is not None:
        assert len(plan.options) == len(scenario.option)
        assert plan.pilot is not None and plan.pilot.total_usd > 0
    md = report.to_markdown(plan)
    assert f"# Fine-tuning plan: {scenario.name}" in md
    assert json.loads(json.dumps(report.to_dict(plan)))["scenario"] == scenario.name
    rows = report.to_csv(plan).splitlines()
    assert len(rows) == 1 + len(plan.options) * scenario.horizon_months


def test_seed_002_table_to_the_cent():
    """Seed 002: 3M input + 1M output tokens a month, September 2023 prices (per 1K in the article)."""
    plan = measured_plan(load_scenario(gallery()["reviews"]))
    assert plan.as_of == dt.date(2023, 9, 1)
    base, ft, gpt4 = (plan.option(n) for n in ("GPT-3.5 Turbo", "Fine-tuned GPT-3.5 Turbo", "GPT-4 8K"))
    # The article compares each model's own month (`steady`: as if it served from day one).
    for option in (base, ft, gpt4):
        assert (option.steady.input_tokens, option.steady.output_tokens) == (3_000_000, 1_000_000)
    # The article's rows: input + output = total.
    assert (base.steady.input_usd, base.steady.output_usd, base.monthly_usd) == (D("4.50"), D("2.00"), D("6.50"))
    assert (ft.steady.input_usd, ft.steady.output_usd, ft.monthly_usd) == (D("36.00"), D("16.00"), D("52.00"))
    assert (gpt4.steady.input_usd, gpt4.steady.output_usd, gpt4.monthly_usd) == (D("90.00"), D("60.00"), D("150.00"))
    # Training: 25,000 charged tokens at $0.008/1K = $0.20; with the month: $52.20, the article's total.
    assert ft.one_off.charged_tokens_per_run == 25_000
    assert ft.one_off.training_usd == D("0.20")
    assert ft.monthly_usd + ft.one_off.training_usd == D("52.20")
    # The aliases resolved as they did in September 2023.
    assert base.resolved_model == "gpt-3.5-turbo-0613"
    assert gpt4.resolved_model == "gpt-4-0613"


def test_airport_default_is_true_today():
    # From 2026-12-01 an 8-week fine-tune of GPT-4.1 mini or GPT-4o mini can neither start all its jobs before
    # 2027-01-06 nor go live before they stop serving on 2027-01-14: the answer opens with the cheapest option,
    # then what a team can still do (fine-tune where fine-tuning is still offered, each option priced and
    # compared, the pilot of the best), and ends with why those two cannot be done.
    scenario = default_scenario()
    provider = {o.name: o.provider_id for o in scenario.option}
    for day in (dt.date(2026, 12, 1), dt.date(2027, 1, 10), dt.date(2027, 6, 1)):
        plan = measured_plan(scenario, day)
        answer = report.headline(plan)
        infeasible = {"Fine-tuned GPT-4.1 mini", "Fine-tuned GPT-4o mini"}
        if day >= dt.date(2027, 4, 14):  # Azure's last training day for existing customers: it cannot be done either
            infeasible.add("Azure: fine-tuned GPT-4.1 mini (existing customer)")
        assert {e.name for e in plan.infeasible} == infeasible, day
        cannot = report.infeasible_sentences(plan)
        assert answer[0].startswith("Cheapest over 12 months: "), answer
        assert answer[-len(cannot) :] == cannot and cannot[0].startswith("Fine-tuned GPT-4.1 mini"), answer
        doable = [o.name for o in plan.options if o.fine_tuned and provider[o.name] != "openai"]
        assert doable, day
        for name in doable:
            assert any(a.startswith(name) for a in answer), (day, name)
        assert plan.pilot is not None and answer[-len(cannot) - 1].startswith("Run the pilot first")
        # No month of any option is served by a model that is shut down by then.
        for option in plan.options:
            for month in option.months:
                served = next((o for o in plan.options if o.name == month.served_by), None)
                assert served is None or served.serves_until is None or month.starts < served.serves_until, (
                    day,
                    option.name,
                    month,
                )


def test_scenarios_that_tell_a_2023_story_pin_their_date():
    for stem in ("reviews", "airport-2023"):
        scenario = load_scenario(gallery()[stem])
        assert scenario.as_of == dt.date(2023, 9, 1)
        plan = measured_plan(scenario)
        assert not plan.excluded and plan.pilot is not None
    seeds = measured_plan(load_scenario(gallery()["airport-2023"]))
    assert [o.resolved_model for o in seeds.options] == ["gpt-3.5-turbo-0613", "ft:gpt-3.5-turbo-0613", "gpt-4-0613"]


def test_marv_trains_only_weighted_turns():
    scenario = load_scenario(gallery()["marv"])
    sample = analyze_file(dataset_path(scenario), model="gpt-4o-mini-2024-07-18")
    assert sample.trained_tokens_per_epoch < sample.stats["assistant_tokens_per_example"]["mean"] * sample.examples


@pytest.mark.parametrize("fmt", ["--markdown", "--json", "--csv"])
def test_cli_report_formats(fmt, capsys):
    assert main(["report", "reviews", fmt]) == 0
    out = capsys.readouterr().out
    if fmt == "--json":
        data = json.loads(out)
        assert {"scenario", "as_of", "options", "break_even", "pilot", "warnings"} <= set(data)
        ft = next(o for o in data["options"] if o["name"] == "Fine-tuned GPT-3.5 Turbo")
        assert D(ft["monthly_usd"]) == D("52.00")
        assert {
            "name",
            "model",
            "monthly_usd",
            "one_off_usd",
            "input_tokens_per_month",
            "output_tokens_per_month",
        } <= set(ft)
    elif fmt == "--markdown":
        assert "| Fine-tuned GPT-3.5 Turbo | `ft:gpt-3.5-turbo-0613` |" in out and "$52.00" in out
    else:
        assert out.startswith("option,model,month,")


def test_cli_report_bad_file_is_one_sentence(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text('schema_version = 1\nname = "x"\nhorizon_months = 9999\n')
    assert main(["report", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("ftcost: bad.toml:") and "horizon_months" in err and "Traceback" not in err
