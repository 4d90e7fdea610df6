"""Lifecycle in the numbers: when each option stops serving, whether a fine-tune can be carried out at all,
and the warnings for what is feasible but risky.

A fine-tune is *infeasible* (no payback is computed for it) when

- its base model is shut down, or fine-tuning it never opened or has closed, on the plan's date;
- one of the project's training iterations could not start: the project's weeks are split evenly between
  its iterations, each starting with a new fine-tuning job, and every start must be a day on which the
  organization can still create jobs (OpenAI's wind-down closed new jobs to organizations that never
  fine-tuned from 2026-05-07, to those without fine-tuned inference in the past 60 days from 2026-07-02,
  and to everyone from 2027-01-06 — "lose the ability to create new fine-tuning jobs on January 6, 2027";
  one article reads that as the last day jobs can start, so the day itself is ambiguous; ftcost takes the
  reading of OpenAI's own sentence: no new job on the day);
- it would go live (the project ends) on or after the day its fine-tuned model stops serving.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ftcost import pricing
from ftcost.engine.workload import add_months
from ftcost.errors import NotOfferedError
from ftcost.i18n import N_, N_plural, Notice
from ftcost.scenario import Option, Scenario


@dataclass(frozen=True)
class Feasibility:
    """Whether an option can be carried out as planned: `reasons` says why not; `caveats` what it depends on
    (sentences as `Notice`s: English as text, shown in the reader's language)."""

    ok: bool = True
    reasons: tuple[Notice, ...] = ()
    caveats: tuple[Notice, ...] = ()


def month_of(day: dt.date, as_of: dt.date, horizon: int) -> int | None:
    """The 1-based horizon month `day` falls in, or None when it is outside the horizon."""
    if day < as_of:
        return None
    for m in range(1, horizon + 1):
        if day < add_months(as_of, m):
            return m
    return None


def serves_until(resolved) -> dt.date | None:
    """The first day the resolved model (a base snapshot or a fine-tune of one) is no longer served."""
    facts = resolved.model
    if resolved.fine_tuned:
        return facts.fine_tuned_shutdown or facts.shutdown
    return facts.shutdown


def label(resolved) -> str | Notice:
    return Notice(N_("fine-tuned {model}"), model=resolved.model.id) if resolved.fine_tuned else resolved.model.id


def reason_of(exc: Exception) -> str | Notice:
    """An error's sentence as a field of a notice: the Notice it was raised with, else its English text."""
    first = exc.args[0] if exc.args else ""
    return first if isinstance(first, Notice) else str(exc)


def iteration_starts(scenario: Scenario, as_of: dt.date) -> list[dt.date]:
    """The day each training iteration starts: the project's weeks split evenly between the iterations."""
    days = scenario.labour.weeks * 7
    n = scenario.training.iterations
    return [as_of + dt.timedelta(days=i * days // n) for i in range(n)]


def go_live_day(scenario: Scenario, as_of: dt.date) -> dt.date:
    """The day the project ends and a fine-tune could start serving."""
    return as_of + dt.timedelta(weeks=scenario.labour.weeks)


def fine_tune_feasibility(scenario: Scenario, option: Option, as_of: dt.date, resolved=None) -> Feasibility:
    """Can this fine-tune be carried out as the scenario plans it, starting on `as_of`? (see the module doc)"""
    if resolved is None:
        try:
            resolved = pricing.resolve(option.model, as_of)
        except NotOfferedError as exc:
            return Feasibility(
                False,
                (Notice(N_("{option} cannot be fine-tuned: {reason}"), option=option.name, reason=reason_of(exc)),),
            )
    facts = resolved.model
    name = option.name
    if why := _never_trainable(name, facts, as_of):
        return Feasibility(False, (why,))
    history = scenario.organization.fine_tuning_history
    reasons: list[Notice] = []
    starts = iteration_starts(scenario, as_of)
    decisions = [pricing.can_create_job(facts.id, day, history) for day in starts]
    blocked = [(day, d.facts) for day, d in zip(starts, decisions, strict=True) if not d.allowed]
    if blocked and blocked[0][0] == as_of:
        reasons.append(
            Notice(
                N_("{option} cannot be trained on {date}: {rule}."),
                option=name,
                date=as_of,
                rule=job_rule(blocked[0][1]),
            )
        )
    elif blocked:
        first = blocked[0][1]
        reasons.append(
            Notice(
                N_plural(
                    "{option} cannot be carried out as planned: {blocked} of its {n} training iteration would start "
                    "on or after {date} (the {weeks} weeks split evenly, the last on {last}), and {rule}.",
                    "{option} cannot be carried out as planned: {blocked} of its {n} training iterations would start "
                    "on or after {date} (the {weeks} weeks split evenly, the last on {last}), and {rule}.",
                ),
                option=name,
                blocked=len(blocked),
                n=len(starts),
                date=first.cutoff or blocked[0][0],
                weeks=scenario.labour.weeks,
                last=starts[-1],
                rule=job_rule(first),
            )
        )
    stop = serves_until(resolved)
    live = go_live_day(scenario, as_of)
    if stop is not None and live >= stop:
        reasons.append(
            Notice(
                N_(
                    "{option} would go live on {date} (when the {weeks}-week project ends), but {model} stops serving on "
                    "{stop}."
                ),
                option=name,
                date=live,
                weeks=scenario.labour.weeks,
                model=label(resolved),
                stop=stop,
            )
        )
    if reasons:
        return Feasibility(False, tuple(reasons))
    caveats: list[Notice] = []
    limits = decisions[-1].facts.possible_restrictions if history is None else ()
    if limits:
        caveats.append(
            Notice(
                N_(
                    "This plan holds only for organizations that can still create fine-tuning jobs: {restrictions}. State "
                    "organization.fine_tuning_history (never, inactive or active) to check yours."
                ),
                restrictions=tuple(
                    Notice(N_("since {date} OpenAI accepts none from {who}"), date=e.date, who=_who(e.who))
                    for e in limits
                ),
            )
        )
    return Feasibility(True, (), tuple(caveats))


def _never_trainable(name: str, facts, as_of: dt.date) -> Notice | None:
    """Why no job on this model can start on `as_of` at all: shut down, never fine-tunable, not open yet."""
    if facts.shutdown and facts.shutdown <= as_of:
        return Notice(
            N_("{option} cannot be trained: {model} was shut down on {date}."),
            option=name,
            model=facts.id,
            date=facts.shutdown,
        )
    if not facts.fine_tunable:
        return Notice(
            N_("{option} cannot be trained: OpenAI never offered fine-tuning for {model}."), option=name, model=facts.id
        )
    if as_of < facts.fine_tuning_from:
        return Notice(
            N_("{option} cannot be trained on {date}: fine-tuning {model} opened on {opened}."),
            option=name,
            date=as_of,
            model=facts.id,
            opened=facts.fine_tuning_from,
        )
    return None


def lifecycle_warnings(
    scenario: Scenario, as_of: dt.date, switches: dict[str, tuple[int, str, dt.date]]
) -> list[Notice]:
    """What is feasible but risky: switches inside the horizon, fine-tuning closing soon after the last job."""
    out: list[Notice] = []
    horizon = scenario.horizon_months
    for option in scenario.option:
        if option.name in switches:
            month, successor, stop = switches[option.name]
            fields = dict(option=option.name, date=stop, month=month, horizon=horizon, successor=successor)
            if _is_fine_tuned(scenario, successor):
                out.append(
                    Notice(
                        N_(
                            "{option} stops serving on {date}, in month {month} of your {horizon}-month "
                            "horizon; from month {month} its months are those of {successor} (its one-off "
                            "cost booked in that month)."
                        ),
                        **fields,
                    )
                )
            else:
                out.append(
                    Notice(
                        N_(
                            "{option} stops serving on {date}, in month {month} of your {horizon}-month "
                            "horizon; from month {month} its months are those of {successor}."
                        ),
                        **fields,
                    )
                )
    for option in scenario.option:
        if not option.fine_tuned or option.provider_id != "openai":
            continue  # other providers' lifecycle is checked where their options are priced (providers_plan)
        try:
            resolved = pricing.resolve(option.model, as_of)
        except NotOfferedError:
            continue
        last = iteration_starts(scenario, as_of)[-1]
        decision = pricing.can_create_job(resolved.model.id, last, scenario.organization.fine_tuning_history)
        cutoff = decision.facts.cutoff if decision.allowed else None
        if cutoff is not None and last < cutoff <= last + dt.timedelta(days=30):
            out.append(
                Notice(
                    N_plural(
                        "{option}: the last training iteration starts on {date}, only {n} day before no new jobs can "
                        "be created ({cutoff}); a slip past that day leaves the fine-tune unfinished.",
                        "{option}: the last training iteration starts on {date}, only {n} days before no new jobs can "
                        "be created ({cutoff}); a slip past that day leaves the fine-tune unfinished.",
                    ),
                    option=option.name,
                    date=last,
                    n=(cutoff - last).days,
                    cutoff=cutoff,
                )
            )
    return out


#: Whom OpenAI's wind-down closed new jobs to, as pricing's lifecycle data names them, in the catalogue.
WHO = {
    "organizations that have never fine-tuned": N_("organizations that have never fine-tuned"),
    "organizations with no fine-tuned-model inference in the past 60 days": N_(
        "organizations with no fine-tuned-model inference in the past 60 days"
    ),
}


def _who(text: str) -> str | Notice:
    return Notice(WHO[text]) if text in WHO else text


def job_rule(facts) -> str | Notice:
    """Why no job can be created, as a clause (pricing's JobFacts: the rule, its day and its source)."""
    day = facts.cutoff or ""
    # the source's address, which a reader can open, not its key in lifecycle.toml (S12 means nothing on a page)
    src = Notice(N_(" ({source})"), source=facts.source[1] or facts.source[0]) if facts.source else ""
    if facts.rule == "closed":
        return Notice(
            N_("OpenAI creates no new fine-tuning jobs on {model} from {date}{source}"),
            model=facts.base,
            date=day,
            source=src,
        )
    if facts.rule == "org_restricted":
        who = {
            "never": WHO["organizations that have never fine-tuned"],
            "inactive": WHO["organizations with no fine-tuned-model inference in the past 60 days"],
        }.get(facts.org_history or "", N_("this organization"))
        return Notice(
            N_(
                "OpenAI creates no new fine-tuning jobs for {who} from {date}{source}, and the scenario says "
                "yours is one"
            ),
            who=Notice(who),
            date=day,
            source=src,
        )
    if facts.rule == "base_shut_down":
        return Notice(N_("{model} was shut down on {date}{source}"), model=facts.base, date=day, source=src)
    return facts.reason.rstrip(".")


def _is_fine_tuned(scenario: Scenario, name: str) -> bool:
    return any(o.name == name and o.fine_tuned for o in scenario.option)
