"""Plain data for the live functions from a scenario, and the scenario updated with what was measured.

The live functions take plain data (models, prompts, messages, an eval set, a file path) so the app and
the CLI can call them with or without a scenario; this module is the one place that knows the
scenario's shape. Writing measurements back returns a new Scenario; the caller decides (after the user
confirmed) whether to save it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Sequence

from ftcost.errors import FtcostError
from ftcost.live.evaluate import EvalItem
from ftcost.live.measure import MeasureReport, PromptOption


def is_placeholder(model: str) -> bool:
    """True for "ft:BASE" (a planned fine-tune), False for a callable "ft:BASE:org:suffix:id" name."""
    return model.startswith("ft:") and len(model.split(":")) < 4


def base_of(model: str) -> str:
    """The base model of a fine-tuned name ("ft:gpt-4o-mini:org::id" → "gpt-4o-mini"); others unchanged."""
    return model.split(":")[1] if model.startswith("ft:") else model


def same_family(snapshot: str, base: str) -> bool:
    """"gpt-4o-mini-2024-07-18" is a snapshot of "gpt-4o-mini" (and of itself), not of "gpt-4o"."""
    return re.fullmatch(re.escape(base) + r"(-\d{4}(-\d{2}-\d{2})?)?", snapshot) is not None


def prompt_options(
    scenario: Any, *, fine_tuned_model: str | None = None, names: Sequence[str] | None = None
) -> tuple[list[PromptOption], list[str]]:
    """(options to call, notes on options skipped). Base options get the long prompt, fine-tuned the short.

    A fine-tuned option whose model is only planned ("ft:gpt-4o-mini") is called as `fine_tuned_model`
    (the name the pilot produced) or skipped with a note saying how to include it.
    """
    chosen = list(scenario.option)
    if names:
        known = {o.name for o in chosen}
        unknown = [n for n in names if n not in known]
        if unknown:
            raise FtcostError(f"No option named {', '.join(map(repr, unknown))}; the scenario has {', '.join(map(repr, sorted(known)))}.")
        chosen = [o for o in chosen if o.name in names]
    options, notes = [], []
    # The live check calls OpenAI: options another provider serves (Azure, Together …) are left out, said once each.
    for option in [o for o in chosen if getattr(o, "provider_id", "openai") != "openai"]:
        notes.append(f"Option {option.name!r} is served by {option.provider_id}, not OpenAI; the live check calls "
                     "OpenAI only.")
    chosen = [o for o in chosen if getattr(o, "provider_id", "openai") == "openai"]
    workload = scenario.workload
    # A scenario may plan fine-tunes of several bases (airport: gpt-3.5 and gpt-4o-mini). A given
    # fine-tuned model stands in for the planned fine-tunes of its own base; the others are skipped.
    planned = [o for o in chosen if is_placeholder(o.model)]
    matching = [o for o in planned if fine_tuned_model and same_family(base_of(fine_tuned_model), base_of(o.model))]
    if fine_tuned_model and planned and not matching:
        bases = " or ".join(sorted({base_of(o.model) for o in planned}))
        raise FtcostError(
            f"--fine-tuned-model {fine_tuned_model} is not a fine-tune of {bases}, the base of the planned fine-tunes."
        )
    for option in chosen:
        model = option.model
        if is_placeholder(model):
            if not fine_tuned_model:
                notes.append(
                    f"Option {option.name!r} ({model}) is a planned fine-tune with no model yet; run the pilot and "
                    "pass its model with --fine-tuned-model to include it."
                )
                continue
            if option not in matching:
                notes.append(f"Option {option.name!r} ({model}) is left out: {fine_tuned_model} fine-tunes another base.")
                continue
            model = fine_tuned_model
        prompt = workload.long_prompt if option.prompt == "long" else workload.short_prompt
        options.append(PromptOption(option.name, model, prompt))
    if not options:
        raise FtcostError("No option left to call: " + " ".join(notes))
    return options, notes


def user_messages(scenario: Any) -> list[str]:
    """The scenario's sample user messages."""
    workload = scenario.workload
    many = getattr(workload, "user_messages", None)
    return [m for m in (many or [workload.user_message]) if m]


def eval_set(scenario: Any, limit: int | None = None) -> tuple[list[EvalItem], str, list[str]]:
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
        raise FtcostError("Nothing was measured, so the scenario is left as it was.")
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
