"""Payback: break-even month, savings and ROI at the horizon, and the accuracy a fine-tune needs."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from ftcost.engine.results import BreakEven, OptionPlan, PromptSaving


def break_even_month(ft: OptionPlan, base: OptionPlan) -> int | None:
    """First month from which the fine-tune's cumulative (quality-adjusted) cost stays at or below the base's to
    the horizon; None when that does not happen. (A line that dips under and comes back up — a model that stops
    serving, a successor's one-off — has not paid back.)"""
    month = None
    for i, (a, b) in enumerate(zip(ft.cumulative_usd, base.cumulative_usd, strict=True)):
        if a > b:
            month = None
        elif month is None:
            month = i + 1
    return month


def break_even(ft: OptionPlan, base: OptionPlan) -> BreakEven:
    savings = base.cumulative_usd[-1] - ft.cumulative_usd[-1]
    # Exact, as money is: rounded once where it is shown (a 0.01 step here, then 0.1 there, turned 99.2549 into
    # 99.2% beside the Prompts page's 99.3% for the same prompt).
    roi = savings / ft.one_off_usd * 100 if ft.one_off_usd else None
    return BreakEven(ft.name, base.name, break_even_month(ft, base), savings, roi)


def prompt_saving(ft: OptionPlan, base: OptionPlan) -> PromptSaving:
    """Prompt tokens the fine-tune saves per request against `base` (each counted in its own encoding)."""
    saved = base.tokens.prompt_tokens - ft.tokens.prompt_tokens
    pct = Decimal(saved) / base.tokens.prompt_tokens * 100 if base.tokens.prompt_tokens else Decimal(0)
    return PromptSaving(ft.name, base.name, saved, saved * ft.months[0].requests, pct)


def break_even_accuracy(ft: OptionPlan, base: OptionPlan, cost_per_wrong: Decimal) -> Decimal | None:
    """The lowest accuracy (%, rounded up to 0.1) at which the fine-tune pays back against `base` within the
    horizon, in the sense of `break_even_month`: its cumulative cost at the horizon is at most the base's. None
    when wrong answers cost nothing, or when the fine-tune serves no request within the horizon (accuracy does not
    move the money); 0 when it pays back at any accuracy; above 100 means no accuracy is enough.

    The fine-tune's cumulative cost at the horizon H is linear in its accuracy a:
        C_H(a) = F + W · (1 - a),  F = everything in its line but its own wrong answers (one-off, tokens, hosting,
        retrieval, and the wrong answers of months another option serves: before go-live, or a successor),
        W = requests the fine-tune itself serves × cost per wrong
    so it pays back iff a ≥ 1 - (B_H - F) / W. Only the horizon counts: a line that dips under the base's in some
    month and comes back above it (the base stops serving and costs nothing from then on, a successor's one-off)
    has not paid back, so an earlier month's lower bound is no gate.
    """
    if not cost_per_wrong:
        return None
    fixed = Decimal(0)
    requests = 0
    for month in ft.months:
        if month.served_by == ft.name:
            fixed += month.total_usd - month.wrong_answers_usd
            requests += month.requests
        else:  # another option's mistakes (or nothing served): the fine-tune's accuracy can't change them
            fixed += month.total_usd
    margin = base.cumulative_usd[-1] - fixed
    weight = Decimal(requests) * cost_per_wrong
    if not weight:
        return Decimal(0) if margin >= 0 else None
    bound = (1 - margin / weight) * 100
    return max(Decimal(0), bound).quantize(Decimal("0.1"), rounding=ROUND_CEILING)


@dataclass(frozen=True)
class SavingParts:
    """What a saving over the horizon is made of: each part is the base's total minus the fine-tune's (positive:
    the fine-tune spends less on it). They add up to the saving."""

    api_usd: Decimal  # tokens
    wrong_answers_usd: Decimal
    one_off_usd: Decimal  # training, people, data preparation, pilot: always a cost (<= 0)
    hosting_usd: Decimal  # hourly deployment / replica fees
    retrieval_usd: Decimal = Decimal(0)  # retrieved context's running costs

    @property
    def total_usd(self) -> Decimal:
        return self.api_usd + self.wrong_answers_usd + self.one_off_usd + self.hosting_usd + self.retrieval_usd


def saving_parts(ft: OptionPlan, base: OptionPlan) -> SavingParts:
    """The saving of `ft` against `base` over the horizon, split by cost part (months before go-live count the
    current option's costs in the fine-tune's line, as its cumulative total does)."""

    def total(o: OptionPlan, field: str) -> Decimal:
        return sum((getattr(m, field) for m in o.months), Decimal(0))

    return SavingParts(
        *(
            total(base, f) - total(ft, f)
            for f in ("inference_usd", "wrong_answers_usd", "one_off_usd", "hosting_usd", "retrieval_usd")
        )
    )
