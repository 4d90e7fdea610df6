"""How sure is this, as a manager reads it: the sentences, the tornado and table frames, the report's section, the
CSV's band columns, `ftcost report --simulate`, and the ranges editor's round trip."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from pydantic import ValidationError

from ftcost import report
from ftcost.cli import main
from ftcost.engine import uncertainty as u
from ftcost.errors import ScenarioError
from ftcost.measure_training import measured_plan
from ftcost.scenario import default_scenario
from ftcost.views import uncertainty as vu

AS_OF = dt.date(2026, 6, 1)
FT, AGAINST = "Fine-tuned GPT-4.1 mini", "GPT-4.1 mini, long prompt"


@pytest.fixture(scope="module")
def how():
    scenario = default_scenario()
    return u.analyse(scenario, measured_plan(scenario, AS_OF), fine_tuned=FT, against=AGAINST)


def test_the_answer_names_its_probability_and_its_top_driver(how):
    sentences = vu.odds_sentences(how, 12)
    assert sentences[0].startswith(f"{FT} pays back against {AGAINST} within 12 months in ")
    assert "of 10,000 draws of the ranges (seed 2026)" in sentences[0]
    top = how.top_driver
    assert top.label == f"{FT}'s accuracy"  # the default's answer hangs on the fine-tune's accuracy
    assert sentences[2].startswith(f"The answer hangs most on {FT}'s accuracy: across 88.0% – 98.0%")
    assert "it pays back only above" in sentences[2]
    assert sentences[3].startswith(f"Learning {FT}'s accuracy before committing")


def test_the_tornado_frame_has_both_ends_of_each_range_in_swing_order(how):
    frame = vu.tornado_frame(how)
    assert list(frame.end[:2]) == ["low", "high"]
    assert list(dict.fromkeys(frame.assumption)) == [d.label for d in how.drivers]
    assert frame.savings_text.iloc[0] == vu.format_usd(how.drivers[0].savings_at_low)


def test_the_sensitivity_line_crosses_zero_at_the_break_even_value(how):
    s = how.sensitivity
    assert s.key == how.top_driver.key and s.break_even.value is not None
    frame = vu.sensitivity_frame(how)
    below = frame[frame.value < s.break_even.value].savings
    above = frame[frame.value > s.break_even.value].savings
    assert (below < 0).all() and (above > 0).all()
    assert vu.break_even_text(how) == "break-even: " + vu.break_even_value_text(s.break_even, False)


def test_what_would_have_to_be_true_lists_every_assumption(how):
    table = vu.what_would_have_to_be_true(how)
    row = table[table.Assumption == "Cost of a wrong answer"].iloc[0]
    assert row.Range == "$1.00 – $4.00" and row["Pays back when"].startswith("above $")
    assert len(table) == len(how.assumptions)


def test_the_report_and_the_csv_carry_the_simulation(how):
    plan = measured_plan(default_scenario(), AS_OF)
    text = report.to_markdown(plan, how)
    assert "## How sure is this?" in text and "### What would have to be true" in text
    assert "seed 2026" in text
    assert "## How sure is this?" not in report.to_markdown(plan)  # only when asked for
    rows = list(csv.DictReader(io.StringIO(report.to_csv(plan, how))))
    ft = [r for r in rows if r["option"] == FT]
    assert (
        float(ft[0]["cumulative_p10_usd"]) <= float(ft[0]["cumulative_p50_usd"]) <= float(ft[0]["cumulative_p90_usd"])
    )
    assert "cumulative_p10_usd" not in report.to_csv(plan).splitlines()[0]
    data = report.to_dict(plan, how)["simulation"]
    assert data["seed"] == 2026 and data["draws"] == 10_000 and data["fine_tuned"] == FT


def test_cli_report_simulate(capsys):
    assert main(["report", "airport", "--as-of", "2026-06-01", "--simulate", "1000", "--seed", "3", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)["simulation"]
    assert data["draws"] == 1000 and data["seed"] == 3
    assert main(["report", "airport", "--as-of", "2026-06-01", "--simulate"]) == 0
    assert "## How sure is this?" in capsys.readouterr().out


def test_cli_refuses_a_silly_number_of_draws(capsys):
    with pytest.raises(SystemExit):
        main(["report", "airport", "--simulate", "5"])
    assert "--simulate takes 100 to 200,000 draws, not 5" in capsys.readouterr().err


def test_the_ranges_editor_round_trips_and_refuses_a_bad_range():
    scenario = default_scenario()
    rows = vu.range_rows(scenario)
    assert vu.with_ranges(scenario, rows) == scenario  # nothing edited, nothing changed
    requests = next(r for r in rows if r["key"] == "workload.requests_per_month")
    requests |= {"Low": 20000.0, "High": 40000.0, "Distribution": "uniform"}
    ft = next(r for r in rows if r["key"] == f"option[{FT}].accuracy_pct")
    ft |= {"Distribution": "point"}
    edited = vu.with_ranges(scenario, rows)
    assert edited.workload.ranges["requests_per_month"].dist == "uniform"
    assert edited.option[3].ranges is None and edited.option[3].accuracy_pct == 95
    requests |= {"Low": 35000.0}  # above the likely 30,000
    with pytest.raises(ScenarioError, match="Requests in the first month should read low ≤ likely ≤ high, not 35000"):
        vu.with_ranges(scenario, rows)
    requests |= {"Low": -5.0}  # below what the field accepts
    with pytest.raises(ValidationError, match="greater than or equal to 1"):
        vu.with_ranges(scenario, rows)


def test_setting_a_point_outside_its_range_stretches_the_range():
    # The app's inputs set the likely value; the range follows rather than refusing the edit.
    scenario = default_scenario()
    scenario.labour.weeks = 20
    assert scenario.labour.ranges["weeks"].high == 20 and scenario.labour.ranges["weeks"].low == 4


def test_the_simulation_section_shows_names_as_text():
    from test_uncertainty import HAND

    from ftcost.scenario import parse_scenario

    sneaky = "ft <img src=x onerror=alert(1)> | [link](http://x)"
    scenario = parse_scenario(
        HAND.replace('name = "ft"', f'name = "{sneaky}"').replace(
            "accuracy_pct = 90", "accuracy_pct = { low = 80, likely = 90, high = 99 }"
        )
    )
    plan = measured_plan(scenario)
    how = u.analyse(scenario, plan)
    text = report.to_markdown(plan, how)
    start = text.index("## How sure is this?")
    section = text[start : text.index("\n## ", start + 1)]
    assert "<img" not in section and "[link](http" not in section
    assert "&lt;img" in section and "\\[link\\]" in section
