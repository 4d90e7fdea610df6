"""Text from a scenario, a link or a file, made safe for where it is shown: Markdown, and spreadsheet cells.

A scenario's names, descriptions and dataset path come from whoever wrote the file or the link. Shown as Markdown
(the app renders almost every string as Markdown, and the report is Markdown), `![t](http://host/track)` would load
a remote image the moment someone opens the link, `[Re-enter your key](http://…)` would be a live link, and a `|`
or a newline would break a table. Written to CSV, `=HYPERLINK(…)` would run as a formula in a spreadsheet (OWASP's
"CSV injection"). Every such text goes through `markdown` (or `code`) and every CSV through `csv_writer`.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import Any

from ftcost import i18n

#: Characters that open or close inline Markdown anywhere in a line: emphasis, code, links and images
#: (`[`…`](`), GitHub's tables (`|`) and strikethrough, Streamlit's `$` maths. CommonMark lets any ASCII
#: punctuation be escaped with a backslash; a backslash before other characters stays visible, so only these.
#: An underscore inside a word (`sample_answer`) never opens emphasis in CommonMark, so it is left as it is.
_INLINE = re.compile(r"([\\`*\[\]|~$]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9]))")
#: Characters that start a block (a heading, a quote, a list item, a setext underline) only at the start of a line.
_BLOCK_START = re.compile(r"^(\s*)([#+\-=]|\d+[.)])")
#: Line breaks, tabs and other control characters (a newline would start a new block: a heading, a list item,
#: a table row); each becomes one space.
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u0085\u2028\u2029]+")
#: GitHub's and Streamlit's renderers turn bare `http://…`, `www.…` and `a@b.c` into links after the escapes are
#: read, so a backslash cannot stop them; an invisible zero-width space inside `://`, `www.` and after `@` does.
#: Other colons stay as they are, so a model id (`ft:gpt-4o-mini:org::id`) copied from the page still works.
_AUTOLINK = re.compile(r"(:(?=//)|@|(?i:www)(?=\.))")
ZWSP = "\u200b"
#: Spreadsheets run a cell starting with one of these as a formula (OWASP, "CSV Injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def markdown(text: object) -> str:
    """`text` shown as itself wherever Markdown is rendered: no link, image, HTML, emphasis or table cell break.

    Angle brackets and ampersands become entities (so `<img onerror=…>` is not in the output at all, and shows
    as text), Markdown characters get a backslash, a zero-width space keeps `http://` from becoming a link, and
    line breaks become spaces. Ordinary names (`GPT-4o mini, long prompt`) come out unchanged. A sentence the
    engine built (`ftcost.i18n.Notice`) is shown in the current language.
    """
    s = _CONTROL.sub(" ", i18n.text(text)).strip()
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    s = _INLINE.sub(r"\\\1", s)
    s = _BLOCK_START.sub(lambda m: m.group(1) + m.group(2)[:-1] + "\\" + m.group(2)[-1], s)
    return _AUTOLINK.sub(lambda m: m.group(1) + ZWSP, s)


def code(text: object) -> str:
    """`text` as inline code (a model id): a backtick cannot close it early, a `|` cannot split a table cell."""
    s = _CONTROL.sub(" ", str(text)).replace("`", "'").replace("|", "\\|")
    return f"`{s}`"


def csv_cell(value: Any) -> Any:
    """A text cell a spreadsheet would read as a formula gets a leading `'`; numbers are left as they are
    (a negative amount is a number, not a formula)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


class _SafeWriter:
    def __init__(self, writer: Any) -> None:
        self._writer = writer

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([csv_cell(v) for v in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(stream: Any, **kwargs: Any) -> _SafeWriter:
    """`csv.writer(stream)` whose every text cell goes through `csv_cell`: the one writer for every CSV ftcost
    makes."""
    kwargs.setdefault("lineterminator", "\n")
    return _SafeWriter(csv.writer(stream, **kwargs))
