"""The Prices page: the table on a date, step-chart points per model, what changed between two dates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pandas as pd

from ftcost.i18n import N_, _, locale
from ftcost.money import Display
from ftcost.pricing import Change, PriceRow
from ftcost.pricing.providers import counting_tokenizer, load_providers
from ftcost.views.common import price_text, rate_price

KIND_LABELS = {
    "base": N_("Base model"),
    "fine_tuned": N_("Fine-tuned model"),
    "training": N_("Training, per 1M tokens"),
    "training_hour": N_("Training, per hour"),
}
COMPONENT_LABELS = {
    "input": N_("input"),
    "cached_input": N_("cached input"),
    "output": N_("output"),
    "price": N_("training"),
}
TIER_LABELS = {"standard": N_("standard"), "batch": N_("batch"), "global_standard": N_("global standard")}
CHANGE_LABELS = {"added": N_("added"), "removed": N_("removed"), "changed": N_("changed")}


def _money(money: Display | None) -> Display:
    # Prices are published in US dollars: shown as published unless the reader chose another currency.
    return money if money is not None else Display(locale=locale())


def _tier(tier: str) -> str:
    return _(TIER_LABELS[tier]) if tier in TIER_LABELS else tier.replace("_", " ")


def price_frame(rows: list[PriceRow], money: Display | None = None) -> pd.DataFrame:
    """The price table as read by people: one row per price, "—" where a price is not offered. The columns keep
    their English names (the page labels them in the reader's language); prices are in `money`'s currency."""
    money = _money(money)
    out = []
    for r in sorted(rows, key=lambda r: (r.model, list(KIND_LABELS).index(r.kind), r.tier)):
        prices = r.prices()
        out.append(
            {
                "Model": r.model,
                "Kind": _(KIND_LABELS[r.kind]) if r.kind in KIND_LABELS else r.kind,
                "Tier": _tier(r.tier),
                "Input": _price(prices.get("input"), money),
                "Cached input": _price(prices.get("cached_input"), money),
                "Output": _price(prices.get("output"), money),
                "Training": _price(prices.get("price"), money)
                + (_(" / hour") if r.kind == "training_hour" and "price" in prices else ""),
                "Since": r.effective_from.isoformat(),
                "Until": r.effective_until.isoformat() if r.effective_until else "",
                "Source": r.sources[0][1] if r.sources else "",
                "Checked": r.checked.isoformat(),
                "Confirmed": r.verified,
            }
        )
    return pd.DataFrame(
        out,
        columns=[
            "Model",
            "Kind",
            "Tier",
            "Input",
            "Cached input",
            "Output",
            "Training",
            "Since",
            "Until",
            "Source",
            "Checked",
            "Confirmed",
        ],
    )


def _price(value: Decimal | None, money: Display | None = None) -> str:
    return price_text(value, money=_money(money))


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
                series = (
                    _("Training")
                    if kind == "training"
                    else f"{_(KIND_LABELS[kind])} · {_(COMPONENT_LABELS[component])}"
                )
                if tiers > 1:
                    series += f" ({_tier(tier)})"
                for day in (r.effective_from, end):
                    points.append(
                        {
                            "series": series,
                            "segment": f"{series} #{segment}",
                            "date": day.isoformat(),
                            "usd": float(value),
                            "usd_text": _price(value, Display()),
                            "from": r.effective_from.isoformat(),
                            "until": r.effective_until.isoformat() if r.effective_until else _("still in force"),
                        }
                    )
            previous_end = r.effective_until
    return pd.DataFrame(points, columns=["series", "segment", "date", "usd", "usd_text", "from", "until"])


def priced_models(rows: list[PriceRow], aliases=()) -> list[str]:
    """Every priced snapshot and, after them, every alias (gpt-4o, gpt-3.5-turbo) whose snapshots are priced:
    people look a model up by the name they call it with."""
    snapshots = sorted({r.model for r in rows})
    priced = set(snapshots)
    return snapshots + sorted({a.alias for a in aliases if a.snapshot in priced} - priced)


def diff_frame(changes: list[Change], money: Display | None = None) -> pd.DataFrame:
    """What changed between two days, one row per price that was added, removed or changed (English column
    names, labelled by the page; prices in `money`'s currency)."""
    out = []
    for c in changes:
        row = c.after or c.before
        assert row is not None, c  # an added row has an after, a removed one a before, a changed one both
        out.append(
            {
                "Model": c.model,
                "Kind": _(KIND_LABELS[c.kind]) if c.kind in KIND_LABELS else c.kind,
                "Tier": _tier(c.tier),
                "Change": _(CHANGE_LABELS[c.change]) if c.change in CHANGE_LABELS else c.change,
                "What": "; ".join(_change_text(f, a, b, money) for f, a, b in c.fields),
                "Source": row.sources[0][1] if row.sources else "",
            }
        )
    return pd.DataFrame(out, columns=["Model", "Kind", "Tier", "Change", "What", "Source"])


def _change_text(field: str, before: Decimal | None, after: Decimal | None, money: Display | None = None) -> str:
    name = _(COMPONENT_LABELS[field]) if field in COMPONENT_LABELS else field
    if before is None:
        return f"{name} {_price(after, money)}"
    if after is None:
        return _("{name} was {price}").format(name=name, price=_price(before, money))
    return f"{name} {_price(before, money)} → {_price(after, money)}"


def diff_dates(versions: list[dt.date], as_of: dt.date) -> tuple[dt.date, dt.date]:
    """Default span for "what changed": the year up to `as_of` when some price changed in it, else from the day
    before the last price change up to `as_of` (a span of one change day shows little)."""
    earlier = [d for d in versions if d <= as_of]
    if not earlier:
        return as_of, as_of
    year_before = as_of - dt.timedelta(days=365)
    if any(d > year_before for d in earlier):
        return year_before, as_of
    return earlier[-1] - dt.timedelta(days=1), as_of


# --- providers other than OpenAI (pricing/providers/) ---------------------------------------------------------

RATE_KIND_LABELS = {
    "training_mtok": N_("Training, per 1M tokens"),
    "training_hour": N_("Training, per hour"),
    "gpu_hour": N_("GPU-hour"),
    "hosting_hour": N_("Hosting, per deployment-hour"),
    "provisioned_hour": N_("Provisioned throughput, per unit-hour"),
    "storage_month": N_("Storage, per model-month"),
    "minimum_job_fee": N_("Minimum job fee"),
    "inference": N_("Inference, per 1M tokens"),
}
#: The rate units after "USD " (ftcost.pricing.providers.UNITS, in English), as the reader reads them.
UNIT_LABELS = {
    "per 1M billable training tokens": N_("per 1M billable training tokens"),
    "per hour of training": N_("per hour of training"),
    "per GPU-hour": N_("per GPU-hour"),
    "per deployment-hour": N_("per deployment-hour"),
    "per model-unit-hour": N_("per model-unit-hour"),
    "per model per month": N_("per model per month"),
    "per job (minimum charge)": N_("per job (minimum charge)"),
    "per 1M tokens": N_("per 1M tokens"),
}


def provider_choices() -> dict[str, str]:
    """Provider id → label for the Prices page's selector: OpenAI first, then every provider file."""
    out = {"openai": "OpenAI"}
    for p in sorted(load_providers(), key=lambda p: (p.info.status != "active", p.info.name)):
        out[p.id] = p.info.name + ("" if p.info.status == "active" else _(" (stopped)"))
    return out


def provider_status(p, day: dt.date) -> str:
    """One sentence: whether a job can start, who may train, how training is billed."""
    if p.info.status == "stopped" and p.info.stopped_on:
        head = _("{name} stopped fine-tuning on {date}.").format(name=p.info.name, date=p.info.stopped_on)
    elif p.info.status == "stopped":
        head = _("{name} stopped fine-tuning by {date} (the day is not published).").format(
            name=p.info.name, date=p.info.stopped_by
        )
    else:
        head = _("{name} accepts fine-tuning jobs on {date}.").format(name=p.info.name, date=day)
    parts = [head, p.info.access, p.info.billing_rule, p.info.note]
    return " ".join(x for x in parts if x)


def provider_rate_frame(p, day: dt.date, money: Display | None = None) -> pd.DataFrame:
    """The provider's rates in force on `day`: what, for which models, the price in its unit (in `money`'s
    currency), dates, source. English column names, labelled by the page."""
    money = _money(money)
    out = []
    for r in p.rates_on(day):
        e = r.entry
        price = rate_price(e, money)
        unit = r.unit.removeprefix("USD ")
        out.append(
            {
                "Kind": _(RATE_KIND_LABELS[e.kind]) if e.kind in RATE_KIND_LABELS else e.kind,
                "Applies to": e.model or r.bracket() or _("every model"),
                "Options": " ".join(x for x in (e.method, e.adapter, e.tier, e.deployment, e.gpu, e.vendor) if x),
                "Price": price,
                "Unit": _(UNIT_LABELS[unit]) if unit in UNIT_LABELS else unit,
                "Cap per job": money.price(e.cap) if e.cap else "",
                "Since": e.effective_from.isoformat(),
                "Until": e.effective_until.isoformat() if e.effective_until else "",
                "Source": r.sources[0][1] if r.sources else "",
                "Checked": e.checked.isoformat(),
                "Confirmed": e.verified,
                "Note": e.note,
            }
        )
    return pd.DataFrame(
        out,
        columns=[
            "Kind",
            "Applies to",
            "Options",
            "Price",
            "Unit",
            "Cap per job",
            "Since",
            "Until",
            "Source",
            "Checked",
            "Confirmed",
            "Note",
        ],
    )


def provider_model_frame(p) -> pd.DataFrame:
    out = []
    for m in p.models:
        out.append(
            {
                "Model": m.id,
                "Size": f"{m.params_b}B" if m.params_b else "",
                "Tokenizer": m.tokenizer + (_(" (estimated)") if counting_tokenizer(m.tokenizer)[1] else ""),
                "Methods": ", ".join(m.methods),
                "Serves on": ", ".join(d.replace("_", " ") for d in m.deployments),
                "Training until": m.training_until.isoformat() if m.training_until else "",
                "Existing customers until": (
                    m.training_until_existing_customers.isoformat() if m.training_until_existing_customers else ""
                ),
                "Serving until": m.serving_until.isoformat()
                if m.serving_until
                else (_("with its base") if m.retires_with_base else ""),
                "Confirmed": m.verified,
            }
        )
    return pd.DataFrame(
        out,
        columns=[
            "Model",
            "Size",
            "Tokenizer",
            "Methods",
            "Serves on",
            "Training until",
            "Existing customers until",
            "Serving until",
            "Confirmed",
        ],
    )


def provider_absent_frame(p) -> pd.DataFrame:
    return pd.DataFrame(
        [{"Price": a.what, "Why it is not shown": a.note} for a in p.absent], columns=["Price", "Why it is not shown"]
    )


def provider_source_frame(p) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"Key": k, "Source": s.url, "Title": s.title, "Publisher": s.publisher, "Primary": s.primary}
            for k, s in p.sources.items()
        ],
        columns=["Key", "Source", "Title", "Publisher", "Primary"],
    )
