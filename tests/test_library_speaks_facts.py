"""The library speaks in facts: no string it can raise, return or print outside `ftcost.cli` names a CLI flag
or command. What would settle a problem travels as an error's fields (`ftcost.errors`); the CLI words them
as flags (`ftcost.cli.hints`), the app as widgets (`ftcost.views.live.error_text`).

The scan reads every string constant (f-string parts included) of every module under src/ftcost outside
cli/, docstrings and comments excepted (they document; attribute docstrings reach the JSON Schema's
descriptions, read by editors, not users of a command), and looks for `--word` and
`ftcost COMMAND`. A match that is not a message to a user goes in ALLOWED with the reason.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import ftcost

SRC = Path(ftcost.__file__).parent
COMMANDS = ("analyze", "count", "quote", "prices", "report", "measure", "pilot", "evaluate", "live")
FLAG = re.compile(r"(?<![\w-])--[a-z][a-z0-9-]*")
COMMAND = re.compile(rf"\bftcost (?:{'|'.join(COMMANDS)})\b")

#: (module path under src/ftcost, the text matched) → why it is not a library message naming the CLI.
ALLOWED = {
    ("views/dataset.py", "--json"): "the Dataset page's CSV download says which tool lists every line of a long "
    "list; a pointer from the app to the command line, written by the app's view",
    ("views/dataset.py", "ftcost analyze"): "the same CSV row as above",
    ("report.py", "ftcost prices"): "the Markdown report is read away from both edges (a file, a download) and "
    "names both the Prices page and the command",
}


def _docstrings(tree: ast.AST) -> set[int]:
    """ids of the Constant nodes that are docstrings: a string standing alone as a statement (a module's,
    class's or function's docstring, or a field's attribute docstring) is documentation, never shown."""
    return {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
    }


def _matches() -> list[tuple[str, int, str]]:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC).as_posix()
        if rel.startswith("cli/"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip = _docstrings(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
                for pattern in (FLAG, COMMAND):
                    found += [(rel, node.lineno, m.group(0)) for m in pattern.finditer(node.value)]
    return found


def test_no_library_message_names_a_cli_flag_or_command():
    offending = [f"{rel}:{line}: {text}" for rel, line, text in _matches() if (rel, text) not in ALLOWED]
    assert not offending, (
        "Library strings name the command line; raise an ftcost.errors error with the fact as a field "
        "(setting=, listing=, job_id=, needs_confirmation=) and word it in ftcost/cli/hints.py:\n"
        + "\n".join(offending)
    )


def test_the_scan_sees_flags_in_f_strings_and_skips_docstrings(tmp_path):
    # The scan itself: a flag inside an f-string is found, one in a docstring is not.
    tree = ast.parse('def f(x):\n    """Use --doc."""\n    return f"raise --timeout {x} or `ftcost prices`"\n')
    skip = _docstrings(tree)
    texts = [
        n.value
        for n in ast.walk(tree)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in skip
    ]
    assert [m for t in texts for m in FLAG.findall(t)] == ["--timeout"]
    assert [m for t in texts for m in COMMAND.findall(t)] == ["ftcost prices"]
