"""`ftcost measure`, `ftcost pilot`, `ftcost evaluate`: calibrate a scenario against the live API.

Each command first shows what it will spend and sends nothing without --yes. The key is read from an
environment variable (OPENAI_API_KEY, or the one named by --api-key-env); there is deliberately no
--api-key flag, which would leave the key in shell history and process listings.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
from pathlib import Path
from typing import Any

from ftcost import i18n
from ftcost.cli import hints
from ftcost.cli.common import add_language, parse_date, positive_int
from ftcost.errors import FtcostError
from ftcost.i18n import _, ngettext
from ftcost.views.common import fine_usd, pct  # light: ftcost.views loads its pages only on first use


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not value > 0:
        raise argparse.ArgumentTypeError("must be more than 0 seconds")
    return value


def _env_name(text: str) -> str:
    # Never echo the value: someone may have pasted the key itself here.
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,99}", text):
        raise argparse.ArgumentTypeError("takes the NAME of an environment variable (e.g. OPENAI_API_KEY), not a key")
    return text


class _RefuseKeyFlag(argparse.Action):
    """`--api-key VALUE`: refuse without echoing VALUE (argparse would print it as an unknown argument)."""

    def __call__(self, parser, namespace, values, option_string=None):  # noqa: ANN001 - argparse hook
        parser.error(
            f"{option_string} is not accepted: a key typed on the command line lands in shell history; "
            "put it in OPENAI_API_KEY (or the variable named by --api-key-env)"
        )


def _common(p: argparse.ArgumentParser, spends: bool = True) -> None:
    p.add_argument("--api-key", "--key", nargs="?", action=_RefuseKeyFlag, help=argparse.SUPPRESS)
    api = p.add_argument_group("API connection (the key is read from the environment, never from a flag)")
    api.add_argument(
        "--api-key-env",
        type=_env_name,
        default="OPENAI_API_KEY",
        metavar="NAME",
        help="environment variable holding the key (default: OPENAI_API_KEY)",
    )
    api.add_argument("--base-url", help="an OpenAI-compatible server, e.g. http://localhost:8000/v1 (default: OpenAI)")
    api.add_argument(
        "--timeout", type=_positive_float, default=60.0, metavar="SECONDS", help="per request (default: 60)"
    )
    api.add_argument(
        "--max-retries",
        type=int,
        default=2,
        metavar="N",
        help="retries on rate limits, 5xx and network errors (default: 2)",
    )
    if spends:
        p.add_argument("--yes", action="store_true", help="confirm the spending shown by the estimate and run")
    p.add_argument("--as-of", type=parse_date, help="price and job-cutoff date YYYY-MM-DD (default: today)")
    p.add_argument("--json", action="store_true", help="one JSON object on stdout")


def _calls(p: argparse.ArgumentParser, saves: str) -> None:
    """Arguments of the commands that call each option of a scenario (measure, evaluate)."""
    p.add_argument("scenario", help="scenario .toml file, or the name of a shipped one (e.g. airport)")
    p.add_argument("--option", action="append", metavar="NAME", help="only this option (repeatable)")
    p.add_argument(
        "--fine-tuned-model", metavar="NAME", help="the pilot's model (ft:BASE:org::id) for the planned fine-tune"
    )
    p.add_argument(
        "--max-output-tokens", type=positive_int, default=1024, metavar="N", help="answer cap per call (default: 1024)"
    )
    p.add_argument("--save-scenario", type=Path, metavar="PATH", help=f"write the scenario with {saves} to PATH")


def _parser(sub: argparse._SubParsersAction, name: str, **kwargs) -> argparse.ArgumentParser:
    """A live subcommand's parser. Abbreviations are off for all of them: `--api-key sk-…` must be an
    error, never read as an abbreviation of --api-key-env (which would echo the key in a message)."""
    parser = sub.add_parser(name, allow_abbrev=False, **kwargs)
    add_language(parser)
    return parser


def register(sub: argparse._SubParsersAction) -> None:
    m = _parser(
        sub,
        "measure",
        help="run a scenario's sample prompts on each option: real usage, answer length, latency",
        description="Send the scenario's sample user message(s) to every option's model with its prompt; report "
        "OpenAI's usage next to ftcost's own prompt count, and the medians to plan with. Costs money: shows the "
        "estimate and needs --yes.",
    )
    m.add_argument("--samples", type=positive_int, default=5, metavar="N", help="calls per option (default: 5)")
    _calls(m, saves="the measured output tokens per request")
    _common(m)
    m.set_defaults(func=run_measure)

    p = _parser(
        sub,
        "pilot",
        help="fine-tune the pilot dataset and compare the billed tokens with ftcost's estimate",
        description="Validate the dataset (ftcost's checks), check the fine-tuning job cutoffs, upload it, start a "
        "job with the planned epochs, follow its events, and compare trained_tokens with ftcost's estimate. "
        "Costs money: shows the estimate and needs --yes. --job follows an existing job (free).",
    )
    p.add_argument(
        "target", nargs="?", help="a scenario .toml (its sample dataset and fine-tuned option) or a .jsonl dataset"
    )
    p.add_argument("--model", help="base model to fine-tune (required for a .jsonl; default: the scenario's)")
    p.add_argument("--epochs", type=positive_int, help="epochs (default: the scenario's, else OpenAI's auto rule)")
    p.add_argument("--suffix", help="up to 64 characters added to the fine-tuned model's name")
    p.add_argument("--job", metavar="ftjob-ID", help="follow this existing job instead of starting one")
    p.add_argument(
        "--poll", type=_positive_float, default=15.0, metavar="SECONDS", help="status check interval (default: 15)"
    )
    p.add_argument(
        "--max-wait",
        type=_positive_float,
        default=6 * 3600.0,
        metavar="SECONDS",
        help="stop following after this long (default: 6 h); the job keeps running",
    )
    _common(p)
    p.set_defaults(func=run_pilot)

    e = _parser(
        sub,
        "evaluate",
        help="score each option on the pilot's eval set: measured accuracy per option",
        description="Ask every option each eval question (base models with the long prompt, the fine-tune with the "
        "short one) and score exact or JSON-field matches. Costs money: shows the estimate and needs --yes.",
    )
    e.add_argument("--limit", type=positive_int, metavar="N", help="only the first N eval items")
    e.add_argument("--temperature", type=float, help="sampling temperature (default: the model's)")
    _calls(e, saves="the measured accuracy")
    _common(e)
    e.set_defaults(func=run_evaluate)


# --- shared -----------------------------------------------------------------------------------------


def _scenario(name: str) -> tuple[Any, Path]:
    # deferred: every subcommand module is imported at start-up (ftcost --help); only this command needs it
    from ftcost.scenario import gallery, load_scenario

    path = Path(name)
    if not path.exists() and name in gallery():
        path = gallery()[name]
    return load_scenario(path), path


def _client(args: argparse.Namespace):
    # deferred: every subcommand module is imported at start-up (ftcost --help); only this command needs it
    from ftcost.live.client import LiveConfig, connect

    config = LiveConfig(
        api_key_env=args.api_key_env, base_url=args.base_url, timeout=args.timeout, max_retries=args.max_retries
    )
    return connect(config=config)


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _progress(p) -> None:
    _say(f"  {p.stage}: {hints.progress_line(p.message, p.job_id)}" + (f" ({p.done}/{p.total})" if p.total else ""))


def _options(scenario: Any, args: argparse.Namespace) -> tuple[list, list[str]]:
    """The library's choice of options to call, with the skipped ones said in the command line's words."""
    # deferred: every subcommand module is imported at start-up (ftcost --help); only this command needs it
    from ftcost.live import from_scenario as fs

    selection = fs.select_options(scenario, fine_tuned_model=args.fine_tuned_model, names=args.option)
    notes = [hints.note(s) for s in selection.skipped]
    if not selection.options:
        raise FtcostError("No option left to call: " + " ".join(notes))
    return selection.options, notes


def _print_json(doc: dict) -> None:
    print(json.dumps(doc, indent=2, ensure_ascii=False))


def _usd(value) -> str:
    return fine_usd(value, missing="unknown")


def _not_confirmed(args: argparse.Namespace, estimate_doc: dict, summary: str, notes: list[str]) -> int:
    if args.json:
        _print_json({"confirmed": False, "estimate": estimate_doc, "notes": notes})
    else:
        for note in notes:
            print(_("note: {note}").format(note=note))
        print(
            _("Estimate: {summary}. Nothing was sent; run again with --yes to spend it (needs ${env}).").format(
                summary=i18n.text(summary), env=args.api_key_env
            )
        )
    return 0


def _save(scenario: Any, path: Path | None) -> str:
    if path is None:
        return ""
    # deferred: every subcommand module is imported at start-up (ftcost --help); only this command needs it
    from ftcost.scenario import dump_scenario

    try:
        path.write_text(dump_scenario(scenario), encoding="utf-8")
    except OSError as exc:
        raise FtcostError(f"{path}: cannot be written ({exc.strerror or exc}).") from None
    return str(path)


def _print_estimate(estimate) -> None:
    for o in estimate.options:
        note = f"  ({o.note})" if o.note else ""
        calls = ngettext("{n} call", "{n} calls", o.calls).format(n=f"{o.calls:>4}")
        print(
            f"  {o.option:<28} {o.model:<34} {calls} "
            + _("{tokens} prompt tok").format(tokens=f"{o.prompt_tokens:>9,}")
            + f"  ≤{_usd(o.cost_usd)}{note}"
        )


# --- measure ----------------------------------------------------------------------------------------


def run_measure(args: argparse.Namespace) -> int:
    # deferred: every subcommand module is imported at start-up (ftcost --help); only this command needs it
    from ftcost.live import from_scenario as fs
    from ftcost.live.measure import estimate_measure
    from ftcost.live.measure import run_measure as run

    client = _client(args) if args.yes else None  # no key: say so before any work
    scenario, _path = _scenario(args.scenario)
    as_of = args.as_of or dt.date.today()
    options, notes = _options(scenario, args)
    messages = fs.user_messages(scenario)
    estimate = estimate_measure(options, messages, args.samples, as_of=as_of, max_output_tokens=args.max_output_tokens)
    if not args.yes:
        if not args.json:
            _print_estimate(estimate)
        return _not_confirmed(args, estimate.to_dict(), estimate.summary(), notes)
    if not args.json:
        _say(f"measuring: {estimate.summary()}")
    report = run(
        client,
        options,
        messages,
        args.samples,
        confirmed=True,
        as_of=as_of,
        max_output_tokens=args.max_output_tokens,
        progress=None if args.json else _progress,
    )
    saved = _save(fs.with_measurements(scenario, report), args.save_scenario) if args.save_scenario else ""
    if args.json:
        _print_json({"confirmed": True, **report.to_dict(), "notes": notes, "saved_scenario": saved or None})
    else:
        for note in notes:
            print(_("note: {note}").format(note=note))
        print(
            f"{'option':<28} {'calls':>5} {'API prompt':>10} {'ftcost':>8} {'diff':>6} {'diff %':>7} {'cached':>7} {'med out':>7} {'med s':>7} {'cost':>10}"
        )
        for o in report.options:
            pct = "n/a" if o.difference_pct is None else f"{o.difference_pct:+}"
            print(
                f"{o.name:<28} {len(o.calls):>5} {o.api_prompt_tokens:>10,} {o.ftcost_prompt_tokens:>8,} {o.difference:>+6} {pct:>7} "
                f"{o.cached_tokens:>7,} {o.median_output_tokens:>7} {o.median_latency_s:>7} {_usd(o.cost_usd):>10}"
            )
            if o.truncated:
                print(
                    "  "
                    + _("{n} answer(s) hit the {cap}-token cap: the median is a lower bound.").format(
                        n=o.truncated, cap=args.max_output_tokens
                    )
                )
        print(
            _("Median output tokens per request: {tokens}; median latency {seconds} s.").format(
                tokens=report.suggested_output_tokens(), seconds=report.suggested_latency_s()
            )
        )
        if saved:
            print(
                _("Saved the scenario with output_tokens_per_request = {tokens} to {path}.").format(
                    tokens=report.suggested_output_tokens(), path=saved
                )
            )
        if report.stopped:
            print(hints.stopped(report.stopped, report.stopped_by))
    return 2 if report.stopped else 0


# --- pilot ------------------------------------------------------------------------------------------


def _pilot_plan(args: argparse.Namespace, as_of: dt.date, new_job: bool = True):
    # deferred: every subcommand module is imported at start-up (ftcost --help); only this command needs it
    from ftcost.live import from_scenario as fs
    from ftcost.live.pilot import plan_pilot

    target = Path(args.target)
    if target.suffix.lower() == ".jsonl":
        if not args.model:
            raise FtcostError(
                "--model is required with a .jsonl dataset (the base model to fine-tune, e.g. gpt-4o-mini)."
            )
        path, model, epochs = target, args.model, None
    else:
        scenario, scenario_path = _scenario(args.target)
        path, model, epochs = fs.pilot_inputs(scenario, scenario_path)
        model = args.model or model
    return plan_pilot(path, model, as_of=as_of, epochs=args.epochs or epochs, check_job_cutoff=new_job)


def run_pilot(args: argparse.Namespace) -> int:
    # deferred: every subcommand module is imported at start-up (ftcost --help); only this command needs it
    from ftcost.live.pilot import follow_job
    from ftcost.live.pilot import run_pilot as run

    as_of = args.as_of or dt.date.today()
    common = {"progress": _progress, "poll_interval": args.poll, "max_wait": args.max_wait}
    if args.job:  # following costs nothing; with a target, ftcost's estimate is compared too
        client = _client(args)
        plan = _pilot_plan(args, as_of, new_job=False) if args.target else None
        result = follow_job(client, args.job, plan=plan, **common)
    elif not args.target:
        raise FtcostError("Give a scenario .toml or a .jsonl dataset to fine-tune (or --job ftjob-ID to follow a job).")
    else:
        client = _client(args) if args.yes else None
        plan = _pilot_plan(args, as_of)
        summary = (
            f"fine-tune {plan.model} on {plan.examples} examples × {plan.epochs} epochs = {plan.charged_tokens:,} "
            f"charged tokens, about {_usd(plan.estimated_usd)}"
        )
        notes = [n for n in (plan.cutoff_note, plan.cost_note) if n]
        if not args.yes:
            return _not_confirmed(args, plan.to_dict(), summary, notes)
        for note in notes:
            _say(_("note: {note}").format(note=note))
        _say(f"pilot: {summary}")
        result = run(client, plan, confirmed=True, suffix=args.suffix, **common)
    if args.json:
        _print_json({"confirmed": True, **result.to_dict()})
    else:
        print(result.summary())
        if not result.finished:
            print(hints.still_running(result.job_id))
        if result.note:
            print(result.note)
        if result.succeeded and result.billed_usd is not None:
            print(
                _("Training cost at ftcost's prices: {billed} (estimated {estimated}).").format(
                    billed=_usd(result.billed_usd), estimated=_usd(result.estimated_usd)
                )
            )
    return 0 if result.succeeded else 1


# --- evaluate ---------------------------------------------------------------------------------------


def run_evaluate(args: argparse.Namespace) -> int:
    # deferred: every subcommand module is imported at start-up (ftcost --help); only this command needs it
    from ftcost.live import from_scenario as fs
    from ftcost.live.evaluate import estimate_evaluate
    from ftcost.live.evaluate import run_evaluate as run

    client = _client(args) if args.yes else None
    scenario, _path = _scenario(args.scenario)
    as_of = args.as_of or dt.date.today()
    options, notes = _options(scenario, args)
    items, scoring, fields = fs.eval_set(scenario, args.limit)
    shared = {"as_of": as_of, "scoring": scoring, "fields": fields, "max_output_tokens": args.max_output_tokens}
    estimate = estimate_evaluate(options, items, **shared)
    if not args.yes:
        if not args.json:
            _print_estimate(estimate)
        return _not_confirmed(args, estimate.to_dict(), estimate.summary(), notes)
    report = run(
        client,
        options,
        items,
        confirmed=True,
        temperature=args.temperature,
        progress=None if args.json else _progress,
        **shared,
    )
    saved = _save(fs.with_accuracy(scenario, report.accuracy()), args.save_scenario) if args.save_scenario else ""
    if args.json:
        _print_json({"confirmed": True, **report.to_dict(), "notes": notes, "saved_scenario": saved or None})
    else:
        for note in notes:
            print(_("note: {note}").format(note=note))
        for o in report.options:
            print(f"{o.name:<28} {o.model:<40} {o.correct:>4}/{len(o.answers):<4} {pct(o.accuracy_pct)}")
        if saved:
            print(_("Saved the scenario with the measured accuracy to {path}.").format(path=saved))
        if report.stopped:
            print(hints.stopped(report.stopped, report.stopped_by))
    return 2 if report.stopped else 0
