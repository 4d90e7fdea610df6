"""Loading the pricing tables once, into plain read-only objects the rest of ftcost queries.

`load_pricing()` reads `pricing/` (models.toml, sources.toml, prices/*.toml, aliases.toml, lifecycle.toml,
promotions.toml), validates every file against `schema.py` and the cross-file rules in `checks.py`, and
caches the result for the process. Tests inject other data with `load_pricing(path)` + `set_pricing(data)`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ftcost.data import data_dir, read_toml, validate
from ftcost.errors import PricingDataError
from ftcost.models import ModelsFile
from ftcost.pricing import checks
from ftcost.pricing import schema as S
from ftcost.pricing.rows import (  # re-exported: callers import the row types from here as before
    PER_HOUR,
    PER_MTOK,
    AliasRow,
    Dated,
    Event,
    Feature,
    PriceRow,
    PricingData,
    Promotion,
    Source,
)

__all__ = [
    "PER_HOUR",
    "PER_MTOK",
    "AliasRow",
    "Dated",
    "Event",
    "Feature",
    "PriceRow",
    "PricingData",
    "Promotion",
    "Source",
    "current",
    "load_pricing",
    "set_pricing",
]

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
    if not directory.is_dir():
        raise PricingDataError(
            f"{directory}: not a directory; expected a pricing/ folder with models.toml and prices/."
        )
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
        k: Source(k, e.title, e.publisher, e.url, e.published, e.primary, e.note)
        for k, e in sources_file.source.items()
    }
    cite = checks.citer(sources)

    lifecycle_path = directory / "lifecycle.toml"
    lifecycle: S.LifecycleFile = validate(
        S.LifecycleFile, read_toml(lifecycle_path, PricingDataError), label(lifecycle_path), PricingDataError
    )
    where = label(lifecycle_path)
    features = {
        f.id: Feature(f.id, f.date, cite(f.sources, f"{where} feature {f.id}"), f.note) for f in lifecycle.feature
    }
    events = tuple(
        Event(
            e.id,
            e.date,
            e.effect,
            e.who,
            tuple(e.models),
            e.fine_tuned_too,
            cite(e.sources, f"{where} event {e.id}"),
            e.note,
            orgs=tuple(e.orgs),
            service=e.service,
            checked=e.checked,
            verified=e.verified,
        )
        for e in lifecycle.event
    )

    price_dir = directory / "prices"
    price_files = sorted(price_dir.glob("*.toml")) if price_dir.is_dir() else []
    for path in price_files:
        if not path.is_file():  # a folder (or a broken link) named like a price file
            raise PricingDataError(
                f"{label(path)}: not a file; prices/ holds one TOML file of price rows per "
                f"model family. Move it out of prices/ or rename it."
            )
    if not price_files:
        raise PricingDataError(f"{label(price_dir)}: no *.toml price files; ftcost needs at least one.")
    entries: list[tuple[S.PriceEntry, str, int | None]] = []
    for path in price_files:
        entries += _entries(path, "price", S.PriceEntry, label, _describe_price)

    alias_path = directory / "aliases.toml"
    alias_entries = _entries(
        alias_path, "alias", S.AliasEntry, label, lambda e: f"{e.get('alias')} → {e.get('snapshot')}"
    )
    promo_path = directory / "promotions.toml"
    promo_entries = _entries(
        promo_path, "promotion", S.PromotionEntry, label, lambda e: str(e.get("id")), required=False
    )

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
