"""Prices over time: what was in force on a day, every period of a model, the days anything changed,
and what changed between two days.

A model pattern is a glob (`gpt-4o*`), an exact snapshot id, an alias (all the snapshots it pointed to, or
the one it pointed to on the day asked), a fine-tuned name (`ft:gpt-3.5-turbo` → that base's fine-tuned and
training rows), or else a case-insensitive substring of snapshot ids.
"""

from __future__ import annotations

import datetime as dt
import difflib
import fnmatch
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from ftcost.errors import UnknownModelError
from ftcost.i18n import N_, Notice
from ftcost.money import decimal_str
from ftcost.pricing.lookup import check_date, check_tier, near_hint, parse_name
from ftcost.pricing.rows import PriceRow, PricingData
from ftcost.pricing.store import current

FINE_TUNED_KINDS = frozenset({"fine_tuned", "training", "training_hour"})


@dataclass(frozen=True)
class Change:
    """One (model, kind, tier) whose prices differ between two days."""

    model: str
    kind: str
    tier: str
    change: Literal["added", "removed", "changed"]
    before: PriceRow | None
    after: PriceRow | None
    fields: tuple[tuple[str, Decimal | None, Decimal | None], ...]

    def to_dict(self) -> dict[str, Any]:
        def s(v):
            return decimal_str(v) if v is not None else None

        return {
            "model": self.model,
            "kind": self.kind,
            "tier": self.tier,
            "change": self.change,
            "fields": [{"field": f, "before": s(a), "after": s(b)} for f, a, b in self.fields],
            "before": self.before.to_dict() if self.before else None,
            "after": self.after.to_dict() if self.after else None,
        }


def select(
    pattern: str | None, as_of: dt.date | None = None, *, data: PricingData | None = None
) -> tuple[set[str], frozenset | None]:
    """(snapshot ids, kinds or None for all) that `pattern` names; an unmatched pattern lists near names."""
    d = current(data)
    if pattern is None or not pattern.strip():
        return set(d.models), None
    p = pattern.strip()
    if any(ch in p for ch in "*?["):
        found = {m for m in d.models if fnmatch.fnmatchcase(m, p)}
        for alias in d.alias_names:
            if fnmatch.fnmatchcase(alias, p):
                found |= _alias_targets(d, alias, as_of)
        if found:
            return found, None
    else:
        base, fine_tuned = parse_name(p)
        kinds = FINE_TUNED_KINDS if fine_tuned else None
        if base in d.models:
            return {base}, kinds
        if base in d.alias_names:
            return _alias_targets(d, base, as_of), kinds
        found = {m for m in d.models if p.lower() in m.lower()}
        if found:
            return found, None
    near = difflib.get_close_matches(p, list(d.models) + d.alias_names, n=3, cutoff=0.5)
    raise UnknownModelError(
        Notice(N_("No model matches {pattern}; {hint}"), pattern=repr(p), hint=near_hint(near)),
        value=p,
        near=near,
        listing=None if near else "models",
    )


def _alias_targets(d: PricingData, alias: str, as_of: dt.date | None) -> set[str]:
    periods = d.alias_periods(alias)
    if as_of is not None:
        on = {a.snapshot for a in periods if a.in_force(as_of)}
        if on:
            return on
    return {a.snapshot for a in periods}


def _rows(d: PricingData, pattern: str | None, as_of: dt.date | None, tier: str | None) -> list[PriceRow]:
    models, kinds = select(pattern, as_of, data=d)
    if tier is not None:
        check_tier(tier)
    return [
        r
        for r in d.rows
        if r.model in models and (kinds is None or r.kind in kinds) and (tier is None or r.tier == tier)
    ]


def table(
    as_of: dt.date, pattern: str | None = None, tier: str | None = None, *, data: PricingData | None = None
) -> list[PriceRow]:
    """Every price in force on `as_of` (optionally for matching models and one tier)."""
    as_of = check_date(as_of)
    d = current(data)
    return [r for r in _rows(d, pattern, as_of, tier) if r.in_force(as_of)]


def history(
    model_pattern: str | None = None, tier: str | None = None, *, data: PricingData | None = None
) -> list[PriceRow]:
    """Every period of every matching price, oldest first within each model/kind/tier (for step charts)."""
    return _rows(current(data), model_pattern, None, tier)


def diff(d1: dt.date, d2: dt.date, pattern: str | None = None, *, data: PricingData | None = None) -> list[Change]:
    """Prices added, removed or changed between the day `d1` and the day `d2`."""
    d = current(data)
    before = {(r.model, r.kind, r.tier): r for r in table(d1, pattern, data=d)}
    after = {(r.model, r.kind, r.tier): r for r in table(d2, pattern, data=d)}
    changes = []
    for key in sorted(before.keys() | after.keys()):
        a, b = before.get(key), after.get(key)
        pa, pb = (a.prices() if a else {}), (b.prices() if b else {})
        fields = tuple((f, pa.get(f), pb.get(f)) for f in _field_order(pa, pb) if pa.get(f) != pb.get(f))
        if not fields:
            continue
        kind: Literal["added", "removed", "changed"] = "added" if a is None else "removed" if b is None else "changed"
        changes.append(Change(*key, kind, a, b, fields))
    return changes


def price_versions(pattern: str | None = None, *, data: PricingData | None = None) -> list[dt.date]:
    """The days on which some matching price started, ended or changed (compared with the day before)."""
    d = current(data)
    rows = history(pattern, data=d)
    candidates = {r.effective_from for r in rows} | {r.effective_until for r in rows if r.effective_until}
    one_day = dt.timedelta(days=1)
    return sorted(day for day in candidates if diff(day - one_day, day, pattern, data=d))


def _field_order(*dicts: dict) -> list[str]:
    order = ("input", "cached_input", "output", "price")
    present = set().union(*dicts)
    return [f for f in order if f in present]
