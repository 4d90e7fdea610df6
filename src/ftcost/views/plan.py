"""The Plan page: option cards, payback cards, the answer, and the frames behind its charts and table."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pandas as pd

from ftcost import report
from ftcost.engine.results import OptionPlan, Plan
from ftcost.engine.roi import saving_parts
from ftcost.money import format_usd
from ftcost.report import month_text, pct
from ftcost.views.common import per_answer_usd, signed_usd, tokens

#: The parts of a month's cost, in stacking order, with the Month field each comes from.
BREAKDOWN_PARTS = {
    "Input tokens": "input_usd",
    "Cached input tokens": "cached_input_usd",
    "Output tokens": "output_usd",
    "Hosting and dedicated serving": "hosting_usd",
    "Retrieval: embeddings, vector store, upkeep": "retrieval_usd",
    "Wrong answers": "wrong_answers_usd",
    "One-off: training, people, pilot": "one_off_usd",
}



def base_options(plan: Plan) -> list[str]:
    """Names of the options a fine-tune is compared against, in the scenario's order."""
    return [o.name for o in plan.options if not o.fine_tuned]


def reference(plan: Plan, against: str | None = None) -> OptionPlan | None:
    """The base option deltas are measured against: `against` if it is one, else the first base option."""
    bases = [o for o in plan.options if not o.fine_tuned]
    return next((o for o in bases if o.name == against), bases[0] if bases else None)


def answer(plan: Plan, against: str | None = None) -> tuple[list[str], list[str]]:
    """The answer in two parts: (the payback against the reference option, then the pilot;
    the payback against every other base option)."""
    ref = reference(plan, against)
    if ref is None:
        return report.headline(plan), []
    others = [report.payback_sentence(plan, be) for be in plan.break_even if be.against != ref.name]
    return report.headline(plan, against=ref.name), others


@dataclass(frozen=True)
class OptionCard:
    name: str
    model: str
    fine_tuned: bool
    with_wrong: str  # a month of the option serving (first month's volume): API cost plus wrong answers
    with_wrong_delta: str | None  # against the reference option; None for the reference itself
    monthly: str  # first month's inference cost
    monthly_delta: str | None
    one_off: str
    per_correct: str  # inference cost per correct answer, first month
    per_correct_delta: str | None
    accuracy: str
    tokens_per_request: str
    total: str  # everything over the horizon, one-off and wrong answers included
    total_delta: str | None


def option_cards(plan: Plan, against: str | None = None) -> list[OptionCard]:
    ref = reference(plan, against)
    cards = []
    for o in plan.options:
        is_ref = ref is None or o.name == ref.name
        with_wrong = _with_wrong(o)
        per_correct_delta = None
        if not is_ref and o.cost_per_correct_usd is not None and ref.cost_per_correct_usd is not None:
            diff = o.cost_per_correct_usd - ref.cost_per_correct_usd
            per_correct_delta = ("+" if diff > 0 else "") + per_answer_usd(diff)
        cards.append(
            OptionCard(
                name=o.name,
                model=o.resolved_model,
                fine_tuned=o.fine_tuned,
                with_wrong=format_usd(with_wrong),
                with_wrong_delta=None if is_ref else signed_usd(
                    with_wrong - _with_wrong(ref)),
                monthly=format_usd(o.monthly_usd),
                monthly_delta=None if is_ref else signed_usd(o.monthly_usd - ref.monthly_usd),
                one_off=format_usd(o.one_off_usd) if o.one_off else "none",
                per_correct=per_answer_usd(o.cost_per_correct_usd),
                per_correct_delta=per_correct_delta,
                accuracy=f"{o.accuracy_pct.normalize():f}%",
                tokens_per_request=f"{tokens(o.tokens.prompt_tokens)} prompt + {tokens(o.tokens.output_tokens)} "
                f"output tokens per request",
                total=format_usd(o.cumulative_usd[-1]),
                total_delta=None if is_ref else signed_usd(o.cumulative_usd[-1] - ref.cumulative_usd[-1]),
            )
        )
    return cards


def _with_wrong(o: OptionPlan) -> Decimal:
    """A month of the option serving on its own (the engine's `steady` month, at the first month's volume):
    API cost plus the cost of its wrong answers."""
    return o.steady.serving_usd + o.steady.wrong_answers_usd


@dataclass(frozen=True)
class PaybackCard:
    fine_tuned: str
    against: str
    break_even: str  # "Month 4" / "No"
    break_even_date: str  # the month's first day, or "not within 12 months"
    pays_back: bool
    savings: str  # at the horizon, signed
    roi: str
    tokens_saved: str  # per request
    tokens_saved_pct: str  # "-85.0%": the prompt got shorter
    tokens_saved_month: str  # in the first month
    made_of: str = ""  # the saving split into its parts: "API cost $5.66 more, wrong answers $3,182.70 less, ..."


def payback_cards(plan: Plan, against: str | None = None) -> list[PaybackCard]:
    ref = reference(plan, against)
    if ref is None:
        return []
    savings = {(s.fine_tuned, s.against): s for s in plan.prompt_savings}
    cards = []
    for be in plan.break_even:
        if be.against != ref.name:
            continue
        ft = plan.option(be.fine_tuned)
        saved = savings[(be.fine_tuned, be.against)]
        cards.append(
            PaybackCard(
                fine_tuned=be.fine_tuned,
                against=be.against,
                # "No" + "not within 12 months" below it: the long form is cut off in a quarter-width metric.
                break_even=f"Month {be.month}" if be.month else "No",
                break_even_date=ft.months[be.month - 1].starts.isoformat() if be.month else
                month_text(None, plan.horizon_months),
                pays_back=be.month is not None,
                savings=signed_usd(be.savings_at_horizon_usd),
                roi=pct(be.roi_pct) if be.month is not None else "no payback",
                tokens_saved=tokens(saved.tokens_saved_per_request),
                tokens_saved_pct=pct(-saved.saved_pct) if saved.saved_pct else "",  # no "0 ↑ 0.0%"
                tokens_saved_month=tokens(saved.tokens_saved_first_month),
                made_of=report.parts_text(saving_parts(ft, ref)),
            )
        )
    return cards


def cumulative_frame(plan: Plan) -> pd.DataFrame:
    """One row per option and month: the running total (one-off and wrong answers included)."""
    rows = []
    for o in plan.options:
        for m, running in zip(o.months, o.cumulative_usd):
            rows.append({
                "option": o.name,
                "kind": "fine-tuned" if o.fine_tuned else "base model",
                "month": m.month,
                "starts": m.starts.isoformat(),
                "cumulative": float(running),
                "cumulative_text": format_usd(running),
                "month_text": format_usd(m.total_usd),
                "served_by": m.served_by or "nothing served",
            })
    return pd.DataFrame(rows)


def break_even_frame(plan: Plan, against: str | None = None) -> pd.DataFrame:
    """Where each fine-tune's line meets or crosses the reference's: month, running total, a label."""
    ref = reference(plan, against)
    rows = []
    for be in plan.break_even:
        if ref is None or be.against != ref.name or be.month is None:
            continue
        ft = plan.option(be.fine_tuned)
        running = ft.cumulative_usd[be.month - 1]
        rows.append({
            "option": be.fine_tuned,
            "against": be.against,
            "month": be.month,
            "cumulative": float(running),
            "cumulative_text": format_usd(running),
            "label": f"{be.fine_tuned} pays back in month {be.month}",
        })
    return pd.DataFrame(rows, columns=["option", "against", "month", "cumulative", "cumulative_text", "label"])


def go_live_frame(plan: Plan) -> pd.DataFrame:
    """The month each fine-tune starts serving (before it, the current option serves and the one-off is spent),
    and the month each model that stops serving inside the horizon hands over to its successor."""
    rows = {}
    for o in plan.options:
        if o.fine_tuned and o.go_live_month > 1:
            rows.setdefault(o.go_live_month, []).append(o.name)
    labels = [{"month": m, "label": f"{' and '.join(names)} go{'es' if len(names) == 1 else ''} live in month {m}"}
              for m, names in sorted(rows.items())]
    labels += [{"month": o.switch_month, "label": f"{o.name} stops serving on {o.serves_until.isoformat()}: "
                f"{o.successor} from month {o.switch_month}"}
               for o in plan.options if o.switch_month is not None]
    return pd.DataFrame(sorted(labels, key=lambda r: r["month"]), columns=["month", "label"])


def _parts_used(plan: Plan) -> list[str]:
    """The cost parts that are non-zero somewhere (no cached-input legend entry when nothing is cached)."""
    return [part for part, field in BREAKDOWN_PARTS.items() if any(getattr(m, field) for o in plan.options for m in o.months)]


def breakdown_frame(plan: Plan) -> pd.DataFrame:
    """One row per option, month and cost part (only parts that are non-zero somewhere)."""
    used = _parts_used(plan)
    rows = []
    for o in plan.options:
        for m in o.months:
            for order, part in enumerate(used):
                value = getattr(m, BREAKDOWN_PARTS[part])
                rows.append({
                    "option": o.name, "month": m.month, "part": part, "order": order,
                    "usd": float(value), "usd_text": format_usd(value), "served_by": m.served_by or "nothing served",
                })
    return pd.DataFrame(rows, columns=["option", "month", "part", "order", "usd", "usd_text", "served_by"])


def horizon_breakdown_frame(plan: Plan) -> pd.DataFrame:
    """One row per option and cost part: the part's total over the horizon."""
    used = _parts_used(plan)
    rows = []
    for o in plan.options:
        for order, part in enumerate(used):
            total = sum((getattr(m, BREAKDOWN_PARTS[part]) for m in o.months), Decimal(0))
            rows.append({"option": o.name, "part": part, "order": order, "usd": float(total), "usd_text": format_usd(total)})
    return pd.DataFrame(rows, columns=["option", "part", "order", "usd", "usd_text"])


def month_table(plan: Plan) -> pd.DataFrame:
    """The monthly table, formatted for reading (the CSV download has the exact figures)."""
    rows = []
    for o in plan.options:
        for m, running in zip(o.months, o.cumulative_usd):
            rows.append({
                "Option": o.name,
                "Month": m.month,
                "Starts": m.starts.isoformat(),
                "Served by": m.served_by or o.name,
                "Requests": tokens(m.requests),
                "Input tokens": tokens(m.input_tokens),
                "Output tokens": tokens(m.output_tokens),
                "Inference": format_usd(m.inference_usd),
                "Hosting": format_usd(m.hosting_usd),
                **({"Retrieval": format_usd(m.retrieval_usd)} if any(x.retrieval for x in plan.options) else {}),
                "Wrong answers": format_usd(m.wrong_answers_usd),
                "One-off": format_usd(m.one_off_usd),
                "Month total": format_usd(m.total_usd),
                "Running total": format_usd(running),
            })
    return pd.DataFrame(rows)


def training_note(plan: Plan, training, planned: int, label: str | None = None) -> tuple[str, str | None]:
    """Which training file the plan priced, and how it was scaled, in a sentence; and, when OpenAI would reject
    that file for having fewer than its minimum of examples, a sentence saying so (else None).

    `training` is the measured inputs the plan was made with (`ftcost.measure_training.for_plan`); `label` says
    what the file is ("the scenario's sample airport/train.jsonl", "your upload mine.jsonl"), else its name."""
    from ftcost.engine.training import MINIMUM_EXAMPLES

    ft = next((o for o in plan.options if o.fine_tuned and o.one_off), None)
    if ft is None:
        return "No fine-tune is planned, so no training file is priced.", None
    x = ft.one_off
    measured = next(iter(training.values()), None) if training else None
    scaled = f"scaled to the {planned:,} examples planned for the full set"
    epochs = f"{x.epochs} epochs" + (" (OpenAI's auto rule)" if x.epochs_estimated else "")
    if measured is None or measured.counted_examples is None:
        text = (f"Training is priced on the scenario's stated tokens per example, {scaled}, × {epochs}: "
                f"{tokens(x.charged_tokens_per_run)} charged tokens per run.")
        return text, None
    label = label or measured.name
    text = (f"Training is priced on {label} ({measured.counted_examples:,} examples, "
            f"{measured.tokens_per_example.quantize(Decimal('0.1')):,} billing tokens each on average), {scaled}, "
            f"× {epochs}: {tokens(x.charged_tokens_per_run)} charged tokens per run.")
    warning = None
    if measured.counted_examples < MINIMUM_EXAMPLES:
        warning = (f"OpenAI would reject {label}: it has {measured.counted_examples} examples and a training "
                   f"file needs at least {MINIMUM_EXAMPLES}. The plan only borrows its average length; the file you "
                   "train on must have more.")
    return text, warning
