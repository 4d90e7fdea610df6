"""People & pilot: the team's hours per fine-tuning iteration, and the pilot that comes first."""

from __future__ import annotations

import streamlit as st

from ftcost import views
from ftcost.text import markdown as md
from ui import cached, inputs, state

ROLE, RATE, HOURS = "Role", "Hourly cost ($)", "Hours per iteration"


def role_rows(roles) -> list[dict]:
    return [{ROLE: r.role, RATE: float(r.hourly_usd), HOURS: float(r.hours_per_iteration)} for r in roles]


def roles_back(rows: list[dict]) -> list[dict]:
    return inputs.entries(rows, {ROLE: ("role", str), RATE: ("hourly_usd", inputs.to_decimal),
                                 HOURS: ("hours_per_iteration", inputs.to_decimal)})


st.title("People & pilot")
st.caption("Fine-tuning is mostly people's time: engineers preparing data and training, domain experts judging "
           "answers, a product manager and the business deciding. Seed 000: several iterations, a month at best, "
           "often a quarter.")

st.subheader("The team")
left, right = st.columns([3, 2])
with left:
    inputs.table(
        "Team", "labour.role", role_rows, roles_back,
        required=(ROLE, RATE, HOURS), num_rows="dynamic", hide_index=True, width="stretch",
        column_config={
            ROLE: st.column_config.TextColumn(ROLE, required=True, help="A person or role; each role once."),
            RATE: st.column_config.NumberColumn(RATE, min_value=0, format="$%.2f",
                                                help="Loaded hourly cost (salary, overhead)."),
            HOURS: st.column_config.NumberColumn(HOURS, min_value=0, format="%.1f",
                                                 help="Hours this role spends on one fine-tuning iteration."),
        },
    )
    st.caption("Edit a cell, add a row at the bottom, or select rows to delete them. Defaults follow the "
               "seeds: ML engineer, product manager, senior domain reviewer, business stakeholder.")
with right:
    inputs.number("Fine-tuning iterations", "training.iterations", min_value=1, max_value=50, step=1,
                  help="Rounds of prepare → train → evaluate until the model is good enough; each repeats the "
                  "training run and the team's hours. Seed 000: expect several; the default is 3.")
    inputs.number("Weeks from start to production", "labour.weeks", min_value=1, max_value=104, step=1,
                  help="Seed 000: a month at best, often a quarter. Checked against fine-tuning job cut-offs.")
    inputs.number("Minutes to prepare one training example", "labour.data_prep_minutes_per_example", decimal=True,
                  min_value=0.0, max_value=600.0, step=1.0, format="%.1f",
                  help="Writing or checking one example, by the role chosen below. Default from the scenario file.")
    names = [r.role for r in state.current().labour.role]
    inputs.bound(st.selectbox, "Who prepares the data", "labour.data_prep_role", options=names or [""],
                 help="The role (from the team table) whose hourly cost prices data preparation.")

with state.stop_on_error():
    st.dataframe(views.labour_frame(state.current()), hide_index=True, width="stretch")

st.subheader("The pilot")
st.caption("OpenAI advises proving the idea on a small set first: 50 well-crafted examples (the minimum is 10), "
           "evaluated against every option before the full project starts.")
c1, c2, c3 = st.columns(3)
with c1:
    inputs.number("Pilot training examples", "pilot.examples", min_value=10, max_value=100_000, step=10,
                  help="OpenAI recommends starting with 50 examples; it rejects fewer than 10.")
with c2:
    inputs.number("Held-out evaluation examples", "pilot.eval_examples", min_value=1, max_value=100_000, step=10,
                  help="Examples every option answers in the pilot, to measure accuracy. Default 100.")
with c3:
    inputs.number("Target accuracy (%)", "pilot.target_accuracy_pct", decimal=True, min_value=0.0,
                  max_value=100.0, step=1.0, format="%.1f",
                  help="The accuracy the fine-tune must reach to go ahead; the gate rises if payback needs more.")

with state.stop_on_error():
    pilot = views.pilot_view(cached.plan())
if pilot is None:
    st.info("The plan has no pilot: it needs a fine-tuned option and a base option that can both be priced.")
    st.stop()
m1, m2, m3, m4 = st.columns(4)
m1.metric("Pilot cost", pilot.total, help="Training, evaluation and one iteration of the team.")
m2.metric("Share of the project", pilot.share, help=f"Of the project's one-off cost, {pilot.project}.")
m3.metric("Go if accuracy reaches", pilot.gate_accuracy,
          help=f"The target ({pilot.target_accuracy}) or the accuracy payback needs "
          f"({pilot.break_even_accuracy}), whichever is higher.")
m4.metric("…and still breaks even by", pilot.month_to_beat.capitalize(), delta=f"against {md(pilot.against)}",
          delta_color="off", delta_arrow="off",
          help="The break-even month at the accuracy the plan assumes, against the option the Plan page compares "
          "with (its *Compared with what you would do otherwise*).")
with st.container(border=True):
    st.markdown(f"**Go / no-go for {md(pilot.option)}:** {md(pilot.verdict)}")
st.dataframe(pilot.parts, hide_index=True, width="stretch")
