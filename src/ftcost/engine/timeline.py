"""The months each option's plan pays for, once every option's own months are known.

A fine-tune's early months are the current option's (the product runs on it until the fine-tune goes live),
and a model that stops serving inside the horizon hands the rest to its successor (named in the scenario,
else the current option or the first other option still serving), whose one-off is booked in the switch
month. The switch is booked in the month the shutdown falls in: a team moves before the day, not after it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import NamedTuple

from ftcost.engine.options import PricedOption
from ftcost.engine.results import Month, OneOff, OptionPlan, RetrievalCost
from ftcost.engine.training import PilotCost
from ftcost.i18n import N_, Notice
from ftcost.scenario import Scenario


@dataclass
class OwnCosts:
    """Each priced option on its own: its months at the date's prices, when it stops serving inside the
    horizon, and for a fine-tune its one-off cost and pilot."""

    months: dict[str, list[Month]] = field(default_factory=dict)
    stops: dict[str, tuple[int, dt.date]] = field(default_factory=dict)  # name → (month, day it stops serving)
    one_offs: dict[str, OneOff] = field(default_factory=dict)
    pilots: dict[str, PilotCost] = field(default_factory=dict)


class Switch(NamedTuple):
    """An option that stops serving inside the horizon and the one that takes its months from `month`."""

    month: int
    successor: str
    stop: dt.date


class Timelines:
    """Month lists by option name, built on demand and remembered; options planned by another provider's rules
    (`external`) are successors like any other once they are planned."""

    def __init__(
        self,
        scenario: Scenario,
        as_of: dt.date,
        *,
        go_live: int,
        current: str | None,
        priced: dict[str, PricedOption],
        costs: OwnCosts,
        retrieval: dict[str, RetrievalCost],
        warnings: list[Notice],
    ) -> None:
        self.scenario, self.as_of, self.go_live, self.current = scenario, as_of, go_live, current
        self.priced, self.costs, self.retrieval, self.warnings = priced, costs, retrieval, warnings
        self.external: dict[str, OptionPlan] = {}
        self.switches: dict[str, Switch] = {}
        self.orphans: dict[str, tuple[int, dt.date]] = {}  # stop inside the horizon with nothing serving after
        self._memo: dict[str, list[Month]] = {}

    def restart(self) -> None:
        """Forget the first pass: it could not hand months to the options planned elsewhere yet."""
        self._memo.clear()
        self.orphans.clear()
        self.switches.clear()

    def months(self, name: str, visiting: tuple[str, ...] = ()) -> list[Month]:
        if name in self.external:
            return list(self.external[name].months)
        if name in self._memo:
            return self._memo[name]
        option = self.priced[name].option
        months = list(self.costs.months[name])
        if option.fine_tuned and self.current and self.current != name and self.go_live > 1:
            early = self.months(self.current, visiting + (name,))
            months = [early[i] if i + 1 < self.go_live else m for i, m in enumerate(months)]
        if name in self.costs.stops:
            self._hand_over(name, months, visiting + (name,))
        if option.fine_tuned:
            months[0] = _plus_one_off(months[0], self.costs.one_offs[name].total_usd)
        if name in self.retrieval and not visiting:  # building the retrieval, booked in month 1 of its own plan
            months[0] = _plus_one_off(months[0], self.retrieval[name].one_off_usd)
        if not visiting:
            self._memo[name] = months
        return months

    def _hand_over(self, name: str, months: list[Month], visiting: tuple[str, ...]) -> None:
        """From the month `name` stops serving: its successor's months, or nothing where none serves after it."""
        month, stop = self.costs.stops[name]
        successor = self._successor_of(name, month, visiting)
        if successor is None:
            self.orphans.setdefault(name, (month, stop))
            months[month - 1 :] = [nothing(m) for m in months[month - 1 :]]
            return
        self.switches[name] = Switch(month, successor, stop)
        later = list(self.months(successor, visiting))
        cost = self._one_off_of(successor)
        if cost:  # its own one-off moves from its month 1 to the switch month
            later[0] = replace(later[0], one_off_usd=later[0].one_off_usd - cost)
        months[month - 1 :] = later[month - 1 :]
        if cost:
            months[month - 1] = _plus_one_off(months[month - 1], cost)

    def _planned(self, name: str) -> bool:
        return name in self.priced or name in self.external

    def _serving_at(self, name: str, month: int) -> bool:
        if name in self.external:
            return True
        return name in self.priced and (name not in self.costs.stops or self.costs.stops[name][0] > month)

    def _successor_of(self, name: str, month: int, visiting: tuple[str, ...]) -> str | None:
        named = next(o.successor for o in self.scenario.option if o.name == name)
        if named and named not in visiting and self._planned(named):
            return named
        if named and not self._planned(named):
            self.warnings.append(
                Notice(
                    N_(
                        "{option}'s successor {successor} is not planned on {date}; the plan moves "
                        "to the next option still serving instead."
                    ),
                    option=name,
                    successor=named,
                    date=self.as_of,
                )
            )
        # The current option, else the first other base option still serving. A fine-tune is a successor only
        # where the scenario names it: moving to one is a project, not a default.
        fine = {o.name for o in self.scenario.option if o.fine_tuned}
        planned = [o.name for o in self.scenario.option if self._planned(o.name) and o.name not in fine]
        candidates = ([self.current] if self.current else []) + planned
        return next((n for n in candidates if n != name and n not in visiting and self._serving_at(n, month)), None)

    def _one_off_of(self, name: str) -> Decimal:
        if name in self.external:
            return self.external[name].one_off_usd
        one_off = self.costs.one_offs.get(name)
        return one_off.total_usd if one_off is not None else Decimal(0)


def _plus_one_off(m: Month, usd: Decimal) -> Month:
    return replace(m, one_off_usd=m.one_off_usd + usd)


def nothing(m: Month) -> Month:
    """A month in which the option serves no one and pays nothing."""
    zero = Decimal(0)
    return replace(
        m,
        requests=0,
        input_tokens=0,
        cached_input_tokens=0,
        output_tokens=0,
        input_usd=zero,
        cached_input_usd=zero,
        output_usd=zero,
        hosting_usd=zero,
        wrong_answers_usd=zero,
        one_off_usd=zero,
        served_by="",
    )
