"""`ftcost report SCENARIO`: the plan for a scenario file, as text, JSON, Markdown or CSV."""

from __future__ import annotations

import argparse
import datetime as dt
import json
from pathlib import Path

from ftcost.cli.common import parse_date


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "report",
        help="project a scenario: monthly costs, break-even, ROI, the pilot",
        description="Project a scenario file (see scenarios/) with the prices in force on a date.",
    )
    p.add_argument("scenario", help="scenario .toml file, or the name of a shipped one (e.g. airport)")
    p.add_argument("--as-of", type=parse_date, help="price date YYYY-MM-DD (default: the scenario's, else today)")
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="one JSON object")
    fmt.add_argument("--markdown", action="store_true", help="the Markdown report a manager forwards")
    fmt.add_argument("--csv", action="store_true", help="every option's months as CSV")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ftcost import report
    from ftcost.measure_training import measured_plan
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
    if args.json:
        print(json.dumps(report.to_dict(plan), indent=2, ensure_ascii=False))
    elif args.csv:
        print(report.to_csv(plan), end="")
    else:
        print(report.to_markdown(plan))
    return 0
