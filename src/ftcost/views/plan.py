"""The Plan page: option cards, payback cards, the answer, and the frames behind its charts and table."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pandas as pd

from ftcost import report
from ftcost.engine.results import OptionPlan, Plan
from ftcost.engine.roi import saving_parts
from ftcost.engine.training import MINIMUM_EXAMPLES
from ftcost.i18n import N_, _, locale, ngettext, number
from ftcost.money import Display
from ftcost.views.common import epochs_basis, month_text, pct, rounded, tokens

#: The parts of a month's cost, in stacking order, with the Month field each comes from (English names: the
#: frames carry them translated, `part_label`).
BREAKDOWN_PARTS = {
    N_("Input tokens"): "input_usd",
    N_("Cached input tokens"): "cached_input_usd",
    N_("Output tokens"): "output_usd",
    N_("Hosting and dedicated serving"): "hosting_usd",
    N_("Retrieval: embeddings, vector store, upkeep"): "retrieval_usd",
    N_("Wrong answers"): "wrong_answers_usd",
    N_("One-off: training, people, pilot"): "one_off_usd",
}


def part_label(part: str) -> str:
    """A cost part's name in the current language."""
    return _(part)


def _m(money: Display | None) -> Display:
    return money if money is not None else Display(locale=locale())


def _served(m, o=None) -> str:
    return m.served_by or (o.name if o is not None else _("nothing served"))


def base_options(plan: Plan) -> list[str]:
    """Names of the options a fine-tune is compared against, in the scenario's order."""
    return [o.name for o in plan.options if not o.fine_tuned]


def reference(plan: Plan, against: str | None = None) -> OptionPlan | None:
    """The base option deltas are measured against: `against` if it is one, else the first base option."""
    bases = [o for o in plan.options if not o.fine_tuned]
    return next((o for o in bases if o.name == against), bases[0] if bases else None)


def answer(plan: Plan, against: str | None = None, money: Display | None = None) -> tuple[list[str], list[str]]:
    """The answer in two parts: (the payback against the reference option, then the pilot;
    the payback against every other base option)."""
    ref = reference(plan, against)
    if ref is None:
        return report.headline(plan, money=money), []
    others = [report.payback_sentence(plan, be, money=money) for be in plan.break_even if be.against != ref.name]
    return report.headline(plan, against=ref.name, money=money), others


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


def option_cards(plan: Plan, against: str | None = None, money: Display | None = None) -> list[OptionCard]:
    m = _m(money)
    ref = reference(plan, against)
    cards = []
    for o in plan.options:
        other = None if ref is None or o.name == ref.name else ref  # the option compared with, if not this one
        with_wrong = o.monthly_with_wrong_answers_usd
        per_correct_delta = None
        if other is not None and o.cost_per_correct_usd is not None and other.cost_per_correct_usd is not None:
            diff = o.cost_per_correct_usd - other.cost_per_correct_usd
            per_correct_delta = _nonzero(("+" if diff > 0 else "") + m.per_answer(diff))
        cards.append(
            OptionCard(
                name=o.name,
                model=o.resolved_model,
                fine_tuned=o.fine_tuned,
                with_wrong=m.amount(with_wrong),
                with_wrong_delta=None
                if other is None
                else _nonzero(m.signed(with_wrong - other.monthly_with_wrong_answers_usd)),
                monthly=m.amount(o.monthly_usd),
                monthly_delta=None if other is None else _nonzero(m.signed(o.monthly_usd - other.monthly_usd)),
                one_off=m.amount(o.one_off_usd) if o.one_off else _("none"),
                per_correct=m.per_answer(o.cost_per_correct_usd),
                per_correct_delta=per_correct_delta,
                accuracy=pct(o.accuracy_pct),
                tokens_per_request=_("{prompt} prompt + {output} output tokens per request").format(
                    prompt=tokens(o.tokens.prompt_tokens), output=tokens(o.tokens.output_tokens)
                ),
                total=m.amount(o.cumulative_usd[-1]),
                total_delta=None
                if other is None
                else _nonzero(m.signed(o.cumulative_usd[-1] - other.cumulative_usd[-1])),
            )
        )
    return cards


def _nonzero(delta: str) -> str | None:
    """A difference as shown, or None when it shows as zero ("$0.00", "-0.0%"): st.metric gives any delta an
    arrow and a colour, and a red "↑ $0.00" reads as a cost where there is none."""
    return delta if any(c in "123456789" for c in delta) else None


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


def payback_cards(plan: Plan, against: str | None = None, money: Display | None = None) -> list[PaybackCard]:
    m = _m(money)
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
                break_even=_("Month {month}").format(month=be.month) if be.month else _("No"),
                break_even_date=ft.months[be.month - 1].starts.isoformat()
                if be.month
                else month_text(None, plan.horizon_months),
                pays_back=be.month is not None,
                savings=m.signed(be.savings_at_horizon_usd),
                roi=pct(be.roi_pct) if be.month is not None else _("no payback"),
                tokens_saved=tokens(saved.tokens_saved_per_request),
                tokens_saved_pct=_nonzero(pct(-saved.saved_pct)) or "",  # no "0 ↑ 0.0%"
                tokens_saved_month=tokens(saved.tokens_saved_first_month),
                made_of=report.parts_text(saving_parts(ft, ref), m),
            )
        )
    return cards


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def cumulative_frame(plan: Plan, money: Display | None = None) -> pd.DataFrame:
    """One row per option and month: the running total (one-off and wrong answers included), in the display
    currency (the float column is for plotting only; the text columns are exact)."""
    money = _m(money)
    rows = []
    for o in plan.options:
        for m, running in zip(o.months, o.cumulative_usd, strict=True):
            rows.append(
                {
                    "option": o.name,
                    "kind": "fine-tuned" if o.fine_tuned else "base model",
                    "month": m.month,
                    "starts": m.starts.isoformat(),
                    "cumulative": float(money.value(running)),
                    "cumulative_text": money.amount(running),
                    "month_text": money.amount(m.total_usd),
                    "served_by": _served(m),
                }
            )
    return pd.DataFrame(rows)


def break_even_frame(plan: Plan, against: str | None = None, money: Display | None = None) -> pd.DataFrame:
    """Where each fine-tune's line meets or crosses the reference's: month, running total, a label."""
    ref = reference(plan, against)
    rows = []
    for be in plan.break_even:
        if ref is None or be.against != ref.name or be.month is None:
            continue
        ft = plan.option(be.fine_tuned)
        running = ft.cumulative_usd[be.month - 1]
        rows.append(
            {
                "option": be.fine_tuned,
                "against": be.against,
                "month": be.month,
                "cumulative": float(_m(money).value(running)),
                "cumulative_text": _m(money).amount(running),
                "label": _("{option} pays back in month {month}").format(option=be.fine_tuned, month=be.month),
            }
        )
    return pd.DataFrame(rows, columns=["option", "against", "month", "cumulative", "cumulative_text", "label"])


def go_live_frame(plan: Plan) -> pd.DataFrame:
    """The month each fine-tune starts serving (before it, the current option serves and the one-off is spent),
    and the month each model that stops serving inside the horizon hands over to its successor."""
    rows: dict[int, list[str]] = {}
    for o in plan.options:
        if o.fine_tuned and o.go_live_month > 1:
            rows.setdefault(o.go_live_month, []).append(o.name)
    labels: list[dict[str, Any]] = [
        {
            "month": m,
            "label": ngettext(
                "{options} goes live in month {month}", "{options} go live in month {month}", len(names)
            ).format(options=_(" and ").join(names), month=m),
        }
        for m, names in sorted(rows.items())
    ]
    labels += [
        {
            "month": o.switch_month,
            "label": _("{option} stops serving on {date}: {successor} from month {month}").format(
                option=o.name, date=str(o.serves_until), successor=o.successor, month=o.switch_month
            ),
        }
        for o in plan.options
        if o.switch_month is not None
    ]
    return pd.DataFrame(sorted(labels, key=lambda r: r["month"]), columns=["month", "label"])


def _parts_used(plan: Plan) -> list[str]:
    """The cost parts that are non-zero somewhere (no cached-input legend entry when nothing is cached)."""
    return [
        part
        for part, field in BREAKDOWN_PARTS.items()
        if any(getattr(m, field) for o in plan.options for m in o.months)
    ]


def breakdown_frame(plan: Plan, money: Display | None = None) -> pd.DataFrame:
    """One row per option, month and cost part (only parts that are non-zero somewhere)."""
    money = _m(money)
    used = _parts_used(plan)
    rows = []
    for o in plan.options:
        for m in o.months:
            for order, part in enumerate(used):
                value = getattr(m, BREAKDOWN_PARTS[part])
                rows.append(
                    {
                        "option": o.name,
                        "month": m.month,
                        "part": part_label(part),
                        "order": order,
                        "usd": float(money.value(value)),
                        "usd_text": money.amount(value),
                        "served_by": _served(m),
                    }
                )
    return pd.DataFrame(rows, columns=["option", "month", "part", "order", "usd", "usd_text", "served_by"])


def horizon_breakdown_frame(plan: Plan, money: Display | None = None) -> pd.DataFrame:
    """One row per option and cost part: the part's total over the horizon."""
    money = _m(money)
    used = _parts_used(plan)
    rows = []
    for o in plan.options:
        for order, part in enumerate(used):
            total = sum((getattr(m, BREAKDOWN_PARTS[part]) for m in o.months), Decimal(0))
            rows.append(
                {
                    "option": o.name,
                    "part": part_label(part),
                    "order": order,
                    "usd": float(money.value(total)),
                    "usd_text": money.amount(total),
                }
            )
    return pd.DataFrame(rows, columns=["option", "part", "order", "usd", "usd_text"])


def month_breakdown_frame(plan: Plan, money: Display | None = None) -> pd.DataFrame:
    """One row per option and running-cost part: a month of the option serving on its own at the first month's
    volume (the option cards' month), so every option's month reads on one chart."""
    money = _m(money)
    used = [part for part in _parts_used(plan) if BREAKDOWN_PARTS[part] != "one_off_usd"]
    rows = []
    for o in plan.options:
        for order, part in enumerate(used):
            value = getattr(o.steady, BREAKDOWN_PARTS[part])
            rows.append(
                {
                    "option": o.name,
                    "part": part_label(part),
                    "order": order,
                    "usd": float(money.value(value)),
                    "usd_text": money.amount(value),
                }
            )
    return pd.DataFrame(rows, columns=["option", "part", "order", "usd", "usd_text"])


def month_table(plan: Plan, money: Display | None = None) -> pd.DataFrame:
    """The monthly table, formatted for reading (the CSV download has the exact figures, in USD)."""
    money = _m(money)
    rows = []
    for o in plan.options:
        for m, running in zip(o.months, o.cumulative_usd, strict=True):
            rows.append(
                {
                    _("Option"): o.name,
                    _("Month"): m.month,
                    _("Starts"): m.starts.isoformat(),
                    _("Served by"): _served(m, o),
                    _("Requests"): tokens(m.requests),
                    _("Input tokens"): tokens(m.input_tokens),
                    _("Output tokens"): tokens(m.output_tokens),
                    _("Inference"): money.amount(m.inference_usd),
                    _("Hosting"): money.amount(m.hosting_usd),
                    **(
                        {_("Retrieval"): money.amount(m.retrieval_usd)}
                        if any(x.retrieval for x in plan.options)
                        else {}
                    ),
                    _("Wrong answers"): money.amount(m.wrong_answers_usd),
                    _("One-off"): money.amount(m.one_off_usd),
                    _("Month total"): money.amount(m.total_usd),
                    _("Running total"): money.amount(running),
                }
            )
    return pd.DataFrame(rows)


def training_note(plan: Plan, training, planned: int, label: str | None = None) -> tuple[str, str | None]:
    """Which training file the plan priced, and how it was scaled, in a sentence; and, when OpenAI would reject
    that file for having fewer than its minimum of examples, a sentence saying so (else None).

    `training` is the measured inputs the plan was made with (`ftcost.measure_training.for_plan`); `label` says
    what the file is ("the scenario's sample airport/train.jsonl", "your upload mine.jsonl"), else its name."""
    ft = next((o for o in plan.options if o.fine_tuned and o.one_off), None)
    if ft is None or ft.one_off is None:
        return _("No fine-tune is planned, so no training file is priced."), None
    x = ft.one_off
    measured = next(iter(training.values()), None) if training else None
    epochs = ngettext("{n} epoch", "{n} epochs", x.epochs).format(n=x.epochs) + epochs_basis(
        x, _(" (OpenAI's auto rule)")
    )
    fields = {"planned": number(planned), "epochs": epochs, "charged": tokens(x.charged_tokens_per_run)}
    if measured is None or measured.counted_examples is None:
        text = _(
            "Training is priced on the scenario's stated tokens per example, scaled to the {planned} examples "
            "planned for the full set, × {epochs}: {charged} charged tokens per run."
        ).format(**fields)
        return text, None
    label = label or measured.name
    text = _(
        "Training is priced on {file} ({examples} examples, {average} billing tokens each on average), scaled to "
        "the {planned} examples planned for the full set, × {epochs}: {charged} charged tokens per "
        "run."
    ).format(
        file=label,
        examples=number(measured.counted_examples),
        average=rounded(measured.tokens_per_example, 1),
        **fields,
    )
    warning = None
    if measured.counted_examples < MINIMUM_EXAMPLES:
        warning = _(
            "OpenAI would reject {file}: it has {examples} examples and a training file needs at least "
            "{minimum}. The plan only borrows its average length; the file you train on must have "
            "more."
        ).format(file=label, examples=measured.counted_examples, minimum=MINIMUM_EXAMPLES)
    return text, warning
