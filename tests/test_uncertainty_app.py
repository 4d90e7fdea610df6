"""The Plan page's "How sure is this?" through AppTest: the probability the library computes is on the page, the
ranges editor changes the scenario's ranges, a bad range is one sentence and changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import REPO
from streamlit.testing.v1 import AppTest

from ftcost.engine.uncertainty import analyse
from ftcost.i18n import share_percent
from ftcost.measure_training import measured_plan
from ftcost.money import format_usd
from ftcost.scenario import dataset_path, default_scenario

#: Every test here runs the app (AppTest): `make test-fast` leaves them to `make test`.
pytestmark = pytest.mark.app

APP = str(REPO / "app.py")
DAY = dt.date(2026, 6, 1)


def start() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    at.date_input(key="w:as_of").set_value(DAY).run()
    assert not at.exception, at.exception
    return at


def editor(at: AppTest) -> str:
    """The ranges editor's current key (a rejected edit starts a fresh one)."""
    return f"plan_ranges_editor#{at.session_state['plan_ranges_editor:version']}"


def test_the_plan_page_shows_the_chance_of_payback_the_library_computes():
    at = start()
    assert any(h.value == "How sure is this?" for h in at.subheader)
    scenario = default_scenario().model_copy(update={"as_of": DAY})
    plan = measured_plan(scenario, DAY)
    against = plan.compare_with  # the comparison is the scenario's (compare_with), the engine's default here
    how = analyse(scenario, plan, fine_tuned=at.session_state["plan_sure_fine_tune"], against=against)
    shown = [m for m in at.metric if m.label.startswith("Pays back within")]
    assert shown and shown[0].value == share_percent(how.odds.p_pays_back)
    assert any("The answer hangs most on" in md.value for md in at.markdown)


def test_the_ranges_editor_sets_a_range_and_refuses_a_bad_one():
    at = start()
    rows = at.session_state["scenario"]
    assert rows.workload.ranges is None
    at.session_state[editor(at)] = {
        "edited_rows": {0: {"Low": 20000.0, "High": 45000.0, "Distribution": "uniform"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    assert not at.exception
    r = at.session_state["scenario"].workload.ranges["requests_per_month"]
    assert (r.low, r.high, r.dist) == (20000, 45000, "uniform")

    at.session_state[editor(at)] = {
        "edited_rows": {0: {"Low": 40000.0, "High": 45000.0, "Distribution": "uniform"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    assert not at.exception
    assert any("should read low ≤ likely ≤ high" in e.value for e in at.error), [e.value for e in at.error]
    assert at.session_state["scenario"].workload.ranges["requests_per_month"].low == 20000


def test_an_upload_after_the_first_plan_gives_its_own_odds_not_the_samples():
    """The analysis is cached by what the plan is made from, the measured training inputs included: the same
    scenario and date with another dataset is another plan and so other odds."""
    at = start()
    scenario = default_scenario().model_copy(update={"as_of": DAY})
    sample = measured_plan(scenario, DAY)
    fine_tune = next(o.name for o in sample.options if o.fine_tuned)
    at.radio(key="plan_sure_fine_tune").set_value(fine_tune).run()
    label = "Savings at the horizon, median"
    sample_shown = next(m.value for m in at.metric if m.label == label)
    data = b"\n".join(dataset_path(default_scenario()).read_bytes().splitlines()[:6] * 2) + b"\n"
    at.switch_page("ui/page_dataset.py").run()
    at.file_uploader(key="dataset_upload").upload("mine.jsonl", data, "application/jsonl").run()
    at.switch_page("ui/page_plan.py").run()
    assert not at.exception, at.exception
    assert at.session_state["plan_sure_fine_tune"] == fine_tune
    mine = measured_plan(scenario, DAY, upload=("mine.jsonl", data))
    was = analyse(scenario, sample, fine_tuned=fine_tune, against=sample.compare_with)
    now = analyse(scenario, mine, fine_tuned=fine_tune, against=mine.compare_with)
    assert format_usd(was.odds.savings_p50) == sample_shown
    assert now.odds.savings_p50 != was.odds.savings_p50
    assert next(m.value for m in at.metric if m.label == label) == format_usd(now.odds.savings_p50)
