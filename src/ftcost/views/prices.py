"""The Prices page: the table on a date, step-chart points per model, what changed between two dates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pandas as pd

from ftcost.money import format_price
from ftcost.pricing import Change, PriceRow

KIND_LABELS = {
    "base": "Base model",
    "fine_tuned": "Fine-tuned model",
    "training": "Training, per 1M tokens",
    "training_hour": "Training, per hour",
}
COMPONENT_LABELS = {"input": "input", "cached_input": "cached input", "output": "output", "price": "training"}


def price_frame(rows: list[PriceRow]) -> pd.DataFrame:
    """The price table as read by people: one row per price, "—" where a price is not offered."""
    out = []
    for r in sorted(rows, key=lambda r: (r.model, list(KIND_LABELS).index(r.kind), r.tier)):
        prices = r.prices()
        out.append({
            "Model": r.model,
            "Kind": KIND_LABELS.get(r.kind, r.kind),
            "Tier": r.tier.replace("_", " "),
            "Input": _price(prices.get("input")),
            "Cached input": _price(prices.get("cached_input")),
            "Output": _price(prices.get("output")),
            "Training": _price(prices.get("price")) + (" / hour" if r.kind == "training_hour" and "price" in prices else ""),
            "Since": r.effective_from.isoformat(),
            "Until": r.effective_until.isoformat() if r.effective_until else "",
            "Source": r.sources[0][1] if r.sources else "",
            "Checked": r.checked.isoformat(),
            "Confirmed": r.verified,
        })
    return pd.DataFrame(out, columns=["Model", "Kind", "Tier", "Input", "Cached input", "Output", "Training", "Since",
                                      "Until", "Source", "Checked", "Confirmed"])


def _price(value: Decimal | None) -> str:
    return "—" if value is None else format_price(value)


def history_frame(rows: list[PriceRow], until: dt.date) -> pd.DataFrame:
    """Points for a step chart: each price at the start of each period, and once more where the period ends
    (or at `until` while it is still in force). Periods that follow each other share a segment, so the line
    steps; a gap (not offered) starts a new segment instead of drawing a price that did not exist."""
    points = []
    groups: dict[tuple, list[PriceRow]] = {}
    for r in rows:
        groups.setdefault((r.kind, r.tier), []).append(r)
    tiers = len({tier for _, tier in groups})
    for (kind, tier), periods in groups.items():
        periods.sort(key=lambda r: r.effective_from)
        segment, previous_end = 0, None
        for r in periods:
            if previous_end is None or r.effective_from != previous_end:
                segment += 1
            end = r.effective_until or max(until, r.effective_from)
            for component, value in r.prices().items():
                series = "Training" if kind == "training" else f"{KIND_LABELS[kind]} · {COMPONENT_LABELS[component]}"
                if tiers > 1:
                    series += f" ({tier.replace('_', ' ')})"
                for day in (r.effective_from, end):
                    points.append({
                        "series": series, "segment": f"{series} #{segment}", "date": day.isoformat(),
                        "usd": float(value), "usd_text": format_price(value),
                        "from": r.effective_from.isoformat(),
                        "until": r.effective_until.isoformat() if r.effective_until else "still in force",
                    })
            previous_end = r.effective_until
    return pd.DataFrame(points, columns=["series", "segment", "date", "usd", "usd_text", "from", "until"])


def priced_models(rows: list[PriceRow]) -> list[str]:
    return sorted({r.model for r in rows})


def diff_frame(changes: list[Change]) -> pd.DataFrame:
    """What changed between two days, one row per price that was added, removed or changed."""
    out = []
    for c in changes:
        out.append({
            "Model": c.model,
            "Kind": KIND_LABELS.get(c.kind, c.kind),
            "Tier": c.tier.replace("_", " "),
            "Change": c.change,
            "What": "; ".join(_change_text(f, a, b) for f, a, b in c.fields),
            "Source": ((c.after or c.before).sources[0][1] if (c.after or c.before).sources else ""),
        })
    return pd.DataFrame(out, columns=["Model", "Kind", "Tier", "Change", "What", "Source"])


def _change_text(field: str, before: Decimal | None, after: Decimal | None) -> str:
    name = COMPONENT_LABELS.get(field, field)
    if before is None:
        return f"{name} {_price(after)}"
    if after is None:
        return f"{name} was {_price(before)}"
    return f"{name} {_price(before)} → {_price(after)}"


def diff_dates(versions: list[dt.date], as_of: dt.date) -> tuple[dt.date, dt.date]:
    """Default span for "what changed": from the day before the last price change up to `as_of`, to `as_of`."""
    earlier = [d for d in versions if d <= as_of]
    return (earlier[-1] - dt.timedelta(days=1) if earlier else as_of), as_of
