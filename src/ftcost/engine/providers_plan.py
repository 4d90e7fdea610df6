"""Options trained and served by a provider other than OpenAI (`provider = "together"` …), as OptionPlans the
rest of the engine compares like any other: per-token inference where the deployment bills tokens, hosting or
dedicated serving as its own monthly slice (`Month.hosting_usd`), and a one-off of training at the provider's
rate (per 1M tokens, or GPU-hours from measured throughput) × iterations + labour + data preparation + a pilot.

Prices come from pricing/providers/ (`ftcost.pricing.providers`) and the scenario's `[[rate]]` — the team's own
figures, which fill prices no public source gives (Azure's per-model token rates) and are labelled as such.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ftcost.engine.lifecycle import reason_of
from ftcost.engine.results import Excluded, Month, OneOff, OptionPlan, RateUsed
from ftcost.engine.training import (
    PilotCost,
    Training,
    data_prep_usd,
    epochs_for,
    labour_per_iteration,
    priced_one_off,
    training_inputs,
)
from ftcost.engine.workload import add_months, requests_in_month, token_profile
from ftcost.errors import FtcostError
from ftcost.i18n import N_, Notice
from ftcost.models import load_models
from ftcost.pricing import token_cost
from ftcost.pricing.provider_quote import TEAM, TeamRate, provider_quote
from ftcost.pricing.providers import counting_tokenizer, load_providers
from ftcost.scenario import Option, Scenario

#: The OpenAI snapshot that gives a provider model's sample analysis its format and per-example limit (the providers
#: publish no example limit ftcost stores); the tokens are the model's own family's.
COUNTING_PROXY = "gpt-4o-mini-2024-07-18"
DEFAULT_HOURS = Decimal(730)


def counting_model(m) -> str:
    """What a provider model's training tokens are measured with, the key of its `Training` inputs: the OpenAI
    snapshot itself for Azure's OpenAI models, else its tokenizer family (`ftcost.tokenizers`, e.g. "llama3"),
    or the estimate ftcost counts an unshipped family with (see `counting_tokenizer`)."""
    if m.tokenizer == "o200k_base" and m.id.startswith("gpt-"):
        return m.id
    return counting_tokenizer(m.tokenizer)[0]


def provider_counting_model(option: Option) -> str | None:
    """`counting_model` for a provider's fine-tuned option, or None when the provider does not know the model."""
    try:
        return counting_model(load_providers().get(option.provider_id).model(option.model.removeprefix("ft:")))
    except FtcostError:
        return None


def training_closed(p, m, option: Option, as_of: dt.date) -> Notice | None:
    """Why no training job on `m` can start at `p` on `as_of` (one sentence), or None when one can.

    Before the provider offers the model (its `tuning_from`; for an OpenAI model at Azure, never before OpenAI
    first offered it for fine-tuning), and from its last training day: the existing customers' later day
    for an option that states it is one, else everyone's.
    """
    start = m.tuning_from
    if start is None and m.id.startswith("gpt-"):
        facts = load_models().get(m.id)
        start = facts.fine_tuning_from if facts is not None else None
    if start is not None and as_of < start:
        return Notice(
            N_("{provider} cannot fine-tune {model} before {start}; you asked about {date}."),
            provider=p.info.name,
            model=m.id,
            start=start,
            date=as_of,
        )
    if m.serving_until is not None and as_of >= m.serving_until:
        return Notice(
            N_("{provider} serves no tuned {model} from {date}."),
            provider=p.info.name,
            model=m.id,
            date=m.serving_until,
        )
    existing = bool(option.existing_customer) and m.training_until_existing_customers is not None
    until = m.training_until_existing_customers if existing else m.training_until
    if until is not None and as_of >= until:
        fields = dict(provider=p.info.name, model=m.id, date=until)
        if existing:
            return Notice(
                N_("{provider} starts no new fine-tuning job on {model} for existing customers from {date}."), **fields
            )
        if m.training_until_existing_customers is None:
            return Notice(N_("{provider} starts no new fine-tuning job on {model} for anyone from {date}."), **fields)
        return Notice(
            N_(
                "{provider} starts no new fine-tuning job on {model} for anyone from {date} (existing "
                "customers: {existing})."
            ),
            existing=m.training_until_existing_customers,
            **fields,
        )
    return None


def team_rates(scenario: Scenario, provider_id: str) -> tuple:
    return tuple(
        TeamRate(r.kind, price=r.price, input=r.input, output=r.output, cap=r.cap, note=r.note)
        for r in (scenario.rate or [])
        if r.provider == provider_id
    )


class _LeftOut(Exception):
    """The provider cannot price the option on the date: the sentence saying why, and whether that makes a
    fine-tune infeasible (outside its training window) rather than only unpriced."""

    def __init__(self, why: Notice, infeasible: bool = False) -> None:
        super().__init__(why)
        self.why, self.infeasible = why, infeasible


def provider_option_plan(
    scenario: Scenario,
    option: Option,
    as_of: dt.date,
    *,
    go_live: int,
    current_months: list[Month] | None,
    warnings: list[Notice],
    training: Training | None = None,
    excluded: list[Excluded] | None = None,
) -> tuple[OptionPlan, PilotCost | None] | None:
    """The option's plan, or None (with a warning saying why) when the provider cannot price it on `as_of`.

    A fine-tune outside its training window (the provider stopped fine-tuning, or starts no job for this model
    on the date) cannot be carried out: with `excluded`, it is listed there with why (the answer ends with it,
    as for an OpenAI fine-tune that cannot be trained), not among the warnings."""
    try:
        return _plan(scenario, option, as_of, go_live, current_months, warnings, training)
    except _LeftOut as left:
        if left.infeasible and excluded is not None:
            excluded.append(Excluded(option.name, option.model, True, (left.why,)))
        else:
            warnings.append(left.why)
        return None


def _plan(
    scenario: Scenario,
    option: Option,
    as_of: dt.date,
    go_live: int,
    current_months: list[Month] | None,
    warnings: list[Notice],
    training: Training | None,
) -> tuple[OptionPlan, PilotCost | None]:
    p, m = _provider_model(option, as_of)
    encoding, estimate = counting_tokenizer(m.tokenizer)
    if estimate:
        warnings.append(Notice(N_("{option}: {note}"), option=option.name, note=estimate))
    profile = token_profile(scenario.workload, option, encoding)
    team = team_rates(scenario, p.id)
    deployment = option.deployment or m.deployments[0]
    hours = option.hours_per_month if option.hours_per_month is not None else DEFAULT_HOURS
    common: dict[str, Any] = dict(
        as_of=as_of,
        method=option.method or "sft",
        adapter=option.adapter or "lora",
        deployment=deployment,
        deployments=option.deployments or 1,
        gpus_per_replica=option.gpus_per_replica or 1,
        hours=hours,
        existing_customer=bool(option.existing_customer),
        team_rates=team,
        provider=p,
    )
    token_rate = _token_rate(option, p, m, team, deployment, as_of)
    fixed = provider_quote(p.id, m.id, **common)
    one_off, pilot, quote_notes = (
        _one_off(scenario, option, p, m, common, training, estimate) if option.fine_tuned else (None, None, [])
    )
    missing = [ln for ln in fixed.lines if ln.part == "monthly" and ln.usd is None]
    if missing:
        raise _LeftOut(left_out(option, missing[0].note))
    for note in dict.fromkeys((*fixed.notes, *quote_notes)):
        if "No new fine-tuning job" in note and not option.fine_tuned:
            continue
        if f"{option.name}: {note}" not in warnings:
            warnings.append(Notice(N_("{option}: {note}"), option=option.name, note=note))
    own = _own_months(scenario, option, as_of, profile, token_rate, fixed.monthly_usd)
    months = own
    if one_off is not None:
        early = current_months or own
        months = [early[i] if i + 1 < go_live else mo for i, mo in enumerate(own)]
        months[0] = replace(months[0], one_off_usd=one_off.total_usd)
    plan = OptionPlan(
        name=option.name,
        model=option.model,
        resolved_model=f"{p.id}:{m.id}",
        fine_tuned=option.fine_tuned,
        accuracy_pct=option.accuracy_pct,
        tokens=profile,
        months=months,
        steady=own[0],
        one_off=one_off,
        rates=_rates(fixed, token_rate),
        go_live_month=go_live if option.fine_tuned else 1,
    )
    return plan, pilot


def _provider_model(option: Option, as_of: dt.date):
    """The provider and its model, where a job can be created on the date for a fine-tune."""
    try:
        p = load_providers().get(option.provider_id)
        m = p.model(option.model.removeprefix("ft:"))
    except FtcostError as exc:
        raise _LeftOut(left_out(option, reason_of(exc))) from None
    if not p.accepts_jobs_on(as_of) and option.fine_tuned:
        raise _LeftOut(
            Notice(
                N_("{option} is left out of the plan: {provider} stopped fine-tuning ({date})."),
                option=option.name,
                provider=p.info.name,
                date=p.info.stopped_on or p.info.stopped_by,
            ),
            infeasible=True,
        )
    if option.fine_tuned and (closed := training_closed(p, m, option, as_of)):
        raise _LeftOut(left_out(option, closed), infeasible=True)
    return p, m


def _token_rate(option: Option, p, m, team: tuple, deployment: str, as_of: dt.date):
    """Per-token inference: a dedicated replica bills its hours, not tokens (None); other deployments need a
    token rate, the team's or the provider's."""
    if deployment == "dedicated":
        return None
    token_rate = next((t for t in team if t.kind == "inference"), None)
    if token_rate is None:
        rows = p.rates_on(as_of, "inference", model=m.id, deployment=deployment)
        token_rate = rows[0] if rows else None
    if token_rate is None:
        why = next((a.note for a in p.absent if a.what.startswith("inference")), "no per-token rate is listed")
        raise _LeftOut(
            Notice(
                N_("{option} is left out of the plan: {provider} has no per-token inference rate for {model} ({why})."),
                option=option.name,
                provider=p.info.name,
                model=m.id,
                why=why.rstrip("."),
            )
        )
    return token_rate


def _one_off(
    scenario: Scenario, option: Option, p, m, common: dict, training: Training | None, estimate: str | None
) -> tuple[OneOff, PilotCost, list[str]]:
    """The full training run (× iterations) and a pilot run on the pilot's examples, with the quote's notes."""
    inputs = training_inputs(scenario, counting_model(m), training)
    t = scenario.training
    epochs, estimated, default_of = _epochs(scenario, p, t.planned_examples)
    run = _run(p, m, inputs.tokens_per_example, t.planned_examples, epochs, common)
    if run is None:
        raise _LeftOut(
            Notice(
                N_(
                    "{option} is left out of the plan: {provider} has no training rate for {model} "
                    '({why}); add the team\'s rate as [[rate]] kind = "training_mtok".'
                ),
                option=option.name,
                provider=p.info.name,
                model=m.id,
                why=_absent_training(p),
            )
        )
    per_epoch, run_usd, quote = run
    pilot_examples = max(10, scenario.pilot.examples)
    pilot_epochs = _epochs(scenario, p, pilot_examples)[0]
    pilot_run = _run(p, m, inputs.tokens_per_example, pilot_examples, pilot_epochs, common)
    pilot = PilotCost(
        pilot_examples,
        pilot_epochs,
        pilot_run[0] * pilot_epochs,
        pilot_run[1],
        Decimal(0),
        labour_per_iteration(scenario) + data_prep_usd(scenario, pilot_examples),
    )
    source = Notice(N_("{source} (estimated tokenizer)"), source=inputs.source) if estimate else inputs.source
    one_off = priced_one_off(scenario, per_epoch, (epochs, estimated), run_usd, pilot.total_usd, source, default_of)
    return one_off, pilot, list(quote.notes)


def _own_months(
    scenario: Scenario, option: Option, as_of: dt.date, profile, token_rate, hosting_usd: Decimal
) -> list[Month]:
    """The option's months on its own: per-token inference where it bills tokens, hosting as its own slice."""
    wrong_rate = (100 - option.accuracy_pct) / 100 * scenario.quality.cost_per_wrong_answer_usd
    own = []
    for i in range(1, scenario.horizon_months + 1):
        requests = requests_in_month(scenario.workload, i)
        inp, out = requests * profile.prompt_tokens, requests * profile.output_tokens
        in_usd = token_cost(inp, token_rate.input) if token_rate else Decimal(0)
        out_usd = token_cost(out, token_rate.output or Decimal(0)) if token_rate else Decimal(0)
        own.append(
            Month(
                month=i,
                starts=add_months(as_of, i - 1),
                requests=requests,
                input_tokens=inp,
                cached_input_tokens=0,
                output_tokens=out,
                input_usd=in_usd,
                cached_input_usd=Decimal(0),
                output_usd=out_usd,
                wrong_answers_usd=Decimal(requests) * wrong_rate,
                one_off_usd=Decimal(0),
                served_by=option.name,
                hosting_usd=hosting_usd,
            )
        )
    return own


def left_out(option: Option, reason: str | Notice) -> Notice:
    return Notice(N_("{option} is left out of the plan: {reason}"), option=option.name, reason=reason)


def _epochs(scenario: Scenario, p, examples: int) -> tuple[int, bool, str | None]:
    """(epochs, estimated, whose default): stated epochs, else the provider's documented default (Together: 1, named
    by the provider), else OpenAI's auto rule (estimated, None)."""
    if scenario.training.epochs == "auto" and p.info.default_epochs:
        return p.info.default_epochs, True, p.info.name
    return (*epochs_for(scenario, examples), None)


def _run(p, m, tokens_per_example: Decimal, examples: int, epochs: int, common: dict):
    per_epoch = int((tokens_per_example * examples).to_integral_value(ROUND_HALF_UP))
    q = provider_quote(p.id, m.id, training_tokens=per_epoch, epochs=epochs, **common)
    training = [ln for ln in q.lines if ln.part == "one_off"]
    if not training or any(ln.usd is None for ln in training):
        return None
    return per_epoch, q.one_off_usd, q


def _absent_training(p) -> str:
    return next((a.note.rstrip(".") for a in p.absent if a.what.startswith("training")), "none is published")


def _rates(q, token_rate) -> dict[str, RateUsed]:
    """The rates behind the option, in the shape the report's rate table reads (price, from, source); hourly
    and monthly fees name their unit in the price cell."""

    def since(rate) -> str:
        return TEAM if isinstance(rate, TeamRate) else rate.entry.effective_from.isoformat()

    def source(rate) -> str:
        return TEAM if isinstance(rate, TeamRate) else (rate.sources[0][1] if rate.sources else "")

    out: dict[str, RateUsed] = {}
    if token_rate is not None:
        out["input"] = RateUsed(str(token_rate.input), since(token_rate), source(token_rate))
        if token_rate.output is not None:
            out["output"] = RateUsed(str(token_rate.output), since(token_rate), source(token_rate))
    for ln in q.lines:
        if ln.rate is not None:
            out[ln.slice] = RateUsed(
                f"{ln.rate.price} {ln.rate.unit.removeprefix('USD ')}", since(ln.rate), source(ln.rate)
            )
    return out
