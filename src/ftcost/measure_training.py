"""Measured training inputs: a file, an upload or a scenario's sample counted into what the engine plans with.

The engine computes from inputs and reads no files; this is the edge that reads them. The CLI and the app
call it, then hand its answer to `engine.plan(scenario, as_of, training=...)`:

    training = measure_training.for_plan(scenario, as_of, folder=Path("scenarios"))
    plan = engine.plan(scenario, as_of, training=training)

Where a scenario's sample may be read from is decided by `ftcost.scenario.dataset_path`: inside the
scenario file's own folder, or — for a scenario with no folder on this server (a link, an upload, the
gallery) — only the samples ftcost ships.

A plan's keys are OpenAI snapshots and, for other providers' models, tokenizer families (`ftcost.tokenizers`,
"llama3", "qwen2", "gemini-estimate" …). Every family is counted in one streaming pass
(`ftcost.dataset.analyze_file_many`), each with its own chat template's overhead, and the OpenAI snapshots
that read the file as that pass's o200k_base report does are derived from it (`for_model`) rather than read
again: planning four families does not read the file four times.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from ftcost import tokenizers
from ftcost.dataset import DatasetReport, analysis_key, analyze_bytes, analyze_file, analyze_file_many, for_model
from ftcost.engine import Plan, Training, TrainingInputs, plan, training_bases
from ftcost.engine.providers_plan import COUNTING_PROXY
from ftcost.scenario import Scenario, dataset_path

#: An uploaded training file: (its name, its bytes).
Upload = tuple[str, bytes]
#: How a caller analyses a source for a base model (the app passes its cached analysis).
Analyse = Callable[["Path | Upload", str], DatasetReport]
#: How a caller analyses a source for several tokenizer families at once (family -> report).
AnalyseFamilies = Callable[["Path | Upload", Sequence[str]], "dict[str, DatasetReport]"]


def from_report(report: DatasetReport) -> TrainingInputs:
    """The training inputs a dataset analysis gives for its model (or family: its report says "estimated")."""
    source = Path(report.file).name
    if any("every token figure is estimated" in note for note in report.notes):
        source += " (estimated tokenizer)"
    return TrainingInputs.measured(report.billing_tokens, report.counted_examples, source)


def analyse(source: Path | Upload, base_model: str) -> DatasetReport:
    """A path or an upload analysed for `base_model` (files are read only here)."""
    if isinstance(source, tuple):
        name, data = source
        return analyze_bytes(data, name, model=base_model)
    return analyze_file(source, model=base_model)


def analyse_families(source: Path | Upload, families: Sequence[str]) -> dict[str, DatasetReport]:
    """A path or an upload analysed for each tokenizer family in one pass (format and per-example limit: the
    counting proxy's, see `engine.providers_plan.COUNTING_PROXY`); an upload is spooled to a private temporary
    file, since the one-pass analysis streams files."""
    if not isinstance(source, tuple):
        return analyze_file_many(source, COUNTING_PROXY, list(families))
    name, data = source
    suffix = "-" + Path(name).name[-60:] if Path(name).name else ".jsonl"
    fd, tmp = tempfile.mkstemp(suffix=suffix)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        reports = analyze_file_many(tmp, COUNTING_PROXY, list(families))
    finally:
        os.unlink(tmp)
    # the report names the upload, never the temporary file

    return {family: replace(r, file=name) for family, r in reports.items()}


_analyse_one, _analyse_many = analyse, analyse_families  # the defaults, under names for_plan's arguments leave free


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
    analyse: Analyse | None = None,
    analyse_families: AnalyseFamilies | None = None,
) -> Training:
    """The training inputs `engine.plan(scenario, as_of)` needs, per base snapshot or tokenizer family it trains.

    With no `analyse` given, the OpenAI snapshots that read the file as o200k_base chat are derived from the
    families' one pass; a caller's `analyse` (the app's cached analysis) measures the snapshots instead.
    """
    source = source_for(scenario, folder=folder, upload=upload)
    if source is None:
        return {}
    bases = training_bases(scenario, as_of)
    families = [b for b in bases if b in tokenizers.FAMILIES]
    snapshots = [b for b in bases if b not in families]
    proxy_key = analysis_key(COUNTING_PROXY)
    derived = [] if analyse is not None else [b for b in snapshots if analysis_key(b) == proxy_key]
    if derived and "o200k_base" not in families:
        families.append("o200k_base")
    out: dict[str, TrainingInputs] = {}
    reports = (analyse_families or _analyse_many)(source, families) if families else {}
    for base in snapshots:
        report = for_model(reports["o200k_base"], base) if base in derived else (analyse or _analyse_one)(source, base)
        out[base] = from_report(report)
    for family in families:
        if family in bases:
            out[family] = from_report(reports[family])
    return {base: out[base] for base in bases}


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
