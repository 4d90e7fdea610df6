"""Lifecycle warnings: models that stop serving inside the horizon, fine-tuning that can no longer start."""

from __future__ import annotations

import datetime as dt

from ftcost.engine.workload import add_months
from ftcost.errors import NotOfferedError
from ftcost.scenario import Scenario


def month_of(day: dt.date, as_of: dt.date, horizon: int) -> int | None:
    """The 1-based horizon month `day` falls in, or None when it is outside the horizon."""
    if day < as_of:
        return None
    for m in range(1, horizon + 1):
        if day < add_months(as_of, m):
            return m
    return None


def lifecycle_warnings(scenario: Scenario, as_of: dt.date) -> list[str]:
    from ftcost import pricing

    out: list[str] = []
    horizon = scenario.horizon_months
    seen_bases: set[str] = set()
    for option in scenario.option:
        if option.provider_id != "openai":
            continue  # other providers' lifecycle is checked where their options are priced (providers_plan)
        try:
            resolved = pricing.resolve(option.model, as_of)
        except NotOfferedError:
            continue  # already reported as left out of the plan
        facts = resolved.model
        stop = (facts.fine_tuned_shutdown or facts.shutdown) if resolved.fine_tuned else facts.shutdown
        label = f"fine-tuned {facts.id}" if resolved.fine_tuned else facts.id
        month = month_of(stop, as_of, horizon) if stop else None
        if month is not None:
            out.append(
                f"{option.name}: {label} stops serving on {stop.isoformat()}, in month {month} of your "
                f"{horizon}-month horizon; the months after that are projected as if it kept running."
            )
        if not resolved.fine_tuned or facts.id in seen_bases:
            continue
        seen_bases.add(facts.id)
        status = pricing.fine_tuning_status(facts.id, as_of)
        if not status.allowed:
            out.append(f"{option.name}: a new fine-tuning job cannot be started on {as_of.isoformat()}: {status.reason}")
            continue
        if status.reason:
            out.append(f"{option.name}: {status.reason}")
        end = as_of + dt.timedelta(weeks=scenario.labour.weeks)
        cutoff = facts.fine_tuning_until
        if cutoff and end >= cutoff:
            out.append(
                f"{option.name}: your {scenario.labour.weeks}-week timeline ends on {end.isoformat()}, but no new "
                f"fine-tuning jobs on {facts.id} can be created from {cutoff.isoformat()}; every training "
                "iteration must start before then."
            )
    return out
