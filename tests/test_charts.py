"""The app's charts are valid Vega-Lite (checked here, not on every rerun: ui.charts.draw skips Altair's schema
check), and skipping the check changes nothing Streamlit sends to the browser."""

from __future__ import annotations

import datetime as dt
import json

import altair as alt
import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from ftcost import i18n, views
from ftcost.engine import uncertainty as u
from ftcost.measure_training import measured_plan
from ftcost.money import Display
from ftcost.pricing.fx import display_for
from ftcost.scenario import DisplaySettings, default_scenario, gallery, load_scenario
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


# --- the Plan page's charts are sent from templates: what is sent is what st.altair_chart sends ----------------

LANGUAGES = ("en", "zh-Hant")
CURRENCIES = ("USD", "TWD")


def plan_page_drawings(scenario, language: str, currency: str) -> dict[str, charts.Drawing]:
    """The six charts of the Plan page as the page makes them (ui/page_plan.py, ui/plan_uncertainty.py), for
    `scenario` shown in `language` and `currency`: one Drawing per fine-tune for the uncertainty charts and one
    "month by month" chart per option."""
    scenario = scenario.model_copy(update={"display": DisplaySettings(language=language, currency=currency)})
    day = scenario.as_of or DAY  # the page's price date: the scenario's own, else today
    plan = measured_plan(scenario, day)
    assert views.base_options(plan), "the page stops before its charts without a base option"
    with i18n.use(language):
        money, _found = display_for(scenario.display, day, i18n.locale(language))
        drawings = {
            "a month": charts.stacked_totals_drawing(
                month_breakdown_frame(plan, money), money.currency, "A month ({currency})"
            ),
            "horizon": charts.stacked_totals_drawing(views.horizon_breakdown_frame(plan, money), money.currency),
        }
        frame = views.breakdown_frame(plan, money)
        for option in dict.fromkeys(frame.option):
            drawings[f"months of {option}"] = charts.stacked_months_drawing(frame[frame.option == option], currency)
        fine_tunes = [o.name for o in plan.options if o.fine_tuned]
        for fine_tune in fine_tunes or [None]:
            how = u.analyse(scenario, plan, fine_tuned=fine_tune, against=plan.compare_with) if fine_tune else None
            drawings[f"cumulative, {fine_tune}"] = charts.cumulative_drawing(
                views.cumulative_frame(plan, money),
                views.break_even_frame(plan, plan.compare_with, money),
                plan.horizon_months,
                views.go_live_frame(plan),
                plan_uncertainty.band(how, money),
                money.currency,
            )
            if how is None:
                continue
            tornado = vu.tornado_frame(how, money)
            if not tornado.empty:
                drawings[f"tornado, {fine_tune}"] = plan_uncertainty.tornado_drawing(tornado, money.currency)
            if (s := how.sensitivity) is not None:
                drawings[f"sensitivity, {fine_tune}"] = plan_uncertainty.sensitivity_drawing(
                    vu.sensitivity_frame(how, money),
                    vu.assumption_label(s.label),
                    s.break_even.value,
                    vu.break_even_text(how, money),
                    money.currency,
                )
    return drawings


def sent(draw, language: str, monkeypatch) -> list[tuple]:
    """What Streamlit enqueues for the browser when `draw()` runs (bare mode, no script run): each element's
    type, its proto's bytes and its layout."""
    import streamlit.delta_generator as delta_generator

    seen: list[tuple] = []

    def record(self, delta_type, element_proto, layout_config=None, has_one_shot_effect=False, agent_props=None):
        seen.append((delta_type, element_proto.SerializeToString(deterministic=True), layout_config, agent_props))
        return self

    with monkeypatch.context() as m:
        m.setattr(delta_generator.DeltaGenerator, "_enqueue", record)
        with i18n.use(language):
            draw()
    return seen


CASES = [(name, language, currency) for name in sorted(gallery()) for language in LANGUAGES for currency in CURRENCIES]


@pytest.mark.parametrize(("name", "language", "currency"), CASES)
def test_each_plan_page_chart_sent_from_its_template_is_the_altair_charts(name, language, currency, monkeypatch):
    scenario = load_scenario(gallery()[name])
    drawings = plan_page_drawings(scenario, language, currency)
    assert {key.split(",")[0].split(" of ")[0] for key in drawings} >= {"a month", "horizon", "months", "cumulative"}
    for key, drawing in drawings.items():
        altair = sent(lambda d=drawing: st.altair_chart(d.chart(), width="stretch"), language, monkeypatch)
        templated = sent(lambda d=drawing: charts.draw(d), language, monkeypatch)
        again = sent(lambda d=drawing: charts.draw(d), language, monkeypatch)  # now from the stored template
        assert len(altair) == 1 and altair[0][0] == "vega_lite_chart", key
        assert templated == altair, (name, language, currency, key)
        assert again == altair, (name, language, currency, key)
        with i18n.use(language):
            assert drawing.spec() is not None, (key, "drawn without a template: two of its frames have the same rows")
            assert drawing.chart().to_dict(validate=True)


def test_a_template_serves_another_scenarios_rows_and_a_new_shape_gets_its_own(monkeypatch):
    """Two plans of the same shape (only the volume differs) share a template and each is sent with its own rows;
    a plan whose options differ gets a template of its own; what is sent is the Altair chart's every time."""
    scenario = default_scenario()
    busier = scenario.model_copy(
        update={
            "workload": scenario.workload.model_copy(
                update={"requests_per_month": 3 * scenario.workload.requests_per_month}
            )
        }
    )
    fewer = scenario.model_copy(update={"option": scenario.option[:2]})
    charts._TEMPLATES.clear()
    specs = []
    for s in (scenario, busier, fewer):
        drawing = plan_page_drawings(s, "en", "USD")["horizon"]
        specs.append(drawing.spec())
        assert sent(lambda d=drawing: charts.draw(d), "en", monkeypatch) == sent(
            lambda d=drawing: st.altair_chart(d.chart(), width="stretch"), "en", monkeypatch
        )
    assert len(charts._TEMPLATES) == 2  # the busier plan reused the first one's
    assert specs[0] is not None and specs[1] is not None
    assert specs[0]["datasets"].keys() != specs[1]["datasets"].keys()  # other rows, other datasets


def test_a_drawing_the_template_cannot_tell_apart_is_built_with_altair(monkeypatch):
    """Two frames with the same rows have one dataset name, and a name in the chart spelt like a placeholder
    would be replaced too: neither is sent from a template, and both are still drawn as Altair draws them."""
    sneaky = charts.stacked_totals_drawing(
        views.horizon_breakdown_frame(measured_plan(default_scenario(), DAY), Display()), "USD", "ftcost-frame-0"
    )
    assert charts._slot(0) == '"ftcost-frame-0"' and sneaky.spec() is None
    assert sent(lambda: charts.draw(sneaky), "en", monkeypatch) == sent(
        lambda: st.altair_chart(sneaky.chart(), width="stretch"), "en", monkeypatch
    )
    frame = pd.DataFrame({"x": [0]})
    drawing = charts.Drawing(
        lambda frames: alt.layer(*(alt.Chart(f).mark_rule() for f in frames)), (frame, frame.copy()), ()
    )
    assert drawing.spec() is None


def test_the_cumulative_chart_keeps_its_legend_and_each_band_its_options_colour():
    # The shaded P10-P90 band is a layer of its own. Its colour once had a scale of other colours and legend=None:
    # the layers' merged colour scale took both, so the chart showed seven lines and no legend saying which is which
    # (its caption says "click a legend entry"), and a band had another option's colour.
    spec = every_chart()["cumulative"].to_dict()
    colours = [layer["encoding"]["color"] for layer in spec["layer"] if "color" in layer.get("encoding", {})]
    assert len(colours) >= 2  # the band and the lines
    assert all(c.get("legend", {}) is not None for c in colours)  # no layer removes the legend
    assert len({json.dumps(c["scale"], sort_keys=True) for c in colours}) == 1  # one scale: each option one colour
    (legend,) = [c["legend"] for c in colours if c.get("legend")]
    assert legend["orient"] == "bottom"
    options = colours[0]["scale"]["domain"]
    assert spec["height"] >= 460 + charts.LEGEND_ROW * len(options)  # the plot keeps its height below the legend
