"""User text never becomes Markdown or a spreadsheet formula: ftcost.text over the report, the CSVs and the app.

Names come from whoever wrote the scenario or the link (tests/hostile.py): images and links that would call a
server, raw HTML, `javascript:` links, `|` and newlines that break tables, `=HYPERLINK(…)` cells.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from hostile import hostile_scenario, names

from ftcost import report, views
from ftcost.dataset import analyze_bytes
from ftcost.measure_training import measured_plan
from ftcost.text import code, csv_cell, markdown

DAY = dt.date(2026, 10, 1)  # every option of the default scenario is served and its fine-tunes feasible

#: Markdown that would be active: an image or link opener not escaped, a `](` not escaped, raw HTML, a bare URL
#: or an e-mail address an autolinker would pick up, a `javascript:` target.
ACTIVE = [
    re.compile(r"(?<!\\)!(?<!\\)\[|(?<!\\)\]\("),
    re.compile(r"<[a-zA-Z/!]"),
    re.compile(r"https?://|www\.", re.I),
    re.compile(r"\w@\w"),
    re.compile(r"(?<!\\)\]\(\s*javascript:", re.I),
]


def active(text: str) -> list[str]:
    return [m.group(0) for pattern in ACTIVE for m in pattern.finditer(text)]


def unescaped_pipes(line: str) -> int:
    return len(re.findall(r"(?<!\\)\|", line))


@pytest.mark.parametrize(
    "text",
    names()
    + [
        "# heading",
        "1. item",
        "- item",
        "+ x",
        "= x",
        "~~gone~~",
        "$x^2$",
        ":red[danger]",
        "a\\",
        "x@example.com",
        "www.example.com",
        "**bold** _it_ `code`",
        "&lt;img&gt;",
    ],
)
def test_markdown_leaves_nothing_active(text):
    out = markdown(text)
    assert not active(out), out
    assert "\n" not in out and "\r" not in out
    assert unescaped_pipes(out) == 0
    assert not re.match(r"\s*([#>+\-=]|\d+[.)])", out)  # no block marker at the start
    assert not re.search(r"(?<!\\)[*_`~$]", out)


@pytest.mark.parametrize(
    "name",
    [
        "GPT-4o mini, long prompt",
        "Fine-tuned GPT-3.5 Turbo",
        "ML engineer",
        "Airport customer-service bot",
        "50% off (batch)",
    ],
)
def test_ordinary_names_come_out_unchanged(name):
    assert markdown(name) == name


def test_code_cannot_be_closed_early_or_split_a_table():
    out = code("ft:x`![i](http://h)|y")
    assert out.startswith("`") and out.endswith("`") and out.count("`") == 2
    assert unescaped_pipes(out) == 0


def test_the_markdown_report_of_a_hostile_scenario_has_nothing_active_and_whole_tables():
    plan = measured_plan(hostile_scenario(), DAY)
    md = report.to_markdown(plan)
    ours = md
    for source in {r["source"] for o in plan.options for r in o.rates.values()}:  # ftcost's own cited sources
        ours = ours.replace(source, "")
    assert not active(ours), active(ours)[:5]
    assert "<img" not in md and not re.search(r"(?<!\\)\]\(javascript", md)
    # Every row of every table has as many cells as its header.
    header = None
    for line in md.splitlines():
        if line.startswith("|"):
            header = header or unescaped_pipes(line)
            assert unescaped_pipes(line) == header, line
        else:
            header = None
    # Each hostile name is still there, readable, once per table row it heads.
    assert md.count("Re-enter your key here") >= 3


def test_the_report_of_an_ordinary_scenario_is_not_escaped():
    from ftcost.scenario import default_scenario

    plan = measured_plan(default_scenario(), DAY)
    md = report.to_markdown(plan)
    assert all(f"| {o.name} |" in md for o in plan.options)
    # The only escapes are those the providers' own notes need ("$0.48-$1.35", a "[CA]" citation).
    notes = "".join(w for w in plan.warnings if "$" in w or "[" in w)
    assert set(re.findall(r"\\(.)", md)) <= {"$", "[", "]"} and (notes or "\\" not in md)


@pytest.mark.parametrize(
    "value, expected",
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("GPT-4", "GPT-4"),
        ("", ""),
    ],
)
def test_csv_cell_neutralises_formulas(value, expected):
    assert csv_cell(value) == expected


def test_csv_cell_leaves_numbers_as_numbers():
    from decimal import Decimal

    assert csv_cell(Decimal("-12.50")) == Decimal("-12.50") and csv_cell(-3) == -3


FORMULA = re.compile(r"^[=+\-@\t\r]")


def _cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def test_the_monthly_csv_of_a_hostile_scenario_has_no_formula_cell():
    plan = measured_plan(hostile_scenario(), DAY)
    rows = list(csv.DictReader(io.StringIO(report.to_csv(plan))))
    assert {r["option"] for r in rows} >= {
        '\'=HYPERLINK("http://x","y") [j](javascript:alert(1))',
        "'@SUM(1) <http://127.0.0.1:9/track?o=5> http://127.0.0.1:9/track?o=6",
    }
    text_cells = [c for r in rows for k, c in r.items() if k in ("option", "served_by", "model")]
    assert not [c for c in text_cells if FORMULA.match(c)]
    # Amounts stay numbers: a negative one would still read as a number.
    assert all(re.fullmatch(r"-?[\d.]+(E[+-]?\d+)?", r["total_usd"]) for r in rows)


def test_the_dataset_issue_csv_neutralises_the_uploaded_file_name():
    data = b'{"messages": [{"role": "user", "content": "hi"}]}\nnot json\n'
    rep = analyze_bytes(data, '=HYPERLINK("http://evil","x").jsonl', "gpt-4o-mini-2024-07-18")
    cells = _cells(views.issue_lines_csv(rep))
    assert '\'=HYPERLINK("http://evil","x").jsonl' in cells
    assert not [c for c in cells if FORMULA.match(c)]


# --- the app: every text a page renders as Markdown -----------------------------------------------------------

PAGES = [
    "ui/page_plan.py",
    "ui/page_dataset.py",
    "ui/page_prompts.py",
    "ui/page_people.py",
    "ui/page_prices.py",
    "ui/page_live.py",
]
SHOWS_NAMES = {"ui/page_plan.py", "ui/page_prompts.py", "ui/page_people.py", "ui/page_live.py"}


def _rendered_markdown(at) -> list[str]:
    """Every string the page hands Streamlit's Markdown renderer: bodies, titles, alerts, metric labels,
    values and deltas (Streamlit renders those as Markdown too)."""
    texts = []
    for kind in ("markdown", "caption", "title", "header", "subheader", "info", "warning", "error", "success"):
        texts += [e.value for e in getattr(at, kind)]
    for m in at.metric:
        texts += [m.label, m.value, m.delta or ""]
    return [t for t in texts if isinstance(t, str)]


@pytest.mark.app
@pytest.mark.parametrize("page", PAGES)
def test_a_hostile_link_renders_no_active_markdown_on_any_page(page):
    from conftest import REPO
    from streamlit.testing.v1 import AppTest

    from ftcost.share import PARAM, encode_link

    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    at.query_params[PARAM] = encode_link(hostile_scenario().model_copy(update={"as_of": DAY}))
    at.run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    texts = _rendered_markdown(at)
    if page in SHOWS_NAMES:
        assert any(marker in t for t in texts for marker in ("Re-enter your key here", "HYPERLINK", "SUM(1)")), (
            "the hostile names should be on the page (escaped), or the test proves nothing"
        )
    ours = "\n".join(texts)
    for url in re.findall(r"https://[^\s)|]+", ours):  # links the app itself writes (none from the scenario)
        assert "127.0.0.1" not in url
    # Addresses the app itself writes: cited sources, and the API server it names in code (`…`).
    bad = [t for t in texts if active(re.sub(r"https://(?!127\.0\.0\.1)[^\s)|]+|`http://127\.0\.0\.1:9/v1`", "", t))]
    assert not bad, bad[:3]
