"""Can a fine-tuning job be started on a base model on a given day? (models.toml + lifecycle.toml)

`can_create_job` is ftcost's one rule for it; everything else (the live pilot, its page, the engine's warnings,
`fine_tuning_status`) asks it. The rule, in OpenAI's wind-down (fine-tuning announcement of 2026-05-07):
  * the base must be fine-tunable, and fine-tuning of it must have opened (`fine_tuning_from`);
  * the base must still be served (a shut-down model cannot be fine-tuned either);
  * no new jobs for anyone from `fine_tuning_until` (2027-01-06 for every model still offered);
  * organization-specific cutoffs from lifecycle.toml's `fine_tuning_restricted` events: never fine-tuned from
    2026-05-07, no fine-tuned inference in the past 60 days from 2026-07-02. With `org_history=None` ftcost
    cannot know who asks: the job is allowed and the facts carry the restrictions that may apply.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import NamedTuple

from ftcost import replacements
from ftcost.errors import FtcostError, NotOfferedError, UnknownModelError
from ftcost.models import ModelFacts
from ftcost.pricing.lookup import check_date, resolve, shutdown_source
from ftcost.pricing.rows import Event, PricingData
from ftcost.pricing.store import current
from ftcost.replacements import DefaultFineTune

#: org_history values: never fine-tuned / fine-tuned but no fine-tuned inference in 60 days / active; None = unknown.
ORG_HISTORIES = ("never", "inactive", "active")


@dataclass(frozen=True)
class JobFacts:
    """Why a job can or cannot be created; every date and source a sentence needs.

    `rule` is None when a job can be created, else one of: "not_fine_tunable", "not_yet_open", "base_shut_down",
    "closed" (nobody can), "org_restricted" (the stated org_history is cut off).
    """

    base: str  # the snapshot id the name resolved to
    as_of: dt.date
    reason: str  # one sentence; "" when allowed with no caveat
    rule: str | None = None
    cutoff: dt.date | None = None  # the day the blocking rule began (or, when allowed, the next day one bites)
    source: tuple[str, str] | None = None  # (key, url) of the blocking rule
    event_id: str | None = None
    fine_tuning_until: dt.date | None = None  # the day nobody can start jobs on `base`
    # Restrictions in force on `as_of` that may apply to the organization (org_history unknown):
    possible_restrictions: tuple[Event, ...] = ()
    org_history: str | None = None

    def __str__(self) -> str:
        return self.reason


class JobDecision(NamedTuple):
    """Unpacks as `(allowed, facts)`."""

    allowed: bool
    facts: JobFacts


class FineTuningStatus(NamedTuple):
    """Unpacks as `(allowed, reason)`."""

    allowed: bool
    reason: str


def _check_org(org_history: str | None) -> str | None:
    if org_history is not None and org_history not in ORG_HISTORIES:
        raise FtcostError(
            f"Unknown organization fine-tuning history {org_history!r}; use one of {', '.join(ORG_HISTORIES)} "
            "(never fine-tuned; fine-tuned but no fine-tuned inference in the past 60 days; active)."
        )
    return org_history


def restriction_events(on: dt.date, *, data: PricingData | None = None) -> tuple[Event, ...]:
    """lifecycle.toml's organization-specific restrictions in force on `on`, oldest first."""
    d = current(data)
    return tuple(
        sorted((e for e in d.events if e.effect == "fine_tuning_restricted" and e.date <= on), key=lambda e: e.date)
    )


def restrictions_on(on: dt.date, *, data: PricingData | None = None) -> tuple[str, ...]:
    """The organization-specific limits on new fine-tuning jobs in force on `on` (OpenAI's wind-down)."""
    return tuple(
        f"from {e.date} no new jobs for {e.who} ({e.sources[0][0]})" for e in restriction_events(on, data=data)
    )


def can_create_job(
    base: str, as_of: dt.date, org_history: str | None = None, *, data: PricingData | None = None
) -> JobDecision:
    """Whether a new fine-tuning job on `base` (snapshot, alias or ft: name) can be created on `as_of`.

    `org_history`: "never" (never fine-tuned), "inactive" (no fine-tuned inference in the past 60 days),
    "active", or None (unknown: allowed, with the restrictions that may apply in `facts`).
    Returns `(allowed, facts)`; `facts.reason` is one sentence. An alias that no longer points anywhere
    (its snapshot shut down) is answered as that snapshot, not raised.
    """
    as_of = check_date(as_of)
    org_history = _check_org(org_history)
    d = current(data)
    try:
        m = resolve(base, as_of, data=d).model
    except NotOfferedError as exc:
        mid = getattr(exc, "model", None)
        if mid is None or mid not in d.models:
            raise
        m = d.models[mid]
    return _decide(d, m, as_of, org_history)


def _decide(d: PricingData, m: ModelFacts, as_of: dt.date, org: str | None) -> JobDecision:
    def no(rule: str, reason: str, cutoff=None, source=None, event_id=None) -> JobDecision:
        return JobDecision(
            False, JobFacts(m.id, as_of, reason, rule, cutoff, source, event_id, m.fine_tuning_until, org_history=org)
        )

    if m.fine_tuning_from is None:  # not fine-tunable
        return no(
            "not_fine_tunable", f"{m.id} cannot be fine-tuned: {m.note or 'OpenAI never offered fine-tuning for it'}"
        )
    if as_of < m.fine_tuning_from:
        return no(
            "not_yet_open",
            f"fine-tuning of {m.id} opened on {m.fine_tuning_from}; you asked about {as_of}.",
            m.fine_tuning_from,
        )
    closed = next((e for e in d.events if e.effect == "fine_tuning_closed" and e.date == m.fine_tuning_until), None)
    if m.shutdown and as_of >= m.shutdown and (m.fine_tuning_until is None or m.shutdown <= m.fine_tuning_until):
        src = shutdown_source(d, m)
        return no(
            "base_shut_down",
            f"{m.id} was shut down on {m.shutdown} ({src[1] or src[0]}), so it cannot be "
            f"fine-tuned; you asked about {as_of}.",
            m.shutdown,
            src,
        )
    if m.fine_tuning_until and as_of >= m.fine_tuning_until:
        why = f" ({closed.who}: {closed.id}, {closed.sources[0][0]})" if closed else ""
        return no(
            "closed",
            f"no new fine-tuning jobs on {m.id} from {m.fine_tuning_until}{why}; you asked about {as_of}.",
            m.fine_tuning_until,
            closed.sources[0] if closed else None,
            closed.id if closed else None,
        )
    in_force = restriction_events(as_of, data=d)
    if org is not None:
        hit = next((e for e in in_force if org in e.orgs), None)
        if hit is not None:
            return no(
                "org_restricted",
                f"no new fine-tuning jobs on {as_of} for {hit.who} (from {hit.date}, "
                f"{hit.sources[0][0]}); the scenario says the organization {_org_words(org)}.",
                hit.date,
                hit.sources[0],
                hit.id,
            )
        return JobDecision(
            True, JobFacts(m.id, as_of, "", None, m.fine_tuning_until, None, None, m.fine_tuning_until, org_history=org)
        )
    if not in_force:
        return JobDecision(True, JobFacts(m.id, as_of, "", None, m.fine_tuning_until, None, None, m.fine_tuning_until))
    reason = (
        f"fine-tuning {m.id} is still possible on {as_of}, but "
        + "; ".join(f"from {e.date} no new jobs for {e.who} ({e.sources[0][0]})" for e in in_force)
        + "."
    )
    return JobDecision(
        True,
        JobFacts(
            m.id,
            as_of,
            reason,
            None,
            m.fine_tuning_until,
            None,
            None,
            m.fine_tuning_until,
            possible_restrictions=in_force,
        ),
    )


def _org_words(org: str) -> str:
    return {
        "never": "has never fine-tuned",
        "inactive": "has had no fine-tuned-model inference in the past 60 days",
        "active": "uses fine-tuned models",
    }[org]


def fine_tuning_status(base: str, on: dt.date, *, data: PricingData | None = None) -> FineTuningStatus:
    """`can_create_job` for an unknown organization, as `(allowed, reason)` (kept for existing callers)."""
    allowed, facts = can_create_job(base, on, data=data)
    return FineTuningStatus(allowed, facts.reason)


def default_fine_tune(start: str, as_of: dt.date, *, data: PricingData | None = None) -> DefaultFineTune:
    """The base a new fine-tune planned from `start` (a snapshot id) uses on `as_of`, by `can_create_job`'s rule
    for an unknown organization: `start` while it takes jobs, else what OpenAI offers in its place that does
    (`ftcost.replacements.default_fine_tune`); on a day no model takes jobs, the answer of the last day one did."""
    as_of = check_date(as_of)
    d = current(data)
    if start not in d.models:
        raise UnknownModelError(f"Unknown model {start!r}; known models: {', '.join(sorted(d.models))}.")
    return replacements.default_fine_tune(d.models, start, as_of, lambda m, day: _decide(d, m, day, None).allowed)


def fine_tunable_models(as_of: dt.date, *, data: PricingData | None = None) -> list[ModelFacts]:
    """Base models on which a fine-tuning job could be started on `as_of` (org restrictions aside)."""
    as_of = check_date(as_of)
    d = current(data)
    return sorted((m for m in d.models.values() if _decide(d, m, as_of, None).allowed), key=lambda m: m.id)
