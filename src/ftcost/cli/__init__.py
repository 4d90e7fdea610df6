"""`ftcost` command line: one subcommand per module in this package.

Each module has `register(subparsers)` that adds its parser and sets `func(args) -> int`.
Errors from ftcost (`FtcostError`) become one line on stderr and exit code 2; nothing else is caught,
so a bug still shows its traceback to whoever has to fix it.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from ftcost.errors import FtcostError

#: Subcommand modules, in the order `ftcost --help` lists them.
COMMANDS = ("analyze", "count", "quote", "prices", "report", "live")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ftcost",
        description="Fine-tuning cost and ROI planner: count a dataset's tokens, price it on any date, "
        "and project base vs fine-tuned costs, payback and the pilot.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"ftcost.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"ftcost.cli.{name}":
                continue  # that subcommand is not built yet
            raise
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return args.func(args)
    except FtcostError as exc:
        print(f"ftcost: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("ftcost: interrupted.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


def run() -> None:  # console-script entry point
    sys.exit(main())
