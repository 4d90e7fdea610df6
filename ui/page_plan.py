"""Plan: the answer — does fine-tuning pay back, when, and what does each option cost."""

from __future__ import annotations

import streamlit as st

from ftcost import report, views
from ftcost.errors import DatasetFileError, FtcostError
from ftcost.i18n import _
from ftcost.pricing.fx import rate_sentence
from ftcost.text import code
from ftcost.text import markdown as md
from ftcost.views.plan import month_breakdown_frame
from ui import cached, charts, inputs, layout, plan_uncertainty, state

#: Option settings the table does not show; an edited row keeps them from the option of the same name.
KEPT_OPTION_FIELDS = (
    "deployments",
    "hours_per_month",
    "gpus_per_replica",
    "method",
    "adapter",
    "existing_customer",
    "retrieval",
    "ranges",
)
PROVIDERS = views.provider_choices()
DEPLOYMENTS = ["", "serverless", "dedicated", "standard", "global_standard", "developer", "provisioned"]


def option_rows(options) -> list[dict]:
    return [
        {
            "Option": o.name,
            "Provider": o.provider_id,
            "Model": o.model,
            "Deployment": o.deployment or "",
            "Prompt": o.prompt,
            "Accuracy (%)": float(o.accuracy_pct),
            "Successor": o.successor or "",
        }
        for o in options
    ]


def options_back(rows: list[dict]) -> list[dict]:
    out = inputs.entries(
        rows,
        {
            "Option": ("name", str),
            "Provider": ("provider", _provider),
            "Model": ("model", str),
            "Deployment": ("deployment", lambda v: v or None),
            "Prompt": ("prompt", str),
            "Accuracy (%)": ("accuracy_pct", inputs.to_decimal),
            "Successor": ("successor", str),
        },
    )
    before = {o.name: o for o in state.current().option}
    for entry in out:
        old = before.get(entry.get("name") or "")
        for name in KEPT_OPTION_FIELDS:
            if old is not None and getattr(old, name) is not None:
                entry[name] = getattr(old, name)
    compared = state.current().compare_with
    if compared is not None and compared not in {entry.get("name") for entry in out}:
        # The compared option was deleted or renamed: the comparison goes back to the default (the first base
        # option), as the selector then shows, instead of the edit being refused.
        st.session_state[state.SCENARIO] = state.current().model_copy(update={"compare_with": None})
    return out


def _provider(value):
    # OpenAI is what an option without a provider means, so it is written as no provider (files stay as before).
    return None if value == "openai" else value


BREAKDOWN_OF = "plan_breakdown_of"

scenario = state.current()


LANG = state.language()
MONEY, RATE_FOUND = state.money()


def price_caption(plan) -> str:
    pinned = _(" (the scenario's own date)") if scenario.as_of == plan.as_of else ""
    tier = {"standard": _("standard"), "batch": _("batch")}.get(plan.tier, plan.tier)
    text = _(
        "Prices in force on **{date}**{pinned} · {tier} tier · projected over **{months}** · change any "
        "assumption in *What if* below or on the other pages."
    ).format(date=plan.as_of.isoformat(), pinned=pinned, tier=tier, months=report.months(plan.horizon_months))
    rate = rate_sentence(MONEY, RATE_FOUND, plan.as_of, on_page=True)
    return text + ("\n\n" + md(rate) if rate else "")


# --- what if: the knobs a manager reaches for first ------------------------------------------------------
def what_if() -> None:
    with st.expander(_("What if…"), expanded=True):
        c1, c2, c3, c4 = st.columns(4)
        with c1:
            inputs.number(
                _("Requests per month"),
                "workload.requests_per_month",
                min_value=1,
                step=1000,
                help=_("Requests in the first month. Also on *Prompts & volume*. Default from the scenario file."),
            )
        with c2:
            inputs.number(
                _("Monthly growth (%)"),
                "workload.monthly_growth_pct",
                decimal=True,
                min_value=-50.0,
                max_value=100.0,
                step=1.0,
                format="%.1f",
                help=_("Requests grow by this much each month, compounding. Default from the scenario file."),
            )
        with c3:
            inputs.number(
                _("Horizon (months)"),
                "horizon_months",
                min_value=1,
                max_value=120,
                step=1,
                help=_('How far ahead the plan looks; break-even later than this counts as "not within".'),
            )
        with c4:
            inputs.number(
                _("Cost of a wrong answer ($)"),
                "quality.cost_per_wrong_answer_usd",
                decimal=True,
                min_value=0.0,
                step=0.5,
                format="%.2f",
                help=_(
                    "What one wrong answer costs the business (escalation, refund, rework), in US "
                    "dollars. The airport default: 5 minutes of a $24/h desk agent."
                ),
            )
        inputs.table(
            _("Options compared"),
            "option",
            option_rows,
            options_back,
            num_rows="dynamic",
            hide_index=True,
            width="stretch",
            column_config={
                "Option": st.column_config.TextColumn(
                    _("Option"), required=True, help=_("A name for this way of serving.")
                ),
                "Provider": st.column_config.SelectboxColumn(
                    _("Provider"),
                    options=list(PROVIDERS),
                    default="openai",
                    help=_(
                        "Who trains and serves it: OpenAI, or a provider from the Prices page (Azure, Together, "
                        "Fireworks, self-hosted ...)."
                    ),
                ),
                "Model": st.column_config.TextColumn(
                    _("Model"),
                    required=True,
                    width="medium",
                    help=_(
                        "A snapshot (gpt-4o-mini-2024-07-18), an alias (gpt-3.5-turbo) or a fine-tune (ft:BASE); "
                        "for another provider, its model name as the Prices page lists it (ft:meta-llama/...)."
                    ),
                ),
                "Deployment": st.column_config.SelectboxColumn(
                    _("Deployment"),
                    options=DEPLOYMENTS,
                    help=_(
                        "How the provider serves it: dedicated replicas and Azure Standard deployments bill every "
                        "hour; empty = the model's first listed way."
                    ),
                ),
                "Prompt": st.column_config.SelectboxColumn(
                    _("Prompt"),
                    options=["long", "short"],
                    required=True,
                    help=_("long: instructions and examples (base models); short: the fine-tune's prompt."),
                ),
                "Accuracy (%)": st.column_config.NumberColumn(
                    _("Accuracy (%)"),
                    min_value=0,
                    max_value=100,
                    format="%.1f",
                    help=_("Share of answers expected to be right; replace with the pilot's measurement."),
                ),
                "Successor": st.column_config.TextColumn(
                    _("Successor"),
                    help=_(
                        "The option that takes over when this model stops serving inside the horizon (blank: the "
                        "current option, or the first other base option still serving)."
                    ),
                ),
            },
        )
        st.caption(
            _(
                "Edit the options compared: add a row at the bottom, select rows to delete them. "
                "At least one fine-tune (model ft:BASE) and one base model."
            )
        )


# A plan that cannot be made still leaves the page working: the sentence says what to change, and the inputs to
# change it are right below it (the sidebar keeps the scenario's file, link and price date).
# The title first: a first visit (a new server loads the vocabularies and counts the sample) sees whose plan is
# being worked out, and the spinners below it, instead of an empty page.
st.title(md(scenario.title(LANG)))
try:
    plan, plan_key, training = cached.plan_and_key()
except DatasetFileError as exc:  # a scenario from a file or link names its dataset relative to someone else's disk
    st.error(f"{md(exc)} " + _("Upload the training file on the Dataset page (or state tokens per example there)."))
    what_if()
    st.stop()
except FtcostError as exc:
    st.error(f"{md(exc)} " + _("Change it on the page it belongs to, or in *What if* below."))
    what_if()
    st.stop()

bases = views.base_options(plan)
if not bases:
    st.caption(price_caption(plan))
    with st.container(border=True):
        st.markdown("#### " + _("The answer"))
        st.markdown("\n".join(f"- {md(sentence)}" for sentence in views.answer(plan, money=MONEY)[0]))
    what_if()
    if plan.warnings:
        st.warning("\n".join(f"- {md(w)}" for w in plan.warnings), icon=":material/warning:")
    st.stop()
# The comparison is part of the scenario (compare_with), so the file and the share link carry it and a recipient
# reads the same answer; plan.compare_with is the one the engine used (the first base option by default).
AGAINST_NAME = plan.compare_with

st.caption(price_caption(plan))

with st.container(border=True):
    head, pick = st.columns([3, 2], vertical_alignment="center")
    head.markdown("#### " + _("The answer"))
    inputs.bound(
        pick.selectbox,
        _("Compared with what you would do otherwise"),
        "compare_with",
        to_widget=lambda _value: AGAINST_NAME,
        options=bases,
        help=_(
            "The base-model option the fine-tunes are measured against, here, in the pilot's gate and in "
            "every delta on this page (default: the scenario's first one). Kept in the scenario file and "
            "the share link."
        ),
    )
    main, others = views.answer(plan, AGAINST_NAME, money=MONEY)
    st.markdown("\n".join(f"- {md(sentence)}" for sentence in main))
    if others:
        with st.expander(_("Against the other options")):
            st.markdown("\n".join(f"- {md(sentence)}" for sentence in others))

# --- payback of each fine-tune -----------------------------------------------------------------------------
st.subheader(_("Payback against {option}").format(option=md(AGAINST_NAME)))
if not plan.break_even:
    st.caption(
        _(
            "No fine-tune of this scenario can be carried out on this date, so there is no payback to show: the "
            "answer above says why, and the options below are what is left."
        )
    )
for card in views.payback_cards(plan, AGAINST_NAME, money=MONEY):
    with st.container(border=True):
        st.markdown(
            _("**{fine_tune}** instead of **{against}**").format(
                fine_tune=md(card.fine_tuned), against=md(card.against)
            )
        )
        m1, m2, m3, m4 = st.columns(4)
        m1.metric(
            _("Break-even"),
            card.break_even,
            delta=card.break_even_date or None,
            delta_color="off",
            delta_arrow="off",
            help=_(
                "First month in which the fine-tune's running total (one-off, inference and wrong answers) "
                "is at or below the alternative's."
            ),
        )
        m2.metric(
            _("Savings after {months}").format(months=report.months(plan.horizon_months)),
            card.savings,
            delta_color="normal",
            help=_("The alternative's total over the horizon minus the fine-tune's (negative: it costs more)."),
        )
        m3.metric(
            _("Return on the one-off cost"),
            card.roi,
            help=_("Savings at the horizon divided by the one-off cost (training, people, pilot)."),
        )
        m4.metric(
            _("Prompt tokens saved per request"),
            card.tokens_saved,
            delta=card.tokens_saved_pct or None,
            delta_color="off",  # grey: fewer prompt tokens is not by itself a saving
            help=_(
                "The short prompt against the long one, each counted with its model's encoding; "
                "{tokens} tokens in the first month."
            ).format(tokens=card.tokens_saved_month),
        )
        st.markdown(
            _("**What the {savings} is made of** over {months}: {parts}.").format(
                savings=card.savings, months=report.months(plan.horizon_months), parts=md(card.made_of)
            )
        )

priced, too_few = views.training_note(
    plan,
    training,  # what the plan was made with
    scenario.training.planned_examples,
    _("your upload {file}").format(file=upload["name"])
    if (upload := state.dataset())
    else _("the scenario's sample {file}").format(file=scenario.training.dataset),
)
st.caption(md(priced) + " " + _("Change the file or the planned count on the *Dataset* page."))
if too_few:
    st.warning(md(too_few), icon=":material/warning:")

what_if()

if plan.warnings:  # after the answer and its figures, before the detail
    st.warning(
        "**" + _("Before you commit") + "**\n\n" + "\n".join(f"- {md(w)}" for w in plan.warnings),
        icon=":material/warning:",
    )

# --- each option ------------------------------------------------------------------------------------------
st.subheader(_("Each option, per month"))
st.caption(
    _(
        "A month of each option serving on its own, at the first month's volume ({requests} requests). Arrows "
        "compare with {against}; green is cheaper."
    ).format(requests=views.tokens(plan.options[0].months[0].requests), against=md(AGAINST_NAME))
)
# One chart reads faster than five figures per option: each option's month as one bar, by part; the exact
# figures, with their differences from the comparison, are one click away.
charts.draw(
    charts.stacked_totals_drawing(
        month_breakdown_frame(plan, MONEY), MONEY.currency, _("A month of serving, wrong answers included ({currency})")
    )
)
cards = views.option_cards(plan, AGAINST_NAME, money=MONEY)
figures = st.expander(_("Each option's figures"))
for row in layout.rows(cards, 3):
    for column, option in zip(figures.columns(len(row)), row, strict=True):
        with column.container(border=True, height="stretch"):
            st.markdown(f"**{md(option.name)}**")
            st.caption(
                _("{model} · {accuracy} of answers right · {tokens}").format(
                    model=code(option.model), accuracy=option.accuracy, tokens=option.tokens_per_request
                )
            )
            st.metric(
                _("Monthly cost, wrong answers included"),
                option.with_wrong,
                delta=option.with_wrong_delta,
                delta_color="inverse",
                help=_("API cost plus the expected wrong answers × the cost of a wrong answer."),
            )
            st.metric(
                _("of which API cost"),
                option.monthly,
                delta=option.monthly_delta,
                delta_color="inverse",
                help=_("Input, cached-input and output tokens at this model's prices."),
            )
            st.metric(
                _("Cost per correct answer"),
                option.per_correct,
                delta=option.per_correct_delta,
                delta_color="inverse",
                help=_("API cost divided by the answers expected to be right."),
            )
            st.metric(
                _("One-off cost"),
                option.one_off,
                help=_("Training × iterations, the team's hours, data preparation and the pilot."),
            )
            st.metric(
                _("Total over {months}").format(months=report.months(plan.horizon_months)),
                option.total,
                delta=option.total_delta,
                delta_color="inverse",
                help=_("API cost, the cost of wrong answers and the one-off cost."),
            )

# --- charts ----------------------------------------------------------------------------------------------------
st.subheader(_("Cumulative cost"))
st.caption(
    _(
        "Everything spent so far, month by month. A fine-tune's one-off cost lands in month 1 and the current "
        "option keeps serving until the project ends (grey dashed line); where a fine-tune's line (solid) drops "
        "below {against}'s (dashed), it has paid back — the green diamonds. Hover for figures; click a legend "
        "entry to highlight an option."
    ).format(against=md(AGAINST_NAME))
)
how_sure = plan_uncertainty.analysis(plan, AGAINST_NAME, plan_key)
plan_uncertainty.band_caption(how_sure)
band = plan_uncertainty.band(how_sure, MONEY)  # the shaded spread in the lines' currency
charts.draw(
    charts.cumulative_drawing(
        views.cumulative_frame(plan, MONEY),
        views.break_even_frame(plan, AGAINST_NAME, MONEY),
        plan.horizon_months,
        views.go_live_frame(plan),
        band,
        MONEY.currency,
    )
)
plan_uncertainty.show(plan, how_sure, AGAINST_NAME)

st.subheader(_("Where the money goes"))
total_tab, month_tab = st.tabs([_("Over the whole horizon"), _("Month by month")])
with total_tab:
    charts.draw(charts.stacked_totals_drawing(views.horizon_breakdown_frame(plan, MONEY), MONEY.currency))
with month_tab:
    names = [o.name for o in plan.options]
    if st.session_state.get(BREAKDOWN_OF) not in names:
        st.session_state[BREAKDOWN_OF] = next((o.name for o in plan.options if o.fine_tuned), names[0])
    st.selectbox(
        _("Option"),
        names,
        key=BREAKDOWN_OF,
        help=_("Whose months to show (default: the first fine-tune, whose one-off cost lands in month 1)."),
    )
    frame = views.breakdown_frame(plan, MONEY)
    charts.draw(charts.stacked_months_drawing(frame[frame.option == st.session_state[BREAKDOWN_OF]], MONEY.currency))

with st.expander(_("The monthly table")):
    st.dataframe(views.month_table(plan, MONEY), hide_index=True, width="stretch")

st.subheader(_("Take it with you"))
# Both files are made when their button is clicked, not on every rerun (the report alone was ~10-20 ms of one).
left, right = st.columns(2)
left.download_button(
    _("Download the report (Markdown)"),
    layout.on_click(report.to_markdown, plan, how_sure, money=MONEY, found=RATE_FOUND, title=scenario.title(LANG)),
    file_name="ftcost-plan.md",
    mime="text/markdown",
    on_click="ignore",
    width="stretch",
    help=_(
        "The answer, every option, payback, the pilot and the rates used, with their sources, in "
        "this language and currency."
    ),
)
right.download_button(
    _("Download the monthly table (CSV)"),
    layout.on_click(report.to_csv, plan, how_sure),
    file_name="ftcost-months.csv",
    mime="text/csv",
    on_click="ignore",
    width="stretch",
    help=_("One row per option and month, exact amounts in US dollars."),
)
