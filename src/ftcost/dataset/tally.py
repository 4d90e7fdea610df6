"""The streaming accumulator: per-line results folded into compact running totals.

Per-example numbers and line numbers are kept in `array` columns (8 bytes or less each, not Python
objects), so a 512 MB file's tally is a few megabytes; with `Context.keep_lines` the line numbers kept
per category are capped and the rest only counted, so memory is bounded whatever the number of bad lines. Tallies of consecutive byte ranges merge in
order into exactly the tally of the whole file: that is what makes the parallel path identical to
the single-process one.
"""

from __future__ import annotations

from array import array

from ftcost.dataset.checks import Context
from ftcost.dataset.line import examine_line

#: Line numbers fit in 4 bytes: a 512 MB file has fewer than 2^32 lines.
LINE = "I"


class Tally:
    """Running totals of a run of consecutive lines. Line numbers are 1-based within that run."""

    def __init__(self, keep_lines: int | None = None) -> None:
        self.keep_lines = keep_lines
        self.not_listed: dict[str, int] = {}  # category -> line numbers counted but not kept
        self._last: dict[str, int] = {}  # category -> the last line it was seen on
        self.lines = 0  # physical lines, blank ones included
        self.nonblank = 0
        self.examples = 0  # lines that parsed as JSON objects
        self.errors: dict[str, int] = {}
        self.error_lines: dict[str, array] = {}
        self.warnings: dict[str, int] = {}
        self.warning_lines: dict[str, array] = {}
        self.kinds: dict[str, int] = {}  # counted examples per format ("chat", "completion")
        # One entry per counted example (an example with a messages list, or a prompt/completion pair).
        self.messages = array("I")
        self.example_lines = array(LINE)  # the line of each counted example (limits are derived from it)
        self.tokens = array("Q")
        self.assistant = array("Q")
        self.trained = 0
        self.billing = 0  # sum of min(limit, tokens)
        self.over_limit = 0
        self.tool_examples = 0  # counted examples with tool definitions

    def add_line(self, number: int, raw: bytes, ctx: Context, count) -> None:
        self.lines = number
        result = examine_line(raw, ctx, count)
        if result is None:
            return
        self.nonblank += 1
        is_example, counted = result
        self.examples += is_example
        if counted.errors:
            self._record(self.errors, self.error_lines, counted.errors, number)
        if counted.warnings:
            self._record(self.warnings, self.warning_lines, counted.warnings, number)
        if counted.kind is not None:
            self.kinds[counted.kind] = self.kinds.get(counted.kind, 0) + 1
            self.example_lines.append(number)
            self.messages.append(counted.messages)
            self.tokens.append(counted.tokens)
            self.assistant.append(counted.assistant)
            self.trained += counted.trained
            self.billing += min(ctx.limit, counted.tokens)
            self.over_limit += counted.tokens > ctx.limit
            self.tool_examples += counted.tools

    def merge(self, later: Tally) -> None:
        """Append the tally of the lines that follow this one's (their numbers are shifted)."""
        offset = self.lines
        self.lines += later.lines
        self.nonblank += later.nonblank
        self.examples += later.examples
        for mine_counts, mine_lines, theirs_counts, theirs_lines in (
            (self.errors, self.error_lines, later.errors, later.error_lines),
            (self.warnings, self.warning_lines, later.warnings, later.warning_lines),
        ):
            for category, n in theirs_counts.items():
                mine_counts[category] = mine_counts.get(category, 0) + n
                column = mine_lines.setdefault(category, array(LINE))
                theirs = theirs_lines[category]
                room = len(theirs) if self.keep_lines is None else max(0, self.keep_lines - len(column))
                column.extend(array(LINE, [line + offset for line in theirs[:room]]))
                missed = later.not_listed.get(category, 0) + len(theirs) - min(room, len(theirs))
                if missed:
                    self.not_listed[category] = self.not_listed.get(category, 0) + missed
        for kind, n in later.kinds.items():
            self.kinds[kind] = self.kinds.get(kind, 0) + n
        self.messages.extend(later.messages)
        self.example_lines.extend(array(LINE, [line + offset for line in later.example_lines]))
        self.tokens.extend(later.tokens)
        self.assistant.extend(later.assistant)
        self.trained += later.trained
        self.billing += later.billing
        self.over_limit += later.over_limit
        self.tool_examples += later.tool_examples

    def _record(self, counts: dict[str, int], lines: dict[str, array], categories: list[str], number: int) -> None:
        for category in categories:
            counts[category] = counts.get(category, 0) + 1
            if self._last.get(category) == number:  # several messages of one line: list the line once
                continue
            self._last[category] = number
            column = lines.get(category)
            if column is None:
                lines[category] = array(LINE, [number])
            elif self.keep_lines is None or len(column) < self.keep_lines:
                column.append(number)
            else:
                self.not_listed[category] = self.not_listed.get(category, 0) + 1


def scan_block(block: bytes, ctx: Context, count, *, file_start: bool) -> Tally:
    """Tally a block of whole lines (a byte range that ends at a newline or at the end of the data)."""
    tally = Tally(ctx.keep_lines)
    if file_start and block.startswith(b"\xef\xbb\xbf"):
        block = block[3:]  # a UTF-8 byte-order mark, as Windows editors write
    lines = block.split(b"\n")
    if lines and not lines[-1]:
        lines.pop()  # the final newline ends the last line; it does not start another
    add = tally.add_line
    for number, raw in enumerate(lines, 1):
        add(number, raw, ctx, count)
    tally.lines = len(lines)
    return tally
