"""Prices: OpenAI's prices on a date, each with its source; how a model's prices moved; what changed."""

from __future__ import annotations

import streamlit as st

from ftcost import pricing, views
from ui import charts, state

PATTERN = "prices_pattern"
TIER = "prices_tier"
HISTORY_MODEL = "prices_history_model"
HISTORY_TIER = "prices_history_tier"
FROM, TO = "prices_from", "prices_to"
TIERS = {"": "All tiers", "standard": "Standard", "batch": "Batch"}
PRICE_COLUMNS = {
    "Source": st.column_config.LinkColumn("Source", display_text="source", help="Where the price was published."),
    "Input": st.column_config.TextColumn("Input", help="US dollars per 1M input tokens."),
    "Cached input": st.column_config.TextColumn("Cached input", help="US dollars per 1M cached input tokens."),
    "Output": st.column_config.TextColumn("Output", help="US dollars per 1M output tokens."),
    "Training": st.column_config.TextColumn("Training", help="US dollars per 1M training tokens (or per hour)."),
    "Checked": st.column_config.TextColumn("Checked", help="The day ftcost last checked the price at its source."),
    "Confirmed": st.column_config.CheckboxColumn("Confirmed", help="Unticked: the sources could not confirm "
                                                 "this price; pricing/ says what was assumed."),
}

as_of = state.price_date()
st.title("Prices")
st.caption(f"From ftcost's dated tables in pricing/: every price with the day it took effect, the day it ended, "
           f"and where it was published. A price that was not offered shows “—”, never $0.")

PROVIDER = "prices_provider"
choices = views.provider_choices()
st.selectbox("Provider", list(choices), format_func=choices.get, key=PROVIDER,
             help="OpenAI's dated tables, or a provider that still offers fine-tuning (or stopped), from pricing/providers/.")
if st.session_state.get(PROVIDER, "openai") != "openai":
    from ftcost.pricing.providers import load_providers

    with state.stop_on_error():
        chosen = load_providers().get(st.session_state[PROVIDER])
    st.info(views.provider_status(chosen, as_of))
    st.subheader(f"Rates in force on {as_of.isoformat()}")
    st.dataframe(views.provider_rate_frame(chosen, as_of), hide_index=True, width="stretch",
                 column_config={"Source": PRICE_COLUMNS["Source"], "Confirmed": PRICE_COLUMNS["Confirmed"]})
    st.subheader("Models")
    st.dataframe(views.provider_model_frame(chosen), hide_index=True, width="stretch")
    if chosen.absent:
        st.subheader("Looked for and not found")
        st.caption("Never shown as $0: a scenario can carry the team's own figure as a [[rate]].")
        st.dataframe(views.provider_absent_frame(chosen), hide_index=True, width="stretch")
    st.subheader("Sources")
    st.dataframe(views.provider_source_frame(chosen), hide_index=True, width="stretch",
                 column_config={"Source": st.column_config.LinkColumn("Source")})
    st.stop()

st.subheader(f"In force on {as_of.isoformat()}")
c1, c2 = st.columns([3, 1])
c1.text_input("Model", key=PATTERN, placeholder="all models — or e.g. gpt-4o*, gpt-3.5-turbo, ft:gpt-4o-mini",
              help="A snapshot id, an alias (gpt-3.5-turbo), a fine-tuned name (ft:BASE) or a pattern with * .")
c2.selectbox("Tier", list(TIERS), format_func=TIERS.get, key=TIER,
             help="Standard API prices, or the Batch API's (half price for models that offer it).")
pattern = st.session_state.get(PATTERN) or None
with state.stop_on_error():
    rows = pricing.table(as_of, pattern, st.session_state.get(TIER) or None)
st.dataframe(views.price_frame(rows), hide_index=True, width="stretch", column_config=PRICE_COLUMNS)
st.caption("Prices in US dollars per 1M tokens.")

st.subheader("Price history")
with state.stop_on_error():
    everything = pricing.history()
models = views.priced_models(everything, pricing.load_pricing().aliases)
scenario_models = views.fine_tuned_bases(state.current(), as_of)
if st.session_state.get(HISTORY_MODEL) not in models:
    st.session_state[HISTORY_MODEL] = scenario_models[0] if scenario_models else models[0]
c1, c2 = st.columns([3, 1])
c1.selectbox("Model", models, key=HISTORY_MODEL,
             help="A snapshot, or an alias (listed after the snapshots: every snapshot it has pointed to). Defaults "
             "to the scenario's first fine-tuned base model.")
st.session_state.setdefault(HISTORY_TIER, "standard")
c2.selectbox("Tier", ["standard", "batch"], key=HISTORY_TIER, format_func=str.capitalize,
             help="Which tier's prices to chart.")
with state.stop_on_error():
    history = pricing.history(st.session_state[HISTORY_MODEL])
frame = views.history_frame(
    [r for r in history if r.kind != "training_hour" and r.tier == st.session_state[HISTORY_TIER]], as_of)
if frame.empty:
    st.info("No per-token prices recorded for this model.")
else:
    st.altair_chart(charts.price_steps(frame), width="stretch")
st.dataframe(views.price_frame(history), hide_index=True, width="stretch", column_config=PRICE_COLUMNS)

st.subheader("What changed between two dates")
with state.stop_on_error():
    versions = pricing.price_versions()
default_from, default_to = views.diff_dates(versions, as_of)
st.session_state.setdefault(FROM, default_from)
st.session_state.setdefault(TO, default_to)
c1, c2 = st.columns(2)
c1.date_input("From", key=FROM, format="YYYY-MM-DD",
              help="Defaults to a year before the price date (or the day before the last change, if none is that "
              "recent).")
c2.date_input("To", key=TO, format="YYYY-MM-DD", help="Defaults to the sidebar's price date.")
with state.stop_on_error():
    changes = pricing.diff(st.session_state[FROM], st.session_state[TO], pattern)
if changes:
    st.dataframe(views.diff_frame(changes), hide_index=True, width="stretch",
                 column_config={"Source": st.column_config.LinkColumn("Source", display_text="source")})
else:
    st.info("No price changed between these dates.")
st.caption(f"All {len(versions)} days on which some price changed: " + ", ".join(d.isoformat() for d in versions) + ".")
