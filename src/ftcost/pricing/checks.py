"""Cross-file rules for the pricing tables, checked every time they load.

A single file can be valid on its own and still wrong against the others: a price for a model models.toml
does not know, a source key sources.toml lacks, two periods of one price that overlap, a batch price dated
before the Batch API existed, a fine-tunable model with days on which its training cost is unknown, an alias
pointing at a snapshot with no price that day, or models.toml disagreeing with a lifecycle.toml event.
Each rule raises PricingDataError naming the file, line and entry, and saying what to change.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable, Iterable, Mapping

from ftcost.errors import PricingDataError
from ftcost.i18n import N_, Notice
from ftcost.models import ModelFacts
from ftcost.pricing import schema as S
from ftcost.pricing.rows import AliasRow, Event, Feature, PriceRow, PricingData, Promotion, Source

BATCH_TIERS = ("batch", "batch_data_sharing")
Interval = tuple[dt.date, "dt.date | None"]


def citer(sources: Mapping[str, Source]) -> Callable[[Iterable[str], str], tuple[tuple[str, str], ...]]:
    """A function turning source keys into (key, url) pairs, or failing with the entry's location."""

    def cite(keys: Iterable[str], where: str) -> tuple[tuple[str, str], ...]:
        keys = list(keys)
        for key in keys:
            if key not in sources:
                raise PricingDataError(
                    f"{where}: unknown source {key!r}; add it to pricing/sources.toml or use a known key{_close(key, sources)}."
                )
        return tuple((k, sources[k].url) for k in keys)

    return cite


def build(
    *,
    directory,
    models,
    models_label,
    sources,
    features,
    events,
    lifecycle_label,
    price_entries,
    alias_entries,
    promo_entries,
) -> PricingData:
    cite = citer(sources)
    for m in models.values():
        cite(m.sources, f"{models_label} [{m.id}].sources")
    _check_models_against_events(models, events, models_label, lifecycle_label)
    rows = _price_rows(price_entries, models, features, events, cite)
    _check_fine_tuning_covered(models, rows, models_label)
    aliases = _alias_rows(alias_entries, models, rows, cite)
    promotions = _promotions(promo_entries, models, rows, cite)
    return PricingData(
        directory, models, sources, tuple(rows), tuple(aliases), features, tuple(events), tuple(promotions)
    )


# --- models.toml against lifecycle.toml ---------------------------------------------------------------


def _check_models_against_events(
    models: Mapping[str, ModelFacts], events: tuple[Event, ...], label: str, lc: str
) -> None:
    for m in models.values():
        _check_model_dates(m, f"{label} [{m.id}]")
    _check_replacements_and_shutdowns(models, events, label)
    closed = [e for e in events if e.effect == "fine_tuning_closed"]
    for e in events:
        _check_event(e, models, closed, label, f"{lc} event {e.id}")


def _check_model_dates(m: ModelFacts, at: str) -> None:
    """One model's own dates in order: fine-tuning opens after release and ends by the shutdowns."""
    if (m.fine_tuning_until or m.fine_tuned_shutdown) and not m.fine_tuning_from:
        raise PricingDataError(
            f"{at}: has fine-tuning end dates but no fine_tuning_from; add the day fine-tuning opened."
        )
    if m.fine_tuning_from and m.released and m.fine_tuning_from < m.released:
        raise PricingDataError(
            f"{at}: fine_tuning_from {m.fine_tuning_from} is before released {m.released}; fix one of them."
        )
    if m.fine_tuned_shutdown and m.shutdown and m.fine_tuned_shutdown > m.shutdown and not m.fine_tuned_shutdown_note:
        raise PricingDataError(
            f"{at}: fine_tuned_shutdown {m.fine_tuned_shutdown} is after shutdown {m.shutdown}; fine-tunes stop with their "
            "base at the latest, unless fine_tuned_shutdown_note cites OpenAI keeping them."
        )
    for name in ("fine_tuned_shutdown", "shutdown"):
        end = getattr(m, name)
        if m.fine_tuning_until and end and m.fine_tuning_until > end:
            raise PricingDataError(
                f"{at}: fine_tuning_until {m.fine_tuning_until} is after {name} {end}; set it on or before {end}."
            )


def _check_replacements_and_shutdowns(models: Mapping[str, ModelFacts], events: tuple[Event, ...], label: str) -> None:
    listed = {mid: e for e in events if e.effect == "shutdown" for mid in e.models}
    for m in models.values():
        at = f"{label} [{m.id}]"
        for rid in m.replacements:
            if rid not in models or rid == m.id:
                raise PricingDataError(
                    f"{at}: replacement {rid!r} is not another model in models.toml{_close(rid, models)}."
                )
        if m.shutdown and m.id not in listed:
            raise PricingDataError(
                f"{at}: shutdown {m.shutdown} is not in any lifecycle.toml shutdown event; add the model to the event "
                "that cites the shutdown's source, so ftcost can say where the date comes from."
            )


def _check_event(e: Event, models: Mapping[str, ModelFacts], closed: list[Event], label: str, at: str) -> None:
    """One lifecycle.toml event against models.toml: known models, and the dates both files give agree."""
    for mid in e.models:
        if mid not in models:
            raise PricingDataError(
                f"{at}: unknown model {mid!r}; use a snapshot id from models.toml{_close(mid, models)}."
            )
    if e.effect == "fine_tuning_restricted" and any(c.date <= e.date for c in closed):
        raise PricingDataError(
            f"{at}: a restriction dated {e.date} is on or after fine-tuning closes for everyone; fix its date."
        )
    if e.effect == "fine_tuning_closed":
        for m in models.values():
            if m.fine_tuning_from and (m.fine_tuning_until is None or m.fine_tuning_until > e.date):
                raise PricingDataError(
                    f"{label} [{m.id}]: fine_tuning_until is {m.fine_tuning_until or 'absent'} but {at} ends all new fine-tuning "
                    f"jobs on {e.date}; set fine_tuning_until = {e.date} (or earlier)."
                )
    if e.effect == "shutdown":
        _check_shutdown_event(e, models, label, at)


def _check_shutdown_event(e: Event, models: Mapping[str, ModelFacts], label: str, at: str) -> None:
    for mid in e.models:
        m = models[mid]
        if m.shutdown != e.date:
            raise PricingDataError(
                f"{label} [{mid}]: shutdown is {m.shutdown or 'absent'} but {at} says {e.date}; make them agree."
            )
        if e.fine_tuned_too and m.fine_tuned_shutdown != e.date:
            raise PricingDataError(
                f"{label} [{mid}]: fine_tuned_shutdown is {m.fine_tuned_shutdown or 'absent'} but {at} says its fine-tunes stop "
                f"on {e.date}; make them agree."
            )


#: Why a price period ends, when no lifecycle date ends it (a row's `ends_because`).
NEXT_PRICE = Notice(N_("next price"))
NO_LONGER_LISTED = Notice(N_("no longer listed"))


def lifecycle_end(m: ModelFacts, kind: str, events: tuple[Event, ...] = ()) -> tuple[dt.date | None, Notice]:
    """Where models.toml ends a kind of price for a model, and why, in words (a Notice: shown in the reader's
    language when a price asked about after that day is refused)."""
    if kind == "base":
        return m.shutdown, Notice(N_("{model} shuts down on {date}, per models.toml"), model=m.id, date=m.shutdown)
    if kind == "fine_tuned":
        end = m.fine_tuned_shutdown or m.shutdown
        return end, Notice(
            N_("fine-tuned {model} models stop serving on {date}, per models.toml"), model=m.id, date=end
        )
    end = m.fine_tuning_until
    why = Notice(N_("no new fine-tuning jobs for {who} from {date}, per models.toml"), who=m.id, date=end)
    for e in events:
        if e.effect == "fine_tuning_closed" and e.date == end:
            who = Notice(N_("everyone")) if e.who == "everyone" else e.who  # the one closure's who in lifecycle.toml
            # Translators: {who} is who may not start jobs ("everyone"); {event} is an entry's id in lifecycle.toml.
            why = Notice(
                N_("no new fine-tuning jobs for {who} from {date}, per lifecycle.toml {event}"),
                who=who,
                date=end,
                event=e.id,
            )
    return end, why


# --- price rows ---------------------------------------------------------------------------------------


def _price_rows(entries, models, features: Mapping[str, Feature], events, cite) -> list[PriceRow]:
    staged = []
    for entry, file, line in entries:
        where = f"{file} line {line}" if line else file
        where += f" ({entry.model} {entry.kind}/{entry.tier} from {entry.effective_from})"
        m = models.get(entry.model)
        if m is None:
            raise PricingDataError(
                f"{where}: unknown model {entry.model!r}; add it to models.toml first or fix the id{_close(entry.model, models)}."
            )
        sources = cite(entry.sources, where)
        _check_row_fits_model(entry, m, where)
        _check_row_after_features(entry, m, features, where)
        end, why = lifecycle_end(m, entry.kind, events)
        if end and entry.effective_from >= end:
            raise PricingDataError(
                f"{where}: starts after the end of its model's life: {why}; fix effective_from or models.toml."
            )
        if end and entry.effective_until and entry.effective_until >= end:
            fix = "remove effective_until" if entry.effective_until == end else f"end it by {end}"
            raise PricingDataError(
                f"{where}: effective_until {entry.effective_until} repeats or passes the lifecycle end ({why}); {fix} so the date is kept in one place."
            )
        staged.append((entry, file, line, sources, end, why))

    by_key: dict[tuple, list] = {}
    for item in staged:
        e = item[0]
        by_key.setdefault((e.model, e.kind, e.tier), []).append(item)
    rows = []
    for group in by_key.values():
        group.sort(key=lambda it: it[0].effective_from)
        for i, (e, file, line, sources, end, why) in enumerate(group):
            nxt = group[i + 1][0] if i + 1 < len(group) else None
            until = e.effective_until or end
            if nxt is not None and (until is None or until > nxt.effective_from):
                raise PricingDataError(
                    f"{file} line {group[i + 1][2]} ({nxt.model} {nxt.kind}/{nxt.tier} from {nxt.effective_from}): overlaps the "
                    f"row at line {line} (from {e.effective_from} until {until or 'open'}); set that row's effective_until = {nxt.effective_from}."
                )
            if e.effective_until:
                ends: str = NEXT_PRICE if nxt and nxt.effective_from == e.effective_until else NO_LONGER_LISTED
            else:
                ends = why if end else ""
            rows.append(
                PriceRow(
                    model=e.model,
                    kind=e.kind,
                    tier=e.tier,
                    input=e.input,
                    cached_input=e.cached_input,
                    output=e.output,
                    price=e.price,
                    effective_from=e.effective_from,
                    effective_until=until,
                    listed_until=e.effective_until,
                    ends_because=ends,
                    sources=sources,
                    checked=e.checked,
                    verified=e.verified,
                    note=e.note,
                    file=file,
                    line=line,
                )
            )
    rows.sort(key=lambda r: (r.model, r.kind, r.tier, r.effective_from))
    return rows


def _check_row_fits_model(e: S.PriceEntry, m: ModelFacts, where: str) -> None:
    if m.format == "embedding":
        if e.kind != "base":
            raise PricingDataError(f'{where}: {m.id} is an embedding model; only kind = "base" rows apply to it.')
        if e.output is not None or e.cached_input is not None:
            raise PricingDataError(f"{where}: embedding models bill input tokens only; remove output / cached_input.")
    if e.kind == "base":
        if m.released and e.effective_from < m.released:
            raise PricingDataError(
                f"{where}: {m.id} was released on {m.released} (models.toml); start the row on or after it."
            )
        return
    if not m.fine_tuning_from:
        raise PricingDataError(
            f"{where}: models.toml gives {m.id} no fine_tuning_from, so it has no fine-tuning prices; add the date there or remove this row."
        )
    if e.effective_from < m.fine_tuning_from:
        raise PricingDataError(
            f"{where}: fine-tuning of {m.id} opened on {m.fine_tuning_from} (models.toml fine_tuning_from); start the row on or after it."
        )


def _check_row_after_features(e: S.PriceEntry, m: ModelFacts, features: Mapping[str, Feature], where: str) -> None:
    needs = []
    if e.tier in BATCH_TIERS:
        needs.append("batch_api")
        if m.format == "embedding":
            needs.append("batch_embeddings")
        if e.kind == "fine_tuned":
            needs.append("batch_fine_tuned")
    if e.cached_input is not None:
        needs.append("prompt_caching")
    if e.kind == "training_hour":
        needs.append("reinforcement_fine_tuning")
    for fid in needs:
        f = features.get(fid)
        if f and e.effective_from < f.date:
            raise PricingDataError(
                f"{where}: starts before {fid} existed ({f.date}, lifecycle.toml); split the row so this part starts on {f.date}."
            )


# --- coverage of fine-tunable periods -----------------------------------------------------------------


def first_gap(intervals: Iterable[Interval], start: dt.date, end: dt.date | None) -> dt.date | None:
    """The first day in [start, end) that no interval covers, or None when they cover it all."""
    day = start
    for f, u in sorted(intervals, key=lambda iv: iv[0]):
        if u is not None and u <= day:
            continue
        if f > day:
            return day
        if u is None:
            return None
        day = u
        if end is not None and day >= end:
            return None
    return day if end is None or day < end else None


def fine_tunable_period(m: ModelFacts) -> tuple[dt.date, dt.date | None]:
    """When jobs could be created for a fine-tunable model `m` (its fine_tuning_from is set)."""
    assert m.fine_tuning_from is not None, m.id
    ends = [d for d in (m.fine_tuning_until, m.shutdown) if d]
    return m.fine_tuning_from, (min(ends) if ends else None)


def _intervals(rows: Iterable[PriceRow], model: str, kinds: tuple[str, ...], tier: str = "standard") -> list[Interval]:
    return [
        (r.effective_from, r.effective_until) for r in rows if r.model == model and r.kind in kinds and r.tier == tier
    ]


def _check_fine_tuning_covered(models, rows: list[PriceRow], label: str) -> None:
    for m in models.values():
        if not m.fine_tuning_from:
            continue
        start, end = fine_tunable_period(m)
        for kinds, what in ((("fine_tuned",), "fine_tuned standard (usage)"), (S.TRAINING_KINDS, "training")):
            gap = first_gap(_intervals(rows, m.id, kinds), start, end)
            if gap is not None:
                raise PricingDataError(
                    f"{label} [{m.id}]: can be fine-tuned from {start} until {end or 'open'} but pricing/prices has no "
                    f"{what} price on {gap}; add a row covering that day (or correct the fine-tuning dates)."
                )


# --- aliases ------------------------------------------------------------------------------------------


def _alias_rows(entries, models, rows: list[PriceRow], cite) -> list[AliasRow]:
    out: list[AliasRow] = []
    for e, file, line in entries:
        where = (f"{file} line {line}" if line else file) + f" ({e.alias} → {e.snapshot} from {e.effective_from})"
        if e.alias in models:
            raise PricingDataError(
                f"{where}: {e.alias!r} is a snapshot id in models.toml; an alias is an undated name such as gpt-4o."
            )
        m = models.get(e.snapshot)
        if m is None:
            raise PricingDataError(
                f"{where}: unknown snapshot {e.snapshot!r}; use an id from models.toml{_close(e.snapshot, models)}."
            )
        sources = cite(e.sources, where)
        end = m.shutdown
        if end and e.effective_until and e.effective_until >= end:
            fix = "remove effective_until" if e.effective_until == end else f"end it by {end}"
            raise PricingDataError(
                f"{where}: effective_until reaches {e.snapshot}'s shutdown ({end}, models.toml); {fix}."
            )
        until = e.effective_until or end
        gap = first_gap(_intervals(rows, m.id, ("base",)), e.effective_from, until)
        if gap is not None:
            raise PricingDataError(
                f"{where}: {e.snapshot} has no standard base price on {gap}, so the alias cannot be priced that day; "
                f"fix the alias dates or add the price."
            )
        out.append(
            AliasRow(
                alias=e.alias,
                snapshot=e.snapshot,
                effective_from=e.effective_from,
                effective_until=until,
                listed_until=e.effective_until,
                sources=sources,
                checked=e.checked,
                verified=e.verified,
                note=e.note,
                file=file,
                line=line,
            )
        )
    out.sort(key=lambda a: (a.alias, a.effective_from))
    for a, b in zip(out, out[1:], strict=False):
        if a.alias == b.alias and (a.effective_until is None or a.effective_until > b.effective_from):
            raise PricingDataError(
                f"{b.where()}: overlaps the period at line {a.line} (until {a.effective_until or 'open'}); "
                f"set that row's effective_until = {b.effective_from}."
            )
    return out


# --- promotions ---------------------------------------------------------------------------------------


def _promotions(entries, models, rows: list[PriceRow], cite) -> list[Promotion]:
    out = []
    for e, file, line in entries:
        where = (f"{file} line {line}" if line else file) + f" ({e.id})"
        for mid in e.models:
            if mid not in models:
                raise PricingDataError(
                    f"{where}: unknown model {mid!r}; use an id from models.toml{_close(mid, models)}."
                )
            gap = first_gap(_intervals(rows, mid, ("training",)), e.effective_from, e.effective_until)
            if gap is not None:
                raise PricingDataError(
                    f"{where}: {mid} has no training price on {gap}, so free training tokens mean nothing that day; fix the dates."
                )
        out.append(
            Promotion(
                e.id,
                tuple(e.models),
                e.free_training_tokens_per_day,
                e.effective_from,
                e.effective_until,
                cite(e.sources, where),
                e.checked,
                e.verified,
                e.note,
            )
        )
    return out


def _close(name: str, known: Iterable[str]) -> str:
    near = difflib.get_close_matches(name, list(known), n=3, cutoff=0.6)
    return f" (did you mean {', '.join(near)}?)" if near else ""
