"""A Plan as a manager reads it: plain sentences, Markdown to forward, CSV of the months, JSON for scripts.

Everything here is presentation of numbers the engine computed; rounding to cents happens only here.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

from ftcost import __version__
from ftcost.engine.results import OptionPlan, Plan, plain
from ftcost.money import format_usd

CSV_COLUMNS = (
    "option", "model", "month", "starts", "served_by", "requests", "input_tokens", "cached_input_tokens", "output_tokens",
    "input_usd", "cached_input_usd", "output_usd", "inference_usd", "hosting_usd", "wrong_answers_usd",
    "one_off_usd", "total_usd", "cumulative_usd",
)


def pct(value: Decimal | None) -> str:
    return "—" if value is None else f"{value.quantize(Decimal('0.1')):,}%"


def tokens(n: int) -> str:
    return f"{n:,}"


def month_text(month: int | None, horizon: int) -> str:
    return f"month {month}" if month is not None else f"not within {horizon} months"


def payback_sentence(plan: Plan, be) -> str:
    """Whether one fine-tune pays back against one base option, in a sentence (and when it stops serving)."""
    ft = plan.option(be.fine_tuned)
    switch = ""
    if ft.switch_month is not None:
        switch = (f" It stops serving on {ft.serves_until.isoformat()}: from month {ft.switch_month} the plan pays for "
                  f"{ft.successor} instead, and no saving is counted for months it does not serve.")
    if be.month is not None:
        roi = f" (ROI {pct(be.roi_pct)})" if be.roi_pct is not None else ""
        return (
            f"{be.fine_tuned} pays back against {be.against} in month {be.month} and saves "
            f"{format_usd(be.savings_at_horizon_usd)} over {plan.horizon_months} months{roi}.{switch}"
        )
    return (
        f"{be.fine_tuned} does not pay back against {be.against} within {plan.horizon_months} months: "
        f"it costs {format_usd(-be.savings_at_horizon_usd)} more by then (one-off {format_usd(ft.one_off_usd)}).{switch}"
    )


def infeasible_sentences(plan: Plan) -> list[str]:
    """What cannot be done and why: each fine-tune that cannot be carried out, first."""
    return [reason for e in plan.infeasible for reason in e.reasons]


def stay_sentence(plan: Plan) -> str:
    """The answer when no fine-tune can be carried out: the base option that costs least over the horizon."""
    h = plan.horizon_months
    bases = [o for o in plan.options if not o.fine_tuned]
    if not bases:
        gone = ", ".join(e.name for e in plan.excluded) or "none"
        return (f"No option of this scenario can be planned on {plan.as_of.isoformat()} (not served or not feasible: "
                f"{gone}): add an option with a model OpenAI serves on that day (the Prices page and `ftcost prices` "
                "list them) or choose an earlier price date.")
    best = min(bases, key=lambda o: o.cumulative_usd[-1])
    lead = ("No fine-tune in this scenario can be carried out on " + plan.as_of.isoformat()
            if plan.infeasible else "This scenario has no fine-tune that can be planned")
    text = (f"{lead}, so stay on a base model: {best.name} costs the least over {h} months, "
            f"{format_usd(best.cumulative_usd[-1])} with its wrong answers")
    others = [o for o in bases if o is not best]
    if others:
        text += " (" + "; ".join(f"{o.name} {format_usd(o.cumulative_usd[-1])}" for o in others) + ")"
    if best.switch_month is not None:
        text += (f"; it stops serving on {best.serves_until.isoformat()}, so from month {best.switch_month} the plan "
                 f"pays for {best.successor}")
    return text + "."


def pilot_sentence(plan: Plan) -> str | None:
    """What the pilot costs and the go/no-go gate, in a sentence (None without a pilot)."""
    p = plan.pilot
    if p is None:
        return None
    gate = f"reaches at least {pct(p.gate_accuracy_pct)} accuracy on {p.eval_examples:,} held-out examples"
    if p.break_even_month_to_beat is not None:
        gate += f" and still breaks even with {p.against} by {month_text(p.break_even_month_to_beat, plan.horizon_months)}"
    return (
        f"Run the pilot first: {p.examples} examples, {format_usd(p.total_usd)} "
        f"({pct(p.share_of_project_pct)} of the project's {format_usd(p.project_one_off_usd)} one-off cost). "
        f"Go ahead if {p.option} {gate}."
    )


def headline(plan: Plan, against: str | None = None) -> list[str]:
    """The answer in sentences: first what cannot be done and why; then whether each feasible fine-tune pays
    back (against `against`, or every base option), what it depends on, and the pilot — or, with no feasible
    fine-tune, the base model to stay on."""
    out = infeasible_sentences(plan)
    paybacks = [payback_sentence(plan, be) for be in plan.break_even if against is None or be.against == against]
    if not paybacks:
        return out + [stay_sentence(plan)]
    out += paybacks + list(plan.caveats)
    pilot = pilot_sentence(plan)
    return out + ([pilot] if pilot else [])


def to_dict(plan: Plan) -> dict[str, Any]:
    """JSON-ready report (decimal strings, ISO dates)."""
    return {
        "scenario": plan.scenario,
        "as_of": plan.as_of.isoformat(),
        "horizon_months": plan.horizon_months,
        "tier": plan.tier,
        "headline": headline(plan),
        "options": [_option_dict(o) for o in plan.options],
        "break_even": plain(plan.break_even),
        "prompt_savings": plain(plan.prompt_savings),
        "pilot": _pilot_dict(plan),
        "warnings": list(plan.warnings),
        "caveats": list(plan.caveats),
        "not_planned": plain(plan.excluded),
        "ftcost_version": __version__,
    }


def _option_dict(o: OptionPlan) -> dict[str, Any]:
    first = o.steady
    return {
        "name": o.name,
        "model": o.model,
        "resolved_model": o.resolved_model,
        "fine_tuned": o.fine_tuned,
        "accuracy_pct": str(o.accuracy_pct),
        "monthly_usd": str(o.monthly_usd),
        "one_off_usd": str(o.one_off_usd),
        "one_off": plain(o.one_off) if o.one_off else None,
        "requests_per_month": first.requests,
        "prompt_tokens_per_request": o.tokens.prompt_tokens,
        "output_tokens_per_request": o.tokens.output_tokens,
        "input_tokens_per_month": first.input_tokens,
        "cached_input_tokens_per_month": first.cached_input_tokens,
        "output_tokens_per_month": first.output_tokens,
        "cost_per_correct_usd": None if o.cost_per_correct_usd is None else str(o.cost_per_correct_usd),
        "total_at_horizon_usd": str(o.cumulative_usd[-1]),
        "go_live_month": o.go_live_month,
        "serves_until": o.serves_until.isoformat() if o.serves_until else None,
        "switch_month": o.switch_month,
        "successor": o.successor,
        "encoding": o.tokens.encoding,
        "tokens_measured": {"prompt": o.tokens.prompt_source, "output": o.tokens.output_source},
        "rates": o.rates,
        "months": plain(o.months),
    }


def _pilot_dict(plan: Plan) -> dict[str, Any] | None:
    if not plan.pilot:
        return None
    p = plan.pilot
    data = plain(p)
    data.update(
        total_usd=str(p.total_usd),
        share_of_project_pct=str(p.share_of_project_pct.quantize(Decimal("0.01"))),
        gate_accuracy_pct=str(p.gate_accuracy_pct),
    )
    return data


def to_csv(plan: Plan) -> str:
    """Every option's months, one row each, with the running total."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for o in plan.options:
        for m, cumulative in zip(o.months, o.cumulative_usd):
            writer.writerow([
                o.name, o.resolved_model, m.month, m.starts.isoformat(), m.served_by, m.requests, m.input_tokens,
                m.cached_input_tokens, m.output_tokens, m.input_usd, m.cached_input_usd, m.output_usd,
                m.inference_usd, m.hosting_usd, m.wrong_answers_usd, m.one_off_usd, m.total_usd, cumulative,
            ])
    return buf.getvalue()


def to_markdown(plan: Plan) -> str:
    """The report a manager forwards."""
    h = plan.horizon_months
    lines = [
        f"# Fine-tuning plan: {plan.scenario}",
        "",
        f"Prices in force on {plan.as_of.isoformat()} ({plan.tier} tier), projected over {h} months. "
        f"Made with ftcost {__version__}.",
        "",
        "## The answer",
        "",
        *[f"- {s}" for s in headline(plan)],
        "",
        "## Options compared (first month)",
        "",
        "| Option | Model | Prompt tokens / request | Output tokens / request | Monthly cost | Accuracy | "
        "Cost per correct answer | One-off | Total over the horizon |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for o in plan.options:
        cpc = format_usd(o.cost_per_correct_usd, places=4) if o.cost_per_correct_usd is not None else "—"
        lines.append(
            f"| {o.name} | `{o.resolved_model}` | {tokens(o.tokens.prompt_tokens)} | {tokens(o.tokens.output_tokens)} | "
            f"{format_usd(o.monthly_usd)} | {pct(o.accuracy_pct)} | {cpc} | {format_usd(o.one_off_usd)} | "
            f"{format_usd(o.cumulative_usd[-1])} |"
        )
    for e in plan.excluded:
        lines.append(f"| {e.name} | `{e.model}` | — | — | not planned | — | — | — | — |")
    note = ("Monthly cost is each option's own serving cost at the first month's volume: tokens, plus hosting where the "
            "provider bills deployment- or replica-hours. Totals include the cost of wrong answers")
    if any(o.fine_tuned for o in plan.options):
        note += (
            " and, for fine-tunes, the one-off cost in month 1; until a fine-tune goes live "
            f"(month {max(o.go_live_month for o in plan.options)}, when the {plan.project_weeks}-week project ends) the "
            f"product keeps running on {plan.current_option} and that cost counts towards the fine-tune's total."
        )
    else:
        note += "."
    lines += ["", note, ""]
    switching = [o for o in plan.options if o.switch_month is not None]
    if plan.excluded or switching:
        lines += ["## What the models' lifecycle changes", ""]
        lines += [f"- Not planned: {reason}" for e in plan.excluded for reason in e.reasons]
        lines += [f"- {o.name}: `{o.resolved_model}` stops serving on {o.serves_until.isoformat()}; from month "
                  f"{o.switch_month} its months are {o.successor}'s (the *served_by* column of the CSV)."
                  for o in switching]
        lines.append("")
    lines += ["## Payback", "", "| Fine-tune | Against | Break-even | Savings at the horizon | ROI |", "|---|---|---|--:|--:|"]
    for be in plan.break_even:
        lines.append(
            f"| {be.fine_tuned} | {be.against} | {month_text(be.month, h)} | "
            f"{format_usd(be.savings_at_horizon_usd)} | {pct(be.roi_pct) if be.month is not None else 'no payback'} |"
        )
    lines += ["", "## Prompt shortening", "", "| Fine-tune | Against | Tokens saved / request | Saved in month 1 | Shorter by |", "|---|---|--:|--:|--:|"]
    for s in plan.prompt_savings:
        lines.append(
            f"| {s.fine_tuned} | {s.against} | {tokens(s.tokens_saved_per_request)} | "
            f"{tokens(s.tokens_saved_first_month)} | {pct(s.saved_pct)} |"
        )
    lines += ["", "## One-off cost of each fine-tune", ""]
    for o in plan.options:
        if not o.one_off:
            continue
        x = o.one_off
        est = " (OpenAI's auto rule, estimated)" if x.epochs_estimated else ""
        lines += [
            f"**{o.name}** — {format_usd(x.total_usd)}",
            "",
            f"- Training: {tokens(x.training_tokens_per_epoch)} tokens per epoch × {x.epochs} epochs{est} = "
            f"{tokens(x.charged_tokens_per_run)} charged tokens, {format_usd(x.training_usd_per_run)} per run × "
            f"{x.iterations} iterations = {format_usd(x.training_usd)} (tokens {x.tokens_source})",
            f"- People: {format_usd(x.labour_usd)} over {x.iterations} iterations; data preparation "
            f"{format_usd(x.data_prep_usd)}",
            f"- Pilot: {format_usd(x.pilot_usd)}",
            "",
        ]
    if plan.pilot:
        p = plan.pilot
        lines += [
            "## The pilot",
            "",
            f"- {p.examples} training examples × {p.epochs} epochs = {tokens(p.training_tokens)} tokens: "
            f"{format_usd(p.training_usd)}",
            f"- Evaluation: {p.eval_examples:,} held-out examples through every option: {format_usd(p.eval_usd)}",
            f"- One iteration of the team plus preparing the examples: {format_usd(p.labour_usd)}",
            f"- **Total {format_usd(p.total_usd)}**, {pct(p.share_of_project_pct)} of the project's one-off cost",
            f"- Go/no-go: accuracy ≥ {pct(p.gate_accuracy_pct)} (target {pct(p.target_accuracy_pct)}; "
            f"break-even needs {pct(p.break_even_accuracy_pct)})"
            + (f", break-even with {p.against} by {month_text(p.break_even_month_to_beat, h)}" if p.against else ""),
            "",
        ]
    if plan.warnings:
        lines += ["## Warnings", "", *[f"- {w}" for w in plan.warnings], ""]
    lines += ["## Rates used", "", "| Option | Rate | USD per 1M tokens | In force from | Source |", "|---|---|--:|---|---|"]
    for o in plan.options:
        for name, r in o.rates.items():
            lines.append(f"| {o.name} | {name.replace('_', ' ')} | {r['price_per_mtok']} | {r['effective_from']} | {r['source']} |")
    lines.append("")
    return "\n".join(lines)
