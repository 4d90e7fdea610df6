"""Payback: break-even month, savings and ROI at the horizon, and the accuracy a fine-tune needs."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from ftcost.engine.results import BreakEven, OptionPlan, PromptSaving

PCT = Decimal("0.01")


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
    roi = (savings / ft.one_off_usd * 100).quantize(PCT) if ft.one_off_usd else None
    return BreakEven(ft.name, base.name, break_even_month(ft, base), savings, roi)


def prompt_saving(ft: OptionPlan, base: OptionPlan) -> PromptSaving:
    """Prompt tokens the fine-tune saves per request against `base` (each counted in its own encoding)."""
    saved = base.tokens.prompt_tokens - ft.tokens.prompt_tokens
    pct = (Decimal(saved) / base.tokens.prompt_tokens * 100).quantize(PCT) if base.tokens.prompt_tokens else Decimal(0)
    return PromptSaving(ft.name, base.name, saved, saved * ft.months[0].requests, pct)


def break_even_accuracy(ft: OptionPlan, base: OptionPlan, cost_per_wrong: Decimal) -> Decimal | None:
    """The lowest accuracy (%, rounded up to 0.1) at which the fine-tune still breaks even with `base`
    within the horizon. None when wrong answers cost nothing (accuracy does not move the money);
    above 100 means no accuracy is enough.

    The fine-tune's cumulative cost by month m is linear in its accuracy a:
        C_m(a) = F_m + W_m · (1 - a),  F_m = one-off + inference so far (+ the wrong answers of months the
        current option served before go-live),  W_m = requests the fine-tune served so far × cost per wrong
    so it breaks even in month m iff a ≥ 1 - (B_m - F_m) / W_m; the answer is the smallest such bound.
    """
    if not cost_per_wrong:
        return None
    fixed = Decimal(0)
    requests = 0
    best: Decimal | None = None
    base_cum = base.cumulative_usd
    for month, base_total in zip(ft.months, base_cum, strict=True):
        fixed += month.inference_usd + month.one_off_usd
        if month.served_by != ft.name:
            fixed += month.wrong_answers_usd  # the current option's mistakes: the fine-tune's accuracy can't help
            if base_total >= fixed:
                best = Decimal(0)  # breaks even before the fine-tune even serves
            continue
        requests += month.requests
        weight = Decimal(requests) * cost_per_wrong
        if not weight:  # no request served yet (volume fell to 0): accuracy cannot move this month
            if base_total >= fixed:
                best = Decimal(0)
            continue
        bound = (1 - (base_total - fixed) / weight) * 100
        best = bound if best is None else min(best, bound)
    if best is None:
        return None
    return max(Decimal(0), best).quantize(Decimal("0.1"), rounding=ROUND_CEILING)


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

    return SavingParts(*(total(base, f) - total(ft, f)
                         for f in ("inference_usd", "wrong_answers_usd", "one_off_usd", "hosting_usd", "retrieval_usd")))
