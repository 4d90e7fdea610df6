"""`ftcost` command line: one subcommand per module in this package.

Each module has `register(subparsers)` that adds its parser and sets `func(args) -> int`.
Errors from ftcost (`FtcostError`) become one line on stderr and exit code 2; nothing else is caught,
so a bug still shows its traceback to whoever has to fix it.

Every command speaks English unless `--lang` or the POSIX locale (LC_ALL, LC_MESSAGES, LANG) names one of the
languages ftcost has catalogues for (`ftcost.i18n`); JSON output stays the same whatever the language.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import importlib
import os
import sys
import threading
from typing import NoReturn

from ftcost import i18n
from ftcost.cli import hints
from ftcost.errors import FtcostError

#: Subcommand modules, in the order `ftcost --help` lists them.
COMMANDS = ("analyze", "count", "quote", "prices", "report", "live")


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The `ftcost` parser with every subcommand, or only those of module `only` when it registers a command of
    that name (what a run of the command needs: the other modules' imports and parsers cost every
    `ftcost analyze` ~5 ms before its scan starts)."""
    parser = argparse.ArgumentParser(
        prog="ftcost",
        description="Fine-tuning cost and ROI planner: count a dataset's tokens, price it on any date, "
        "and project base vs fine-tuned costs, payback and the pilot.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS if only is None else (only,):
        try:
            module = importlib.import_module(f"ftcost.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"ftcost.cli.{name}":
                continue  # that subcommand is not built yet
            raise
        module.register(sub)
    if only is not None and only not in sub.choices:  # a module whose commands have other names (live)
        return build_parser()
    return parser


def _tolerate_any_encoding() -> None:
    """Output goes wherever it is sent: Windows redirects stdout as cp1252, which has no `→` or `≥`. A character
    the stream cannot encode becomes `?` instead of a UnicodeEncodeError halfway through a report."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)  # absent on captured streams (tests)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):
                reconfigure(errors="replace")


def main(argv: list[str] | None = None) -> int:
    _tolerate_any_encoding()
    words = sys.argv[1:] if argv is None else argv
    # The subcommand comes first (the top-level parser has no option but --help), so a run builds only its own
    # parser; anything else (--help, no command, a misspelt one) gets them all, and the list of commands.
    parser = build_parser(words[0] if words and words[0] in COMMANDS else None)
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    lang = getattr(args, "lang", None) or i18n.from_environment()
    try:
        with i18n.use(lang):
            return args.func(args)
    except FtcostError as exc:
        with i18n.use(lang):  # the error's sentence in the command's language (a Notice; else its English)
            print(f"ftcost: {hints.message(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("ftcost: interrupted.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader stopped early (`ftcost analyze f | head -1`): the answer is still the command's, so a file
        # with errors still exits 1. A command sets `args.exit_code` once it knows it, before printing.
        # Python would report the broken pipe again when it flushes stdout at exit; point stdout at devnull.
        with contextlib.suppress(OSError, ValueError, AttributeError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return getattr(args, "exit_code", 0)


def run() -> None:  # console-script entry point
    exit_now(main())


def exit_now(code: int | None) -> NoReturn:
    """End the process with `code` once its output is out, without freeing every object one by one.

    A normal exit tears the interpreter down: every module, the counters' vocabularies (toktok-rs frees its
    tokenizer in ~30-40 ms), the pools' bookkeeping; after an 80 MB `ftcost analyze` that took 0.1-0.25 s of a
    ~1 s command, for nothing the operating system would not reclaim at once. As mypy does (`mypy.util.hard_exit`),
    the exit handlers still run (logging's, multiprocessing's), then both streams are flushed and the process ends;
    every file a command writes is closed by the time it returns.
    """
    # As a normal exit does first: wait for the threads that are not daemons (none of ftcost's commands leaves
    # one, but a library's may), then run the exit handlers registered so far, in reverse order.
    for thread in threading.enumerate():
        if thread is not threading.main_thread() and not thread.daemon:
            thread.join()
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError, AttributeError):
            stream.flush()
    os._exit(code if isinstance(code, int) else 0 if code is None else 1)
