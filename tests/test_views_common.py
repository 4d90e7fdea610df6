"""The shared formatting (ftcost.views.common): one rule each for what the CLI, the report and the pages show."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest

from ftcost import views
from ftcost.cli.analyze import format_lines, render
from ftcost.dataset import analyze_file
from ftcost.i18n import use
from ftcost.live.pilot import _dataset_errors
from ftcost.money import Display, format_usd
from ftcost.views import common as c

D = Decimal


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (D("12.25"), "12.3%"),  # half-up, as money: Decimal's own quantize would give 12.2%
        (D("12.35"), "12.4%"),
        (D("0"), "0.0%"),
        (D("-0.04"), "0.0%"),  # rounds to nothing: no "-0.0%"
        (D("-12.25"), "-12.3%"),  # away from zero, as format_usd rounds -$0.005 to -$0.01
        (D("123456.789"), "123,456.8%"),
        (None, "—"),
    ],
)
def test_percentages_round_half_up_like_money(value, text):
    assert c.pct(value) == text


def test_percentage_and_money_round_a_tie_the_same_way():
    assert c.pct(D("0.125"), places=2) == "0.13%" and format_usd(D("0.125")) == "$0.13"


@pytest.mark.parametrize(("p", "text"), [(0.0, "0%"), (0.735, "74%"), (0.005, "1%"), (1.0, "100%")])
def test_a_chance_is_a_whole_percentage_rounded_half_up(p, text):
    assert c.chance(p) == text  # Python's f"{0.735:.0%}" gives 73% (the float is just under 0.735)


@pytest.mark.parametrize(
    ("value", "places", "text"),
    [
        (D("24"), None, "24"),
        (D("2.50"), None, "2.5"),
        (D("0.125"), None, "0.125"),
        (D("1000"), None, "1,000"),
        (D("1E+1"), None, "10"),
        (D("-3.0"), None, "-3"),
        (D("83.35"), 1, "83.4"),
        (D("83.25"), 1, "83.3"),
        (D("24.04"), 1, "24"),
    ],
)
def test_plain_decimals_drop_trailing_zeros_and_exponents(value, places, text):
    assert c.plain(value, places=places) == text


@pytest.mark.parametrize(
    ("value", "places", "text"),
    [
        (D("2.5"), 0, "3"),
        (D("-2.5"), 0, "-3"),
        (D("0.05"), 1, "0.1"),
        (D("-0.04"), 1, "0.0"),
        (D("1234567.891"), 2, "1,234,567.89"),
        (D("0"), 2, "0.00"),
    ],
)
def test_rounded_is_half_up_with_separators(value, places, text):
    assert c.rounded(value, places) == text


@pytest.mark.parametrize(("n", "text"), [(0, "0"), (-5, "-5"), (1234, "1,234"), (10**12, "1,000,000,000,000")])
def test_token_counts(n, text):
    assert c.tokens(n) == text


@pytest.mark.parametrize(
    ("value", "missing", "text"),
    [
        (None, "—", "—"),
        (None, "-", "-"),
        (3, "—", "3"),
        (3.0, "—", "3"),
        (3.25, "—", "3.3"),
        (1234.5, "—", "1,234.5"),
    ],
)
def test_statistics(value, missing, text):
    assert c.statistic(value, missing) == text


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (None, "unknown"),
        (D("0"), "$0.0000"),
        (D("0.00005"), "$0.00005"),
        (D("0.000041"), "$0.000041"),  # below the place: two digits, as money.py
        (D("1234.56785"), "$1,234.5679"),
        (D("-0.01235"), "-$0.0124"),
    ],
)
def test_fine_amounts_to_a_hundredth_of_a_cent(amount, text):
    assert c.fine_usd(amount, missing="unknown") == text


def test_signed_and_per_answer_amounts():
    assert c.signed_usd(D("1234.565")) == "+$1,234.57" and c.signed_usd(D("-1")) == "-$1.00"
    assert c.signed_usd(D("0")) == "$0.00"
    assert c.per_answer_usd(None) == "—" and c.per_answer_usd(D("0.012345")) == "$0.0123"


def test_months():
    assert c.months(1) == "1 month" and c.months(12) == "12 months"
    assert c.month_text(4, 12) == "month 4" and c.month_text(None, 12) == "not within 12 months"
    with use("zh_Hant"):
        assert c.months(12) == "12 個月"


@pytest.mark.parametrize(
    ("done", "total", "percent"), [(0, 0, 100), (0, 10, 0), (5, 10, 50), (9, 10, 90), (11, 10, 100)]
)
def test_progress(done, total, percent):
    assert c.progress_percent(done, total) == percent


# --- line-number lists: one cut rule --------------------------------------------------------------------


def test_a_line_list_cuts_at_the_one_rule_and_counts_the_rest():
    assert c.line_list([]) == ""
    assert c.line_list([3]) == "3"
    assert c.line_list(list(range(1, c.LINES_SHOWN + 1))) == ", ".join(map(str, range(1, c.LINES_SHOWN + 1)))
    many = list(range(1, 5001))
    assert (
        c.line_list(many) == ", ".join(map(str, range(1, c.LINES_SHOWN + 1))) + f" … and {5000 - c.LINES_SHOWN:,} more"
    )
    # Only the first lines kept (a capped analysis): the count says how many there are.
    assert c.line_list([1, 2, 3], total=1000) == "1, 2, 3 … and 997 more"
    assert c.lines_text([]) == "the whole file" and c.lines_text([7]) == "line 7"
    assert c.lines_text([7], total=2) == "lines 7 … and 1 more"


def _bad_file(tmp_path: Path, bad: int) -> Path:
    good = '{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]}'
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join("[1]" if i % 2 else good for i in range(2 * bad)) + "\n", encoding="utf-8")
    return path


def test_the_cli_the_dataset_page_and_the_pilot_cut_line_lists_at_the_same_place(tmp_path):
    # They cut at 10, 12 and 5 (the pilot with a bare "…" and no count): a reader comparing the CLI with the page
    # saw different lines named.
    report = analyze_file(_bad_file(tmp_path, 30), "gpt-4o-mini-2024-07-18")
    lines = report.error_lines["data_type"]
    assert len(lines) == 30
    expected = c.line_list(lines)
    assert expected.endswith(f" … and {30 - c.LINES_SHOWN} more")
    assert f"data_type (30): lines {expected}" in render(report)
    assert format_lines(lines) == "lines " + expected
    page = views.issue_frame(report)
    assert page.loc[page.Problem == "data_type", "Lines"].item() == expected
    assert f"data_type on lines {expected}" in _dataset_errors(Path("bad.jsonl"), report)


def test_a_capped_list_says_the_same_count_on_the_cli_and_the_page():
    lines = [1, 2, 3, 4, 5]
    report = SimpleNamespace(
        error_lines={"data_type": lines}, errors={"data_type": 1000}, line_count=lambda category: 1000
    )
    assert "data_type on lines 1, 2, 3, 4, 5 … and 995 more" in _dataset_errors(Path("x.jsonl"), report)
    assert format_lines(lines, 1000) == "lines 1, 2, 3, 4, 5 … and 995 more"


def test_the_cli_uses_the_shared_formatting_without_loading_the_pages():
    code = "import sys, ftcost.cli.analyze, ftcost.views.common, ftcost.report; sys.exit('pandas' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def test_a_provider_rate_reads_the_same_on_the_cli_and_the_prices_page():
    import datetime as dt

    from ftcost.cli.provider_opts import render_provider
    from ftcost.pricing.providers import load_providers

    day = dt.date(2026, 11, 21)
    p = next(p for p in load_providers() if p.rates_on(day))
    rows = p.rates_on(day)
    assert list(views.provider_rate_frame(p, day).Price) == [c.rate_price(r.entry) for r in rows]
    cli = render_provider(p, day, rows)
    assert all(c.rate_price(r.entry) in cli for r in rows)


def test_rate_and_unit_prices():
    inference = SimpleNamespace(kind="inference", input=D("0.30"), output=D("1.2"), price=None)
    assert c.rate_price(inference) == "$0.30 in / $1.20 out"
    assert c.rate_price(SimpleNamespace(kind="gpu_hour", price=D("2.400"))) == "$2.40"
    assert c.price_text(D("0.075")) == "$0.075" and c.price_text(None) == "—"


def test_line_lists_in_the_readers_language_read_as_one_sentence():
    # The CLI and the Dataset page each had their own Chinese "… and N more"; shared, the lines' wrapper (第…行)
    # must go around the numbers only, not around "… and N more" too ("第 1 … 以及另外 19 行 行").
    many = list(range(1, 30))
    with use("zh-Hant"):
        assert c.lines_text([7]) == "第 7 行" and c.lines_text([]) == "整個檔案"
        assert c.lines_text(many) == "第 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 行 … 以及另外 19 行"
        assert c.line_list(many) == "1, 2, 3, 4, 5, 6, 7, 8, 9, 10 … 以及另外 19 行"
        assert format_lines(many) == c.lines_text(many)  # the CLI's summary, in the same words
    assert c.lines_text(many) == "lines 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 … and 19 more"


def test_prices_and_rates_in_the_readers_currency():
    # The Prices page shows prices in the display currency: the shared formatters take the page's Display.
    twd = Display(currency="TWD", rate=D("32.3768"), locale="zh_Hant_TW")
    inference = SimpleNamespace(kind="inference", input=D("0.30"), output=D("1.2"), price=None)
    with use("zh-Hant"):
        assert c.price_text(D("0.075"), money=twd) == twd.price(D("0.075")) and twd.price(D("0.075")).startswith("NT$")
        assert c.rate_price(inference, twd) == f"輸入 {twd.price(D('0.30'))}／輸出 {twd.price(D('1.2'))}"
    assert c.price_text(None, money=twd) == "—"


@pytest.mark.parametrize(
    ("typed", "text"),
    [(30000.0, "30,000"), (3e4, "30,000"), (2.5, "2.5"), (-5, "-5"), (0.1, "0.1"), (1234567.25, "1,234,567.25")],
)
def test_a_typed_number_as_the_refusal_repeats_it(typed, text):
    assert c.number_text(typed) == text
