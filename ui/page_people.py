"""People & pilot: the team's hours per fine-tuning iteration, and the pilot that comes first."""

from __future__ import annotations

from decimal import Decimal

import streamlit as st

from ftcost import views
from ftcost.i18n import _
from ftcost.text import markdown as md
from ui import cached, inputs, state

ROLE, RATE, HOURS = "Role", "Hourly cost ($)", "Hours per iteration"  # column keys; the labels are translated
MONEY, _FOUND = state.money()


def _shown(usd: Decimal) -> float:
    """An hourly rate as the table shows it: in the display currency, to the cent."""
    return views.people.hourly_shown(usd, MONEY)


def role_rows(roles) -> list[dict]:
    return [{ROLE: r.role, RATE: _shown(r.hourly_usd), HOURS: float(r.hours_per_iteration)} for r in roles]


def roles_back(rows: list[dict]) -> list[dict]:
    out = inputs.entries(
        rows,
        {
            ROLE: ("role", str),
            RATE: ("hourly_usd", inputs.to_decimal),
            HOURS: ("hours_per_iteration", inputs.to_decimal),
        },
    )
    if not MONEY.converted:
        return out
    # Rates are typed in the display currency and stored in USD at its rate; a rate left as shown keeps its
    # exact USD value, so editing one cell never moves the others by a rounding.
    before = {r.role: r.hourly_usd for r in state.current().labour.role}
    for entry in out:
        typed, old = entry.get("hourly_usd"), before.get(entry.get("role") or "")
        if typed is None:
            continue
        entry["hourly_usd"] = old if old is not None and float(typed) == _shown(old) else MONEY.to_usd(typed)
    return out


st.title(_("People & pilot"))
st.caption(
    _(
        "Fine-tuning is mostly people's time: engineers preparing data and training, domain experts judging "
        "answers, a product manager and the business deciding. OpenAI's fine-tuning guide and the article "
        "“What is fine-tuning? How to fine-tune GPT-3.5 Model?”: several iterations, a month at best, often a quarter."
    )
)

st.subheader(_("The team"))
left, right = st.columns([3, 2])
rate_label = _("Hourly cost ({code})").format(code=MONEY.currency)
with left:
    inputs.table(
        _("Team"),
        "labour.role",
        role_rows,
        roles_back,
        required=(ROLE, RATE, HOURS),
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        column_config={
            ROLE: st.column_config.TextColumn(_("Role"), required=True, help=_("A person or role; each role once.")),
            RATE: st.column_config.NumberColumn(
                rate_label, min_value=0, format="%.2f", help=_("Loaded hourly cost (salary, overhead).")
            ),
            HOURS: st.column_config.NumberColumn(
                _("Hours per iteration"),
                min_value=0,
                format="%.1f",
                help=_("Hours this role spends on one fine-tuning iteration."),
            ),
        },
    )
    st.caption(
        _(
            "Edit a cell, add a row at the bottom, or select rows to delete them. Defaults follow the "
            "article above: ML engineer, product manager, senior domain reviewer, business stakeholder."
        )
    )
    if MONEY.converted:
        st.caption(
            _(
                "Hourly costs are typed in {code} and kept in the scenario in US dollars (hourly_usd) at "
                "{rate} {code} per US dollar."
            ).format(code=MONEY.currency, rate=MONEY.rate_text())
        )
with right:
    inputs.number(
        _("Fine-tuning iterations"),
        "training.iterations",
        min_value=1,
        max_value=50,
        step=1,
        help=_(
            "Rounds of prepare → train → evaluate until the model is good enough; each repeats the "
            "training run and the team's hours. Expect several; the default is 3."
        ),
    )
    inputs.number(
        _("Weeks from start to production"),
        "labour.weeks",
        min_value=1,
        max_value=104,
        step=1,
        help=_("A month at best, often a quarter. Checked against fine-tuning job cut-offs."),
    )
    inputs.number(
        _("Minutes to prepare one training example"),
        "labour.data_prep_minutes_per_example",
        decimal=True,
        min_value=0.0,
        max_value=600.0,
        step=1.0,
        format="%.1f",
        help=_("Writing or checking one example, by the role chosen below. Default from the scenario file."),
    )
    names = [r.role for r in state.current().labour.role]
    inputs.bound(
        st.selectbox,
        _("Who prepares the data"),
        "labour.data_prep_role",
        options=names or [""],
        help=_("The role (from the team table) whose hourly cost prices data preparation."),
    )

with state.stop_on_error():
    st.dataframe(views.labour_frame(state.current(), MONEY), hide_index=True, width="stretch")

st.subheader(_("The pilot"))
st.caption(
    _(
        "OpenAI advises proving the idea on a small set first: 50 well-crafted examples (the minimum is 10), "
        "evaluated against every option before the full project starts."
    )
)
c1, c2, c3 = st.columns(3)
with c1:
    inputs.number(
        _("Pilot training examples"),
        "pilot.examples",
        min_value=10,
        max_value=100_000,
        step=10,
        help=_("OpenAI recommends starting with 50 examples; it rejects fewer than 10."),
    )
with c2:
    inputs.number(
        _("Held-out evaluation examples"),
        "pilot.eval_examples",
        min_value=1,
        max_value=100_000,
        step=10,
        help=_("Examples every option answers in the pilot, to measure accuracy. Default 100."),
    )
with c3:
    inputs.number(
        _("Target accuracy (%)"),
        "pilot.target_accuracy_pct",
        decimal=True,
        min_value=0.0,
        max_value=100.0,
        step=1.0,
        format="%.1f",
        help=_("The accuracy the fine-tune must reach to go ahead; the gate rises if payback needs more."),
    )

with state.stop_on_error():
    pilot = views.pilot_view(cached.plan(), MONEY)
if pilot is None:
    st.info(_("The plan has no pilot: it needs a fine-tuned option and a base option that can both be priced."))
    st.stop()
m1, m2, m3, m4 = st.columns(4)
m1.metric(_("Pilot cost"), pilot.total, help=_("Training, evaluation and one iteration of the team."))
m2.metric(
    _("Share of the project"), pilot.share, help=_("Of the project's one-off cost, {cost}.").format(cost=pilot.project)
)
m3.metric(
    _("Go if accuracy reaches"),
    pilot.gate_accuracy,
    help=_("The target ({target}) or the accuracy payback needs ({needed}), whichever is higher.").format(
        target=pilot.target_accuracy, needed=pilot.break_even_accuracy
    ),
)
m4.metric(
    _("…and still breaks even by"),
    pilot.month_to_beat[:1].upper() + pilot.month_to_beat[1:],
    delta=_("against {option}").format(option=md(pilot.against)),
    delta_color="off",
    delta_arrow="off",
    help=_(
        "The break-even month at the accuracy the plan assumes, against the option the Plan page compares "
        "with (its *Compared with what you would do otherwise*)."
    ),
)
with st.container(border=True):
    st.markdown(_("**Go / no-go for {option}:** {verdict}").format(option=md(pilot.option), verdict=md(pilot.verdict)))
st.dataframe(pilot.parts, hide_index=True, width="stretch")
