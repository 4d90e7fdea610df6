"""What OpenAI offers in place of a model, and the model a fine-tune planned today would use.

One walk for both questions: a model's named replacements (models.toml's `replacements`, first choice first,
following replacements of replacements that do not qualify either), else the qualifying models of its family,
newest first. `pricing.still_served` asks it for the models OpenAI serves on a day; `default_fine_tune` for
the model a new fine-tuning job would use (what `ftcost analyze` counts for when no --model is given).

Pure: it takes the model rows (validated `ModelFacts`, or rows read straight from models.toml when pydantic
must wait: see `ftcost.cli.analyze`) and a rule for the day, and holds no fact or date of its own. It imports
nothing from ftcost, so the command line can ask it before the scan without loading the pricing tables.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar


class Row(Protocol):
    """The model facts the walk reads (`ftcost.models.ModelFacts` has them all)."""

    @property
    def id(self) -> str: ...
    @property
    def family(self) -> str: ...
    @property
    def released(self) -> dt.date | None: ...
    @property
    def replacements(self) -> Sequence[str]: ...
    @property
    def encoding(self) -> str | None: ...
    @property
    def format(self) -> str: ...
    @property
    def fine_tuning_from(self) -> dt.date | None: ...
    @property
    def fine_tuning_until(self) -> dt.date | None: ...
    @property
    def shutdown(self) -> dt.date | None: ...


R = TypeVar("R", bound=Row)


def in_place_of(models: Mapping[str, R], m: R, keep: Callable[[R], bool]) -> tuple[str, ...]:
    """The models `keep` accepts in place of `m`: its named replacements (following replacements of
    replacements `keep` refuses), else the accepted models of its family, newest first."""
    out: list[str] = []
    seen = {m.id}
    queue = list(m.replacements)
    while queue:
        mid = queue.pop(0)
        if mid in seen or mid not in models:
            continue
        seen.add(mid)
        r = models[mid]
        if keep(r):
            out.append(mid)
        else:
            queue.extend(r.replacements)
    if not out:
        family = [x for x in models.values() if x.family == m.family and x.id != m.id and keep(x)]
        out = [x.id for x in sorted(family, key=lambda x: x.released or dt.date.min, reverse=True)]
    return tuple(out)


@dataclass(frozen=True)
class DefaultFineTune:
    """The model a fine-tune planned from `start` uses on `as_of` (see `default_fine_tune`)."""

    model: str
    start: str  # the model the plan starts from (the library's DEFAULT_MODEL, the cookbook's)
    as_of: dt.date
    takes_jobs: bool  # a new fine-tuning job can be created on `model` on `as_of`
    last_day: dt.date | None = None  # when not: the last day OpenAI took new jobs on any model (None: no day yet)


def countable(m: Row) -> bool:
    """A model whose training files ftcost can count: a shipped encoding, a chat or prompt/completion format."""
    return m.encoding is not None and m.format in ("chat", "completion")


def default_fine_tune(
    models: Mapping[str, R], start: str, as_of: dt.date, takes_jobs: Callable[[R, dt.date], bool]
) -> DefaultFineTune:
    """The model a new fine-tune planned from `start` uses on `as_of`, by `takes_jobs(model, day)` (the job rule):

    `start` itself while it takes jobs; else the first countable model that does in its place (`in_place_of`);
    else the newest countable model that takes jobs. When none takes jobs on `as_of`, the answer of the last day
    one did (`takes_jobs=False`, `last_day` that day: the day before the last window closed, from each model's
    fine_tuning_from, fine_tuning_until and shutdown), or `start` when no window had opened by then (or the rule
    refuses every model on that day). `start` must be a key of `models`.
    """
    day = _last_open_day(models.values(), as_of)
    chosen = None if day is None else _chosen(models, start, day, takes_jobs)
    if day is None or chosen is None:
        return DefaultFineTune(start, start, as_of, False)
    return DefaultFineTune(chosen, start, as_of, day == as_of, None if day == as_of else day)


def _chosen(models: Mapping[str, R], start: str, day: dt.date, takes_jobs: Callable[[R, dt.date], bool]) -> str | None:
    def ok(m: R) -> bool:
        return countable(m) and takes_jobs(m, day)

    first = models[start]
    if ok(first):
        return start
    instead = in_place_of(models, first, ok)
    if instead:
        return instead[0]
    newest = max((m for m in models.values() if ok(m)), key=lambda m: (m.released or dt.date.min, m.id), default=None)
    return None if newest is None else newest.id


def _last_open_day(models, as_of: dt.date) -> dt.date | None:
    """`as_of` while some countable model's fine-tuning window holds it, else the last day one held (None:
    none had opened). A window runs from fine_tuning_from to the first of fine_tuning_until and shutdown."""
    last = None
    for m in models:
        if not countable(m) or m.fine_tuning_from is None or m.fine_tuning_from > as_of:
            continue
        ends = [d for d in (m.fine_tuning_until, m.shutdown) if d is not None]
        end = min(ends) if ends else None
        if end is None or as_of < end:
            return as_of
        if end > m.fine_tuning_from:
            day = end - dt.timedelta(days=1)
            last = day if last is None or day > last else last
    return last
