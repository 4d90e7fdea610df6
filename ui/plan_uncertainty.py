"""The Plan page's "How sure is this?": the chance of payback over the scenario's ranges, the P10–P90 spread,
what drives the answer (tornado, the top driver's line, what would have to be true), and the ranges editor.

Layout only: every figure comes from ftcost.engine.uncertainty through ftcost.views.uncertainty.
"""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st
from pydantic import ValidationError

from ftcost.data import describe_validation_error
from ftcost.engine.results import Plan
from ftcost.engine.uncertainty import Uncertainty, analyse
from ftcost.errors import ScenarioError
from ftcost.money import Display
from ftcost.scenario import Scenario, dump_scenario
from ftcost.text import markdown as md
from ftcost.views import uncertainty as vu
from ui import state

FINE_TUNE = "plan_sure_fine_tune"
RANGES = "plan_ranges_editor"


@st.cache_data(max_entries=32, show_spinner="Drawing the ranges…")
def _analysis(scenario_toml: str, as_of: str, fine_tuned: str | None, against: str | None,
              _scenario: Scenario, _plan: Plan) -> Uncertainty | None:
    return analyse(_scenario, _plan, fine_tuned=fine_tuned, against=against)


def analysis(plan: Plan, against: str | None) -> Uncertainty | None:
    """The simulation for the fine-tune chosen in this section against the page's comparison (cached per scenario)."""
    scenario = state.shareable()
    fine_tunes = [o.name for o in plan.options if o.fine_tuned]
    if not fine_tunes:
        return None
    if st.session_state.get(FINE_TUNE) not in fine_tunes:
        st.session_state[FINE_TUNE] = plan.pilot.option if plan.pilot else fine_tunes[0]
    return _analysis(dump_scenario(scenario), plan.as_of.isoformat(), st.session_state[FINE_TUNE], against,
                     scenario, plan)


def band(how: Uncertainty | None, money: Display | None = None) -> pd.DataFrame | None:
    """The P10–P90 band for the cumulative chart, when some assumption is a range (in `money`'s currency)."""
    return vu.band_frame(how, money) if how is not None and how.result.ranged else None


def band_caption(how: Uncertainty | None) -> None:
    if how is not None and how.result.ranged:
        st.caption(f"Shaded: the P10–P90 spread of {md(how.fine_tuned)} and {md(how.against)} over {how.result.draws:,} "
                   "draws of the ranges (see *How sure is this?* below).")


def tornado(frame: pd.DataFrame) -> alt.LayerChart | alt.FacetChart:
    """Savings at the horizon as each assumption moves across its range alone: a bar from the likely savings to
    each end, largest swing at the top."""
    order = list(dict.fromkeys(frame.sort_values("order").assumption))
    base = alt.Chart(frame).encode(
        y=alt.Y("assumption:N", sort=order, title=None, axis=alt.Axis(labelLimit=320)),
        tooltip=[alt.Tooltip("assumption:N", title="Assumption"), alt.Tooltip("end:N", title="End of its range"),
                 alt.Tooltip("value_text:N", title="Value"), alt.Tooltip("savings_text:N", title="Savings"),
                 alt.Tooltip("swing_text:N", title="Swing")],
    )
    bars = base.mark_bar(height=14).encode(
        x=alt.X("savings:Q", title="Savings at the horizon (US dollars)", axis=alt.Axis(format="$,.0f")),
        x2="likely:Q",
        color=alt.Color("end:N", title="Assumption at its", scale=alt.Scale(domain=["low", "high"],
                                                                            range=["#9ecae9", "#1f77b4"])),
    )
    zero = alt.Chart(pd.DataFrame({"x": [0]})).mark_rule(color="#c62828", strokeDash=[4, 3]).encode(x="x:Q")
    likely = alt.Chart(frame.head(1)).mark_rule(color="#555").encode(x="likely:Q")
    return alt.layer(bars, zero, likely).properties(height=max(120, 34 * len(order)))


def sensitivity(frame: pd.DataFrame, label: str, break_even: float | None, break_even_label: str | None) -> alt.LayerChart | alt.FacetChart:
    line = alt.Chart(frame).mark_line(point=True, strokeWidth=2.5).encode(
        x=alt.X("value:Q", title=label, scale=alt.Scale(zero=False)),
        y=alt.Y("savings:Q", title="Savings at the horizon (US dollars)", axis=alt.Axis(format="$,.0f")),
        tooltip=[alt.Tooltip("value_text:N", title=label), alt.Tooltip("savings_text:N", title="Savings")],
    )
    layers = [line, alt.Chart(pd.DataFrame({"y": [0]})).mark_rule(color="#888").encode(y="y:Q")]
    if break_even is not None and frame.value.min() <= break_even <= frame.value.max():
        marks = pd.DataFrame({"x": [break_even], "label": [break_even_label]})
        layers.append(alt.Chart(marks).mark_rule(color="#2e7d32", strokeDash=[4, 3], strokeWidth=2).encode(
            x="x:Q", tooltip=[alt.Tooltip("label:N", title="Break-even")]))
        layers.append(alt.Chart(marks).mark_text(align="left", dx=6, dy=-8, color="#2e7d32").encode(
            x="x:Q", y=alt.value(12), text="label:N"))
    return alt.layer(*layers).properties(height=300)


def show(plan: Plan, how: Uncertainty | None, against: str) -> None:
    st.subheader("How sure is this?")
    if how is None:
        st.info("There is no fine-tune and base option to compare, so there are no odds to give.")
        return
    fine_tunes = [o.name for o in plan.options if o.fine_tuned]
    if len(fine_tunes) > 1:
        # Radio labels are rendered as Markdown: the names go through the same escaping as every other text.
        st.radio("Fine-tune", fine_tunes, key=FINE_TUNE, horizontal=True, format_func=md,
                 help="Whose odds, drivers and pilot to show; the comparison is the page's (above).")
    o, r = how.odds, how.result
    st.caption(f"{r.draws:,} draws of the ranged assumptions (seed {r.seed}: the same seed gives the same answer), "
               f"each a whole plan of {md(how.fine_tuned)} against {md(against)}. Edit the ranges below.")
    c1, c2, c3 = st.columns(3)
    c1.metric(f"Pays back within {plan.horizon_months} months", vu.chance(o.p_pays_back),
              help="Share of the draws in which the fine-tune's running total drops to or below the comparison's.")
    c2.metric("Savings at the horizon, median", vu.format_usd(o.savings_p50),
              help=f"P10 {vu.format_usd(o.savings_p10)} · P90 {vu.format_usd(o.savings_p90)}")
    c3.metric("Break-even month, median", vu.short_month(o.break_even_p50, plan.horizon_months),
              help=f"P10 {vu.short_month(o.break_even_p10, plan.horizon_months)} · "
                   f"P90 {vu.short_month(o.break_even_p90, plan.horizon_months)}")
    st.markdown("\n".join(f"- {s}" for s in vu.odds_sentences(how, plan.horizon_months, name=md)))

    frame = vu.tornado_frame(how)
    if not frame.empty:
        st.markdown("**What drives the answer**")
        st.caption("Savings at the horizon as each ranged assumption moves from its low to its high end while the "
                   "others stay at their likely values; the grey rule is the likely plan, the red one zero.")
        st.altair_chart(tornado(frame), width="stretch")
    if how.sensitivity is not None:
        s = how.sensitivity
        st.markdown(f"**{md(s.label)}: the savings across its range**")
        st.altair_chart(sensitivity(vu.sensitivity_frame(how), s.label, s.break_even.value, vu.break_even_text(how)),
                        width="stretch")
    with st.expander("What would have to be true"):
        st.caption("The value of each assumption at which the savings at the horizon are zero, the others at their "
                   "likely values.")
        st.dataframe(vu.what_would_have_to_be_true(how), hide_index=True, width="stretch")
    with st.expander("Every fine-tune against every base option"):
        st.dataframe(vu.odds_table(how, plan.horizon_months), hide_index=True, width="stretch")
    ranges_editor()


def ranges_editor() -> None:
    """The ranges table, applied after it is drawn (as ui.inputs.table does: a callback would see only the edit
    state, and AppTest can set only that); a rejected edit starts a fresh editor from the unchanged scenario."""
    with st.expander("Ranges: low / likely / high of each assumption"):
        st.caption("Give an assumption a low and a high end and a distribution to draw it from; \"point\" (or an "
                   "empty end) keeps it a point. The likely value is the one the plan above uses: change it in its "
                   "own input (a range stretches to hold it). Triangular peaks at the likely value, PERT is a "
                   "smoother peak, uniform is flat.")
        ss = st.session_state
        key = f"{RANGES}#{ss.setdefault(RANGES + ':version', 0)}"
        base_key = key + ":base"
        if key not in ss or base_key not in ss or ss.get(key + ":scenario") is not state.current():
            ss[base_key] = vu.range_rows(state.current())
        edited = st.data_editor(
            pd.DataFrame(ss[base_key]), key=key, hide_index=True, width="stretch",
            disabled=["Assumption", "Likely"], column_order=["Assumption", "Low", "Likely", "High", "Distribution"],
            column_config={
                "Low": st.column_config.NumberColumn("Low", help="The lowest value you think plausible."),
                "Likely": st.column_config.NumberColumn("Likely", help="The plan's point value."),
                "High": st.column_config.NumberColumn("High", help="The highest value you think plausible."),
                "Distribution": st.column_config.SelectboxColumn("Distribution", options=vu.DISTRIBUTIONS,
                                                                 required=True),
            },
        )
        ss[key + ":scenario"] = state.current()
        rows = edited.to_dict("records")
        try:
            scenario = vu.with_ranges(state.current(), rows)
        except ValidationError as exc:
            _rejected(describe_validation_error(exc, "Ranges") + " The previous ranges are kept.")
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
