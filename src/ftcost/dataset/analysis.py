"""analyze_file / analyze_bytes: model facts + reading + scanning + report."""

from __future__ import annotations

import dataclasses
from array import array
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from ftcost.dataset.categories import WARNINGS
from ftcost.dataset.checks import Context
from ftcost.dataset.parallel import (
    Job,
    chunk_size,
    resolve_workers,
    scan,
    scan_groups,
    scan_many,
    worker_pool,
)
from ftcost.dataset.reading import (
    EXPECTED,
    display_name,
    file_newline_finder,
    open_size,
    plan_ranges,
    read_head,
    sniff,
)
from ftcost.dataset.report import DatasetReport, LineNumbers, build_report, uncounted_notes
from ftcost.dataset.stats import default_epochs
from ftcost.errors import DatasetFileError, FtcostError, UnknownModelError

#: The cookbook's model: `analyze_*`'s default, kept so its figures (and bench/README.md's) stay reproducible,
#: although OpenAI shut it down on 2026-10-23. `ftcost analyze` without --model counts for the model OpenAI
#: fine-tunes on its --as-of date instead (`pricing.default_fine_tune(DEFAULT_MODEL, as_of)`).
DEFAULT_MODEL = "gpt-3.5-turbo-0125"

Progress = Callable[[int, int], None]


def analyze_file(
    path: str | Path,
    model: str = DEFAULT_MODEL,
    epochs: int | None = None,
    *,
    progress: Progress | None = None,
    workers: int | None = None,
    keep_lines: int | None = None,
) -> DatasetReport:
    """Validate and count a JSONL training file for `model`, streaming it in ranges of whole lines.

    Args:
        path: the .jsonl file.
        model: a snapshot id from pricing/models.toml (unknown ids raise UnknownModelError listing them).
        epochs: training epochs; None estimates OpenAI's "auto" by the cookbook's rule.
        progress: called as progress(bytes_done, bytes_total) as the scan advances.
        workers: processes to use; None uses every core when the file is big enough, 1 stays in this process.
        keep_lines: line numbers kept per category (None: all); the rest are counted in `lines_not_listed`.

    Returns:
        A DatasetReport. Bad lines are reported with their line numbers; the good ones are still counted.

    Raises:
        FtcostError: the model cannot be analysed, or the file is not JSONL at all (one sentence why).
    """
    _check_keep_lines(keep_lines)
    _check_epochs(epochs)
    path = Path(path)
    size = open_size(path)
    name = display_name(str(path))  # the report's label: printable even when the name's bytes are not UTF-8
    sniff(read_head(path), name, size)
    workers = resolve_workers(workers, size)
    ranges = plan_ranges(size, chunk_size(size, workers), file_newline_finder(path))
    # With workers, the model's context is first read straight from models.toml (`_hinted_context`) so the
    # vocabulary loads and the workers start scanning while the validated facts load here (pydantic: ~0.1 s
    # of a ~1 s run); the scan is kept only if the validated context is the same, else it runs again.
    hint = _hinted_context(model, keep_lines) if workers > 1 else None
    if hint is not None:
        found: list = []

        def validated() -> None:
            found.extend(_model_context(model, keep_lines))
            if found[1] != hint:
                raise _HintDiffers

        jobs = [Job(str(path), start, end, hint, start == 0) for start, end in ranges]
        try:
            with worker_pool(workers, hint.encoding) as pool:
                tally = scan(jobs, pool, progress, size, meanwhile=validated)
            return _finish(tally, name, found[0], hint, epochs)
        except _HintDiffers:
            pass
    facts, ctx = _model_context(model, keep_lines)
    jobs = [Job(str(path), start, end, ctx, start == 0) for start, end in ranges]
    with worker_pool(workers, ctx.encoding) as pool:
        tally = scan(jobs, pool, progress, size)
    return _finish(tally, name, facts, ctx, epochs)


class _HintDiffers(Exception):
    """models.toml read without validation gave another context than the validated facts (never expected)."""


def _models_toml() -> Path | None:
    # Where `ftcost.data.data_dir("pricing")` looks (the checkout's pricing/, else the wheel's copy), found
    # without importing ftcost.data: it imports pydantic, which is what this look-up avoids.
    package = Path(__file__).resolve().parent.parent
    for candidate in (package.parent.parent / "pricing", package / "_data" / "pricing"):
        if (candidate / "models.toml").is_file():
            return candidate / "models.toml"
    return None


def _hinted_context(model: str, keep_lines: int | None) -> Context | None:
    """The Context `_model_context` will give `model`, read from models.toml without pydantic; None when in doubt.

    Only a hint (a start for the workers): the caller checks it against the validated facts.
    """
    import tomllib  # deferred: only the parallel path reads the context hint

    path = _models_toml()
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8")) if path else {}
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError):
        return None
    rows = doc.get("model")
    for row in rows if isinstance(rows, list) else ():
        if isinstance(row, dict) and row.get("id") == model:
            encoding, form = row.get("encoding"), row.get("format", "chat")
            limit = row.get("training_example_limit") or row.get("context_window")
            if (
                encoding in ("cl100k_base", "o200k_base")
                and form in ("chat", "completion")
                and type(limit) is int
                and limit > 0
            ):
                return Context(encoding, form, limit, keep_lines)
            return None
    return None


def analyze_bytes(
    data: bytes,
    name: str,
    model: str = DEFAULT_MODEL,
    epochs: int | None = None,
    *,
    progress: Progress | None = None,
    workers: int | None = 1,
    keep_lines: int | None = None,
) -> DatasetReport:
    """`analyze_file` for data already in memory (an upload in the app); `name` labels it in messages.

    Runs in this process unless `workers` says otherwise (the app's uploads are small, and a server
    process is a poor place to start workers by default). `keep_lines` caps the line numbers kept per
    category (the rest are counted in `lines_not_listed`), so a server's memory stays bounded.
    """
    facts, ctx = _model_context(model, keep_lines)
    _check_epochs(epochs)
    name = display_name(str(name))
    data = bytes(data)
    sniff(data[: 64 * 1024], name, len(data))
    workers = resolve_workers(workers, len(data))

    def newline_at_or_after(pos: int) -> int:
        return data.find(b"\n", pos)

    ranges = plan_ranges(len(data), chunk_size(len(data), workers), newline_at_or_after)
    if workers > 1:  # a worker gets only its own slice of the bytes
        jobs = [Job(data[start:end], 0, end - start, ctx, start == 0) for start, end in ranges]
    else:
        jobs = [Job(data, start, end, ctx, start == 0) for start, end in ranges]
    with worker_pool(workers, ctx.encoding) as pool:
        tally = scan(jobs, pool, progress, len(data))
    return _finish(tally, name, facts, ctx, epochs)


def analyze_file_many(
    path: str | Path,
    model: str = DEFAULT_MODEL,
    tokenizers: tuple[str, ...] | list[str] = ("o200k_base",),
    epochs: int | None = None,
    *,
    progress: Progress | None = None,
    workers: int | None = None,
) -> dict[str, DatasetReport]:
    """`analyze_file` for several tokenizer families at once: one streaming pass, one report per family.

    The file is read, split and scanned once over the cores (with more families than cores, once per core,
    each core counting its group of families: `parallel.scan_groups`); every range is tallied for each family
    (`ftcost.tokenizers.FAMILIES`, e.g. "o200k_base", "llama3", "qwen2", "gemini-estimate"), each
    family's counter memoising its own strings. `model` gives the format and the per-example limit.
    A family's report counts its own chat template's overhead (see `ftcost.tokenizers.Family`);
    an estimated family's report says "estimated" in its notes.
    """
    # deferred: worker processes import this module and never need the registry
    from ftcost import tokenizers as registry

    names = list(dict.fromkeys(tokenizers))
    if not names:
        raise FtcostError("name at least one tokenizer to analyse for.")
    for family_name in names:
        if family_name not in registry.FAMILIES:
            registry.family(family_name)  # one sentence for an unknown family
    _check_epochs(epochs)
    path = Path(path)
    size = open_size(path)
    name = display_name(str(path))
    sniff(read_head(path), name, size)
    workers = resolve_workers(workers, size)
    families: list
    grouped = workers > 1 and len(names) > workers
    # As in `analyze_file`: with group workers, they start on the context read from models.toml while the
    # validated facts load here (pydantic, ~0.1 s); the scan is kept only if the validated context is the same.
    hint = _hinted_context(model, None) if grouped else None
    if hint is not None:
        found: list = []

        def validated() -> None:
            found.extend(_model_context(model))
            if found[1] != hint:
                raise _HintDiffers

        ranges = plan_ranges(size, chunk_size(size, 1), file_newline_finder(path))
        contexts = [hint._replace(encoding=name) for name in names]
        try:
            tallies, families = scan_groups(str(path), ranges, contexts, workers, progress, size, meanwhile=validated)
            facts, base = found
        except _HintDiffers:
            hint = None
    if hint is None and grouped:
        # More families than cores: each core counts a group of families over the whole file, loading only
        # its own vocabularies (see `parallel.scan_groups`).
        facts, base = _model_context(model)
        contexts = [base._replace(encoding=name) for name in names]
        ranges = plan_ranges(size, chunk_size(size, 1), file_newline_finder(path))
        tallies, families = scan_groups(str(path), ranges, contexts, workers, progress, size)
    elif hint is None:
        facts, base = _model_context(model)
        contexts = [base._replace(encoding=name) for name in names]
        families = [registry.family(family_name) for family_name in names]
        ranges = plan_ranges(size, chunk_size(size, workers), file_newline_finder(path))
        jobs = [Job(str(path), start, end, contexts[0], start == 0, tuple(contexts[1:])) for start, end in ranges]
        with worker_pool(workers, tuple(names)) as pool:
            tallies = scan_many(jobs, pool, progress, size)
    reports = {}
    for family, ctx, tally in zip(families, contexts, tallies, strict=True):
        _apply_template(tally, family, ctx.limit)
        report = _finish(tally, name, facts, ctx, epochs)
        if not family.exact:
            extra = f"{family.name}: every token figure is {family.note}."
        elif family.name not in ("o200k_base", "cl100k_base"):
            extra = (
                f"{family.name}: counted with {family.note}; its chat template adds {family.per_message} "
                f"tokens per message and {family.per_example} per example besides the role and content."
            )
        else:
            extra = None
        reports[family.name] = dataclasses.replace(report, notes=(*report.notes, extra)) if extra else report
    return reports


def _apply_template(tally, family, limit: int) -> None:
    """Replace the notebook's 3 per message + 3 per example by the family's own template overhead."""
    per_message, per_example = family.per_message - 3, family.per_example - 3
    if not per_message and not per_example:
        return

    tally.tokens = array(
        "Q", (max(0, t + per_message * m + per_example) for t, m in zip(tally.tokens, tally.messages, strict=True))
    )
    tally.billing = sum(min(limit, t) for t in tally.tokens)
    tally.over_limit = sum(1 for t in tally.tokens if t > limit)


def _model_context(model: str, keep_lines: int | None = None):
    from ftcost.models import get_model  # pydantic is heavy; worker processes never need it

    _check_keep_lines(keep_lines)
    facts = get_model(model)
    if facts.format == "embedding":
        raise UnknownModelError(
            f"{model} is an embedding model and cannot be fine-tuned; choose a chat model such as "
            f"{DEFAULT_MODEL} or gpt-4o-mini-2024-07-18."
        )
    if facts.encoding is None:
        raise UnknownModelError(
            f"ftcost cannot count tokens for {model}: its tokenizer (r50k_base) is not shipped offline "
            "and the model is retired; analyse for babbage-002 or davinci-002 instead."
        )
    limit = facts.effective_example_limit
    if limit is None:
        raise UnknownModelError(f"{model} has neither a training-example limit nor a context window in models.toml.")
    return facts, Context(facts.encoding, facts.format, limit, keep_lines)


def tool_exactness_note(examples: int) -> str:
    """How exact the count of examples with tool definitions is (the analysis's note; the Dataset page shows it)."""
    return (
        f"{examples:,} example{'' if examples == 1 else 's'} carr{'ies' if examples == 1 else 'y'} tool definitions, "
        "counted as the model sees them (the rendered namespace block): within 1 token of the API's "
        "prompt_tokens on every public measurement of requests. OpenAI has not published how it renders tools "
        "for training (a forum comparison found tools billed about two fifths more than the same functions), so "
        "treat the training tokens of these examples as an estimate and check a small first job's trained_tokens."
    )


def _check_keep_lines(keep_lines: int | None) -> None:
    if keep_lines is not None and (isinstance(keep_lines, bool) or not isinstance(keep_lines, int) or keep_lines < 1):
        raise FtcostError(f"keep_lines must be a whole number of at least 1, not {keep_lines!r}.")


def _check_epochs(epochs: int | None) -> None:
    if epochs is not None and (isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 1):
        raise FtcostError(f"epochs must be a whole number of at least 1, not {epochs!r}.")


def _finish(tally, name: str, facts, ctx: Context, epochs: int | None) -> DatasetReport:
    if tally.nonblank == 0:
        raise DatasetFileError(f"{name} contains only blank lines; {EXPECTED}.")
    estimated = epochs is None
    if epochs is None:
        epochs = default_epochs(tally.examples)
    return build_report(
        tally,
        file=name,
        model=facts.id,
        encoding=ctx.encoding,
        token_limit=ctx.limit,
        token_limit_published=facts.training_example_limit is not None,
        epochs=epochs,
        epochs_estimated=estimated,
        notes=_model_notes(facts, ctx.limit, bool(tally.kinds.get("completion")), tally.tool_examples),
    )


def _model_notes(facts, limit: int, has_completion: bool, tool_examples: int) -> list[str]:
    notes = []
    if facts.training_example_limit is None:
        notes.append(
            f"OpenAI has not published a training-example token limit for {facts.id}; ftcost caps each "
            f"example at its {limit:,}-token context window."
        )
    if not facts.fine_tunable:
        notes.append(f"{facts.id} has not been offered for fine-tuning; the counts use its tokenizer all the same.")
    if has_completion:
        notes.append(
            "prompt/completion examples count prompt + completion tokens, with no per-message overhead "
            "(the cookbook's method is for chat); a pair counts as two messages."
        )
    if tool_examples:
        notes.append(tool_exactness_note(tool_examples))
    return notes


def analysis_key(model: str) -> tuple[str, str]:
    """(encoding, training format): what a file's checks and counts depend on besides the per-example limit.

    Two models with the same key read a file identically; `for_model` derives one's analysis from the other's.
    """
    _facts, ctx = _model_context(model)
    return ctx.encoding, ctx.format


def for_model(report: DatasetReport, model: str, epochs: int | None = None) -> DatasetReport:
    """The analysis `analyze_*` gives for `model` (and `epochs`), derived from `report` without reading the
    file again: same encoding and format, so only the per-example limit (billing, over-limit warnings),
    the epochs and the model's notes differ."""
    facts, ctx = _model_context(model, report.keep_lines)
    _check_epochs(epochs)
    if (ctx.encoding, ctx.format) != analysis_key(report.model):
        raise FtcostError(f"{model} reads files with another encoding or format than {report.model}; analyse it anew.")
    limit = ctx.limit
    tokens = report.tokens_per_example
    # The page derives every model on each rerun: when no example reaches the limit (the usual case) the
    # sums run in C instead of a Python loop over every example.
    longest = max(tokens, default=0)
    over = [] if longest <= limit else [line for line, t in zip(report.example_lines, tokens, strict=True) if t > limit]
    warnings = {k: v for k, v in report.warnings.items() if k != "over_token_limit"}
    warning_lines = {k: v for k, v in report.warning_lines.items() if k != "over_token_limit"}
    not_listed = {k: v for k, v in report.lines_not_listed.items() if k != "over_token_limit"}
    if over:
        kept = over if report.keep_lines is None else over[: report.keep_lines]
        warnings["over_token_limit"] = len(over)
        warning_lines["over_token_limit"] = LineNumbers(kept)
        if len(kept) < len(over):
            not_listed["over_token_limit"] = len(over) - len(kept)
    estimated = epochs is None
    runs = default_epochs(report.examples) if epochs is None else epochs
    billing = sum(tokens) if not over else sum(t if t < limit else limit for t in tokens)
    notes = _model_notes(facts, limit, report.format in ("completion", "mixed"), report.tool_examples)
    notes += uncounted_notes(report.examples, report.counted_examples)
    return replace(
        report,
        model=facts.id,
        warnings={k: warnings[k] for k in WARNINGS if k in warnings},
        warning_lines={k: warning_lines[k] for k in WARNINGS if k in warning_lines},
        lines_not_listed=not_listed,
        token_limit=limit,
        token_limit_published=facts.training_example_limit is not None,
        over_limit=len(over),
        billing_tokens=billing,
        epochs=runs,
        epochs_estimated=estimated,
        charged_tokens=runs * billing,
        notes=tuple(notes),
    )
