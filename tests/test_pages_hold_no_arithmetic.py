"""Pages lay out what the engine and ftcost.views computed: no figure is worked out in ui/ or app.py.

An AST scan, not a type checker: it flags arithmetic whose operands name money or a figure (…_usd, rate,
price, cost, total, tokens, pct, p10 …), `round()`, `sum()` and `.quantize()`. Arithmetic on layout (counts of
columns and rows, chart heights, widget keys built from strings) passes. The self-test below keeps the scan
honest: it must catch what the pages once did.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PAGES = sorted((REPO / "ui").glob("*.py")) + [REPO / "app.py"]

ARITHMETIC = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod, ast.Pow)
#: Names of figures: money, rates, prices, token counts, percentages, the simulation's percentiles.
FIGURE = re.compile(
    r"usd|rate|price|cost|amount|saving|cumulative|total|monthly|hourly|money|tokens|pct|percent"
    r"|accuracy|p10|p50|p90|roi|value|share",
    re.IGNORECASE,
)
#: Calls that compute a figure rather than lay one out.
COMPUTING_CALLS = {"round", "sum", "Decimal", "float", "int"}
#: Calls whose result is text: an operation with one of them is string building, not arithmetic.
TEXT_CALLS = {
    "_",
    "md",
    "ngettext",
    "str",
    "format",
    "join",
    "markdown",
    "code",
    "upper",
    "lower",
    "capitalize",
    "list",
    "tuple",
    "sorted",
}


def _is_text(node: ast.AST) -> bool:
    """Whether `node` is text or a collection: `+` on those builds a sentence or a list, not a figure."""
    if isinstance(node, (ast.List, ast.Tuple, ast.ListComp, ast.Dict)):
        return True
    if isinstance(node, ast.IfExp):
        return _is_text(node.body) or _is_text(node.orelse)
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.Call):
        f = node.func
        return (isinstance(f, ast.Name) and f.id in TEXT_CALLS) or (
            isinstance(f, ast.Attribute) and f.attr in TEXT_CALLS
        )
    if isinstance(node, ast.BinOp):
        return _is_text(node.left) or _is_text(node.right)
    if isinstance(node, ast.Subscript):  # "text"[1:]
        return _is_text(node.value)
    return False


def _names(node: ast.AST) -> list[str]:
    out = []
    for n in ast.walk(node):
        if isinstance(n, ast.Name):
            out.append(n.id)
        elif isinstance(n, ast.Attribute):
            out.append(n.attr)
        elif isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in COMPUTING_CALLS:
            out.append(n.func.id + "()")
    return out


def _figure(node: ast.AST) -> str | None:
    """The name that makes `node` a figure, if any."""
    for name in _names(node):
        if name.endswith("()") or FIGURE.search(name):
            return name
    return None


def arithmetic(source: str, filename: str = "<page>") -> list[str]:
    """`file:line: what` for each computation in `source` a page should leave to the engine or the views."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        where = f"{filename}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.BinOp) and isinstance(node.op, ARITHMETIC) and not _is_text(node):
            # len(...) counts things laid out (cards, rows): never a figure
            operands = [
                x
                for x in (node.left, node.right)
                if not (isinstance(x, ast.Call) and isinstance(x.func, ast.Name) and x.func.id == "len")
            ]
            name = next((n for x in operands if (n := _figure(x))), None)
            if name is not None:
                found.append(f"{where}: {ast.unparse(node)} (computes with {name})")
        elif isinstance(node, ast.AugAssign) and isinstance(node.op, ARITHMETIC) and (name := _figure(node.target)):
            found.append(f"{where}: {ast.unparse(node)} (computes with {name})")
        elif isinstance(node, ast.Call):
            f = node.func
            if isinstance(f, ast.Name) and f.id in ("round", "sum"):
                found.append(f"{where}: {ast.unparse(node)} ({f.id}() on a page)")
            elif isinstance(f, ast.Attribute) and f.attr in ("quantize", "to_integral_value"):
                found.append(f"{where}: {ast.unparse(node)} (rounding on a page)")
    return found


def test_no_page_computes_a_figure():
    found = [hit for path in PAGES for hit in arithmetic(path.read_text(encoding="utf-8"), str(path.relative_to(REPO)))]
    assert not found, (
        "Move these into the engine (a figure) or ftcost.views (a formatted value); pages only "
        "lay out what those return:\n" + "\n".join(found)
    )


@pytest.mark.parametrize(
    "line",
    [
        # What the pages once did, each now done by the engine or ftcost.views:
        "band = band.assign(p10=band.p10 * float(MONEY.rate), p90=band.p90 * float(MONEY.rate))",
        "x = round(float(MONEY.value(usd)), 2)",
        "with_wrong = o.monthly_usd + o.steady.wrong_answers_usd",
        "delta = card_total - ref.cumulative_usd[-1]",
        "share = Decimal(p.examples) / planned * 100",
        "total += m.total_usd",
        "cost = sum(m.total_usd for m in o.months)",
        "shown = usd.quantize(CENT)",
    ],
)
def test_the_scan_catches_page_arithmetic(line):
    assert arithmetic(line)


@pytest.mark.parametrize(
    "line",
    [
        # Layout and text: rows of cards, chart heights, widget keys, sentences.
        "count = -(-len(items) // most)",
        "rows = [items[i:i + width] for i in range(0, len(items), width)]",
        "height = max(120, 34 * len(order))",
        "colour = OPTION_COLOURS[i % len(OPTION_COLOURS)]",
        'key = KEPT + "measured"',
        "key = state.WIDGET + path",
        'text = _("Total over {months}").format(months=m) + " " + md(name)',
        'label = card.total + " " + _("in all")',
        "title = pilot.month_to_beat[:1].upper() + pilot.month_to_beat[1:]",
        "ss[RANGES + ':version'] += 1",
        "url = url[: -len(page_path) - 1]",
        "text = text + ('\\n\\n' + md(rate) if rate else '')",
        "codes = list(CURRENCIES) + ([money.currency] if money.currency not in CURRENCIES else [])",
    ],
)
def test_the_scan_lets_layout_and_text_through(line):
    assert not arithmetic(line)
