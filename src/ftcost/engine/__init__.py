"""The cost/ROI engine: a scenario and a price date in, a Plan out. No Streamlit, no clock.

    plan(scenario, as_of, training=...) -> Plan

`training` holds the measured training inputs per base model (`ftcost.measure_training` counts a
scenario's sample or an upload into them); without it a scenario's stated tokens per example is used.

Per option and month: inference cost (input, cached input, output) at the option's rates on `as_of`,
the cost of wrong answers, and — for fine-tuned options — the one-off cost (training × iterations,
labour, data preparation, pilot) booked in month 1. From those: cumulative cost, break-even month of
each fine-tune against each base option, savings and ROI at the horizon, prompt tokens saved, the
pilot plan with its go/no-go gate, and lifecycle warnings. Prices are those in force on `as_of`; the
engine does not guess future price changes.

Lifecycle is in the numbers, not only in warnings: a model not served on `as_of` is not planned; a fine-tune
that cannot be carried out (engine/lifecycle.py) gets no payback and is listed in `Plan.excluded` with why;
a model that stops serving inside the horizon hands its months to its successor (`Month.served_by` says who
served each month), so no saving is counted for a month a model does not serve.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ftcost import pricing
from ftcost.engine.lifecycle import lifecycle_warnings, month_of, serves_until
from ftcost.engine.options import PricedOption, Selection, select_options
from ftcost.engine.providers_plan import provider_counting_model, provider_option_plan
from ftcost.engine.results import Excluded, Month, OptionPlan, Plan, RateUsed, plain
from ftcost.engine.retrieval import with_retrieval
from ftcost.engine.roi import break_even, prompt_saving
from ftcost.engine.timeline import OwnCosts, Timelines
from ftcost.engine.training import (
    Training,
    TrainingInputs,
    comparison,
    one_off,
    pilot_cost,
    pilot_plan,
    training_inputs,
)
from ftcost.engine.workload import add_months, cached_tokens, requests_in_month
from ftcost.errors import NotOfferedError, ScenarioError
from ftcost.i18n import N_, Notice
from ftcost.pricing import RateCard
from ftcost.scenario import Option, Scenario, price_date_problem

__all__ = ["plan", "plain", "Plan", "Training", "TrainingInputs", "add_months", "training_bases"]


def plan(scenario: Scenario, as_of: dt.date | None = None, *, training: Training | None = None) -> Plan:
    """Project `scenario` with the prices in force on `as_of` (default: the scenario's own date).

    `training` maps each fine-tuned option's base snapshot to its measured training inputs; a base it
    does not name uses the scenario's stated tokens_per_example.
    """
    as_of = _checked_date(as_of or scenario.as_of)
    # 1. Which options can be priced on this date, and which fine-tunes can be carried out (engine/options.py).
    selection = select_options(scenario, as_of)
    warnings = selection.warnings
    # 2. The product runs on the current option until a fine-tune goes live.
    go_live = go_live_month(as_of, scenario.labour.weeks)
    current = _current_option(scenario, as_of, selection, warnings)
    # 3. Each option's own months at this date's prices, its one-off cost, and the month it stops serving.
    costs = own_costs(scenario, as_of, selection, training)
    # 4. The months each option's plan pays for (engine/timeline.py); other providers' options first, as they
    #    can take over from a model that stops serving.
    timelines = Timelines(
        scenario,
        as_of,
        go_live=go_live,
        current=current,
        priced=selection.by_name,
        costs=costs,
        retrieval=selection.retrieval,
        warnings=warnings,
    )
    _plan_elsewhere(scenario, as_of, selection.elsewhere, timelines, training, costs, selection.excluded)
    options = list(timelines.external.values()) + [_option_plan(p, timelines, selection) for p in selection.priced]
    order = [o.name for o in scenario.option]
    options.sort(key=lambda o: order.index(o.name))
    warnings += _option_warnings(scenario, as_of, options, current, go_live)
    warnings += _unverified_warnings(selection.priced)
    # 5. Payback of each feasible fine-tune against each base option; the first fine-tune's pilot gate.
    warnings += lifecycle_warnings(
        scenario, as_of, {n: s for n, s in timelines.switches.items() if n in selection.by_name}
    )
    return _payback(scenario, as_of, selection, timelines, options, costs)


def _current_option(scenario: Scenario, as_of: dt.date, selection: Selection, warnings: list[Notice]) -> str | None:
    """The scenario's current option, or where that is not served on the date, the first base option that is."""
    if scenario.current.name in selection.by_name:
        return scenario.current.name
    current = next((p.name for p in selection.priced if not p.option.fine_tuned), None)
    if current is not None:
        warnings.append(
            Notice(
                N_(
                    "The current option {current} is not served on {date}; the plan runs the product on {option} until "
                    "a fine-tune goes live."
                ),
                current=scenario.current.name,
                date=as_of,
                option=current,
            )
        )
    return current


def own_costs(scenario: Scenario, as_of: dt.date, selection: Selection, training: Training | None) -> OwnCosts:
    """Each priced option on its own: months at the date's prices (with its retrieval), the month it stops
    serving inside the horizon, and for a fine-tune its pilot and one-off cost (training inputs once per base)."""
    costs = OwnCosts()
    inputs: dict[str, TrainingInputs] = {}
    profiles = selection.profiles()
    for p in selection.priced:
        name, snapshot = p.name, p.resolved.snapshot
        costs.months[name] = _months(scenario, p.option, p.profile, as_of, Decimal(0))
        if name in selection.retrieval:
            costs.months[name] = with_retrieval(costs.months[name], selection.retrieval[name])
        stop = serves_until(p.resolved)
        month = month_of(stop, as_of, scenario.horizon_months) if stop else None
        if stop is not None and month is not None:
            costs.stops[name] = (month, stop)
        if p.option.fine_tuned:
            if snapshot not in inputs:
                inputs[snapshot] = training_inputs(scenario, snapshot, training)
            pilot = pilot_cost(scenario, p.option.model, inputs[snapshot], profiles, as_of)
            costs.pilots[name] = pilot
            costs.one_offs[name] = one_off(scenario, p.option.model, inputs[snapshot], as_of, pilot.total_usd)
    return costs


def _plan_elsewhere(
    scenario: Scenario,
    as_of: dt.date,
    elsewhere: list[Option],
    timelines: Timelines,
    training: Training | None,
    costs: OwnCosts,
    excluded: list[Excluded],
) -> None:
    """Options another provider serves, planned by its rules (engine/providers_plan.py). They start from the
    current option's months like any fine-tune; once planned they can take over from a model that stops serving
    (a fine-tune elsewhere is a successor)."""
    warnings, current = timelines.warnings, timelines.current
    for option in elsewhere:
        if option.retrieval is not None:
            warnings.append(
                Notice(
                    N_(
                        "{option}: retrieved context is priced for OpenAI-served options only; its "
                        "retrieval costs are not in this plan."
                    ),
                    option=option.name,
                )
            )
    for option in sorted(elsewhere, key=lambda o: o.fine_tuned):
        done = provider_option_plan(
            scenario,
            option,
            as_of,
            go_live=timelines.go_live,
            current_months=timelines.months(current) if current else None,
            warnings=warnings,
            training=training,
            excluded=excluded,
        )
        if done is not None:
            timelines.external[option.name] = done[0]
            if done[1] is not None:
                costs.pilots[option.name] = done[1]
    timelines.restart()


def _option_plan(p: PricedOption, timelines: Timelines, selection: Selection) -> OptionPlan:
    option, name = p.option, p.name
    months = timelines.months(name)
    switch = timelines.switches.get(name)
    return OptionPlan(
        name=name,
        model=option.model,
        resolved_model=("ft:" if p.resolved.fine_tuned else "") + p.resolved.snapshot,
        fine_tuned=option.fine_tuned,
        accuracy_pct=option.accuracy_pct,
        tokens=p.profile,
        months=months,
        steady=timelines.costs.months[name][0],
        one_off=timelines.costs.one_offs.get(name),
        rates=_rate_summary(p.card),
        go_live_month=timelines.go_live if option.fine_tuned and timelines.current else 1,
        serves_until=serves_until(p.resolved),
        switch_month=switch.month if switch else None,
        successor=switch.successor if switch else None,
        feasibility=selection.feasibility[name],
        retrieval=selection.retrieval.get(name),
    )


def _option_warnings(
    scenario: Scenario, as_of: dt.date, options: list[OptionPlan], current: str | None, go_live: int
) -> list[Notice]:
    out: list[Notice] = []
    if current is None and any(o.fine_tuned for o in options):
        out.append(
            Notice(
                N_("No base option is served on {date}, so each fine-tune is projected as if it served from month 1."),
                date=as_of,
            )
        )
    if any(o.fine_tuned for o in options) and go_live > scenario.horizon_months:
        out.append(
            Notice(
                N_(
                    "The {weeks}-week project ends after the {horizon}-month horizon, so no fine-tune serves within it; "
                    "lengthen the horizon to see payback."
                ),
                weeks=scenario.labour.weeks,
                horizon=scenario.horizon_months,
            )
        )
    for o in options:
        if o.fine_tuned and o.switch_month is not None and o.switch_month <= o.go_live_month:
            out.append(
                Notice(
                    N_(
                        "{option} stops serving in month {month}, before or as it goes live: it never "
                        "serves a whole month of the plan."
                    ),
                    option=o.name,
                    month=o.switch_month,
                )
            )
    return out


def _payback(
    scenario: Scenario,
    as_of: dt.date,
    selection: Selection,
    timelines: Timelines,
    options: list[OptionPlan],
    costs: OwnCosts,
) -> Plan:
    """The Plan: break-even and prompt savings of each fine-tune against each base option, the first fine-tune's
    pilot gate, and what the reader must know about models that stop serving."""
    fine_tuned = [o for o in options if o.fine_tuned]
    bases = [o for o in options if not o.fine_tuned]
    pilot = (
        pilot_plan(scenario, fine_tuned[0], bases, costs.pilots[fine_tuned[0].name]) if fine_tuned and bases else None
    )
    caveats: list[str] = [*_stop_caveats(timelines, selection)]  # Notices, like Plan.warnings
    for o in fine_tuned:
        for c in o.feasibility.caveats if o.feasibility else ():
            if c not in caveats:
                caveats.append(c)
    return Plan(
        scenario=scenario.name,
        as_of=as_of,
        horizon_months=scenario.horizon_months,
        tier=scenario.workload.tier,
        options=options,
        break_even=[break_even(ft, base) for ft in fine_tuned for base in bases],
        prompt_savings=[prompt_saving(ft, base) for ft in fine_tuned for base in bases],
        pilot=pilot,
        warnings=list(dict.fromkeys(selection.warnings)),
        project_weeks=scenario.labour.weeks,
        current_option=timelines.current or "",
        excluded=selection.excluded,
        caveats=caveats,
        compare_with=comparison(scenario, bases).name if bases else "",
    )


def _stop_caveats(timelines: Timelines, selection: Selection) -> list[Notice]:
    """A model that stops serving with nothing after it: a base option is compared as switched off (a caveat),
    a fine-tune is warned about."""
    caveats: list[Notice] = []
    by_name = selection.by_name
    for name, (month, stop) in timelines.orphans.items():
        if name in by_name and not by_name[name].option.fine_tuned:
            caveats.append(
                Notice(
                    N_(
                        "{option} stops serving on {date} and no other base option in the scenario serves after it: from "
                        "month {month} it is compared as a product switched off (nothing paid). Add a base option served "
                        "after {date}, or name one as its successor."
                    ),
                    option=name,
                    date=stop,
                    month=month,
                )
            )
        elif name in by_name:
            selection.warnings.append(
                Notice(
                    N_(
                        "{option} stops serving on {date} and no base option serves after it: "
                        "from month {month} nothing is counted for it; name a successor."
                    ),
                    option=name,
                    date=stop,
                    month=month,
                )
            )
    return caveats


def training_bases(scenario: Scenario, as_of: dt.date) -> list[str]:
    """The base snapshots `plan` needs training inputs for on `as_of`: those of the fine-tuned options it can
    price and count tokens for (the others are left out of the plan with a warning)."""
    as_of = _checked_date(as_of)
    out: list[str] = []
    for option in scenario.option:
        if not option.fine_tuned:
            continue
        if option.provider_id != "openai":  # measured with its own tokenizer family (engine/providers_plan.py)
            counting = provider_counting_model(option)
            if counting is not None and counting not in out:
                out.append(counting)
            continue
        try:
            resolved = pricing.resolve(option.model, as_of)
            pricing.rates(option.model, as_of, scenario.workload.tier)
        except NotOfferedError:
            continue
        if resolved.model.encoding is not None and resolved.snapshot not in out:
            out.append(resolved.snapshot)
    return out


def _checked_date(as_of: dt.date | None) -> dt.date:
    if as_of is None:
        raise ScenarioError("The plan needs a price date: set as_of in the scenario or choose one.")
    if problem := price_date_problem(as_of):
        raise ScenarioError(f"The plan cannot start on {as_of.isoformat()}: {problem}.")
    return as_of


def go_live_month(as_of: dt.date, weeks: int) -> int:
    """The first month that starts on or after the project's end: when a fine-tune starts serving."""
    done = as_of + dt.timedelta(weeks=weeks)
    month = 1
    while add_months(as_of, month - 1) < done:
        month += 1
    return month


def _months(scenario: Scenario, option: Option, profile, as_of: dt.date, one_off_usd: Decimal) -> list[Month]:
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


#: The rates of an OpenAI option's card that its plan shows (the report's "Rates used").
PLAN_RATES = ("input", "cached_input", "output", "training")


def _unverified_warnings(priced: list[PricedOption]) -> list[Notice]:
    """One warning per option and price row resting on secondary sources only (`verified = false` in pricing/), as
    a provider's unverified rate is warned of: the plan's figures for that option are only as sure as that row."""
    out: list[Notice] = []
    for p in priced:
        rows: dict[tuple, None] = {}
        for name in PLAN_RATES:
            rate = getattr(p.card, name, None)
            if rate is not None and not rate.verified:
                rows[(rate.effective_from, rate.note)] = None
        for _, note in rows:
            out.append(
                Notice(N_("{line}: unverified rate — {note}"), line=p.name, note=note)
                if note
                else Notice(N_("{line}: unverified rate — secondary sources only"), line=p.name)
            )
    return out


def _rate_summary(card: RateCard) -> dict[str, RateUsed]:
    out = {}
    for name in PLAN_RATES:
        rate = getattr(card, name, None)
        if rate is not None:
            out[name] = RateUsed(
                price_per_mtok=str(rate.price),
                effective_from=rate.effective_from.isoformat(),
                source=rate.sources[0][1] if rate.sources else "",
            )
    return out
