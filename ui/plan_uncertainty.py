"""The Plan page's "How sure is this?": the chance of payback over the scenario's ranges, the P10–P90 spread,
what drives the answer (tornado, the top driver's line, what would have to be true), and the ranges editor.

Layout only: every figure comes from ftcost.engine.uncertainty through ftcost.views.uncertainty.
"""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st
from pydantic import ValidationError

from ftcost import report
from ftcost.data import describe_validation_error
from ftcost.engine.results import Plan
from ftcost.engine.uncertainty import Uncertainty, analyse
from ftcost.errors import ScenarioError
from ftcost.i18n import _, number, share_percent
from ftcost.money import Display
from ftcost.scenario import Scenario
from ftcost.text import markdown as md
from ftcost.views import uncertainty as vu
from ui import cached, charts, state
from ui.charts import _money_axis

FINE_TUNE = "plan_sure_fine_tune"
RANGES = "plan_ranges_editor"


@st.cache_data(max_entries=32, ttl=cached.TTL, show_spinner=False)
def _analysis(
    plan_key: tuple, fine_tuned: str | None, against: str | None, _scenario: Scenario, _plan: Plan
) -> Uncertainty | None:
    return analyse(_scenario, _plan, fine_tuned=fine_tuned, against=against)


def analysis(plan: Plan, against: str | None, plan_key: tuple) -> Uncertainty | None:
    """The simulation for the fine-tune chosen in this section against the page's comparison, cached by what the
    plan is made from (`plan_key`, ui.cached's: the scenario's text, the price date, the measured training
    inputs)."""
    scenario = cached.plan_scenario()
    fine_tunes = [o.name for o in plan.options if o.fine_tuned]
    if not fine_tunes:
        return None
    if st.session_state.get(FINE_TUNE) not in fine_tunes:
        st.session_state[FINE_TUNE] = plan.pilot.option if plan.pilot else fine_tunes[0]
    with st.spinner(_("Drawing the ranges…")):  # not the cache's spinner: its text is fixed at import
        return _analysis(plan_key, st.session_state[FINE_TUNE], against, scenario, plan)


def band(how: Uncertainty | None, money: Display | None = None) -> pd.DataFrame | None:
    """The P10–P90 band for the cumulative chart, when some assumption is a range (in `money`'s currency, the
    session's when none is given)."""
    if how is None or not how.result.ranged:
        return None
    return vu.band_frame(how, money if money is not None else _money())


def _money():
    """The session's display currency (the same Display the rest of the page uses)."""
    return state.money()[0]


def band_caption(how: Uncertainty | None) -> None:
    if how is not None and how.result.ranged:
        st.caption(
            _(
                "Shaded: the P10–P90 spread of {fine_tune} and {against} over {draws} draws of the ranges (see "
                "*How sure is this?* below)."
            ).format(fine_tune=md(how.fine_tuned), against=md(how.against), draws=number(how.result.draws))
        )


def tornado(frame: pd.DataFrame, currency: str = "USD") -> alt.LayerChart | alt.FacetChart:
    """Savings at the horizon as each assumption moves across its range alone: a bar from the likely savings to
    each end, largest swing at the top."""
    drawing = tornado_drawing(frame, currency)
    return _tornado(drawing.frames, *drawing.shape)


def tornado_drawing(frame: pd.DataFrame, currency: str = "USD") -> charts.Drawing:
    """`tornado` as a charts.Drawing (what the page draws)."""
    order = tuple(dict.fromkeys(frame.sort_values("order").assumption))
    return charts.Drawing(_tornado, (frame, pd.DataFrame({"x": [0]}), frame.head(1)), (currency, order))


def _tornado(frames, currency: str, order: tuple[str, ...]) -> alt.LayerChart | alt.FacetChart:
    frame, zero_frame, likely_frame = frames
    base = alt.Chart(frame).encode(
        y=alt.Y("assumption:N", sort=list(order), title=None, axis=alt.Axis(labelLimit=320)),
        tooltip=[
            alt.Tooltip("assumption:N", title=_("Assumption")),
            alt.Tooltip("end_text:N", title=_("End of its range")),
            alt.Tooltip("value_text:N", title=_("Value")),
            alt.Tooltip("savings_text:N", title=_("Savings")),
            alt.Tooltip("swing_text:N", title=_("Swing")),
        ],
    )
    bars = base.mark_bar(height=14).encode(
        x=alt.X("savings:Q", axis=_money_axis(_("Savings at the horizon ({currency})"), currency)),
        x2=alt.X2("likely:Q"),
        color=alt.Color(
            "end_text:N",
            title=_("Assumption at its"),
            scale=alt.Scale(domain=[_("low"), _("high")], range=["#9ecae9", "#1f77b4"]),
        ),
    )
    zero = alt.Chart(zero_frame).mark_rule(color="#c62828", strokeDash=[4, 3]).encode(x=alt.X("x:Q"))
    likely = alt.Chart(likely_frame).mark_rule(color="#555").encode(x=alt.X("likely:Q"))
    return alt.layer(bars, zero, likely, height=max(120, 34 * len(order)))


def sensitivity(
    frame: pd.DataFrame, label: str, break_even: float | None, break_even_label: str | None, currency: str = "USD"
) -> alt.LayerChart | alt.FacetChart:
    drawing = sensitivity_drawing(frame, label, break_even, break_even_label, currency)
    return _sensitivity(drawing.frames, *drawing.shape)


def sensitivity_drawing(
    frame: pd.DataFrame, label: str, break_even: float | None, break_even_label: str | None, currency: str = "USD"
) -> charts.Drawing:
    """`sensitivity` as a charts.Drawing (what the page draws)."""
    frames: tuple[pd.DataFrame, ...] = (frame, pd.DataFrame({"y": [0]}))
    marked = bool(break_even is not None and frame.value.min() <= break_even <= frame.value.max())
    if marked:
        frames += (pd.DataFrame({"x": [break_even], "label": [break_even_label]}),)
    return charts.Drawing(_sensitivity, frames, (label, currency, marked))


def _sensitivity(frames, label: str, currency: str, marked: bool) -> alt.LayerChart | alt.FacetChart:
    line = (
        alt.Chart(frames[0])
        .mark_line(point=True, strokeWidth=2.5)
        .encode(
            x=alt.X("value:Q", title=label, scale=alt.Scale(zero=False)),
            y=alt.Y("savings:Q", axis=_money_axis(_("Savings at the horizon ({currency})"), currency)),
            tooltip=[alt.Tooltip("value_text:N", title=label), alt.Tooltip("savings_text:N", title=_("Savings"))],
        )
    )
    layers = [line, alt.Chart(frames[1]).mark_rule(color="#888").encode(y=alt.Y("y:Q"))]
    if marked:
        marks = frames[2]
        layers.append(
            alt.Chart(marks)
            .mark_rule(color="#2e7d32", strokeDash=[4, 3], strokeWidth=2)
            .encode(x=alt.X("x:Q"), tooltip=[alt.Tooltip("label:N", title=_("Break-even"))])
        )
        layers.append(
            alt.Chart(marks)
            .mark_text(align="left", dx=6, dy=-8, color="#2e7d32")
            .encode(x=alt.X("x:Q"), y=alt.YValue(12), text=alt.Text("label:N"))
        )
    return alt.layer(*layers, height=300)


def show(plan: Plan, how: Uncertainty | None, against: str) -> None:
    st.subheader(_("How sure is this?"))
    if how is None:
        st.info(_("There is no fine-tune and base option to compare, so there are no odds to give."))
        return
    money = _money()
    h = plan.horizon_months
    fine_tunes = [o.name for o in plan.options if o.fine_tuned]
    if len(fine_tunes) > 1:
        # Radio labels are rendered as Markdown: the names go through the same escaping as every other text.
        st.radio(
            _("Fine-tune"),
            fine_tunes,
            key=FINE_TUNE,
            horizontal=True,
            format_func=md,
            help=_("Whose odds, drivers and pilot to show; the comparison is the page's (above)."),
        )
    o, r = how.odds, how.result
    st.caption(
        _(
            "{draws} draws of the ranged assumptions (seed {seed}: the same seed gives the same answer), each a "
            "whole plan of {fine_tune} against {against}. Edit the ranges below."
        ).format(draws=number(r.draws), seed=r.seed, fine_tune=md(how.fine_tuned), against=md(against))
    )
    c1, c2, c3 = st.columns(3)
    c1.metric(
        _("Pays back within {months}").format(months=report.months(h)),
        share_percent(o.p_pays_back),
        help=_("Share of the draws in which the fine-tune's running total drops to or below the comparison's."),
    )
    c2.metric(
        _("Savings at the horizon, median"),
        money.amount(o.savings_p50),
        help=_("P10 {p10} · P90 {p90}").format(p10=money.amount(o.savings_p10), p90=money.amount(o.savings_p90)),
    )
    c3.metric(
        _("Break-even month, median"),
        vu.short_month(o.break_even_p50, h),
        help=_("P10 {p10} · P90 {p90}").format(
            p10=vu.short_month(o.break_even_p10, h), p90=vu.short_month(o.break_even_p90, h)
        ),
    )
    st.markdown("\n".join(f"- {s}" for s in vu.odds_sentences(how, h, name=md, money=money)))

    frame = vu.tornado_frame(how, money)
    if not frame.empty:
        st.markdown("**" + _("What drives the answer") + "**")
        st.caption(
            _(
                "Savings at the horizon as each ranged assumption moves from its low to its high end while the "
                "others stay at their likely values; the grey rule is the likely plan, the red one zero."
            )
        )
        charts.draw(tornado_drawing(frame, money.currency))
    if how.sensitivity is not None:
        s = how.sensitivity
        label = vu.assumption_label(s.label)
        st.markdown("**" + _("{assumption}: the savings across its range").format(assumption=md(label)) + "**")
        charts.draw(
            sensitivity_drawing(
                vu.sensitivity_frame(how, money),
                label,
                s.break_even.value,
                vu.break_even_text(how, money),
                money.currency,
            )
        )
    with st.expander(_("What would have to be true")):
        st.caption(
            _(
                "The value of each assumption at which the savings at the horizon are zero, the others at their "
                "likely values."
            )
        )
        st.dataframe(vu.what_would_have_to_be_true(how, money), hide_index=True, width="stretch")
    with st.expander(_("Every fine-tune against every base option")):
        st.dataframe(vu.odds_table(how, h, money), hide_index=True, width="stretch")
    ranges_editor()


def ranges_editor() -> None:
    """The ranges table, applied after it is drawn (as ui.inputs.table does: a callback would see only the edit
    state, and AppTest can set only that); a rejected edit starts a fresh editor from the unchanged scenario."""
    with st.expander(_("Ranges: low / likely / high of each assumption")):
        st.caption(
            _(
                'Give an assumption a low and a high end and a distribution to draw it from; "point" (or an '
                "empty end) keeps it a point. The likely value is the one the plan above uses: change it in its "
                "own input (a range stretches to hold it). Triangular peaks at the likely value, PERT is a "
                "smoother peak, uniform is flat."
            )
        )
        ss = st.session_state
        key = f"{RANGES}#{ss.setdefault(RANGES + ':version', 0)}"
        base_key = key + ":base"
        if key not in ss or base_key not in ss or ss.get(key + ":scenario") is not state.current():
            ss[base_key] = vu.range_rows(state.current())
        edited = st.data_editor(
            pd.DataFrame(ss[base_key]),
            key=key,
            hide_index=True,
            width="stretch",
            disabled=["Assumption", "Likely"],
            column_order=["Assumption", "Low", "Likely", "High", "Distribution"],
            column_config={  # the columns keep their English keys; their headings are in the reader's language
                "Assumption": st.column_config.TextColumn(_("Assumption")),
                "Low": st.column_config.NumberColumn(_("Low"), help=_("The lowest value you think plausible.")),
                "Likely": st.column_config.NumberColumn(_("Likely"), help=_("The plan's point value.")),
                "High": st.column_config.NumberColumn(_("High"), help=_("The highest value you think plausible.")),
                "Distribution": st.column_config.SelectboxColumn(
                    _("Distribution"), options=vu.DISTRIBUTIONS, required=True
                ),
            },
        )
        ss[key + ":scenario"] = state.current()
        rows = edited.to_dict("records")
        try:
            scenario = vu.with_ranges(state.current(), rows)
        except ValidationError as exc:
            _rejected(describe_validation_error(exc, "Ranges") + " " + _("The previous ranges are kept."))
            return
        except ScenarioError as exc:
            _rejected(str(exc))
            return
        if scenario != state.current():
            ss[state.SCENARIO] = scenario
            ss[key + ":scenario"] = scenario
            st.rerun()


def _rejected(message: str) -> None:
    ss = st.session_state
    ss[state.EDIT_ERROR] = message
    ss[RANGES + ":version"] += 1
    st.rerun()
