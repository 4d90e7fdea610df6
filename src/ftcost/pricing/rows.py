"""The pricing tables' row types: plain read-only objects the loader builds and the rest of ftcost queries.

They live apart from the loader (`store.py`) so that the cross-file rules (`checks.py`) can build them
without importing the loader, and the loader can import the rules at the top: one direction, no cycle.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from ftcost.models import ModelFacts
from ftcost.money import decimal_str
from ftcost.pricing import schema as S

PER_MTOK = "USD per 1M tokens"
PER_HOUR = "USD per training hour"


@dataclass(frozen=True)
class Source:
    key: str
    title: str
    publisher: str
    url: str
    published: dt.date | None
    primary: bool
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class Dated:
    """A dated, sourced entry as loaded. `effective_until` is where it really ends: its own end
    (`listed_until`) or its model's lifecycle end from models.toml, or None while it is current."""

    effective_from: dt.date
    effective_until: dt.date | None
    listed_until: dt.date | None
    sources: tuple[tuple[str, str], ...]
    checked: dt.date
    verified: bool
    note: str
    file: str
    line: int | None

    def in_force(self, day: dt.date) -> bool:
        return self.effective_from <= day and (self.effective_until is None or day < self.effective_until)

    def where(self) -> str:
        at = f"{self.file} line {self.line}" if self.line else self.file
        return f"{at} ({self.describe()})"

    def describe(self) -> str:
        raise NotImplementedError


@dataclass(frozen=True, kw_only=True)
class PriceRow(Dated):
    """One price period of one (model, kind, tier); `ends_because` says why it ends, in words."""

    model: str
    kind: str
    tier: str
    input: Decimal | None
    cached_input: Decimal | None
    output: Decimal | None
    price: Decimal | None
    ends_because: str

    @property
    def unit(self) -> str:
        return PER_HOUR if self.kind == "training_hour" else PER_MTOK

    def prices(self) -> dict[str, Decimal]:
        """The offered components only (input, cached_input, output, price): absent means not offered."""
        names = S.COMPONENTS if self.kind in S.INFERENCE_KINDS else ("price",)
        return {n: getattr(self, n) for n in names if getattr(self, n) is not None}

    def describe(self) -> str:
        return f"{self.model} {self.kind}/{self.tier} from {self.effective_from}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "kind": self.kind,
            "tier": self.tier,
            "unit": self.unit,
            **{k: decimal_str(v) for k, v in self.prices().items()},
            "effective_from": self.effective_from.isoformat(),
            "effective_until": self.effective_until.isoformat() if self.effective_until else None,
            "ends_because": self.ends_because or None,
            "sources": [{"key": k, "url": u} for k, u in self.sources],
            "checked": self.checked.isoformat(),
            "verified": self.verified,
            "note": self.note,
        }


@dataclass(frozen=True, kw_only=True)
class AliasRow(Dated):
    alias: str
    snapshot: str

    def describe(self) -> str:
        return f"{self.alias} → {self.snapshot} from {self.effective_from}"


@dataclass(frozen=True)
class Feature:
    id: str
    date: dt.date
    sources: tuple[tuple[str, str], ...]
    note: str


@dataclass(frozen=True)
class Event:
    id: str
    date: dt.date
    effect: str
    who: str
    models: tuple[str, ...]
    fine_tuned_too: bool
    sources: tuple[tuple[str, str], ...]
    note: str
    orgs: tuple[str, ...] = ()
    service: str = ""
    checked: dt.date | None = None
    verified: bool = True


@dataclass(frozen=True)
class Promotion:
    id: str
    models: tuple[str, ...]
    free_training_tokens_per_day: int
    effective_from: dt.date
    effective_until: dt.date
    sources: tuple[tuple[str, str], ...]
    checked: dt.date
    verified: bool
    note: str

    def in_force(self, day: dt.date) -> bool:
        return self.effective_from <= day < self.effective_until


@dataclass(frozen=True)
class PricingData:
    """Everything under pricing/, validated. Query it through ftcost.pricing's functions."""

    directory: Path
    models: Mapping[str, ModelFacts]
    sources: Mapping[str, Source]
    rows: tuple[PriceRow, ...]
    aliases: tuple[AliasRow, ...]
    features: Mapping[str, Feature]
    events: tuple[Event, ...]
    promotions: tuple[Promotion, ...]
    _periods: dict = field(default_factory=dict, repr=False, compare=False)
    _alias_periods: dict = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        for row in sorted(self.rows, key=lambda r: r.effective_from):
            self._periods.setdefault((row.model, row.kind, row.tier), []).append(row)
        for a in sorted(self.aliases, key=lambda a: a.effective_from):
            self._alias_periods.setdefault(a.alias, []).append(a)

    def periods(self, model: str, kind: str, tier: str = "standard") -> list[PriceRow]:
        """All periods of one (model, kind, tier), oldest first."""
        return list(self._periods.get((model, kind, tier), ()))

    def row_on(self, model: str, kind: str, tier: str, day: dt.date) -> PriceRow | None:
        return next((r for r in self._periods.get((model, kind, tier), ()) if r.in_force(day)), None)

    def alias_periods(self, alias: str) -> list[AliasRow]:
        return list(self._alias_periods.get(alias, ()))

    @property
    def alias_names(self) -> list[str]:
        return sorted(self._alias_periods)

    def tiers(self, model: str, kind: str) -> list[str]:
        return sorted({t for (m, k, t) in self._periods if m == model and k == kind})
