"""The app's charts are valid Vega-Lite (checked here, not on every rerun: ui.charts.draw skips Altair's schema
check), and skipping the check changes nothing Streamlit sends to the browser."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from ftcost import views
from ftcost.engine import uncertainty as u
from ftcost.measure_training import measured_plan
from ftcost.money import Display
from ftcost.scenario import default_scenario
from ftcost.views import uncertainty as vu
from ftcost.views.plan import month_breakdown_frame
from ui import charts, plan_uncertainty

DAY = dt.date(2026, 12, 2)


def every_chart() -> dict:
    """Each chart the app draws, from the library's frames for the default scenario (and small frames for the
    Dataset and Prices pages')."""
    scenario = default_scenario()
    plan = measured_plan(scenario, DAY)
    how = u.analyse(scenario, plan)
    money = Display()
    s = how.sensitivity
    assert s is not None
    frame = views.breakdown_frame(plan, money)
    return {
        "a month": charts.stacked_totals(month_breakdown_frame(plan, money), "USD", "A month ({currency})"),
        "cumulative": charts.cumulative(
            views.cumulative_frame(plan, money),
            views.break_even_frame(plan, plan.compare_with, money),
            plan.horizon_months,
            views.go_live_frame(plan),
            vu.band_frame(how, money),
            "USD",
        ),
        "tornado": plan_uncertainty.tornado(vu.tornado_frame(how, money), "USD"),
        "sensitivity": plan_uncertainty.sensitivity(
            vu.sensitivity_frame(how, money), s.label, s.break_even.value, vu.break_even_text(how, money), "USD"
        ),
        "horizon": charts.stacked_totals(views.horizon_breakdown_frame(plan, money), "USD"),
        "months": charts.stacked_months(frame[frame.option == frame.option.iloc[0]], "USD"),
        "histogram": charts.histogram(pd.DataFrame({"tokens": [10, 20, 30, 400]}), 500, "limit"),
        "histogram, limit off the chart": charts.histogram(
            pd.DataFrame({"tokens": [10, 20, 30]}), 5000, "limit", draw_limit=False
        ),
        "prices": charts.price_steps(
            pd.DataFrame(
                {
                    "date": pd.to_datetime(["2026-01-01", "2026-02-01"]),
                    "usd": [1.0, 2.0],
                    "series": ["input", "input"],
                    "segment": ["input 0", "input 0"],
                    "from": ["2026-01-01", "2026-02-01"],
                    "until": ["2026-02-01", ""],
                    "usd_text": ["$1.00", "$2.00"],
                }
            )
        ),
    }


@pytest.mark.parametrize("name", list(every_chart()))
def test_every_chart_is_valid_vega_lite(name):
    chart = every_chart()[name]
    assert chart.to_dict(validate=True)  # raises on a spec the schema refuses
    assert charts.unvalidated(chart).to_dict(validate=True) == chart.to_dict(validate=True)


def _two_ways(name: str) -> None:
    """A script (AppTest runs it on its own): the chart through st.altair_chart as it is, then through draw."""
    import streamlit as st
    from test_charts import every_chart

    from ui import charts as c

    st.altair_chart(every_chart()[name], width="stretch")
    c.draw(every_chart()[name])


@pytest.mark.parametrize("name", ["cumulative", "tornado", "prices"])
def test_a_chart_drawn_unchecked_sends_the_checked_charts_spec(name):
    at = AppTest.from_function(_two_ways, args=(name,), default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    checked, unchecked = at.get("vega_lite_chart")
    assert checked.proto.spec and unchecked.proto.spec == checked.proto.spec
    assert unchecked.proto.use_container_width == checked.proto.use_container_width
    assert [(d.name, d.data.data) for d in unchecked.proto.datasets] == [
        (d.name, d.data.data) for d in checked.proto.datasets
    ]
