"""Prices: OpenAI's prices on a date, each with its source; how a model's prices moved; what changed."""

from __future__ import annotations

import streamlit as st

from ftcost import i18n, pricing, views
from ftcost.i18n import N_, _, ngettext
from ftcost.pricing.fx import rate_sentence
from ftcost.pricing.providers import load_providers
from ftcost.text import markdown as md
from ui import charts, state

PATTERN = "prices_pattern"
TIER = "prices_tier"
HISTORY_MODEL = "prices_history_model"
HISTORY_TIER = "prices_history_tier"
FROM, TO = "prices_from", "prices_to"
LANG = i18n.language()  # bound into format functions, which AppTest calls outside the run
TIERS = {"": N_("All tiers"), "standard": N_("Standard"), "batch": N_("Batch")}
MONEY, RATE_FOUND = state.money()
#: What the prices are in: published in US dollars, shown in the reader's currency when one is chosen.
UNIT = MONEY.currency if MONEY.converted else _("US dollars")
PRICE_COLUMNS = {
    "Model": st.column_config.TextColumn(_("Model")),
    "Kind": st.column_config.TextColumn(_("Kind")),
    "Tier": st.column_config.TextColumn(_("Tier")),
    "Since": st.column_config.TextColumn(_("Since")),
    "Until": st.column_config.TextColumn(_("Until")),
    "Source": st.column_config.LinkColumn(
        _("Source"), display_text=_("source"), help=_("Where the price was published.")
    ),
    "Input": st.column_config.TextColumn(_("Input"), help=_("{unit} per 1M input tokens.").format(unit=UNIT)),
    "Cached input": st.column_config.TextColumn(
        _("Cached input"), help=_("{unit} per 1M cached input tokens.").format(unit=UNIT)
    ),
    "Output": st.column_config.TextColumn(_("Output"), help=_("{unit} per 1M output tokens.").format(unit=UNIT)),
    # Wide enough for a converted price per hour: sized to its two-character header, the column cut it off.
    "Training": st.column_config.TextColumn(
        _("Training"), width=130, help=_("{unit} per 1M training tokens (or per hour).").format(unit=UNIT)
    ),
    "Checked": st.column_config.TextColumn(
        _("Checked"), help=_("The day ftcost last checked the price at its source.")
    ),
    "Confirmed": st.column_config.CheckboxColumn(
        _("Confirmed"), help=_("Unticked: the sources could not confirm this price; pricing/ says what was assumed.")
    ),
}
#: The other tables' English column names (views.prices), shown in the reader's language.
OTHER_COLUMNS = [
    N_("Applies to"),
    N_("Options"),
    N_("Price"),
    N_("Unit"),
    N_("Cap per job"),
    N_("Note"),
    N_("Size"),
    N_("Tokenizer"),
    N_("Methods"),
    N_("Serves on"),
    N_("Training until"),
    N_("Existing customers until"),
    N_("Serving until"),
    N_("Why it is not shown"),
    N_("Key"),
    N_("Title"),
    N_("Publisher"),
    N_("Primary"),
    N_("Change"),
    N_("What"),
]
COLUMNS = {**{name: st.column_config.Column(_(name)) for name in OTHER_COLUMNS}, **PRICE_COLUMNS}
COLUMNS["Primary"] = st.column_config.CheckboxColumn(_("Primary"))


def rate_caption(text: str) -> str:
    """A caption, with the one sentence saying which rate converted the page's prices (when one did)."""
    rate = rate_sentence(MONEY, RATE_FOUND, as_of, on_page=True)
    return text + ("\n\n" + md(rate) if rate else "")


as_of = state.price_date()
st.title(_("Prices"))
st.caption(
    rate_caption(
        _(
            "From ftcost's dated tables in pricing/: every price with the day it took effect, the day it ended, and where it "
            "was published. A price that was not offered shows “—”, never $0. Prices are published in US dollars."
        )
    )
)

PROVIDER = "prices_provider"
choices = views.provider_choices()
st.selectbox(
    _("Provider"),
    list(choices),
    format_func=choices.__getitem__,
    key=PROVIDER,
    help=_("OpenAI's dated tables, or a provider that still offers fine-tuning (or stopped), from pricing/providers/."),
)
if st.session_state.get(PROVIDER, "openai") != "openai":
    with state.stop_on_error():
        chosen = load_providers().get(st.session_state[PROVIDER])
    st.info(views.provider_status(chosen, as_of))
    st.subheader(_("Rates in force on {date}").format(date=as_of.isoformat()))
    st.dataframe(
        views.provider_rate_frame(chosen, as_of, MONEY), hide_index=True, width="stretch", column_config=COLUMNS
    )
    st.subheader(_("Models"))
    st.dataframe(views.provider_model_frame(chosen), hide_index=True, width="stretch", column_config=COLUMNS)
    if chosen.absent:
        st.subheader(_("Looked for and not found"))
        st.caption(_("Never shown as $0: a scenario can carry the team's own figure as a [[rate]]."))
        st.dataframe(views.provider_absent_frame(chosen), hide_index=True, width="stretch", column_config=COLUMNS)
    st.subheader(_("Sources"))
    st.dataframe(
        views.provider_source_frame(chosen),
        hide_index=True,
        width="stretch",
        column_config={**COLUMNS, "Source": st.column_config.LinkColumn(_("Source"))},
    )
    st.stop()

st.subheader(_("In force on {date}").format(date=as_of.isoformat()))
c1, c2 = st.columns([3, 1])
c1.text_input(
    _("Model"),
    key=PATTERN,
    placeholder=_("all models — or e.g. gpt-4o*, gpt-3.5-turbo, ft:gpt-4o-mini"),
    help=_("A snapshot id, an alias (gpt-3.5-turbo), a fine-tuned name (ft:BASE) or a pattern with * ."),
)
c2.selectbox(
    _("Tier"),
    list(TIERS),
    format_func=lambda t: i18n.gettext(TIERS[t], LANG),
    key=TIER,
    help=_("Standard API prices, or the Batch API's (half price for models that offer it)."),
)
pattern = st.session_state.get(PATTERN) or None
with state.stop_on_error():
    rows = pricing.table(as_of, pattern, st.session_state.get(TIER) or None)
st.dataframe(views.price_frame(rows, MONEY), hide_index=True, width="stretch", column_config=PRICE_COLUMNS)
st.caption(_("Prices in {unit} per 1M tokens.").format(unit=UNIT))

st.subheader(_("Price history"))
with state.stop_on_error():
    everything = pricing.history()
models = views.priced_models(everything, pricing.load_pricing().aliases)
scenario_models = views.fine_tuned_bases(state.current(), as_of)
if st.session_state.get(HISTORY_MODEL) not in models:
    st.session_state[HISTORY_MODEL] = scenario_models[0] if scenario_models else models[0]
c1, c2 = st.columns([3, 1])
c1.selectbox(
    _("Model"),
    models,
    key=HISTORY_MODEL,
    help=_(
        "A snapshot, or an alias (listed after the snapshots: every snapshot it has pointed to). Defaults "
        "to the scenario's first fine-tuned base model."
    ),
)
st.session_state.setdefault(HISTORY_TIER, "standard")
c2.selectbox(
    _("Tier"),
    ["standard", "batch"],
    key=HISTORY_TIER,
    format_func=lambda t: i18n.gettext(t.capitalize(), LANG),
    help=_("Which tier's prices to chart."),
)
with state.stop_on_error():
    history = pricing.history(st.session_state[HISTORY_MODEL])
frame = views.history_frame(
    [r for r in history if r.kind != "training_hour" and r.tier == st.session_state[HISTORY_TIER]], as_of
)
if frame.empty:
    st.info(_("No per-token prices recorded for this model."))
else:
    charts.draw(charts.price_steps(frame))
    if MONEY.converted:  # the chart draws prices as published; the table below is in the reader's currency
        st.caption(_("The chart shows the prices as published, in US dollars."))
st.dataframe(views.price_frame(history, MONEY), hide_index=True, width="stretch", column_config=PRICE_COLUMNS)

st.subheader(_("What changed between two dates"))
with state.stop_on_error():
    versions = pricing.price_versions()
default_from, default_to = views.diff_dates(versions, as_of)
st.session_state.setdefault(FROM, default_from)
st.session_state.setdefault(TO, default_to)
c1, c2 = st.columns(2)
c1.date_input(
    _("From"),
    key=FROM,
    format="YYYY-MM-DD",
    help=_("Defaults to a year before the price date (or the day before the last change, if none is that recent)."),
)
c2.date_input(_("To"), key=TO, format="YYYY-MM-DD", help=_("Defaults to the sidebar's price date."))
with state.stop_on_error():
    changes = pricing.diff(st.session_state[FROM], st.session_state[TO], pattern)
if changes:
    st.dataframe(views.diff_frame(changes, MONEY), hide_index=True, width="stretch", column_config=COLUMNS)
else:
    st.info(_("No price changed between these dates."))
st.caption(
    ngettext(
        "The {count} day on which some price changed: {days}.",
        "All {count} days on which some price changed: {days}.",
        len(versions),
    ).format(count=i18n.number(len(versions)), days=", ".join(d.isoformat() for d in versions))
)
