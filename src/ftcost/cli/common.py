"""Argument types shared by the subcommands: each bad value is one sentence, exit 2."""

from __future__ import annotations

import argparse
import datetime as dt


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
