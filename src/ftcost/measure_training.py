"""Measured training inputs: a file, an upload or a scenario's sample counted into what the engine plans with.

The engine computes from inputs and reads no files; this is the edge that reads them. The CLI and the app
call it, then hand its answer to `engine.plan(scenario, as_of, training=...)`:

    training = measure_training.for_plan(scenario, as_of, folder=Path("scenarios"))
    plan = engine.plan(scenario, as_of, training=training)

Where a scenario's sample may be read from is decided by `ftcost.scenario.dataset_path`: inside the
scenario file's own folder, or — for a scenario with no folder on this server (a link, an upload, the
gallery) — only the samples ftcost ships.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from ftcost.dataset import DatasetReport, analyze_bytes, analyze_file
from ftcost.engine import Plan, Training, TrainingInputs, plan, training_bases
from ftcost.scenario import Scenario, dataset_path

#: An uploaded training file: (its name, its bytes).
Upload = tuple[str, bytes]
#: How a caller analyses a source for a base model (the app passes its cached analysis).
Analyse = Callable[["Path | Upload", str], DatasetReport]


def from_report(report: DatasetReport) -> TrainingInputs:
    """The training inputs a dataset analysis gives for its model."""
    return TrainingInputs.measured(report.billing_tokens, report.counted_examples, Path(report.file).name)


def analyse(source: Path | Upload, base_model: str) -> DatasetReport:
    """A path or an upload analysed for `base_model` (files are read only here)."""
    if isinstance(source, tuple):
        name, data = source
        return analyze_bytes(data, name, model=base_model)
    return analyze_file(source, model=base_model)


def measure(source: Path | Upload, base_model: str) -> TrainingInputs:
    """Training inputs for `base_model` measured on a path or an upload."""
    return from_report(analyse(source, base_model))


def source_for(
    scenario: Scenario, *, folder: str | Path | None = None, upload: Upload | None = None
) -> Path | Upload | None:
    """What the plan measures: the upload, else the scenario's sample (unless it states tokens per example).

    `folder` is the scenario file's folder; None (a link, an upload, the gallery) resolves only shipped samples.
    """
    if upload is not None:
        return upload
    if scenario.training.tokens_per_example is not None:
        return None  # stated: nothing to read
    return dataset_path(scenario, folder)


def for_plan(
    scenario: Scenario,
    as_of: dt.date,
    *,
    folder: str | Path | None = None,
    upload: Upload | None = None,
    analyse: Analyse = analyse,
) -> Training:
    """The training inputs `engine.plan(scenario, as_of)` needs, per base snapshot it trains."""
    source = source_for(scenario, folder=folder, upload=upload)
    if source is None:
        return {}
    return {base: from_report(analyse(source, base)) for base in training_bases(scenario, as_of)}


def measured_plan(
    scenario: Scenario,
    as_of: dt.date | None = None,
    *,
    folder: str | Path | None = None,
    upload: Upload | None = None,
) -> Plan:
    """The plan with its training inputs measured: the CLI's and the tests' one call."""
    as_of = as_of or scenario.as_of
    training = for_plan(scenario, as_of, folder=folder, upload=upload) if as_of else {}
    return plan(scenario, as_of, training=training)
