"""`ftcost analyze FILE [--model MODEL] [--tokenizer FAMILY] [--epochs N] [--json]`: validate and count a training file.

`--model` takes an OpenAI snapshot or alias, or a provider's model id (`meta-llama/Meta-Llama-3.1-8B-Instruct-Reference`,
`together:…`, `ft:…`), counted with that model's own tokenizer family; `--tokenizer` names a family directly.
Without either, the file is counted for the model OpenAI takes new fine-tuning jobs on on the `--as-of` date
(`pricing.default_fine_tune` from the cookbook's model); on a day OpenAI takes none, for the one of the last day
it did, with training not priced and a sentence saying so.

Exit codes: 0 the dataset is valid (warnings allowed); 1 it has errors (the report is still printed);
2 the command cannot run (no such file, a directory, not JSONL at all, an unknown model).
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import datetime as dt
import functools
import json
import sys
import tomllib
from collections.abc import Callable
from decimal import Decimal
from typing import TextIO

from ftcost.cli import hints
from ftcost.cli.common import add_language, pad, parse_date
from ftcost.data import data_dir
from ftcost.dataset import DEFAULT_MODEL, DatasetReport, analyze_file, describe
from ftcost.errors import FtcostError
from ftcost.i18n import N_, _, ngettext
from ftcost.money import format_price, format_usd
from ftcost.replacements import DefaultFineTune, default_fine_tune
from ftcost.tokenizers import FAMILIES
from ftcost.views.common import lines_text as format_lines  # the one wording and cut rule of line lists
from ftcost.views.common import progress_percent, statistic


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "analyze",
        help="validate a fine-tuning JSONL file and count its tokens and training cost",
        description="Check a chat fine-tuning file the way OpenAI's cookbook does, with the line number "
        "of every problem, and count the tokens billed for training.",
    )
    parser.add_argument("file", metavar="FILE", help="the training file (.jsonl)")
    parser.add_argument(
        "--model",
        default=None,
        help="OpenAI snapshot id, or a provider's model id (default: the model OpenAI takes new fine-tuning jobs "
        "on, on the --as-of date: the cookbook's while it does, else what OpenAI offers in its place)",
    )
    parser.add_argument(
        "--tokenizer",
        default=None,
        metavar="FAMILY",
        help="count with this tokenizer family instead of the model's: " + ", ".join(FAMILIES),
    )
    parser.add_argument(
        "--epochs", type=int, default=None, help="training epochs (default: the cookbook's estimate of OpenAI's auto)"
    )
    parser.add_argument(
        "--as-of",
        type=parse_date,
        default=None,
        metavar="YYYY-MM-DD",
        help="price training on this date (default: today)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of the summary")
    parser.add_argument(
        "--workers", type=int, default=None, help="processes to use (default: all cores for large files)"
    )
    add_language(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    as_of = args.as_of or dt.date.today()  # a user interface supplies today; the library below never reads the clock
    default = None
    if args.model is None and args.tokenizer is None:
        # read from models.toml without pydantic when it can be (checked against the pricing layer after the scan)
        default = hinted_default(as_of) or validated_default(as_of)
        name = default.model
    else:
        name = args.model or DEFAULT_MODEL
    model = snapshot_of(name, as_of)
    provider_model = None if args.model is None or _is_openai(model) else find_provider_model(args.model)
    family = args.tokenizer
    if provider_model is not None:
        # deferred: every subcommand module is imported at start-up (ftcost --help); only this command needs it
        from ftcost.engine.providers_plan import COUNTING_PROXY
        from ftcost.pricing.providers import counting_tokenizer

        family = family or counting_tokenizer(provider_model[1].tokenizer)[0]
        model = COUNTING_PROXY  # format and per-example limit: the provider publishes none ftcost stores
    elif family is not None and args.model is None:
        # deferred: every subcommand module is imported at start-up (ftcost --help); only this command needs it
        from ftcost.engine.providers_plan import COUNTING_PROXY

        model = COUNTING_PROXY
    report = _scan(args, model, family, as_of)
    if default is not None and (checked := validated_default(as_of)) != default:
        default, model = checked, checked.model  # models.toml read raw said otherwise (not expected): count anew
        report = _scan(args, model, family, as_of)
    if provider_model is not None:
        provider, m = provider_model
        report = _as_provider_model(report, provider, m)
        cost, priced = (
            None,
            (
                f"{provider.info.name} bills training by its own rates: "
                f"`ftcost quote --provider {provider.id} {m.id} --training-tokens "
                f"{report.billing_tokens} --epochs {report.epochs}` prices it"
            ),
        )
    elif family is not None and family != _own_encoding(model):
        cost, priced = (
            None,
            f"counted with {family}, not {report.model}'s own tokenizer, so OpenAI's rate does not apply",
        )
    elif default is not None and not default.takes_jobs:
        cost, priced = None, no_fine_tuning(default)
    else:
        cost, priced = training_cost(report, as_of)
    if default is not None and default.takes_jobs and default.model != default.start:
        report = dataclasses.replace(report, notes=(*report.notes, default_note(default)))
    args.exit_code = 0 if report.valid else 1  # kept if the reader closes the pipe while we print
    if args.json:
        doc = report.to_dict(cost)
        doc["training_price_as_of"] = as_of.isoformat()
        doc["training_cost_note"] = priced
        doc["default_model"] = None if default is None else default_doc(default)
        # Streamed: a file of millions of bad lines lists millions of line numbers, and json.dumps with
        # an indent would hold all of that text (and its pieces) in memory at once.
        json.dump(doc, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        print(render(report, cost, priced))
    return args.exit_code


def _scan(args: argparse.Namespace, model: str, family: str | None, as_of: dt.date) -> DatasetReport:
    """The file analysed for `model` (counted with `family` when one is named), with the progress bar on a terminal."""
    bar = ProgressBar(sys.stderr) if not args.json and _is_tty(sys.stderr) else None
    progress = while_scanning(bar, functools.partial(load_output, model if family is None else None, as_of, args.json))
    try:
        if family is None:
            return analyze_file(args.file, model, args.epochs, progress=progress, workers=args.workers)
        # deferred: every subcommand module is imported at start-up (ftcost --help); only this command needs it
        from ftcost.dataset import analyze_file_many

        return analyze_file_many(args.file, model, [family], args.epochs, progress=progress, workers=args.workers)[
            family
        ]
    finally:
        if bar:
            bar.close()


def validated_default(as_of: dt.date) -> DefaultFineTune:
    """The model a fine-tune planned from the cookbook's model uses on `as_of`, by the pricing layer."""
    # deferred: the pricing tables load while the workers scan (see while_scanning), not before
    from ftcost.pricing import default_fine_tune

    return default_fine_tune(DEFAULT_MODEL, as_of)


def hinted_default(as_of: dt.date) -> DefaultFineTune | None:
    """`validated_default` from models.toml read without validating it (no pydantic, no pricing tables before the
    scan); None when in doubt. Only a hint: `run` checks it against `validated_default` once the file is read."""
    rows = listed_rows()
    if rows is None or DEFAULT_MODEL not in rows:
        return None
    return default_fine_tune(rows, DEFAULT_MODEL, as_of, _window_holds)


def _window_holds(m: Listed, day: dt.date) -> bool:
    """The job rule for an unknown organization, as models.toml's dates give it (the pricing layer's
    `can_create_job` is the rule; a test holds the two equal on every day either can change)."""
    ends = (m.fine_tuning_until, m.shutdown)
    return m.fine_tuning_from is not None and m.fine_tuning_from <= day and all(e is None or day < e for e in ends)


def no_fine_tuning(default: DefaultFineTune) -> str:
    """The one sentence for a day OpenAI takes no new fine-tuning jobs: what was counted, and how to price it."""
    fields = {"date": default.as_of, "model": default.model, "last": default.last_day}
    if default.last_day is None:
        return _(
            "no OpenAI model takes new fine-tuning jobs on {date}, so the file is counted for {model}; to price "
            "training elsewhere, pass --model with a provider's model id (`ftcost prices --provider P` lists "
            "provider P's models)"
        ).format(**fields)
    return _(
        "no OpenAI model takes new fine-tuning jobs on {date} (the last day was {last}), so the file is counted "
        "for {model}, the default on that last day; to price training elsewhere, pass --model with a provider's "
        "model id (`ftcost prices --provider P` lists provider P's models)"
    ).format(**fields)


def default_note(default: DefaultFineTune) -> str:
    """The note when no --model was given and the model OpenAI fine-tunes that day is not the cookbook's."""
    return _(
        "No --model: counted for {model}, which OpenAI fine-tunes on {date} in place of the cookbook's {start}."
    ).format(model=default.model, date=default.as_of, start=default.start)


def default_doc(default: DefaultFineTune) -> dict:
    """How the model was chosen, for the JSON (no --model, no --tokenizer)."""
    return {
        "model": default.model,
        "from": default.start,
        "as_of": default.as_of.isoformat(),
        "takes_new_jobs": default.takes_jobs,
        "last_day_of_new_jobs": default.last_day.isoformat() if default.last_day else None,
    }


def while_scanning(bar: ProgressBar | None, load: Callable[[], None]) -> Callable[[int, int], None]:
    """The analysis's `progress`: the bar (if any), and `load()` once, when the first range is back.

    With workers, this process only merges their tallies then: what the report needs after the scan is loaded
    in that time instead of after it, while the other cores count. In one process it runs between two ranges.
    """
    pending = [load]

    def progress(done: int, total: int) -> None:
        if bar is not None:
            bar(done, total)
        if done and pending:
            pending.pop()()

    return progress


def load_output(model: str | None, as_of: dt.date, as_json: bool) -> None:
    """Load what pricing and printing the report first load (~0.1 s of pricing tables for `model`, ~25 ms of
    babel's number formats for the summary), so the same calls after the scan find it cached.

    Only caches are filled: a model that cannot be priced raises again when the report is priced, and says why.
    """
    if model is not None:
        # deferred: the pricing tables load while the workers scan (see while_scanning), not before
        from ftcost.pricing import training_cost as price_training

        with contextlib.suppress(FtcostError):
            price_training(model, 0, as_of)
    if not as_json:
        statistic(1)  # the language's format for counts ...
        statistic(0.5)  # ... and for one decimal


def snapshot_of(name: str, as_of: dt.date) -> str:
    """The snapshot a model name means on `as_of`: ids pass through; aliases (gpt-4o-mini) and fine-tuned
    names (ft:BASE:org::id, whose data is the base's) resolve as pricing resolves them."""
    if name in listed_models():
        return name  # what load_models() would say, without loading pydantic and the pricing tables first
    # deferred: every subcommand module is imported at start-up (ftcost --help); only this command needs it
    from ftcost.models import load_models
    from ftcost.pricing import resolve

    if name in load_models():
        return name
    try:
        return resolve(name, as_of).snapshot
    except FtcostError:
        return name  # analyze_file then names the known models in its one sentence


def _own_encoding(model: str) -> str | None:
    # deferred: every subcommand module is imported at start-up (ftcost --help); only this command needs it
    from ftcost.dataset import analysis_key

    try:
        return analysis_key(model)[0]
    except FtcostError:
        return None


def _is_openai(model: str) -> bool:
    if model in listed_models():
        return True
    # deferred: every subcommand module is imported at start-up (ftcost --help); only this command needs it
    from ftcost.models import load_models

    return model in load_models()


def listed_models() -> frozenset[str]:
    """The model ids models.toml lists, read without validating it; empty when it cannot be read.

    A shortcut for `name in load_models()` before the scan: validating the facts imports pydantic and the
    pricing tables (~0.15-0.2 s, one core idle), and `analyze_file` validates them anyway while its workers
    scan. A listed id is one `load_models()` holds whenever the file is valid; when it is not, the
    analysis's validation raises the error `load_models()` would have raised here (after the data file's own
    checks: a missing data file is now reported first).
    """
    return _listed()[0]


def listed_rows() -> dict[str, Listed] | None:
    """models.toml's rows as `Listed` facts, read without validating it; None when any row is in doubt."""
    return _listed()[1]


@dataclasses.dataclass(frozen=True)
class Listed:
    """The facts `ftcost.replacements` reads of one models.toml row, as written (not validated)."""

    id: str
    family: str
    released: dt.date | None
    replacements: tuple[str, ...]
    encoding: str | None
    format: str
    fine_tuning_from: dt.date | None
    fine_tuning_until: dt.date | None
    shutdown: dt.date | None


_DATES = ("released", "fine_tuning_from", "fine_tuning_until", "shutdown")


@functools.cache
def _listed() -> tuple[frozenset[str], dict[str, Listed] | None]:
    try:
        doc = tomllib.loads((data_dir("pricing") / "models.toml").read_text(encoding="utf-8"))
    except (FtcostError, OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError):
        return frozenset(), None
    rows = doc.get("model")
    rows = [row for row in (rows if isinstance(rows, list) else ()) if isinstance(row, dict)]
    ids = frozenset(row["id"] for row in rows if type(row.get("id")) is str)
    facts: dict[str, Listed] = {}
    for row in rows:
        listed = _as_listed(row)
        if listed is None or listed.id in facts:
            return ids, None
        facts[listed.id] = listed
    return ids, facts


def _as_listed(row: dict) -> Listed | None:
    """One row's `Listed` facts; None when a field is not what models.toml's schema says."""
    mid, family, encoding, form = row.get("id"), row.get("family"), row.get("encoding"), row.get("format", "chat")
    replaced = row.get("replacements", [])
    dates = [row.get(key) for key in _DATES]
    if (
        type(mid) is not str
        or type(family) is not str
        or not (encoding is None or type(encoding) is str)
        or type(form) is not str
        or not isinstance(replaced, list)
        or not all(type(r) is str for r in replaced)
        or not all(d is None or type(d) is dt.date for d in dates)
    ):
        return None
    released, start, until, shutdown = dates
    return Listed(mid, family, released, tuple(replaced), encoding, form, start, until, shutdown)


def find_provider_model(name: str):
    """(provider, model row) a provider's model id names ("ID", "ft:ID" or "PROVIDER:ID"), or None."""
    # deferred: every subcommand module is imported at start-up (ftcost --help); only this command needs it
    from ftcost.pricing.providers import load_providers

    name = name.removeprefix("ft:")
    wanted, _, rest = name.partition(":")
    try:
        providers = list(load_providers())
    except FtcostError:
        return None
    for p in providers:
        for m in p.models:
            if m.id == name or (p.id == wanted and m.id == rest):
                return p, m
    return None


def _as_provider_model(report: DatasetReport, provider, m) -> DatasetReport:
    """The report labelled with the provider's model; the per-example limit's basis said in a note."""
    note = (
        f"{m.id} ({provider.info.name}) is counted with its {report.encoding} tokenizer; the per-example limit "
        f"is {report.model}'s {report.token_limit:,} tokens (ftcost stores none for {m.id})."
    )
    return dataclasses.replace(
        report, model=f"{provider.id}:{m.id}", token_limit_published=False, notes=(*report.notes, note)
    )


def training_cost(report: DatasetReport, as_of: dt.date) -> tuple[Decimal | None, str]:
    """(USD, how it was priced) for the report's charged tokens; (None, why not) when training is not priced."""
    from ftcost.pricing import training_cost as price_training  # pricing tables load only when needed

    try:
        usd, rate = price_training(report.model, report.charged_tokens, as_of)
    except FtcostError as exc:
        return None, hints.message(exc)
    return usd, _("{tokens} tokens at {price} per 1M training tokens, prices of {date}").format(
        tokens=f"{report.charged_tokens:,}", price=format_price(rate.price), date=as_of
    )


def _is_tty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class ProgressBar:
    """A one-line bar on a terminal, redrawn in place: progress(bytes_done, bytes_total)."""

    WIDTH = 30

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.shown = -1

    def __call__(self, done: int, total: int) -> None:
        percent = progress_percent(done, total)
        if percent == self.shown:
            return
        self.shown = percent
        filled = self.WIDTH * percent // 100
        self.stream.write(
            f"\r  [{'#' * filled}{'.' * (self.WIDTH - filled)}] {percent:3d}%  "
            f"{done / 1e6:,.1f} of {total / 1e6:,.1f} MB"
        )
        self.stream.flush()

    def close(self) -> None:
        if self.shown >= 0:
            self.stream.write("\r" + " " * (self.WIDTH + 40) + "\r")
            self.stream.flush()


def render(report: DatasetReport, cost: Decimal | None = None, priced: str = "") -> str:
    """The human summary: errors with line numbers first, then statistics, then billing."""
    out: list[str] = []
    add = out.append
    add(
        ngettext(
            "{file}: {examples} example on {lines} lines, {format} format, for {model} ({encoding})",
            "{file}: {examples} examples on {lines} lines, {format} format, for {model} ({encoding})",
            report.examples,
        ).format(
            file=report.file,
            examples=f"{report.examples:,}",
            lines=f"{report.lines:,}",
            format=report.format,
            model=report.model,
            encoding=report.encoding,
        )
    )
    n_err, n_warn = sum(report.errors.values()), sum(report.warnings.values())
    verdict = _("VALID") if report.valid else _("INVALID: OpenAI would reject this file")
    add(
        _("{verdict} ({errors}, {warnings})").format(
            verdict=verdict,
            errors=ngettext("{n} error", "{n} errors", n_err).format(n=f"{n_err:,}"),
            warnings=ngettext("{n} warning", "{n} warnings", n_warn).format(n=f"{n_warn:,}"),
        )
    )
    for title, counts, lines in (
        (_("Errors:"), report.errors, report.error_lines),
        (_("Warnings:"), report.warnings, report.warning_lines),
    ):
        if counts:
            add("")
            add(title)
            for category, n in counts.items():
                meaning = describe(category)
                add(f"  {category} ({n:,}): {format_lines(lines[category], report.line_count(category))}")
                add(f"      {_(meaning.meaning)} " + _("Fix: {fix}").format(fix=_(meaning.fix)))
    add("")
    add(_stats_table(report))
    add("")
    add(_("Billing:"))
    limit = _("published") if report.token_limit_published else _("not published: the context window")
    rows = [
        (_("token limit"), _("{n} tokens per example ({limit})").format(n=f"{report.token_limit:,}", limit=limit)),
        (
            _("over the limit"),
            ngettext(
                "{n} example (OpenAI truncates them; billed at the limit)",
                "{n} examples (OpenAI truncates them; billed at the limit)",
                report.over_limit,
            ).format(n=f"{report.over_limit:,}"),
        ),
        (_("billing tokens"), _("{n} per epoch").format(n=f"{report.billing_tokens:,}")),
        (
            _("epochs"),
            f"{report.epochs}"
            + (
                _(" (the cookbook's estimate of OpenAI's \"auto\"; set with --epochs)")
                if report.epochs_estimated
                else " (--epochs)"
            ),
        ),
        (_("charged tokens"), _("{n} (epochs x billing tokens)").format(n=f"{report.charged_tokens:,}")),
        (
            _("answer tokens"),
            _(
                "{n} per epoch (assistant tokens with weight != 0; not OpenAI's trained_tokens, which "
                "is the billed total: the charged tokens above)"
            ).format(n=f"{report.trained_tokens_per_epoch:,}"),
        ),
        (
            _("training cost"),
            _("not priced: {why}").format(why=priced)
            if cost is None
            else f"{format_usd(cost)} ({priced})"
            if priced
            else format_usd(cost),
        ),
    ]
    out.extend(f"  {pad(label, 16)}{value}" for label, value in rows)
    if report.notes:
        add("")
        add(_("Notes:"))
        out.extend(f"  - {note}" for note in report.notes)
    return "\n".join(out)


def _stats_table(report: DatasetReport) -> str:
    keys = (N_("min"), "p10", N_("median"), N_("mean"), "p90", N_("max"))
    rows = [f"  {pad(_('Per example'), 18)}" + "".join(pad(_(k), 10, right=True) for k in keys)]
    for label, name in (
        (N_("messages"), "messages_per_example"),
        (N_("tokens"), "tokens_per_example"),
        (N_("assistant tokens"), "assistant_tokens_per_example"),
    ):
        stats = report.stats[name]
        rows.append(f"  {pad(_(label), 18)}" + "".join(f"{statistic(stats[k], missing='-'):>10}" for k in keys))
    return _("Statistics (p10/p90: 10th and 90th percentiles):") + "\n" + "\n".join(rows)
