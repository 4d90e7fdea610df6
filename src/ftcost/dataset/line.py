"""One physical line of a JSONL file -> its result: the pure per-line function everything else streams.

A line is analysed on its own (bytes in, result out, no state) so the file can be cut into byte
ranges and analysed by several processes with results identical to a single pass.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal

from ftcost.dataset.checks import Context, Counted, examine_example


def _reject_constant(name: str):
    # NaN and Infinity are Python's extension, not JSON: OpenAI's parser rejects them.
    raise ValueError(f"{name} is not valid JSON")


def _parse_int(digits: str) -> int | Decimal:
    # Python refuses to turn more than 4,300 digits into an int (a guard against slow conversions); JSON has
    # no such limit and OpenAI accepts the line. Decimal reads any length in linear time, and the value is
    # still a number to the checks that look at it.
    return int(digits) if len(digits) <= 4000 else Decimal(digits)


#: The full path's JSON decoder (the fast path decodes tool definitions with it too).
decode_json = json.JSONDecoder(parse_constant=_reject_constant, parse_int=_parse_int).decode

BLANK = None
_NOT_UTF8 = Counted(["invalid_utf8"], [], None)
_NOT_JSON = Counted(["invalid_json"], [], None)
_NOT_OBJECT = Counted(["data_type"], [], None)


def examine_line(raw: bytes, ctx: Context, count: Callable[[str], int]) -> tuple[bool, Counted] | None:
    """(is_example, checks and counts) for one line without its newline; None for a blank line.

    `is_example` is True when the line parsed as a JSON object: that is what `examples` counts.
    """
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return (False, _NOT_UTF8) if raw.strip() else BLANK
    if not text or text.isspace():
        return BLANK
    try:
        value = decode_json(text)
    except (ValueError, RecursionError):
        return False, _NOT_JSON
    if not isinstance(value, dict):
        return False, _NOT_OBJECT
    return True, examine_example(value, ctx, count)
