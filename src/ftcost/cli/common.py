"""Argument types shared by the subcommands: each bad value is one sentence, exit 2."""

from __future__ import annotations

import argparse
import datetime as dt
import unicodedata
from decimal import Decimal, InvalidOperation

from ftcost.errors import FtcostError


def parse_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date; use YYYY-MM-DD, e.g. 2024-06-01") from None


#: A bound on any count typed on the command line: a quadrillion tokens is more than any workload ftcost plans
#: for, and keeps every amount inside exact decimal arithmetic (a 40-digit count would overflow it).
MAX_COUNT = 10**15


def non_negative_int(text: str) -> int:
    digits = text.strip().replace(",", "").replace("_", "")
    if len(digits) > 20:  # int() of a huge string is slow and its digits are over the bound anyway
        raise argparse.ArgumentTypeError(f"{text[:24]!r}… is too large; at most {MAX_COUNT:,}")
    try:
        value = int(digits)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is negative; token counts start at 0")
    if value > MAX_COUNT:
        raise argparse.ArgumentTypeError(f"{text!r} is too large; at most {MAX_COUNT:,}")
    return value


def positive_int(text: str) -> int:
    value = non_negative_int(text)
    if value == 0:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def parse_language(text: str) -> str:
    # deferred: every subcommand module is imported at start-up (ftcost --help); only this command needs it
    from ftcost import i18n

    try:
        return i18n.check(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


LANG_HELP = (
    "en, zh-Hant (繁體中文) or zh-Hans (简体中文); default: the LANG environment variable if it names one "
    "of them, else English"
)


def add_language(parser: argparse.ArgumentParser) -> None:
    """`--lang`: the language the command prints in (the context `ftcost.cli.main` sets)."""
    parser.add_argument("--lang", type=parse_language, metavar="LANG", help=LANG_HELP)


def width(text: str) -> int:
    """Columns `text` takes in a terminal: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(text))


def pad(text: str, columns: int, right: bool = False) -> str:
    """`text` padded with spaces to `columns` terminal columns (`right`: aligned right), as `{:<n}` does for
    Latin text."""
    fill = " " * max(0, columns - width(text))
    return fill + str(text) if right else str(text) + fill


def parse_currency(text: str) -> str:
    code = text.strip().upper()
    if len(code) != 3 or not code.isascii() or not code.isalpha():
        raise argparse.ArgumentTypeError(f"{text!r} is not an ISO 4217 currency code; use three letters, e.g. TWD")
    return code


def parse_rate(text: str):
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a number; give units of the currency per US dollar, e.g. 32.1"
        ) from None
    if not value.is_finite() or value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not an exchange rate; it must be above 0")
    return value


def arg(parse, text: str, flag: str):
    """Parse one option with the shared argument types, failing as one ftcost sentence naming the flag."""
    try:
        return parse(text)
    except argparse.ArgumentTypeError as exc:
        raise FtcostError(f"{flag}: {exc}.") from None


#: A year of reinforcement fine-tuning, many times over: a bound that keeps the amount exact.
MAX_HOURS = Decimal(1_000_000)


def parse_hours(text: str) -> Decimal:
    try:
        value = Decimal(text.replace(",", "")[:40])
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of hours, e.g. 1.5") from None
    if not value.is_finite() or value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be zero or more hours")
    if value > MAX_HOURS or len(text) > 40:
        raise argparse.ArgumentTypeError(f"{text[:40]!r} is too many hours; at most {MAX_HOURS:,}")
    return value
