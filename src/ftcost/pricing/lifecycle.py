"""Can a fine-tuning job be started on a base model on a given day? (models.toml + lifecycle.toml)"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from ftcost.models import ModelFacts
from ftcost.pricing.lookup import check_date, resolve
from ftcost.pricing.store import PricingData, current


class FineTuningStatus(NamedTuple):
    """Unpacks as `(allowed, reason)`."""

    allowed: bool
    reason: str


def restrictions_on(on: dt.date, *, data: PricingData | None = None) -> tuple[str, ...]:
    """The organization-specific limits on new fine-tuning jobs in force on `on` (OpenAI's wind-down)."""
    d = current(data)
    return tuple(
        f"from {e.date} no new jobs for {e.who} ({e.sources[0][0]})"
        for e in sorted(d.events, key=lambda e: e.date)
        if e.effect == "fine_tuning_restricted" and e.date <= on
    )


def fine_tuning_status(base: str, on: dt.date, *, data: PricingData | None = None) -> FineTuningStatus:
    """Whether new fine-tuning jobs on `base` (snapshot, alias or ft: name) could be created on `on`.

    Not allowed: `reason` says why and since when. Allowed with no caveat: `reason` is "". Allowed inside
    OpenAI's wind-down: `reason` names the limits that may apply to the organization
    (never fine-tuned before; no fine-tuned inference in 60 days), since ftcost cannot know who is asking.
    """
    on = check_date(on)
    d = current(data)
    m = resolve(base, on, data=d).model
    if not m.fine_tunable:
        return FineTuningStatus(False, f"{m.id} cannot be fine-tuned: {m.note or 'OpenAI never offered fine-tuning for it'}")
    if on < m.fine_tuning_from:
        return FineTuningStatus(False, f"fine-tuning of {m.id} opened on {m.fine_tuning_from}; you asked about {on}.")
    if m.fine_tuning_until and on >= m.fine_tuning_until:
        closed = next((e for e in d.events if e.effect == "fine_tuning_closed" and e.date <= on), None)
        why = f" ({closed.who}: {closed.id}, {closed.sources[0][0]})" if closed and closed.date == m.fine_tuning_until else ""
        return FineTuningStatus(False, f"no new fine-tuning jobs on {m.id} from {m.fine_tuning_until}{why}; you asked about {on}.")
    restrictions = restrictions_on(on, data=d)
    if not restrictions:
        return FineTuningStatus(True, "")
    return FineTuningStatus(True, f"fine-tuning {m.id} is still possible on {on}, but " + "; ".join(restrictions) + ".")


def fine_tunable_models(as_of: dt.date, *, data: PricingData | None = None) -> list[ModelFacts]:
    """Base models on which a fine-tuning job could be started on `as_of` (org restrictions aside)."""
    as_of = check_date(as_of)
    d = current(data)
    return sorted(
        (m for m in d.models.values()
         if m.fine_tuning_from and m.fine_tuning_from <= as_of and (m.fine_tuning_until is None or as_of < m.fine_tuning_until)),
        key=lambda m: m.id,
    )
