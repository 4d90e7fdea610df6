"""The cost/ROI engine: a scenario and a price date in, a Plan out. No Streamlit, no clock.

    plan(scenario, as_of) -> Plan

Per option and month: inference cost (input, cached input, output) at the option's rates on `as_of`,
the cost of wrong answers, and — for fine-tuned options — the one-off cost (training × iterations,
labour, data preparation, pilot) booked in month 1. From those: cumulative cost, break-even month of
each fine-tune against each base option, savings and ROI at the horizon, prompt tokens saved, the
pilot plan with its go/no-go gate, and lifecycle warnings. Prices are those in force on `as_of`; the
engine does not guess future price changes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from ftcost.engine.lifecycle import lifecycle_warnings
from ftcost.engine.providers_plan import provider_option_plan
from ftcost.engine.results import Month, OptionPlan, Plan, RetrievalCost, TokenProfile, plain
from ftcost.engine.retrieval import retrieval_cost, with_retrieval, with_retrieved_tokens
from ftcost.engine.roi import break_even, prompt_saving
from ftcost.engine.training import Dataset, TrainingInputs, one_off, pilot_cost, pilot_plan, training_inputs
from ftcost.engine.workload import add_months, cached_tokens, requests_in_month, token_profile
from ftcost.errors import NotOfferedError, ScenarioError
from ftcost.scenario import Option, Scenario

__all__ = ["plan", "plain", "Plan", "add_months"]

def plan(
    scenario: Scenario,
    as_of: dt.date | None = None,
    *,
    base_dir: str | Path | None = None,
    dataset: Dataset = None,
) -> Plan:
    """Project `scenario` with the prices in force on `as_of` (default: the scenario's own date).

    `base_dir` is where the scenario's relative dataset path points from (default: scenarios/);
    `dataset` replaces the scenario's sample dataset: a path, (name, bytes) of an upload, or a function
    giving the dataset's analysis for a base model (for callers that cache analyses).
    """
    from ftcost import pricing

    as_of = as_of or scenario.as_of
    if as_of is None:
        raise ScenarioError("The plan needs a price date: set as_of in the scenario or choose one.")
    warnings: list[str] = []

    # 1. Which options can be priced on this date, and what one request of each sends and receives.
    priced: list[tuple[Option, object, object, TokenProfile]] = []
    retrieval: dict[str, RetrievalCost] = {}
    elsewhere: list[Option] = []  # options another provider trains and serves (engine/providers_plan.py)
    for option in scenario.option:
        if option.provider_id != "openai":
            elsewhere.append(option)
            continue
        try:
            resolved = pricing.resolve(option.model, as_of)
            card = pricing.rates(option.model, as_of, scenario.workload.tier)
        except NotOfferedError as exc:
            warnings.append(f"{option.name} is left out of the plan: {exc}")
            continue
        if resolved.model.encoding is None:
            warnings.append(f"{option.name} is left out of the plan: ftcost cannot count tokens for {resolved.snapshot}.")
            continue
        if option.retrieval is not None:  # retrieved context: its embedding prices on this date (engine/retrieval.py)
            try:
                retrieval[option.name] = retrieval_cost(scenario, option.retrieval, as_of)
            except NotOfferedError as exc:
                warnings.append(f"{option.name} is left out of the plan: its retrieval's embeddings: {exc}")
                continue
        profile = with_retrieved_tokens(token_profile(scenario.workload, option, resolved.model.encoding), option)
        priced.append((option, resolved, card, profile))
    # The pilot evaluates each model once; a model also sent with retrieved context is evaluated on its own prompt.
    profiles = {option.model: profile for option, _, _, profile in sorted(priced, key=lambda p: p[0].retrieval is None)}

    # 2. Base options serve from month 1. Fine-tuned options carry training inputs, a pilot and a
    #    one-off cost, and go live only when the project's timeline ends: until then the plan pays
    #    for the current option (the product keeps running while the team iterates).
    inputs: dict[str, TrainingInputs] = {}
    pilots = {}
    options: list[OptionPlan] = []
    go_live = go_live_month(as_of, scenario.labour.weeks)
    current = next((p for p in priced if p[0].name == scenario.current.name), None)
    if current is None:
        warnings.append(
            f"The current option {scenario.current.name} cannot be priced on {as_of.isoformat()}, so each "
            "fine-tune is projected as if it served from month 1."
        )
        go_live = 1
    own_months: dict[str, list[Month]] = {}
    # Base options first: a fine-tune's early months are the current (base) option's.
    for option, resolved, card, profile in sorted(priced, key=lambda p: p[0].fine_tuned):
        extra = None
        own = _months(scenario, option, profile, as_of, Decimal(0))
        if option.name in retrieval:
            own = with_retrieval(own, retrieval[option.name])
        own_months[option.name] = own
        months = own
        once = retrieval[option.name].one_off_usd if option.name in retrieval else Decimal(0)
        if once and not option.fine_tuned:
            months = [replace(own[0], one_off_usd=once), *own[1:]]
        if option.fine_tuned:
            if resolved.snapshot not in inputs:
                inputs[resolved.snapshot] = training_inputs(scenario, resolved.snapshot, base_dir=base_dir, dataset=dataset)
            pilot = pilot_cost(scenario, option.model, inputs[resolved.snapshot], profiles, as_of)
            pilots[option.name] = pilot
            extra = one_off(scenario, option.model, inputs[resolved.snapshot], as_of, pilot.total_usd)
            early = own_months[current[0].name] if current else own
            months = [early[i] if i + 1 < go_live else m for i, m in enumerate(own)]
            months[0] = replace(months[0], one_off_usd=extra.total_usd + once)
        options.append(
            OptionPlan(
                name=option.name,
                model=option.model,
                resolved_model=("ft:" if resolved.fine_tuned else "") + resolved.snapshot,
                fine_tuned=option.fine_tuned,
                accuracy_pct=option.accuracy_pct,
                tokens=profile,
                months=months,
                steady=own[0],
                one_off=extra,
                rates=_rate_summary(card),
                go_live_month=go_live if option.fine_tuned else 1,
                retrieval=retrieval.get(option.name),
            )
        )
    for option in elsewhere:
        if option.retrieval is not None:
            warnings.append(f"{option.name}: retrieved context is priced for OpenAI-served options only; its "
                            "retrieval costs are not in this plan.")
    for option in sorted(elsewhere, key=lambda o: o.fine_tuned):
        done = provider_option_plan(
            scenario, option, as_of, go_live=go_live, current_months=own_months.get(current[0].name) if current else None,
            warnings=warnings, base_dir=base_dir, dataset=dataset,
        )
        if done is not None:
            options.append(done[0])
            if done[1] is not None:
                pilots[option.name] = done[1]
    order = [o.name for o in scenario.option]
    options.sort(key=lambda o: order.index(o.name))
    if any(o.fine_tuned for o in options) and go_live > scenario.horizon_months:
        warnings.append(
            f"The {scenario.labour.weeks}-week project ends after the {scenario.horizon_months}-month horizon, "
            "so no fine-tune serves within it; lengthen the horizon to see payback."
        )

    # 3. Payback of each fine-tune against each base option; the first fine-tune's pilot gate.
    warnings += lifecycle_warnings(scenario, as_of)
    fine_tuned = [o for o in options if o.fine_tuned]
    bases = [o for o in options if not o.fine_tuned]
    pilot = None
    if fine_tuned and bases:
        pilot = pilot_plan(scenario, fine_tuned[0], bases, pilots[fine_tuned[0].name])
    return Plan(
        scenario=scenario.name,
        as_of=as_of,
        horizon_months=scenario.horizon_months,
        tier=scenario.workload.tier,
        options=options,
        break_even=[break_even(ft, base) for ft in fine_tuned for base in bases],
        prompt_savings=[prompt_saving(ft, base) for ft in fine_tuned for base in bases],
        pilot=pilot,
        warnings=warnings,
        project_weeks=scenario.labour.weeks,
        current_option=scenario.current.name,
    )


def go_live_month(as_of: dt.date, weeks: int) -> int:
    """The first month that starts on or after the project's end: when a fine-tune starts serving."""
    done = as_of + dt.timedelta(weeks=weeks)
    month = 1
    while add_months(as_of, month - 1) < done:
        month += 1
    return month


def _months(scenario: Scenario, option: Option, profile, as_of: dt.date, one_off_usd: Decimal) -> list[Month]:
    from ftcost import pricing

    out = []
    wrong_rate = (100 - option.accuracy_pct) / 100 * scenario.quality.cost_per_wrong_answer_usd
    for m in range(1, scenario.horizon_months + 1):
        requests = requests_in_month(scenario.workload, m)
        input_tokens = requests * profile.prompt_tokens
        cached = cached_tokens(input_tokens, scenario.workload.cached_share_pct)
        output_tokens = requests * profile.output_tokens
        q = pricing.quote(
            option.model,
            input_tokens=input_tokens,
            cached_input_tokens=cached,
            output_tokens=output_tokens,
            as_of=as_of,
            tier=scenario.workload.tier,
        )
        out.append(
            Month(
                month=m,
                starts=add_months(as_of, m - 1),
                requests=requests,
                input_tokens=input_tokens,
                cached_input_tokens=cached,
                output_tokens=output_tokens,
                input_usd=q.input_usd,
                cached_input_usd=q.cached_input_usd,
                output_usd=q.output_usd,
                wrong_answers_usd=Decimal(requests) * wrong_rate,
                one_off_usd=one_off_usd if m == 1 else Decimal(0),
                served_by=option.name,
            )
        )
    return out


def _rate_summary(card) -> dict:
    out = {}
    for name in ("input", "cached_input", "output", "training"):
        rate = getattr(card, name, None)
        if rate is not None:
            out[name] = {
                "price_per_mtok": str(rate.price),
                "effective_from": rate.effective_from.isoformat(),
                "source": rate.sources[0][1] if rate.sources else "",
            }
    return out
