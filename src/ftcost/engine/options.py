"""The plan's first step: which options can be priced on the date, what one request of each sends and receives,
and which fine-tunes can be carried out at all (feasibility before payback)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ftcost import pricing
from ftcost.engine.lifecycle import Feasibility, fine_tune_feasibility, label, reason_of, serves_until
from ftcost.engine.results import Excluded, RetrievalCost, TokenProfile
from ftcost.engine.retrieval import retrieval_cost, with_retrieved_tokens
from ftcost.engine.workload import token_profile
from ftcost.errors import NotOfferedError, UnknownModelError
from ftcost.i18n import N_, Notice
from ftcost.pricing import RateCard, Resolved
from ftcost.scenario import Option, Scenario


@dataclass(frozen=True)
class PricedOption:
    """An option OpenAI serves on the date: its model as resolved that day, its rates, its tokens per request."""

    option: Option
    resolved: Resolved
    card: RateCard
    profile: TokenProfile

    @property
    def name(self) -> str:
        return self.option.name


@dataclass
class Selection:
    """What the options table comes to on the date: the options to plan and those left out, with why."""

    priced: list[PricedOption] = field(default_factory=list)
    elsewhere: list[Option] = field(default_factory=list)  # trained and served by another provider (providers_plan.py)
    retrieval: dict[str, RetrievalCost] = field(default_factory=dict)
    feasibility: dict[str, Feasibility] = field(default_factory=dict)
    excluded: list[Excluded] = field(default_factory=list)
    warnings: list[Notice] = field(default_factory=list)  # sentences with their fields (ftcost.i18n)

    @property
    def by_name(self) -> dict[str, PricedOption]:
        return {p.name: p for p in self.priced}

    def profiles(self) -> dict[str, TokenProfile]:
        """Tokens per request by model: the pilot evaluates each model once, and a model also sent with
        retrieved context is evaluated on its own prompt."""
        return {p.option.model: p.profile for p in sorted(self.priced, key=lambda p: p.option.retrieval is None)}


def select_options(scenario: Scenario, as_of: dt.date) -> Selection:
    """The options that can be priced on `as_of`, then only the fine-tunes that can be carried out.

    A model that is shut down on the date is not offered, whatever the price tables still hold; a fine-tune
    that cannot be trained, or would go live after its own shutdown, gets no payback, no pilot and no line on
    the chart: it is explained instead.
    """
    selection = Selection()
    for option in scenario.option:
        if option.provider_id != "openai":
            selection.elsewhere.append(option)
            continue
        priced = _priced(scenario, option, as_of, selection)
        if priced is not None:
            selection.priced.append(priced)
    _keep_feasible(scenario, as_of, selection)
    return selection


def _priced(scenario: Scenario, option: Option, as_of: dt.date, selection: Selection) -> PricedOption | None:
    found = _resolved(option, as_of, scenario.workload.tier)
    if isinstance(found, Notice):
        why = found
        selection.excluded.append(Excluded(option.name, option.model, option.fine_tuned, (why,)))
        if not option.fine_tuned:  # a fine-tune that cannot be priced is infeasible: the answer says so
            selection.warnings.append(why)
        return None
    if option.retrieval is not None:  # retrieved context: its embedding prices on this date (engine/retrieval.py)
        try:
            selection.retrieval[option.name] = retrieval_cost(scenario, option.retrieval, as_of)
        except (NotOfferedError, UnknownModelError) as exc:
            why = Notice(
                N_("{option} is left out of the plan: its retrieval's embeddings: {reason}"),
                option=option.name,
                reason=reason_of(exc),
            )
            selection.excluded.append(Excluded(option.name, option.model, option.fine_tuned, (why,)))
            selection.warnings.append(why)
            return None
    resolved, card, encoding = found
    profile = with_retrieved_tokens(token_profile(scenario.workload, option, encoding), option)
    return PricedOption(option, resolved, card, profile)


def _resolved(option: Option, as_of: dt.date, tier: str) -> tuple[Resolved, RateCard, str] | Notice:
    """The option's model, rates and token encoding on the date, or why it is left out of the plan (one sentence)."""
    try:
        resolved = pricing.resolve(option.model, as_of)
        card = pricing.rates(option.model, as_of, tier)  # refuses a shut-down model, with its source
        stop = serves_until(resolved)
        if stop is not None and stop <= as_of:  # in case a price row outlives the model's shutdown
            raise NotOfferedError(Notice(N_("{model} stopped serving on {date}."), model=label(resolved), date=stop))
    except (NotOfferedError, UnknownModelError) as exc:  # a typo in the options table is not a blank page
        return Notice(N_("{option} is left out of the plan: {reason}"), option=option.name, reason=reason_of(exc))
    if not resolved.model.encoding:
        return Notice(
            N_("{option} is left out of the plan: ftcost cannot count tokens for {model}."),
            option=option.name,
            model=resolved.snapshot,
        )
    return resolved, card, resolved.model.encoding


def _keep_feasible(scenario: Scenario, as_of: dt.date, selection: Selection) -> None:
    kept = []
    for p in selection.priced:
        f = fine_tune_feasibility(scenario, p.option, as_of, p.resolved) if p.option.fine_tuned else Feasibility()
        if not f.ok:
            selection.excluded.append(Excluded(p.option.name, p.option.model, True, f.reasons))
            continue
        selection.feasibility[p.name] = f
        kept.append(p)
    selection.priced = kept
