"""Loading the pricing tables once, into plain read-only objects the rest of ftcost queries.

`load_pricing()` reads `pricing/` (models.toml, sources.toml, prices/*.toml, aliases.toml, lifecycle.toml,
promotions.toml), validates every file against `schema.py` and the cross-file rules in `checks.py`, and
caches the result for the process. Tests inject other data with `load_pricing(path)` + `set_pricing(data)`.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from ftcost.data import data_dir, read_toml, validate
from ftcost.errors import PricingDataError
from ftcost.models import ModelFacts, ModelsFile
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
        from ftcost.money import decimal_str

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


# --- loading ------------------------------------------------------------------------------------------

_injected: PricingData | None = None


def load_pricing(path: Path | str | None = None) -> PricingData:
    """The pricing data: from `path` (a directory laid out like pricing/) or ftcost's own, loaded once.

    A pricing file that breaks its schema or the cross-file rules raises PricingDataError naming the
    file, the line or entry, the key, and what to change.
    """
    if path is not None:
        return _load(Path(path))
    if _injected is not None:
        return _injected
    return _load_default()


def set_pricing(data: PricingData | None) -> None:
    """Make every ftcost.pricing call use `data` (tests, custom price sheets); None restores the default."""
    global _injected
    _injected = data


def current(data: PricingData | None) -> PricingData:
    return data if data is not None else load_pricing()


@functools.cache
def _load_default() -> PricingData:
    return _load(data_dir("pricing"))


def _load(directory: Path) -> PricingData:
    from ftcost.pricing import checks

    if not directory.is_dir():
        raise PricingDataError(f"{directory}: not a directory; expected a pricing/ folder with models.toml and prices/.")
    label = _labeler(directory)

    models_path = directory / "models.toml"
    parsed_models: ModelsFile = validate(
        ModelsFile, read_toml(models_path, PricingDataError), label(models_path), PricingDataError
    )
    models = {m.id: m for m in parsed_models.model}

    sources_path = directory / "sources.toml"
    sources_file: S.SourcesFile = validate(
        S.SourcesFile, read_toml(sources_path, PricingDataError), label(sources_path), PricingDataError
    )
    sources = {
        k: Source(k, e.title, e.publisher, e.url, e.published, e.primary, e.note) for k, e in sources_file.source.items()
    }
    cite = checks.citer(sources)

    lifecycle_path = directory / "lifecycle.toml"
    lifecycle: S.LifecycleFile = validate(
        S.LifecycleFile, read_toml(lifecycle_path, PricingDataError), label(lifecycle_path), PricingDataError
    )
    where = label(lifecycle_path)
    features = {f.id: Feature(f.id, f.date, cite(f.sources, f"{where} feature {f.id}"), f.note) for f in lifecycle.feature}
    events = tuple(
        Event(e.id, e.date, e.effect, e.who, tuple(e.models), e.fine_tuned_too, cite(e.sources, f"{where} event {e.id}"), e.note,
              orgs=tuple(e.orgs), service=e.service, checked=e.checked, verified=e.verified)
        for e in lifecycle.event
    )

    price_dir = directory / "prices"
    price_files = sorted(price_dir.glob("*.toml")) if price_dir.is_dir() else []
    for path in price_files:
        if not path.is_file():  # a folder (or a broken link) named like a price file
            raise PricingDataError(f"{label(path)}: not a file; prices/ holds one TOML file of price rows per "
                                   f"model family. Move it out of prices/ or rename it.")
    if not price_files:
        raise PricingDataError(f"{label(price_dir)}: no *.toml price files; ftcost needs at least one.")
    entries: list[tuple[S.PriceEntry, str, int | None]] = []
    for path in price_files:
        entries += _entries(path, "price", S.PriceEntry, label, _describe_price)

    alias_path = directory / "aliases.toml"
    alias_entries = _entries(alias_path, "alias", S.AliasEntry, label, lambda e: f"{e.get('alias')} → {e.get('snapshot')}")
    promo_path = directory / "promotions.toml"
    promo_entries = _entries(promo_path, "promotion", S.PromotionEntry, label, lambda e: str(e.get("id")), required=False)

    return checks.build(
        directory=directory,
        models=models,
        models_label=label(models_path),
        sources=sources,
        features=features,
        events=events,
        lifecycle_label=where,
        price_entries=entries,
        alias_entries=alias_entries,
        promo_entries=promo_entries,
    )


def _labeler(directory: Path) -> Callable[[Path], str]:
    def label(path: Path) -> str:
        try:
            return f"{directory.name}/{path.relative_to(directory).as_posix()}"
        except ValueError:
            return str(path)

    return label


def _describe_price(entry: dict) -> str:
    return f"{entry.get('model')} {entry.get('kind')}/{entry.get('tier')} from {entry.get('effective_from')}"


def _entries(path, table, cls, label, describe, required=True) -> list[tuple[Any, str, int | None]]:
    """Validate each [[table]] entry on its own, so a message names the entry's line and what it is."""
    name = label(path)
    if not path.exists() and not required:
        return []
    doc = read_toml(path, PricingDataError)
    extra = sorted(set(doc) - {"schema_version", table})
    if extra:
        raise PricingDataError(
            f"{name}: unknown top-level key {extra[0]!r}; this file holds `schema_version = 1` and [[{table}]] tables."
        )
    if doc.get("schema_version") != 1:
        raise PricingDataError(f"{name}: schema_version must be 1; write `schema_version = 1` at the top of the file.")
    raw = doc.get(table, [])
    if not isinstance(raw, list) or not all(isinstance(r, dict) for r in raw):
        raise PricingDataError(f"{name}: `{table}` must be a list of [[{table}]] tables.")
    if required and not raw:
        raise PricingDataError(f"{name}: no [[{table}]] entries; add at least one.")
    lines: list[int | None] = list(_table_lines(path.read_text(encoding="utf-8"), table))
    if len(lines) != len(raw):  # written as an inline array: fall back to entry numbers
        lines = [None] * len(raw)
    out = []
    for i, (entry, line) in enumerate(zip(raw, lines, strict=True)):
        at = f"{name} line {line}" if line else f"{name} [[{table}]] #{i + 1}"
        out.append((validate(cls, entry, f"{at} ({describe(entry)})", PricingDataError), name, line))
    return out


def _table_lines(text: str, table: str) -> list[int]:
    header = re.compile(rf"^\s*\[\[\s*{re.escape(table)}\s*\]\]\s*(#.*)?$")
    return [n for n, line in enumerate(text.splitlines(), start=1) if header.match(line)]
