"""Prices: OpenAI's prices on a date, each with its source; how a model's prices moved; what changed."""

from __future__ import annotations

import streamlit as st

from ftcost import i18n, pricing, views
from ftcost.i18n import N_, _
from ftcost.pricing.providers import load_providers
from ui import charts, state

PATTERN = "prices_pattern"
TIER = "prices_tier"
HISTORY_MODEL = "prices_history_model"
HISTORY_TIER = "prices_history_tier"
FROM, TO = "prices_from", "prices_to"
LANG = i18n.language()  # bound into format functions, which AppTest calls outside the run
TIERS = {"": N_("All tiers"), "standard": N_("Standard"), "batch": N_("Batch")}
PRICE_COLUMNS = {
    "Model": st.column_config.TextColumn(_("Model")),
    "Kind": st.column_config.TextColumn(_("Kind")),
    "Tier": st.column_config.TextColumn(_("Tier")),
    "Since": st.column_config.TextColumn(_("Since")),
    "Until": st.column_config.TextColumn(_("Until")),
    "Source": st.column_config.LinkColumn(_("Source"), display_text="source", help=_("Where the price was published.")),
    "Input": st.column_config.TextColumn(_("Input"), help=_("US dollars per 1M input tokens.")),
    "Cached input": st.column_config.TextColumn(_("Cached input"), help=_("US dollars per 1M cached input tokens.")),
    "Output": st.column_config.TextColumn(_("Output"), help=_("US dollars per 1M output tokens.")),
    "Training": st.column_config.TextColumn(_("Training"), help=_("US dollars per 1M training tokens (or per hour).")),
    "Checked": st.column_config.TextColumn(_("Checked"), help=_("The day ftcost last checked the price at its source.")),
    "Confirmed": st.column_config.CheckboxColumn(_("Confirmed"), help=_("Unticked: the sources could not confirm "
                                                 "this price; pricing/ says what was assumed.")),
}

as_of = state.price_date()
st.title(_("Prices"))
st.caption(_("From ftcost's dated tables in pricing/: every price with the day it took effect, the day it ended, "
             "and where it was published. A price that was not offered shows “—”, never $0. Prices stay in US "
             "dollars, as published."))

PROVIDER = "prices_provider"
choices = views.provider_choices()
st.selectbox(_("Provider"), list(choices), format_func=choices.get, key=PROVIDER,
             help=_("OpenAI's dated tables, or a provider that still offers fine-tuning (or stopped), from pricing/providers/."))
if st.session_state.get(PROVIDER, "openai") != "openai":
    with state.stop_on_error():
        chosen = load_providers().get(st.session_state[PROVIDER])
    st.info(views.provider_status(chosen, as_of))
    st.subheader(_("Rates in force on {date}").format(date=as_of.isoformat()))
    st.dataframe(views.provider_rate_frame(chosen, as_of), hide_index=True, width="stretch",
                 column_config={"Source": PRICE_COLUMNS["Source"], "Confirmed": PRICE_COLUMNS["Confirmed"]})
    st.subheader(_("Models"))
    st.dataframe(views.provider_model_frame(chosen), hide_index=True, width="stretch")
    if chosen.absent:
        st.subheader(_("Looked for and not found"))
        st.caption(_("Never shown as $0: a scenario can carry the team's own figure as a [[rate]]."))
        st.dataframe(views.provider_absent_frame(chosen), hide_index=True, width="stretch")
    st.subheader(_("Sources"))
    st.dataframe(views.provider_source_frame(chosen), hide_index=True, width="stretch",
                 column_config={"Source": st.column_config.LinkColumn(_("Source"))})
    st.stop()

st.subheader(_("In force on {date}").format(date=as_of.isoformat()))
c1, c2 = st.columns([3, 1])
c1.text_input(_("Model"), key=PATTERN, placeholder=_("all models — or e.g. gpt-4o*, gpt-3.5-turbo, ft:gpt-4o-mini"),
              help=_("A snapshot id, an alias (gpt-3.5-turbo), a fine-tuned name (ft:BASE) or a pattern with * ."))
c2.selectbox(_("Tier"), list(TIERS), format_func=lambda t: i18n.gettext(TIERS[t], LANG), key=TIER,
             help=_("Standard API prices, or the Batch API's (half price for models that offer it)."))
pattern = st.session_state.get(PATTERN) or None
with state.stop_on_error():
    rows = pricing.table(as_of, pattern, st.session_state.get(TIER) or None)
st.dataframe(views.price_frame(rows), hide_index=True, width="stretch", column_config=PRICE_COLUMNS)
st.caption(_("Prices in US dollars per 1M tokens."))

st.subheader(_("Price history"))
with state.stop_on_error():
    everything = pricing.history()
models = views.priced_models(everything, pricing.load_pricing().aliases)
scenario_models = views.fine_tuned_bases(state.current(), as_of)
if st.session_state.get(HISTORY_MODEL) not in models:
    st.session_state[HISTORY_MODEL] = scenario_models[0] if scenario_models else models[0]
c1, c2 = st.columns([3, 1])
c1.selectbox(_("Model"), models, key=HISTORY_MODEL,
             help="A snapshot, or an alias (listed after the snapshots: every snapshot it has pointed to). Defaults "
             "to the scenario's first fine-tuned base model.")
st.session_state.setdefault(HISTORY_TIER, "standard")
c2.selectbox(_("Tier"), ["standard", "batch"], key=HISTORY_TIER, format_func=lambda t: i18n.gettext(t.capitalize(), LANG),
             help=_("Which tier's prices to chart."))
with state.stop_on_error():
    history = pricing.history(st.session_state[HISTORY_MODEL])
frame = views.history_frame(
    [r for r in history if r.kind != "training_hour" and r.tier == st.session_state[HISTORY_TIER]], as_of)
if frame.empty:
    st.info(_("No per-token prices recorded for this model."))
else:
    st.altair_chart(charts.price_steps(frame), width="stretch")
st.dataframe(views.price_frame(history), hide_index=True, width="stretch", column_config=PRICE_COLUMNS)

st.subheader(_("What changed between two dates"))
with state.stop_on_error():
    versions = pricing.price_versions()
default_from, default_to = views.diff_dates(versions, as_of)
st.session_state.setdefault(FROM, default_from)
st.session_state.setdefault(TO, default_to)
c1, c2 = st.columns(2)
c1.date_input(_("From"), key=FROM, format="YYYY-MM-DD",
              help="Defaults to a year before the price date (or the day before the last change, if none is that "
              "recent).")
c2.date_input(_("To"), key=TO, format="YYYY-MM-DD", help=_("Defaults to the sidebar's price date."))
with state.stop_on_error():
    changes = pricing.diff(st.session_state[FROM], st.session_state[TO], pattern)
if changes:
    st.dataframe(views.diff_frame(changes), hide_index=True, width="stretch",
                 column_config={"Source": st.column_config.LinkColumn(_("Source"), display_text="source")})
else:
    st.info(_("No price changed between these dates."))
st.caption(f"All {len(versions)} days on which some price changed: " + ", ".join(d.isoformat() for d in versions) + ".")
