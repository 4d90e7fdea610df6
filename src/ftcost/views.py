"""What the app shows, as plain rows and strings: the Plan, the dataset report, the prompts, the people.

The app's pages only lay these out, so every figure on screen is computed here (or deeper in the
library) and can be tested without Streamlit. Money stays Decimal until it is formatted; the float
columns ("usd", "cumulative") exist only because charts plot numbers — their tooltips and labels use
the exact formatted text beside them.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace
from typing import Callable

import pandas as pd

from ftcost.dataset import DatasetReport, count_messages, describe
from ftcost.engine.results import OptionPlan, Plan
from ftcost.engine.training import data_prep_usd, labour_per_iteration
from ftcost.engine.workload import prompt_messages
from ftcost.errors import FtcostError, NotOfferedError
from ftcost.money import format_price, format_usd
from ftcost.pricing import Change, PriceRow
from ftcost import report
from ftcost.report import month_text, pct
from ftcost.scenario import Scenario, Workload
from ftcost.tokens import ENCODINGS
from ftcost.tokens import count as tokens_count

#: The parts of a month's cost, in stacking order, with the Month field each comes from.
BREAKDOWN_PARTS = {
    "Input tokens": "input_usd",
    "Cached input tokens": "cached_input_usd",
    "Output tokens": "output_usd",
    "Wrong answers": "wrong_answers_usd",
    "One-off: training, people, pilot": "one_off_usd",
}


def tokens(n: int) -> str:
    return f"{n:,}"


def signed_usd(amount: Decimal) -> str:
    """`+$1,234.56` / `-$1,234.56`: a difference, whose sign Streamlit's metric turns into an arrow."""
    return ("+" if amount > 0 else "") + format_usd(amount)


def per_answer_usd(amount: Decimal | None) -> str:
    """A cost per answer to a hundredth of a cent ($0.0123): cents alone would make options look equal."""
    return "—" if amount is None else format_usd(amount, places=4)


# --- the Plan page ---------------------------------------------------------------------------------------


def base_options(plan: Plan) -> list[str]:
    """Names of the options a fine-tune is compared against, in the scenario's order."""
    return [o.name for o in plan.options if not o.fine_tuned]


def reference(plan: Plan, against: str | None = None) -> OptionPlan | None:
    """The base option deltas are measured against: `against` if it is one, else the first base option."""
    bases = [o for o in plan.options if not o.fine_tuned]
    return next((o for o in bases if o.name == against), bases[0] if bases else None)


def answer(plan: Plan, against: str | None = None) -> tuple[list[str], list[str]]:
    """report.headline's sentences split in two: (the payback against the reference option, then the pilot;
    the payback against every other base option). headline() says one sentence per break-even pair, in
    plan.break_even's order, then the pilot's."""
    ref = reference(plan, against)
    sentences = report.headline(plan)
    pairs = list(zip(plan.break_even, sentences))
    main = [s for be, s in pairs if ref is not None and be.against == ref.name]
    others = [s for be, s in pairs if ref is None or be.against != ref.name]
    return main + sentences[len(pairs):], others


@dataclass(frozen=True)
class OptionCard:
    name: str
    model: str
    fine_tuned: bool
    with_wrong: str  # first month's inference cost plus the cost of its wrong answers
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
        with_wrong = o.months[0].inference_usd + o.months[0].wrong_answers_usd
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
                    with_wrong - ref.months[0].inference_usd - ref.months[0].wrong_answers_usd),
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


@dataclass(frozen=True)
class PaybackCard:
    fine_tuned: str
    against: str
    break_even: str  # "Month 4" / "Not within 12 months"
    break_even_date: str  # the month's first day, or ""
    pays_back: bool
    savings: str  # at the horizon, signed
    roi: str
    tokens_saved: str  # per request
    tokens_saved_pct: str  # "-85.0%": the prompt got shorter
    tokens_saved_month: str  # in the first month


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
                break_even=month_text(be.month, plan.horizon_months).capitalize(),
                break_even_date=ft.months[be.month - 1].starts.isoformat() if be.month else "",
                pays_back=be.month is not None,
                savings=signed_usd(be.savings_at_horizon_usd),
                roi=pct(be.roi_pct),
                tokens_saved=tokens(saved.tokens_saved_per_request),
                tokens_saved_pct=pct(-saved.saved_pct),
                tokens_saved_month=tokens(saved.tokens_saved_first_month),
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


def breakdown_frame(plan: Plan) -> pd.DataFrame:
    """One row per option, month and cost part (only parts that are non-zero somewhere)."""
    used = [
        part for part, field in BREAKDOWN_PARTS.items()
        if any(getattr(m, field) for o in plan.options for m in o.months)
    ]
    rows = []
    for o in plan.options:
        for m in o.months:
            for order, part in enumerate(used):
                value = getattr(m, BREAKDOWN_PARTS[part])
                rows.append({
                    "option": o.name, "month": m.month, "part": part, "order": order,
                    "usd": float(value), "usd_text": format_usd(value),
                })
    return pd.DataFrame(rows, columns=["option", "month", "part", "order", "usd", "usd_text"])


def horizon_breakdown_frame(plan: Plan) -> pd.DataFrame:
    """One row per option and cost part: the part's total over the horizon."""
    used = [
        part for part, field in BREAKDOWN_PARTS.items()
        if any(getattr(m, field) for o in plan.options for m in o.months)
    ]
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
                "Requests": tokens(m.requests),
                "Input tokens": tokens(m.input_tokens),
                "Output tokens": tokens(m.output_tokens),
                "Inference": format_usd(m.inference_usd),
                "Wrong answers": format_usd(m.wrong_answers_usd),
                "One-off": format_usd(m.one_off_usd),
                "Month total": format_usd(m.total_usd),
                "Running total": format_usd(running),
            })
    return pd.DataFrame(rows)


# --- the Prompts & volume page ---------------------------------------------------------------------------

PROMPT_TEXTS = {
    "Long prompt (base models)": "long_prompt",
    "Short prompt (fine-tuned)": "short_prompt",
    "User message": "user_message",
    "Sample answer": "sample_answer",
}


def prompt_token_frame(workload: Workload, count: Callable[[str, str], int] = tokens_count) -> pd.DataFrame:
    """Tokens of each text and of one whole request, per encoding, and how much shorter the fine-tune's is.

    A request is counted the way the engine counts it: system prompt + user message as chat messages,
    with the per-message overheads. `count` is injectable so the app can cache it.
    """
    table: dict[str, dict[str, str]] = {label: {} for label in PROMPT_TEXTS}
    long_label = "One base-model request (long prompt + message)"
    short_label = "One fine-tuned request (short prompt + message)"
    table[long_label], table[short_label], table["Fine-tuned request is shorter by"] = {}, {}, {}
    for encoding in ENCODINGS:
        for label, field in PROMPT_TEXTS.items():
            table[label][encoding] = tokens(count(getattr(workload, field), encoding))
        long_n = count_messages(prompt_messages(workload, _LONG), encoding)
        short_n = count_messages(prompt_messages(workload, _SHORT), encoding)
        table[long_label][encoding] = tokens(long_n)
        table[short_label][encoding] = tokens(short_n)
        table["Fine-tuned request is shorter by"][encoding] = pct(
            Decimal(long_n - short_n) / long_n * 100 if long_n else None
        )
    frame = pd.DataFrame.from_dict(table, orient="index")
    frame.index.name = "Tokens"
    return frame.reset_index()


# prompt_messages only asks an option which prompt it sends.
_LONG, _SHORT = SimpleNamespace(prompt="long"), SimpleNamespace(prompt="short")


@dataclass(frozen=True)
class VolumeView:
    first_month: str  # requests
    last_month: str
    last_label: str  # "Requests in month 12"
    saving: str  # "498 tokens (92.6%)": the first fine-tune's prompt against the first base option's
    saving_label: str
    saved_first_month: str


def volume_view(plan: Plan) -> VolumeView:
    months = plan.options[0].months
    first = plan.prompt_savings[0] if plan.prompt_savings else None
    return VolumeView(
        first_month=tokens(months[0].requests),
        last_month=tokens(months[-1].requests),
        last_label=f"Requests in month {months[-1].month}",
        saving=f"{tokens(first.tokens_saved_per_request)} ({pct(first.saved_pct)})" if first else "—",
        saving_label=f"Prompt tokens saved per request: {first.fine_tuned} vs {first.against}" if first else
        "Prompt tokens saved per request",
        saved_first_month=tokens(first.tokens_saved_first_month) if first else "—",
    )


def encodings_used(plan: Plan) -> dict[str, list[str]]:
    """Which options each encoding counts for (the plan counts every option with its own model's)."""
    out: dict[str, list[str]] = {}
    for o in plan.options:
        out.setdefault(o.tokens.encoding, []).append(o.name)
    return out


# --- the People & pilot page -----------------------------------------------------------------------------


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
        gate_accuracy=pct(p.gate_accuracy_pct),
        target_accuracy=pct(p.target_accuracy_pct),
        break_even_accuracy=pct(p.break_even_accuracy_pct),
        month_to_beat=month_text(p.break_even_month_to_beat, plan.horizon_months),
        against=p.against or "",
        parts=parts,
    )


# --- the Dataset page ------------------------------------------------------------------------------------

#: Line numbers listed in the issues table before "… and N more" (the CSV download has them all).
LINES_SHOWN = 12


def issue_frame(report: DatasetReport) -> pd.DataFrame:
    """One row per error or warning category: how often, on which lines, what it means, how to fix it."""
    rows = []
    for kind, counts, lines in (("Error", report.errors, report.error_lines),
                                ("Warning", report.warnings, report.warning_lines)):
        for category, n in counts.items():
            found = lines.get(category) or []
            shown = ", ".join(str(x) for x in found[:LINES_SHOWN])
            if len(found) > LINES_SHOWN:
                shown += f" … and {len(found) - LINES_SHOWN:,} more"
            meaning, fix = describe(category)
            rows.append({"Kind": kind, "Problem": category, "Times": n, "Lines": shown or "whole file",
                         "What it means": meaning, "How to fix it": fix})
    return pd.DataFrame(rows, columns=["Kind", "Problem", "Times", "Lines", "What it means", "How to fix it"])


def issue_lines_csv(report: DatasetReport) -> str:
    """Every error and warning as one row per line number (file-wide problems with an empty line)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["file", "kind", "problem", "line", "fix"])
    for kind, counts, lines in (("error", report.errors, report.error_lines),
                                ("warning", report.warnings, report.warning_lines)):
        for category in counts:
            fix = describe(category).fix
            for line in lines.get(category) or [""]:
                writer.writerow([report.file, kind, category, line, fix])
    return buf.getvalue()


def first_problem(report: DatasetReport) -> str | None:
    """One sentence naming the first bad line, for the top of the page; None when the file is valid."""
    if report.valid:
        return None
    located = [(lines[0], category) for category, lines in report.error_lines.items() if lines]
    total = sum(report.errors.values())
    if located:
        line, category = min(located)
        return (f"OpenAI would reject {_name(report)}: {total:,} problem(s); the first is on line {line} "
                f"({category}: {describe(category).meaning}) The good lines are still counted below.")
    category = next(iter(report.errors))
    return f"OpenAI would reject {_name(report)}: {describe(category).meaning}"


def accepted_sentence(report: DatasetReport) -> str:
    return f"OpenAI should accept {_name(report)} for {report.model}: no errors in {report.examples:,} examples."


def _name(report: DatasetReport) -> str:
    return Path(report.file).name


STAT_LABELS = {
    "messages_per_example": "Messages per example",
    "tokens_per_example": "Tokens per example",
    "assistant_tokens_per_example": "Answer tokens per example",
}


def stats_frame(report: DatasetReport) -> pd.DataFrame:
    rows = []
    for key, label in STAT_LABELS.items():
        s = report.stats.get(key) or {}
        rows.append({"": label, **{name: _stat(s.get(field)) for name, field in
                                   (("min", "min"), ("median", "median"), ("mean", "mean"), ("90th percentile", "p90"),
                                    ("max", "max"))}})
    return pd.DataFrame(rows)


def _stat(value) -> str:
    if value is None:
        return "—"
    return f"{value:,}" if isinstance(value, int) else f"{value:,.1f}"


def token_values(report: DatasetReport) -> pd.DataFrame:
    return pd.DataFrame({"tokens": list(report.tokens_per_example)})


def limit_in_view(report: DatasetReport) -> bool:
    """Whether the per-example limit can share an axis with the examples: drawn at 16,385 beside examples of
    ~100 tokens, the bars would shrink to one line, so then the limit is stated in words instead."""
    longest = report.stats.get("tokens_per_example", {}).get("max") or 0
    return longest * 4 >= report.token_limit


def limit_sentence(report: DatasetReport) -> str:
    longest = report.stats.get("tokens_per_example", {}).get("max") or 0
    return (f"The longest example has {longest:,} tokens, well inside the {limit_label(report)} "
            f"(not drawn, so the bars stay readable).")


def limit_label(report: DatasetReport) -> str:
    source = "training limit" if report.token_limit_published else "context window (no published training limit)"
    return f"{report.model} {source}: {report.token_limit:,} tokens"


@dataclass(frozen=True)
class DatasetSummary:
    examples: str
    problems: str
    billing_tokens: str
    epochs: str
    charged_tokens: str
    over_limit: str


def dataset_summary(report: DatasetReport) -> DatasetSummary:
    return DatasetSummary(
        examples=tokens(report.examples),
        problems=tokens(sum(report.errors.values())),
        billing_tokens=tokens(report.billing_tokens),
        epochs=f"{report.epochs} (auto rule)" if report.epochs_estimated else str(report.epochs),
        charged_tokens=tokens(report.charged_tokens),
        over_limit=tokens(report.over_limit),
    )


def training_cost_frame(reports: dict[str, DatasetReport], as_of: dt.date) -> pd.DataFrame:
    """What training on this file costs on each model (analysed with that model's encoding and limit)."""
    from ftcost import pricing

    rows = []
    for model, report in reports.items():
        try:
            usd, rate = pricing.training_cost(model, report.charged_tokens, as_of)
            cost, price = format_usd(usd), f"{format_price(rate.price)} per 1M tokens"
        except NotOfferedError as exc:
            cost, price = "not offered", str(exc)
        rows.append({
            "Model": model,
            "Encoding": report.encoding,
            "Accepted?": "yes" if report.valid else "no: " + ", ".join(report.errors),
            "Billing tokens per epoch": tokens(report.billing_tokens),
            "Epochs": f"{report.epochs} (auto)" if report.epochs_estimated else str(report.epochs),
            "Charged tokens": tokens(report.charged_tokens),
            "Training price": price,
            "Cost of one run": cost,
        })
    return pd.DataFrame(rows)


def fine_tuned_bases(scenario: Scenario, as_of: dt.date) -> list[str]:
    """The base snapshots of the scenario's fine-tuned options on `as_of` (ones that cannot be resolved skipped)."""
    from ftcost import pricing

    out = []
    for option in scenario.option:
        if option.fine_tuned:
            try:
                out.append(pricing.resolve(option.model, as_of).snapshot)
            except FtcostError:
                continue
    return list(dict.fromkeys(out))


# --- the Prices page -------------------------------------------------------------------------------------

KIND_LABELS = {
    "base": "Base model",
    "fine_tuned": "Fine-tuned model",
    "training": "Training, per 1M tokens",
    "training_hour": "Training, per hour",
}
COMPONENT_LABELS = {"input": "input", "cached_input": "cached input", "output": "output", "price": "training"}


def price_frame(rows: list[PriceRow]) -> pd.DataFrame:
    """The price table as read by people: one row per price, "—" where a price is not offered."""
    out = []
    for r in sorted(rows, key=lambda r: (r.model, list(KIND_LABELS).index(r.kind), r.tier)):
        prices = r.prices()
        out.append({
            "Model": r.model,
            "Kind": KIND_LABELS.get(r.kind, r.kind),
            "Tier": r.tier.replace("_", " "),
            "Input": _price(prices.get("input")),
            "Cached input": _price(prices.get("cached_input")),
            "Output": _price(prices.get("output")),
            "Training": _price(prices.get("price")) + (" / hour" if r.kind == "training_hour" and "price" in prices else ""),
            "Since": r.effective_from.isoformat(),
            "Until": r.effective_until.isoformat() if r.effective_until else "",
            "Source": r.sources[0][1] if r.sources else "",
            "Checked": r.checked.isoformat(),
            "Confirmed": r.verified,
        })
    return pd.DataFrame(out, columns=["Model", "Kind", "Tier", "Input", "Cached input", "Output", "Training", "Since",
                                      "Until", "Source", "Checked", "Confirmed"])


def _price(value: Decimal | None) -> str:
    return "—" if value is None else format_price(value)


def history_frame(rows: list[PriceRow], until: dt.date) -> pd.DataFrame:
    """Points for a step chart: each price at the start of each period, and once more where the period ends
    (or at `until` while it is still in force). Periods that follow each other share a segment, so the line
    steps; a gap (not offered) starts a new segment instead of drawing a price that did not exist."""
    points = []
    groups: dict[tuple, list[PriceRow]] = {}
    for r in rows:
        groups.setdefault((r.kind, r.tier), []).append(r)
    for (kind, tier), periods in groups.items():
        periods.sort(key=lambda r: r.effective_from)
        segment, previous_end = 0, None
        for r in periods:
            if previous_end is None or r.effective_from != previous_end:
                segment += 1
            end = r.effective_until or max(until, r.effective_from)
            for component, value in r.prices().items():
                series = f"{KIND_LABELS[kind]} · {COMPONENT_LABELS[component]} ({tier.replace('_', ' ')})"
                for day in (r.effective_from, end):
                    points.append({
                        "series": series, "segment": f"{series} #{segment}", "date": day.isoformat(),
                        "usd": float(value), "usd_text": format_price(value),
                        "from": r.effective_from.isoformat(),
                        "until": r.effective_until.isoformat() if r.effective_until else "still in force",
                    })
            previous_end = r.effective_until
    return pd.DataFrame(points, columns=["series", "segment", "date", "usd", "usd_text", "from", "until"])


def priced_models(rows: list[PriceRow]) -> list[str]:
    return sorted({r.model for r in rows})


def diff_frame(changes: list[Change]) -> pd.DataFrame:
    """What changed between two days, one row per price that was added, removed or changed."""
    out = []
    for c in changes:
        out.append({
            "Model": c.model,
            "Kind": KIND_LABELS.get(c.kind, c.kind),
            "Tier": c.tier.replace("_", " "),
            "Change": c.change,
            "What": "; ".join(_change_text(f, a, b) for f, a, b in c.fields),
            "Source": ((c.after or c.before).sources[0][1] if (c.after or c.before).sources else ""),
        })
    return pd.DataFrame(out, columns=["Model", "Kind", "Tier", "Change", "What", "Source"])


def _change_text(field: str, before: Decimal | None, after: Decimal | None) -> str:
    name = COMPONENT_LABELS.get(field, field)
    if before is None:
        return f"{name} {_price(after)}"
    if after is None:
        return f"{name} was {_price(before)}"
    return f"{name} {_price(before)} → {_price(after)}"


def diff_dates(versions: list[dt.date], as_of: dt.date) -> tuple[dt.date, dt.date]:
    """Default span for "what changed": from the day before the last price change up to `as_of`, to `as_of`."""
    earlier = [d for d in versions if d <= as_of]
    return (earlier[-1] - dt.timedelta(days=1) if earlier else as_of), as_of
