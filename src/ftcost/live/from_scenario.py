"""Plain data for the live functions from a scenario, and the scenario updated with what was measured.

The live functions take plain data (models, prompts, messages, an eval set, a file path) so the app and
the CLI can call them with or without a scenario; this module is the one place that knows the
scenario's shape. Writing measurements back returns a new Scenario; the caller decides (after the user
confirmed) whether to save it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ftcost.errors import FtcostError, InputError
from ftcost.i18n import N_, Notice
from ftcost.live.evaluate import EvalItem
from ftcost.live.measure import MeasureReport, PromptOption


def is_placeholder(model: str) -> bool:
    """True for "ft:BASE" (a planned fine-tune), False for a callable "ft:BASE:org:suffix:id" name."""
    return model.startswith("ft:") and len(model.split(":")) < 4


def base_of(model: str) -> str:
    """The base model of a fine-tuned name ("ft:gpt-4o-mini:org::id" → "gpt-4o-mini"); others unchanged."""
    return model.split(":")[1] if model.startswith("ft:") else model


def same_family(snapshot: str, base: str) -> bool:
    """ "gpt-4o-mini-2024-07-18" is a snapshot of "gpt-4o-mini" (and of itself), not of "gpt-4o"."""
    return re.fullmatch(re.escape(base) + r"(-\d{4}(-\d{2}-\d{2})?)?", snapshot) is not None


@dataclass(frozen=True)
class Skipped:
    """An option the live check leaves out, and why, as facts an edge words for its reader.

    `reason` is "provider" (served by `provider`, not OpenAI), "no_model" (a planned fine-tune and no
    fine-tuned model given to call in its place) or "other_base" (the fine-tuned model given, `fine_tuned_model`,
    fine-tunes another base). `str()` is the library's sentence.
    """

    name: str
    model: str
    reason: str
    provider: str = "openai"
    fine_tuned_model: str | None = None

    def __str__(self) -> str:
        if self.reason == "provider":
            return f"Option {self.name!r} is served by {self.provider}, not OpenAI; the live check calls OpenAI only."
        if self.reason == "no_model":
            return (
                f"Option {self.name!r} ({self.model}) is a planned fine-tune with no model yet, so it is left out "
                "until a fine-tuned model of its base (the pilot's) is given."
            )
        return f"Option {self.name!r} ({self.model}) is left out: {self.fine_tuned_model} fine-tunes another base."


@dataclass(frozen=True)
class Selection:
    """The options the live check calls (with their prompts) and the ones it leaves out."""

    options: list[PromptOption] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def select_options(
    scenario: Any, *, fine_tuned_model: str | None = None, names: Sequence[str] | None = None
) -> Selection:
    """Which of the scenario's options a live run calls, with which model and prompt; the one rule the CLI
    and the app share. Base options get the long prompt, fine-tuned the short.

    A planned fine-tune ("ft:gpt-4o-mini") is called as `fine_tuned_model` (the name the pilot produced)
    when that fine-tunes the same base; planned fine-tunes of other bases are left out (so a scenario
    comparing two fine-tunes can still measure the one that exists), as are options another provider
    serves. A `fine_tuned_model` that is not a fine-tuned name, or fine-tunes none of the planned bases, is
    refused (InputError, setting "fine_tuned_model"); unknown `names` too (setting "names"). An empty
    selection is not an error here: each edge says so in its own words.
    """
    ft = (fine_tuned_model or "").strip() or None
    chosen = list(scenario.option)
    if names:
        known = {o.name for o in chosen}
        unknown = [n for n in names if n not in known]
        if unknown:
            raise InputError(
                f"No option named {', '.join(map(repr, unknown))}; the scenario has "
                f"{', '.join(map(repr, sorted(known)))}.",
                value=", ".join(unknown),
                near=tuple(sorted(known)),
                setting="names",
            )
        chosen = [o for o in chosen if o.name in names]
    if ft and not ft.startswith("ft:"):
        raise InputError(
            Notice(
                N_("{model} is not a fine-tuned model's name; it looks like ft:BASE:org:suffix:id."), model=repr(ft)
            ),
            value=ft,
            setting="fine_tuned_model",
        )
    # The live check calls OpenAI: options another provider serves (Azure, Together …) are left out.
    skipped = [
        Skipped(o.name, o.model, "provider", provider=o.provider_id)
        for o in chosen
        if getattr(o, "provider_id", "openai") != "openai"
    ]
    chosen = [o for o in chosen if getattr(o, "provider_id", "openai") == "openai"]
    workload = scenario.workload
    # A scenario may plan fine-tunes of several bases (airport: gpt-3.5 and gpt-4o-mini). A given
    # fine-tuned model stands in for the planned fine-tunes of its own base; the others are skipped.
    planned = [o for o in chosen if is_placeholder(o.model)]
    matching = [o for o in planned if ft and same_family(base_of(ft), base_of(o.model))]
    if ft and planned and not matching:
        bases = sorted({base_of(o.model) for o in planned})
        either: str = bases[0]
        for base in bases[1:]:
            # Translators: model names, one or the other ("gpt-4o-mini or gpt-3.5-turbo").
            either = Notice(N_("{first} or {second}"), first=either, second=base)
        raise InputError(
            Notice(
                N_("{model} is not a fine-tune of {bases}, the base of the planned fine-tunes."), model=ft, bases=either
            ),
            value=ft,
            near=tuple(bases),
            setting="fine_tuned_model",
        )
    options = []
    for option in chosen:
        model = option.model
        if is_placeholder(model):
            if not ft:
                skipped.append(Skipped(option.name, model, "no_model"))
                continue
            if option not in matching:
                skipped.append(Skipped(option.name, model, "other_base", fine_tuned_model=ft))
                continue
            model = ft
        prompt = workload.long_prompt if option.prompt == "long" else workload.short_prompt
        options.append(PromptOption(option.name, model, prompt))
    return Selection(options, skipped)


def prompt_options(
    scenario: Any, *, fine_tuned_model: str | None = None, names: Sequence[str] | None = None
) -> tuple[list[PromptOption], list[str]]:
    """(options to call, the library's sentences on the options skipped): `select_options`, refusing an empty
    selection with a sentence that lists why each option was left out."""
    selection = select_options(scenario, fine_tuned_model=fine_tuned_model, names=names)
    notes = [str(s) for s in selection.skipped]
    if not selection.options:
        raise FtcostError("No option left to call: " + " ".join(notes))
    return selection.options, notes


def user_messages(scenario: Any) -> list[str]:
    """The scenario's sample user messages."""
    workload = scenario.workload
    many = getattr(workload, "user_messages", None)
    return [m for m in (many or [workload.user_message]) if m]


def eval_set(
    scenario: Any, limit: int | None = None
) -> tuple[list[EvalItem], Literal["exact", "json_fields"], list[str]]:
    """(items, scoring, fields) of the scenario's pilot eval set, the first `limit` items if given."""
    pilot = scenario.pilot
    items = [EvalItem(i.input, i.expected) for i in pilot.eval_set]
    return (items[:limit] if limit else items), pilot.scoring, list(pilot.json_fields)


def pilot_inputs(scenario: Any, scenario_path: str | Path) -> tuple[Path, str, int | None]:
    """(dataset path, base model to fine-tune, epochs or None for auto) for the scenario's pilot."""
    # deferred: ftcost.live loads without pydantic and the pricing tables; only this call needs them
    from ftcost.scenario import dataset_path

    path = dataset_path(scenario, Path(scenario_path).parent)
    if path is None:
        raise FtcostError("The scenario names no sample dataset (training.dataset), so there is nothing to upload.")
    fine_tuned = next(o for o in scenario.option if o.model.startswith("ft:"))
    epochs = scenario.training.epochs
    return path, base_of(fine_tuned.model), (None if epochs == "auto" else int(epochs))


def with_measurements(scenario: Any, report: MeasureReport) -> Any:
    """A copy of the scenario whose output tokens per request is the measured median."""
    tokens = report.suggested_output_tokens()
    if tokens is None:
        raise FtcostError(Notice(N_("Nothing was measured, so the scenario is left as it was.")))
    doc = scenario.model_dump()
    doc["workload"]["output_tokens_per_request"] = tokens
    return _revalidate(scenario, doc)


def with_accuracy(scenario: Any, accuracy: dict[str, Any]) -> Any:
    """A copy of the scenario whose options carry the measured accuracy (%), by option name."""
    doc = scenario.model_dump()
    for option in doc["option"]:
        if option["name"] in accuracy:
            option["accuracy_pct"] = accuracy[option["name"]]
    return _revalidate(scenario, doc)


def _revalidate(scenario: Any, doc: dict) -> Any:
    # deferred: ftcost.live loads without pydantic and the pricing tables; only this call needs them
    from ftcost.data import validate
    from ftcost.errors import ScenarioError

    return validate(type(scenario), doc, "scenario", ScenarioError)
