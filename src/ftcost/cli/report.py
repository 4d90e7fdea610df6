"""`ftcost report SCENARIO`: the plan for a scenario file, as text, JSON, Markdown or CSV."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from pathlib import Path

from ftcost import i18n
from ftcost.cli.common import parse_currency, parse_date, parse_language, parse_rate


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "report",
        help="project a scenario: monthly costs, break-even, ROI, the pilot",
        description="Project a scenario file (see scenarios/) with the prices in force on a date.",
    )
    p.add_argument("scenario", help="scenario .toml file, or the name of a shipped one (e.g. airport)")
    p.add_argument("--as-of", type=parse_date, help="price date YYYY-MM-DD (default: the scenario's, else today)")
    p.add_argument(
        "--simulate",
        type=_draws,
        metavar="N",
        nargs="?",
        const=0,
        default=None,
        help="add the Monte Carlo over the scenario's ranges: N draws (default: the scenario's, else 10,000)",
    )
    p.add_argument("--seed", type=int, help="seed of the draws (default: the scenario's [simulation] seed, else 2026)")
    p.add_argument("--against", help="the base option the odds, drivers and pilot are measured against")
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="one JSON object")
    fmt.add_argument("--markdown", action="store_true", help="the Markdown report a manager forwards")
    fmt.add_argument("--csv", action="store_true", help="every option's months as CSV")
    p.add_argument(
        "--lang",
        type=parse_language,
        metavar="LANG",
        help="en, zh-Hant (繁體中文) or zh-Hans (简体中文); default: the LANG environment variable if it "
        "names one of them, else the scenario's [display] language, else English",
    )
    p.add_argument(
        "--currency",
        type=parse_currency,
        metavar="CODE",
        help="show money in this ISO 4217 currency (USD, TWD, CNY, EUR, JPY, or any with --rate); "
        "default: the scenario's [display] currency, else USD. ftcost still computes in USD.",
    )
    p.add_argument(
        "--rate",
        type=parse_rate,
        metavar="UNITS",
        help="units of --currency per US dollar (wins over the scenario's rate and pricing/fx.toml)",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    # deferred: every subcommand module is imported at start-up (ftcost --help); only this command needs it
    from ftcost import report
    from ftcost.errors import ScenarioError
    from ftcost.measure_training import measured_plan
    from ftcost.pricing.fx import display_for
    from ftcost.scenario import gallery, load_scenario

    path = Path(args.scenario)
    shipped = gallery()
    # A shipped name (e.g. airport) unless a file of that name is in the way; the file itself is read
    # through the same guard as `ftcost analyze` (no hang on a pipe, a sentence for a loop or a long name).
    if args.scenario in shipped and not path.is_file():
        path = shipped[args.scenario]
    scenario = load_scenario(path)
    as_of = args.as_of or scenario.as_of or dt.date.today()
    # The sample dataset is read only inside the scenario file's own folder.
    plan = measured_plan(scenario, as_of, folder=path.resolve().parent)
    if not plan.options:
        # Nothing to report: one sentence, and the reason for each option (from when it is priced).
        later = i18n._("Choose a later --as-of.")
        print(f"ftcost: {report.no_answer_sentence(plan)} {later}", file=sys.stderr)
        for warning in plan.warnings:  # Notices: each in the command's language
            print(f"  - {i18n.text(warning)}", file=sys.stderr)
        return 2
    how = None
    if args.simulate is not None or args.seed is not None:
        # deferred: the simulation (numpy) loads only when --simulate asks for it
        from ftcost.engine.uncertainty import analyse

        how = analyse(scenario, plan, against=args.against, draws=args.simulate or None, seed=args.seed)
        if how is None:
            said = i18n._(
                "on {date} the plan has no fine-tune beside a base option, so there are no odds to simulate; the "
                "plan follows."
            ).format(date=as_of.isoformat())
            print(f"ftcost report: {said}", file=sys.stderr)
    if args.rate is not None and not args.currency:
        raise ScenarioError("--rate needs --currency: the currency the rate converts US dollars to.")
    lang = language_for(args.lang, scenario)
    with i18n.use(lang):
        money, found = display_for(scenario.display, as_of, i18n.locale(lang), args.currency, args.rate)
        if args.json:
            print(json.dumps(report.to_dict(plan, how, money=money, found=found), indent=2, ensure_ascii=False))
        elif args.csv:
            print(report.to_csv(plan, how), end="")
        else:
            print(report.to_markdown(plan, how, money=money, found=found, title=scenario.title(lang)))
    return 0


def language_for(chosen: str | None, scenario, environ=None) -> str:
    """--lang, else LANG (LC_ALL, LC_MESSAGES) when it names a language ftcost speaks, else the scenario's, else English."""
    if chosen:
        return chosen
    environ = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        if environ.get(name):
            found = i18n.normalize(environ[name])
            if found:
                return found
            break
    if scenario.display and scenario.display.language:
        return scenario.display.language
    return i18n.DEFAULT


def _draws(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--simulate takes a whole number of draws, not {text!r}") from None
    if not 100 <= n <= 200_000:
        raise argparse.ArgumentTypeError(f"--simulate takes 100 to 200,000 draws, not {n:,}")
    return n
