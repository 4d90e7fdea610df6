"""The People & pilot page: the team's cost per iteration and the pilot with its go/no-go gate."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pandas as pd

from ftcost.engine.results import Plan
from ftcost.engine.training import data_prep_usd, labour_per_iteration
from ftcost.money import format_usd
from ftcost import report
from ftcost.report import month_text, pct
from ftcost.scenario import Scenario
from ftcost.views.common import tokens

def labour_frame(scenario: Scenario) -> pd.DataFrame:
    """Each role's cost per iteration and over the project, then data preparation (once) and the total."""
    iterations = scenario.training.iterations
    whole = f"Whole project ({iterations} iterations)"
    rows = []
    for r in scenario.labour.role:
        per_iteration = r.hourly_usd * r.hours_per_iteration
        rows.append({
            "Who": r.role, "Hourly cost": format_usd(r.hourly_usd), "Hours": f"{_plain(r.hours_per_iteration)} h per iteration",
            "Per iteration": format_usd(per_iteration), whole: format_usd(per_iteration * iterations),
        })
    labour, examples = scenario.labour, scenario.training.planned_examples
    rate = next((r.hourly_usd for r in labour.role if r.role == labour.data_prep_role), None)
    hours = Decimal(examples) * labour.data_prep_minutes_per_example / 60
    prep = data_prep_usd(scenario, examples)
    rows.append({
        "Who": "Data preparation",
        "Hourly cost": format_usd(rate) if rate is not None else "—",
        "Hours": f"{_plain(hours.quantize(Decimal('0.1')))} h once: {examples:,} examples × "
                 f"{_plain(labour.data_prep_minutes_per_example)} min ({labour.data_prep_role})",
        "Per iteration": "—", whole: format_usd(prep),
    })
    per_iteration = labour_per_iteration(scenario)
    rows.append({
        "Who": "Total", "Hourly cost": "", "Hours": "", "Per iteration": format_usd(per_iteration),
        whole: format_usd(per_iteration * iterations + prep),
    })
    return pd.DataFrame(rows)


def _plain(value: Decimal) -> str:
    """A decimal without trailing zeros or exponent: 24, 2.5, 0.1."""
    return f"{value.normalize():f}"


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


def pilot_view(plan: Plan) -> PilotView | None:
    p = plan.pilot
    if p is None:
        return None
    parts = pd.DataFrame([
        {"Part": "Training", "How": f"{p.examples:,} examples × {p.epochs} epochs = {tokens(p.training_tokens)} tokens",
         "Cost": format_usd(p.training_usd)},
        {"Part": "Evaluation", "How": f"{p.eval_examples:,} held-out examples through every option",
         "Cost": format_usd(p.eval_usd)},
        {"Part": "People", "How": "one iteration of the team + preparing the pilot's examples",
         "Cost": format_usd(p.labour_usd)},
        {"Part": "Pilot total", "How": f"{pct(p.share_of_project_pct)} of the project's one-off cost",
         "Cost": format_usd(p.total_usd)},
    ])
    return PilotView(
        option=p.option,
        total=format_usd(p.total_usd),
        share=pct(p.share_of_project_pct),
        project=format_usd(p.project_one_off_usd),
        gate_accuracy="none pays back" if p.gate_accuracy_pct is None else pct(p.gate_accuracy_pct),
        target_accuracy=pct(p.target_accuracy_pct),
        break_even_accuracy=pct(p.break_even_accuracy_pct),
        month_to_beat=month_text(p.break_even_month_to_beat, plan.horizon_months),
        against=p.against or "",
        parts=parts,
        verdict=report.pilot_sentence(plan) or "",
        no_accuracy_pays_back=p.no_accuracy_pays_back,
    )
