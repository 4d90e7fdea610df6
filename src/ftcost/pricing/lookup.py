"""Model names → snapshot as of a date → the rates in force that day, each with its source.

Names ftcost understands:
  * snapshot ids from models.toml (`gpt-4o-mini-2024-07-18`);
  * aliases from aliases.toml, resolved as of the date (`gpt-3.5-turbo` was 0613 in Sept 2023, 0125 in 2024);
  * OpenAI's fine-tuned names `ft:BASE`, `ft:BASE:ORG::ID`, `ft:BASE:ORG:SUFFIX:ID` (and a trailing
    `:ckpt-step-N` checkpoint), where BASE may itself be an alias;
  * legacy GPT-3 fine-tunes `curie:ft-ORG-2023-01-01-00-00-00`.
A fine-tuned name is priced at the fine-tuned rates of its base, never at the base rates and never at $0.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import typing
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ftcost.errors import FtcostError, NotOfferedError, ShutDownError, UnknownModelError
from ftcost.i18n import N_, Notice
from ftcost.models import ModelFacts
from ftcost.money import decimal_str
from ftcost.pricing.checks import NO_LONGER_LISTED
from ftcost.pricing.rows import AliasRow, PriceRow, PricingData
from ftcost.pricing.schema import Tier
from ftcost.pricing.store import current
from ftcost.replacements import in_place_of

TIERS: tuple[str, ...] = typing.get_args(Tier)
_LEGACY_FT = re.compile(r"(ada|babbage|curie|davinci):ft-\S+")


@dataclass(frozen=True)
class Resolved:
    """What a name meant on a date."""

    name: str
    snapshot: str
    fine_tuned: bool
    model: ModelFacts
    alias: str | None = None
    alias_row: AliasRow | None = None

    def describe(self) -> str:
        what = f"fine-tuned {self.snapshot}" if self.fine_tuned else self.snapshot
        return f"{what} (via alias {self.alias})" if self.alias else what


@dataclass(frozen=True)
class Rate:
    """One price used in a calculation, with everything needed to cite it."""

    price: Decimal
    unit: str
    component: str
    model: str
    kind: str
    tier: str
    effective_from: dt.date
    effective_until: dt.date | None
    sources: tuple[tuple[str, str], ...]
    checked: dt.date
    verified: bool
    note: str = ""

    @classmethod
    def from_row(cls, row: PriceRow, component: str) -> Rate | None:
        price = getattr(row, component)
        if price is None:
            return None
        return cls(
            price,
            row.unit,
            component,
            row.model,
            row.kind,
            row.tier,
            row.effective_from,
            row.effective_until,
            row.sources,
            row.checked,
            row.verified,
            row.note,
        )

    @property
    def source(self) -> str:
        """The first source's URL (every rate has at least one)."""
        return self.sources[0][1]

    def to_dict(self) -> dict[str, Any]:
        return {
            "price": decimal_str(self.price),
            "unit": self.unit,
            "model": self.model,
            "kind": self.kind,
            "tier": self.tier,
            "source": self.source,
            "sources": [{"key": k, "url": u} for k, u in self.sources],
            "effective_from": self.effective_from.isoformat(),
            "effective_until": self.effective_until.isoformat() if self.effective_until else None,
            "checked": self.checked.isoformat(),
            "verified": self.verified,
            "note": self.note,
        }


@dataclass(frozen=True)
class RateCard:
    """The rates for one name on one date and tier. None means not offered (never 0)."""

    resolved: Resolved
    as_of: dt.date
    tier: str
    input: Rate | None
    cached_input: Rate | None
    output: Rate | None
    training: Rate | None
    training_hour: Rate | None

    @property
    def name(self) -> str:
        return self.resolved.name

    @property
    def snapshot(self) -> str:
        return self.resolved.snapshot

    @property
    def fine_tuned(self) -> bool:
        return self.resolved.fine_tuned

    def items(self) -> dict[str, Rate]:
        names = ("input", "cached_input", "output", "training", "training_hour")
        return {n: getattr(self, n) for n in names if getattr(self, n) is not None}


def parse_name(name: str) -> tuple[str, bool]:
    """(base name, fine-tuned?) from any name OpenAI uses; the base may still be an alias."""
    if not isinstance(name, str) or not name.strip():
        raise UnknownModelError(
            Notice(N_("A model name is required, e.g. gpt-4o-mini or ft:gpt-4o-mini-2024-07-18:my-org::abc123."))
        )
    name = name.strip()
    if name.startswith("ft:"):
        parts = name[3:].split(":")
        if not parts[0] or len(parts) > 5:
            raise UnknownModelError(
                Notice(
                    N_(
                        "{name} is not a fine-tuned model name OpenAI uses; expected ft:BASE, ft:BASE:ORG::ID or "
                        "ft:BASE:ORG:SUFFIX:ID."
                    ),
                    name=repr(name),
                )
            )
        return parts[0], True
    if _LEGACY_FT.fullmatch(name):
        return name.split(":", 1)[0], True
    return name, False


def resolve(name: str, as_of: dt.date, *, data: PricingData | None = None) -> Resolved:
    """Which snapshot `name` meant on `as_of`, and whether it is a fine-tune."""
    as_of = check_date(as_of)
    d = current(data)
    base, fine_tuned = parse_name(name)
    name = name.strip()
    if base in d.models:
        return Resolved(name, base, fine_tuned, d.models[base])
    periods = d.alias_periods(base)
    if not periods:
        known = list(d.models) + d.alias_names
        near = difflib.get_close_matches(base, known, n=3, cutoff=0.6)
        inside = Notice(N_(" (the base of {name})"), name=repr(name)) if fine_tuned else ""
        raise UnknownModelError(
            Notice(N_("Unknown model {model}{inside}; {hint}"), model=repr(base), inside=inside, hint=near_hint(near)),
            value=base,
            near=near,
            listing=None if near else "models",
        )
    row = next((a for a in periods if a.in_force(as_of)), None)
    if row is None:
        last = periods[-1]
        ended_by_shutdown = (
            last.listed_until is None and last.effective_until is not None and as_of >= last.effective_until
        )
        if ended_by_shutdown:
            raise shut_down_error(d, d.models[last.snapshot], as_of, fine_tuned=fine_tuned, alias=base)
        gap = as_of >= periods[0].effective_from and not (last.effective_until and as_of >= last.effective_until)
        raise NotOfferedError(
            _alias_not_on(base, periods, as_of), value=base, as_of=as_of, listing="alias_history" if gap else None
        )
    return Resolved(name, row.snapshot, fine_tuned, d.models[row.snapshot], alias=base, alias_row=row)


def near_hint(near: list[str]) -> Notice:
    """The end of an unknown name's sentence: the names close to it, or that there are none."""
    if near:
        # Translators: after "Unknown model 'x';" — {models} are model names, comma-separated.
        return Notice(N_("did you mean {models}?"), models=", ".join(near))
    return Notice(N_("no model ftcost knows has a name close to it."))


def rates(name: str, as_of: dt.date, tier: str = "standard", *, data: PricingData | None = None) -> RateCard:
    """The rates for `name` on `as_of`: inference (base or fine-tuned usage) in `tier`, plus the base's
    training rates (training has one price, listed under the standard tier).

    Raises NotOfferedError, saying when it was offered, if there is no inference price that day.
    """
    tier = check_tier(tier)
    as_of = check_date(as_of)
    d = current(data)
    r = resolve(name, as_of, data=d)
    if not r.model.served_on(as_of, r.fine_tuned):
        raise shut_down_error(d, r.model, as_of, fine_tuned=r.fine_tuned, alias=r.alias)
    kind = "fine_tuned" if r.fine_tuned else "base"
    row = d.row_on(r.snapshot, kind, tier, as_of)
    if row is None:
        raise NotOfferedError(explain_missing(d, r, kind, tier, as_of))
    train = d.row_on(r.snapshot, "training", "standard", as_of)
    hour = d.row_on(r.snapshot, "training_hour", "standard", as_of)
    return RateCard(
        resolved=r,
        as_of=as_of,
        tier=tier,
        input=Rate.from_row(row, "input"),
        cached_input=Rate.from_row(row, "cached_input"),
        output=Rate.from_row(row, "output"),
        training=Rate.from_row(train, "price") if train else None,
        training_hour=Rate.from_row(hour, "price") if hour else None,
    )


def shutdown_source(d: PricingData, m: ModelFacts, fine_tuned: bool = False) -> tuple[str, str]:
    """(source key, url) for the day `m` (or its fine-tunes) stopped serving: its lifecycle.toml shutdown event."""
    end = m.serving_end(fine_tuned)
    for e in d.events:
        if e.effect == "shutdown" and m.id in e.models and e.date == end:
            return e.sources[0]
    key = m.sources[-1] if m.sources else ""
    return (key, d.sources[key].url) if key in d.sources else ("", "")


def served(d: PricingData, m: ModelFacts, as_of: dt.date, fine_tuned: bool = False) -> bool:
    """Whether OpenAI serves `m` (fine-tuned or base) on `as_of`: released, not shut down, and priced."""
    if not m.served_on(as_of, fine_tuned):
        return False
    return d.row_on(m.id, "fine_tuned" if fine_tuned else "base", "standard", as_of) is not None


def still_served(d: PricingData, m: ModelFacts, as_of: dt.date) -> tuple[str, ...]:
    """What OpenAI serves on `as_of` in place of `m`: its named replacements (following replacements of
    replacements that shut down too), else the served models of its family, newest first."""
    return in_place_of(d.models, m, lambda x: served(d, x, as_of))


def shut_down_error(
    d: PricingData, m: ModelFacts, as_of: dt.date, *, fine_tuned: bool = False, alias: str | None = None
) -> ShutDownError:
    """The one sentence for a model asked about on or after its shutdown, with the facts as fields."""
    end = m.serving_end(fine_tuned)
    key, url = shutdown_source(d, m, fine_tuned)
    instead = still_served(d, m, as_of)
    where = Notice(N_(" ({source})"), source=url) if url else ""
    if instead:
        models = ", ".join(instead[:4]) + (" …" if len(instead) > 4 else "")
        served_text = Notice(N_("on {date} OpenAI serves {models} instead"), date=as_of, models=models)
    else:
        served_text = Notice(N_("ftcost knows no model OpenAI serves in its place on {date}"), date=as_of)
    fields = {"model": m.id, "date": end, "where": where, "served": served_text}
    if alias and fine_tuned:
        template = N_("fine-tuned {alias} ({model}, which it pointed to) was shut down on {date}{where}; {served}.")
    elif alias:
        template = N_("{alias} ({model}, which it pointed to) was shut down on {date}{where}; {served}.")
    elif fine_tuned:
        template = N_("fine-tuned {model} models were shut down on {date}{where}; {served}.")
    else:
        template = N_("{model} was shut down on {date}{where}; {served}.")
    msg = Notice(template, alias=alias, **fields) if alias else Notice(template, **fields)
    return ShutDownError(
        msg,
        model=m.id,
        shutdown=end,
        source=key,
        source_url=url,
        still_served=instead,
        as_of=as_of,
        fine_tuned=fine_tuned,
        alias=alias,
    )


#: What has no price, by kind: the model's own id for a base price, else a phrase around it.
_WHAT = {
    "fine_tuned": N_("fine-tuned {model}"),
    "training": N_("fine-tuning (training) of {model}"),
    "training_hour": N_("reinforcement fine-tuning of {model}"),
}


def explain_missing(d: PricingData, r: Resolved, kind: str, tier: str, as_of: dt.date) -> Notice:
    """One sentence on why (model, kind, tier) has no price on `as_of`, saying when it did (a Notice: the
    English sentence, shown in the reader's language with `.text(lang)`)."""
    m = r.model
    what: str | Notice = m.id if kind == "base" else Notice(_WHAT[kind], model=m.id)
    if tier != "standard":
        # Translators: {what} is a model (or "fine-tuned MODEL"); {tier} is a tier's id (batch, flex, priority).
        what = Notice(N_("{what} ({tier} tier)"), what=what, tier=tier)
    periods = d.periods(m.id, kind, tier)
    if not periods:
        if kind != "base" and not m.fine_tunable:
            return Notice(N_("{model} cannot be fine-tuned: {reason}"), model=m.id, reason=never_fine_tunable(m))
        hourly = d.periods(m.id, "training_hour")
        if kind == "training" and hourly:
            return Notice(
                N_(
                    "{model} fine-tuning is billed per training hour (reinforcement fine-tuning, ${price} per hour), "
                    "not per token; give training hours instead."
                ),
                model=m.id,
                price=str(hourly[-1].price),  # as the data writes it, in every language
            )
        others = d.tiers(m.id, kind)
        if others:
            # Translators: {tiers} are tier ids (batch, flex, priority), comma-separated.
            return Notice(
                N_("{what} has no price; ftcost has the {tiers} tier(s) for it."), what=what, tiers=", ".join(others)
            )
        return Notice(N_("{what} has no price in ftcost's data."), what=what)
    first, last = periods[0], periods[-1]
    if as_of < first.effective_from:
        return Notice(
            N_("{what} was first priced on {date}; you asked about {as_of}."),
            what=what,
            date=first.effective_from,
            as_of=as_of,
        )
    if last.effective_until and as_of >= last.effective_until:
        why = last.ends_because if last.ends_because not in ("", "no longer listed") else NO_LONGER_LISTED
        return Notice(
            N_("{what} is not offered from {date} ({why}); you asked about {as_of}."),
            what=what,
            date=last.effective_until,
            why=why,
            as_of=as_of,
        )
    after = next(p for p in periods if p.effective_from > as_of)
    before = [p for p in periods if p.effective_from <= as_of][-1]
    return Notice(
        N_("{what} had no price from {start} until {end}; you asked about {as_of}."),
        what=what,
        start=before.effective_until,
        end=after.effective_from,
        as_of=as_of,
    )


def never_fine_tunable(m: ModelFacts) -> str | Notice:
    """Why `m` cannot be fine-tuned: its note in models.toml, else that OpenAI never offered it."""
    return m.note or Notice(N_("OpenAI never offered fine-tuning for it"))


def _alias_not_on(alias: str, periods: list[AliasRow], as_of: dt.date) -> Notice:
    first, last = periods[0], periods[-1]
    if as_of < first.effective_from:
        return Notice(
            N_("{alias} did not exist before {date} (it first pointed to {snapshot}); you asked about {as_of}."),
            alias=alias,
            date=first.effective_from,
            snapshot=first.snapshot,
            as_of=as_of,
        )
    if last.effective_until and as_of >= last.effective_until:
        if last.listed_until is None:
            return Notice(
                N_("{alias} pointed to {snapshot}, which shut down on {date}; you asked about {as_of}."),
                alias=alias,
                snapshot=last.snapshot,
                date=last.effective_until,
                as_of=as_of,
            )
        return Notice(
            N_("{alias} pointed to {snapshot} until {date} and to nothing after; you asked about {as_of}."),
            alias=alias,
            snapshot=last.snapshot,
            date=last.effective_until,
            as_of=as_of,
        )
    return Notice(N_("{alias} pointed to no snapshot on {date}."), alias=alias, date=as_of)


def check_tier(tier: str) -> str:
    if tier not in TIERS:
        raise FtcostError(f"Unknown tier {tier!r}; use one of {', '.join(TIERS)}.")
    return tier


def check_date(value: dt.date) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if not isinstance(value, dt.date):
        raise FtcostError(f"A date is required (datetime.date), got {value!r}.")
    return value
