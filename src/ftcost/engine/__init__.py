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
from dataclasses import replace
from decimal import Decimal
from typing import TYPE_CHECKING

from ftcost.engine.lifecycle import (
    Feasibility,
    fine_tune_feasibility,
    label,
    lifecycle_warnings,
    month_of,
    reason_of,
    serves_until,
)
from ftcost.engine.providers_plan import provider_counting_model, provider_option_plan
from ftcost.engine.results import Excluded, Month, OneOff, OptionPlan, Plan, RetrievalCost, TokenProfile, plain
from ftcost.engine.retrieval import retrieval_cost, with_retrieval, with_retrieved_tokens
from ftcost.engine.roi import break_even, prompt_saving
from ftcost.engine.training import (
    PilotCost,
    Training,
    TrainingInputs,
    comparison,
    one_off,
    pilot_cost,
    pilot_plan,
    training_inputs,
)
from ftcost.engine.workload import add_months, cached_tokens, requests_in_month, token_profile
from ftcost.errors import NotOfferedError, ScenarioError, UnknownModelError
from ftcost.i18n import N_, Notice
from ftcost.scenario import Option, Scenario, price_date_problem

if TYPE_CHECKING:  # the pricing package is imported inside plan(), where it is used
    from ftcost.pricing import RateCard, Resolved

__all__ = ["plan", "plain", "Plan", "Training", "TrainingInputs", "add_months", "training_bases"]

def plan(scenario: Scenario, as_of: dt.date | None = None, *, training: Training | None = None) -> Plan:
    """Project `scenario` with the prices in force on `as_of` (default: the scenario's own date).

    `training` maps each fine-tuned option's base snapshot to its measured training inputs; a base it
    does not name uses the scenario's stated tokens_per_example.
    """
    from ftcost import pricing

    as_of = _checked_date(as_of or scenario.as_of)
    warnings: list[Notice] = []  # sentences with their fields: shown in the reader's language (ftcost.i18n)
    excluded: list[Excluded] = []
    horizon = scenario.horizon_months

    # 1. Which options can be priced on this date, and what one request of each sends and receives.
    #    A model that is shut down on the date is not offered, whatever the price tables still hold.
    priced: list[tuple[Option, Resolved, RateCard, TokenProfile]] = []
    retrieval: dict[str, RetrievalCost] = {}
    elsewhere: list[Option] = []  # options another provider trains and serves (engine/providers_plan.py)
    for option in scenario.option:
        if option.provider_id != "openai":
            elsewhere.append(option)
            continue
        why: str | None
        try:
            resolved = pricing.resolve(option.model, as_of)
            card = pricing.rates(option.model, as_of, scenario.workload.tier)  # refuses a shut-down model, with its source
            stop = serves_until(resolved)
            if stop is not None and stop <= as_of:  # in case a price row outlives the model's shutdown
                raise NotOfferedError(Notice(N_("{model} stopped serving on {date}."), model=label(resolved), date=stop))
        except (NotOfferedError, UnknownModelError) as exc:  # a typo in the options table is not a blank page
            why = Notice(N_("{option} is left out of the plan: {reason}"), option=option.name, reason=reason_of(exc))
        else:
            why = None if resolved.model.encoding else Notice(
                N_("{option} is left out of the plan: ftcost cannot count tokens for {model}."), option=option.name,
                model=resolved.snapshot)
        if why:
            excluded.append(Excluded(option.name, option.model, option.fine_tuned, (why,)))
            if not option.fine_tuned:  # a fine-tune that cannot be priced is infeasible: the answer says so
                warnings.append(why)
            continue
        if option.retrieval is not None:  # retrieved context: its embedding prices on this date (engine/retrieval.py)
            try:
                retrieval[option.name] = retrieval_cost(scenario, option.retrieval, as_of)
            except (NotOfferedError, UnknownModelError) as exc:
                why = Notice(N_("{option} is left out of the plan: its retrieval's embeddings: {reason}"),
                             option=option.name, reason=reason_of(exc))
                excluded.append(Excluded(option.name, option.model, option.fine_tuned, (why,)))
                warnings.append(why)
                continue
        assert resolved.model.encoding is not None  # a model without one was left out above
        profile = with_retrieved_tokens(token_profile(scenario.workload, option, resolved.model.encoding), option)
        priced.append((option, resolved, card, profile))

    # 2. Feasibility before payback: a fine-tune that cannot be trained, or would go live after its own
    #    shutdown, gets no payback, no pilot and no line on the chart: it is explained instead.
    feasibility: dict[str, Feasibility] = {}
    kept: list[tuple[Option, Resolved, RateCard, TokenProfile]] = []
    for entry in priced:
        option, resolved = entry[0], entry[1]
        f = fine_tune_feasibility(scenario, option, as_of, resolved) if option.fine_tuned else Feasibility()
        if not f.ok:
            excluded.append(Excluded(option.name, option.model, True, f.reasons))
            continue
        feasibility[option.name] = f
        kept.append(entry)
    priced = kept
    # The pilot evaluates each model once; a model also sent with retrieved context is evaluated on its own prompt.
    profiles = {option.model: profile for option, _, _, profile in sorted(priced, key=lambda p: p[0].retrieval is None)}
    by_name = {p[0].name: p for p in priced}

    # 3. The product runs on the current option until a fine-tune goes live: the scenario's, or where that is
    #    not served on the date, the first base option that is.
    go_live = go_live_month(as_of, scenario.labour.weeks)
    current_name: str | None = scenario.current.name
    if current_name not in by_name:
        current_name = next((p[0].name for p in priced if not p[0].fine_tuned), None)
        if current_name is not None:
            warnings.append(Notice(
                N_("The current option {current} is not served on {date}; the plan runs the product on {option} until "
                   "a fine-tune goes live."), current=scenario.current.name, date=as_of, option=current_name))

    # 4. Each option's own months at this date's prices, its one-off cost, and the month it stops serving.
    inputs: dict[str, TrainingInputs] = {}
    pilots: dict[str, PilotCost] = {}
    own: dict[str, list[Month]] = {}
    extras: dict[str, OneOff] = {}
    stops: dict[str, tuple[int, dt.date]] = {}
    for option, resolved, _card, profile in priced:
        own[option.name] = _months(scenario, option, profile, as_of, Decimal(0))
        if option.name in retrieval:
            own[option.name] = with_retrieval(own[option.name], retrieval[option.name])
        stop = serves_until(resolved)
        month = month_of(stop, as_of, horizon) if stop else None
        if month is not None and stop is not None:
            stops[option.name] = (month, stop)
        if option.fine_tuned:
            if resolved.snapshot not in inputs:
                inputs[resolved.snapshot] = training_inputs(scenario, resolved.snapshot, training)
            trial = pilot_cost(scenario, option.model, inputs[resolved.snapshot], profiles, as_of)
            pilots[option.name] = trial
            extras[option.name] = one_off(scenario, option.model, inputs[resolved.snapshot], as_of, trial.total_usd)

    # 5. The months each option's plan pays for: a fine-tune's early months are the current option's, and a model
    #    that stops serving inside the horizon hands the rest to its successor (named in the scenario, else the
    #    current option or the first other option still serving), whose one-off is booked in the switch month.
    #    The switch is booked in the month the shutdown falls in: a team moves before the day, not after it.
    order = [o.name for o in scenario.option]
    switches: dict[str, tuple[int, str, dt.date]] = {}

    def serving_at(name: str, month: int) -> bool:
        if name in external:
            return True
        return name in by_name and (name not in stops or stops[name][0] > month)

    def successor_of(name: str, month: int, visiting: tuple[str, ...]) -> str | None:
        named = next(o.successor for o in scenario.option if o.name == name)
        if named and named not in visiting and (named in by_name or named in external):
            return named
        if named and named not in by_name and named not in external:
            warnings.append(Notice(N_("{option}'s successor {successor} is not planned on {date}; the plan moves to "
                                      "the next option still serving instead."), option=name, successor=named,
                                   date=as_of))
        # The current option, else the first other base option still serving. A fine-tune is a successor only
        # where the scenario names it: moving to one is a project, not a default.
        planned = [n for n in order if n in by_name or n in external]
        fine = {o.name for o in scenario.option if o.fine_tuned}
        candidates = ([current_name] if current_name else []) + [n for n in planned if n not in fine]
        return next((n for n in candidates if n != name and n not in visiting and serving_at(n, month)), None)

    memo: dict[str, list[Month]] = {}
    orphans: dict[str, tuple[int, dt.date]] = {}  # stop inside the horizon with nothing named or serving after
    external: dict[str, OptionPlan] = {}  # options planned by another provider's rules: successors too

    def one_off_of(name: str) -> Decimal:
        return external[name].one_off_usd if name in external else extras[name].total_usd if name in extras else Decimal(0)

    def timeline(name: str, visiting: tuple[str, ...] = ()) -> list[Month]:
        if name in external:
            return list(external[name].months)
        if name in memo:
            return memo[name]
        option = by_name[name][0]
        months = list(own[name])
        if option.fine_tuned and current_name and current_name != name and go_live > 1:
            early = timeline(current_name, visiting + (name,))
            months = [early[i] if i + 1 < go_live else m for i, m in enumerate(months)]
        if name in stops:
            month, stop = stops[name]
            successor = successor_of(name, month, visiting + (name,))
            if successor is None:
                orphans.setdefault(name, (month, stop))
                months[month - 1:] = [_nothing(m) for m in months[month - 1:]]
            else:
                switches[name] = (month, successor, stop)
                later = list(timeline(successor, visiting + (name,)))
                cost = one_off_of(successor)
                if cost:  # its own one-off moves from its month 1 to the switch month
                    later[0] = replace(later[0], one_off_usd=later[0].one_off_usd - cost)
                months[month - 1:] = later[month - 1:]
                if cost:
                    first = months[month - 1]
                    months[month - 1] = replace(first, one_off_usd=first.one_off_usd + cost)
        if option.fine_tuned:
            months[0] = replace(months[0], one_off_usd=months[0].one_off_usd + extras[name].total_usd)
        if name in retrieval and not visiting:  # building the retrieval, booked in month 1 of its own plan
            months[0] = replace(months[0], one_off_usd=months[0].one_off_usd + retrieval[name].one_off_usd)
        if not visiting:
            memo[name] = months
        return months

    # Options another provider serves start from the current option's months like any fine-tune; once planned
    # they can take over from a model that stops serving (a fine-tune elsewhere is a successor).
    for option in elsewhere:
        if option.retrieval is not None:
            warnings.append(Notice(N_("{option}: retrieved context is priced for OpenAI-served options only; its "
                                      "retrieval costs are not in this plan."), option=option.name))
    for option in sorted(elsewhere, key=lambda o: o.fine_tuned):
        done = provider_option_plan(
            scenario, option, as_of, go_live=go_live, current_months=timeline(current_name) if current_name else None,
            warnings=warnings, training=training, excluded=excluded,
        )
        if done is not None:
            external[option.name] = done[0]
            if done[1] is not None:
                pilots[option.name] = done[1]
    memo.clear()  # the first pass could not hand months to those options yet
    orphans.clear()
    switches.clear()

    options: list[OptionPlan] = list(external.values())
    for option, resolved, card, profile in priced:
        months = timeline(option.name)
        switch = switches.get(option.name)
        options.append(
            OptionPlan(
                name=option.name,
                model=option.model,
                resolved_model=("ft:" if resolved.fine_tuned else "") + resolved.snapshot,
                fine_tuned=option.fine_tuned,
                accuracy_pct=option.accuracy_pct,
                tokens=profile,
                months=months,
                steady=own[option.name][0],
                one_off=extras.get(option.name),
                rates=_rate_summary(card),
                go_live_month=go_live if option.fine_tuned and current_name else 1,
                serves_until=serves_until(resolved),
                switch_month=switch[0] if switch else None,
                successor=switch[1] if switch else None,
                feasibility=feasibility[option.name],
                retrieval=retrieval.get(option.name),
            )
        )
    order = [o.name for o in scenario.option]
    options.sort(key=lambda o: order.index(o.name))
    if current_name is None and any(o.fine_tuned for o in options):
        warnings.append(Notice(
            N_("No base option is served on {date}, so each fine-tune is projected as if it served from month 1."),
            date=as_of))
    if any(o.fine_tuned for o in options) and go_live > horizon:
        warnings.append(Notice(
            N_("The {weeks}-week project ends after the {horizon}-month horizon, so no fine-tune serves within it; "
               "lengthen the horizon to see payback."), weeks=scenario.labour.weeks, horizon=horizon))
    for o in options:
        if o.fine_tuned and o.switch_month is not None and o.switch_month <= o.go_live_month:
            warnings.append(Notice(N_("{option} stops serving in month {month}, before or as it goes live: it never "
                                      "serves a whole month of the plan."), option=o.name, month=o.switch_month))

    # 6. Payback of each feasible fine-tune against each base option; the first fine-tune's pilot gate.
    warnings += lifecycle_warnings(scenario, as_of, {n: s for n, s in switches.items() if n in by_name})
    fine_tuned = [o for o in options if o.fine_tuned]
    bases = [o for o in options if not o.fine_tuned]
    pilot = None
    if fine_tuned and bases:
        pilot = pilot_plan(scenario, fine_tuned[0], bases, pilots[fine_tuned[0].name])
    caveats: list[Notice] = []
    for name, (month, stop) in orphans.items():
        if name in by_name and not by_name[name][0].fine_tuned:
            caveats.append(Notice(
                N_("{option} stops serving on {date} and no other base option in the scenario serves after it: from "
                   "month {month} it is compared as a product switched off (nothing paid). Add a base option served "
                   "after {date}, or name one as its successor."), option=name, date=stop, month=month))
        elif name in by_name:
            warnings.append(Notice(N_("{option} stops serving on {date} and no base option serves after it: from month "
                                      "{month} nothing is counted for it; name a successor."), option=name, date=stop,
                                   month=month))
    for o in fine_tuned:
        for c in (o.feasibility.caveats if o.feasibility else ()):
            if c not in caveats:
                caveats.append(c)
    return Plan(
        scenario=scenario.name,
        as_of=as_of,
        horizon_months=horizon,
        tier=scenario.workload.tier,
        options=options,
        break_even=[break_even(ft, base) for ft in fine_tuned for base in bases],
        prompt_savings=[prompt_saving(ft, base) for ft in fine_tuned for base in bases],
        pilot=pilot,
        warnings=list(dict.fromkeys(warnings)),
        project_weeks=scenario.labour.weeks,
        current_option=current_name or "",
        excluded=excluded,
        caveats=caveats,
        compare_with=comparison(scenario, bases).name if bases else "",
    )


def _nothing(m: Month) -> Month:
    zero = Decimal(0)
    return replace(m, requests=0, input_tokens=0, cached_input_tokens=0, output_tokens=0, input_usd=zero,
                   cached_input_usd=zero, output_usd=zero, hosting_usd=zero, wrong_answers_usd=zero, one_off_usd=zero,
                   served_by="")


def training_bases(scenario: Scenario, as_of: dt.date) -> list[str]:
    """The base snapshots `plan` needs training inputs for on `as_of`: those of the fine-tuned options it can
    price and count tokens for (the others are left out of the plan with a warning)."""
    from ftcost import pricing

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
