"""The People & pilot page: the team's cost per iteration and the pilot with its go/no-go gate."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pandas as pd

from ftcost import report
from ftcost.engine.results import Plan
from ftcost.engine.training import data_prep_hours, data_prep_usd, labour_per_iteration, role_per_iteration
from ftcost.i18n import _, locale, number
from ftcost.money import Display
from ftcost.scenario import Scenario
from ftcost.views.common import cents, month_text, pct, plain, tokens


def labour_frame(scenario: Scenario, money: Display | None = None) -> pd.DataFrame:
    """Each role's cost per iteration and over the project, then data preparation (once) and the total."""
    m = money if money is not None else Display(locale=locale())
    iterations = scenario.training.iterations
    who, hourly, hours_col, per = _("Who"), _("Hourly cost"), _("Hours"), _("Per iteration")
    whole = _("Whole project ({iterations} iterations)").format(iterations=iterations)
    rows = []
    for r in scenario.labour.role:
        per_iteration = role_per_iteration(r)
        rows.append(
            {
                who: r.role,
                hourly: m.amount(r.hourly_usd),
                hours_col: _("{hours} h per iteration").format(hours=plain(r.hours_per_iteration)),
                per: m.amount(per_iteration),
                whole: m.amount(per_iteration * iterations),
            }
        )
    labour, examples = scenario.labour, scenario.training.planned_examples
    rate = next((r.hourly_usd for r in labour.role if r.role == labour.data_prep_role), None)
    hours = data_prep_hours(scenario, examples)
    prep = data_prep_usd(scenario, examples)
    rows.append(
        {
            who: _("Data preparation"),
            hourly: m.amount(rate) if rate is not None else "—",
            hours_col: _("{hours} h once: {examples} examples × {minutes} min ({role})").format(
                hours=plain(hours, places=1),
                examples=number(examples),
                minutes=plain(labour.data_prep_minutes_per_example),
                role=labour.data_prep_role,
            ),
            per: "—",
            whole: m.amount(prep),
        }
    )
    per_iteration = labour_per_iteration(scenario)
    rows.append(
        {
            who: _("Total"),
            hourly: "",
            hours_col: "",
            per: m.amount(per_iteration),
            whole: m.amount(per_iteration * iterations + prep),
        }
    )
    return pd.DataFrame(rows)


def hourly_shown(usd: Decimal, money: Display) -> float:
    """An hourly rate as the team table's number cell holds it: in the display currency, to the cent (rounded
    half-up, as the amounts beside it); a rate typed back equal to this keeps its exact USD value."""
    return float(cents(money.value(usd)))


@dataclass(frozen=True)
class PilotView:
    option: str
    total: str
    share: str  # of the project's one-off cost
    project: str  # the project's one-off cost
    gate_accuracy: str
    target_accuracy: str
    break_even_accuracy: str  # "—" when wrong answers cost nothing
    month_to_beat: str
    against: str
    parts: pd.DataFrame  # what the pilot costs, line by line
    verdict: str = ""  # the go/no-go in sentences (the answer's own pilot sentence)
    no_accuracy_pays_back: bool = False


def pilot_view(plan: Plan, money: Display | None = None) -> PilotView | None:
    m = money if money is not None else Display(locale=locale())
    p = plan.pilot
    if p is None:
        return None
    part, how, cost = _("Part"), _("How"), _("Cost")
    parts = pd.DataFrame(
        [
            {
                part: _("Training"),
                how: _("{examples} examples × {epochs} epochs = {tokens} tokens").format(
                    examples=number(p.examples), epochs=p.epochs, tokens=tokens(p.training_tokens)
                ),
                cost: m.amount(p.training_usd),
            },
            {
                part: _("Evaluation"),
                how: _("{examples} held-out examples through every option").format(examples=number(p.eval_examples)),
                cost: m.amount(p.eval_usd),
            },
            {
                part: _("People"),
                how: _("one iteration of the team + preparing the pilot's examples"),
                cost: m.amount(p.labour_usd),
            },
            {
                part: _("Pilot total"),
                how: _("{share} of the project's one-off cost").format(share=pct(p.share_of_project_pct)),
                cost: m.amount(p.total_usd),
            },
        ]
    )
    return PilotView(
        option=p.option,
        total=m.amount(p.total_usd),
        share=pct(p.share_of_project_pct),
        project=m.amount(p.project_one_off_usd),
        gate_accuracy=_("none pays back") if p.gate_accuracy_pct is None else pct(p.gate_accuracy_pct),
        target_accuracy=pct(p.target_accuracy_pct),
        break_even_accuracy=pct(p.break_even_accuracy_pct),
        month_to_beat=month_text(p.break_even_month_to_beat, plan.horizon_months),
        against=p.against or "",
        parts=parts,
        verdict=report.pilot_sentence(plan) or "",
        no_accuracy_pays_back=p.no_accuracy_pays_back,
    )
