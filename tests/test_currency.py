"""Money in the reader's currency: the engine computes in USD, one Display converts for showing at one dated
rate (pricing/fx.toml, or the scenario's own, which wins and is named), and the report says the rate once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from conftest import run_cli as run
from hypothesis import given
from hypothesis import strategies as st

from ftcost import i18n, report
from ftcost.errors import ScenarioError
from ftcost.measure_training import measured_plan
from ftcost.money import Display, format_usd
from ftcost.pricing.fx import display_for, load_fx, rate_on, rate_sentence
from ftcost.scenario import DisplaySettings, dump_scenario, gallery, parse_scenario
from ftcost.share import decode_link, encode_link


@given(st.decimals(min_value=Decimal("-1e7"), max_value=Decimal("1e7"), places=6, allow_nan=False))
def test_usd_in_english_is_exactly_format_usd(amount):
    assert Display().amount(amount) == format_usd(amount)


def test_converting_rounds_half_up_to_the_currency_s_decimals():
    twd = Display("TWD", Decimal("32.1"), locale="zh_Hant_TW")
    assert twd.amount(Decimal("100")) == "NT$3,210"
    assert twd.amount(Decimal("0.05")) == "NT$2" and twd.per_answer(Decimal("0.005")) == "NT$0.16"
    assert twd.amount(Decimal("-2")) == "-NT$64" and twd.signed(Decimal("2")) == "+NT$64"
    assert twd.amount(Decimal("0.0000001")) == "NT$0.0000032"  # a real cost never shows as zero
    jpy = Display("JPY", Decimal("157.86"), locale="en")
    assert jpy.amount(Decimal("10")) == "¥1,579" and jpy.per_answer(Decimal("0.001")) == "¥0.16"
    assert Display(locale="zh_Hant_TW").amount(Decimal("1234.565")) == "US$1,234.57"


def test_labour_rates_typed_in_the_display_currency_come_back_the_same():
    twd = Display("TWD", Decimal("32.3768"), locale="zh_Hant_TW")
    for typed in (Decimal("1500"), Decimal("999.99"), Decimal("3200")):
        usd = twd.to_usd(typed)
        assert twd.amount(usd) == twd.amount(typed / twd.rate)
        assert abs(twd.value(usd) - typed) < Decimal("0.005")


def test_the_rate_table_is_sourced_and_dated():
    fx = load_fx()
    assert {r.currency for r in fx.rate} == {"TWD", "CNY", "EUR", "JPY"}
    for r in fx.rate:
        assert r.sources and all(fx.source[k].url.startswith("https://") for k in r.sources)
        assert r.verified == all(fx.source[k].primary for k in r.sources), (r.currency, r.month)


def test_the_rate_is_the_latest_month_on_or_before_the_price_date():
    june = rate_on("TWD", dt.date(2024, 6, 30))
    assert june.month == dt.date(2024, 6, 1) and june.units_per_usd == Decimal("32.3768") and not june.stale
    assert rate_on("TWD", dt.date(2024, 5, 31)).month == dt.date(2024, 5, 1)
    early = rate_on("JPY", dt.date(2020, 1, 1))
    assert early.before_table and early.month == min(r.month for r in load_fx().rate if r.currency == "JPY")
    assert rate_on("EUR", dt.date(2024, 6, 2)).units_per_usd == 1 / Decimal("1.0763")
    assert rate_on("KRW", dt.date(2024, 6, 2)) is None


def test_a_currency_without_a_rate_is_one_sentence():
    with pytest.raises(ScenarioError, match=r"no KRW rate .* state one in the scenario"):
        display_for(None, dt.date(2026, 1, 1), currency="KRW")
    money, found = display_for(None, dt.date(2026, 1, 1), currency="KRW", rate=Decimal("1400"))
    assert money.stated and found is None and money.amount(Decimal("1")) == "₩1,400"


def _reviews(extra: str = ""):
    path = gallery()["reviews"]
    scenario = parse_scenario(path.read_text(encoding="utf-8") + extra)
    return scenario, measured_plan(scenario, scenario.as_of, folder=path.parent)


def test_the_scenario_s_stated_rate_wins_and_the_report_names_it():
    scenario, plan = _reviews(
        '\n[display]\ncurrency = "TWD"\nrate = 32.1\nrate_date = 2026-11-30\n'
        'rate_source = "Bank of Taiwan, spot selling rate"\n'
    )
    money, found = display_for(scenario.display, plan.as_of)
    assert money.rate == Decimal("32.1") and money.stated and found is None
    md = report.to_markdown(plan, money=money, found=found)
    assert "the scenario's own rate for 2026-11-30 (Bank of Taiwan, spot selling rate)" in md
    assert md.count("Amounts in TWD at 32.1 TWD per US dollar") == 1
    ft = next(o for o in plan.options if o.fine_tuned)
    # The figures are the engine's USD amounts × the stated rate, rounded to cents, and no US dollar amount is left.
    expected = Display("TWD", Decimal("32.1")).amount(ft.cumulative_usd[-1])
    assert expected in md and format_usd(ft.cumulative_usd[-1]) not in md


def test_without_a_stated_rate_the_table_s_rate_and_month_are_said_once():
    scenario, plan = _reviews('\n[display]\ncurrency = "JPY"\n')
    money, found = display_for(scenario.display, plan.as_of)
    assert found.month == dt.date(2023, 6, 1) and money.rate == Decimal("141.3581")
    md = report.to_markdown(plan, money=money, found=found)
    assert md.count("per US dollar, the rate for 2023-06") == 1 and "Federal Reserve" in md
    with i18n.use("zh-Hant"):
        zh = report.to_markdown(plan, money=money, found=found)
    assert zh.count("匯率為每 1 美元兌 141.3581 JPY") == 1


def test_display_settings_travel_in_files_and_links():
    scenario, _ = _reviews('\n[display]\nlanguage = "zh-Hant"\ncurrency = "TWD"\nrate = 32.1\n')
    assert parse_scenario(dump_scenario(scenario)) == scenario
    assert decode_link(encode_link(scenario)).display == DisplaySettings(
        language="zh-Hant", currency="TWD", rate=Decimal("32.1")
    )


@pytest.mark.parametrize(
    "table, problem",
    [
        ("rate = 32.1\n", "needs the currency"),
        ('currency = "twd"\n', "currency"),
        ('currency = "TWD"\nrate = 0\n', "rate"),
        ('language = "fr"\n', "language"),
    ],
)
def test_bad_display_settings_are_one_sentence(table, problem):
    with pytest.raises(ScenarioError, match=problem):
        _reviews("\n[display]\n" + table)


def test_cli_currency_and_rate(capsys):
    code, out, _ = run(capsys, "report", "reviews", "--currency", "cny", "--lang", "zh-Hans")
    assert code == 0 and "金额以 CNY 显示" in out and "¥" in out
    code, out, _ = run(capsys, "report", "reviews", "--currency", "KRW", "--rate", "1390.5")
    assert code == 0 and "Amounts in KRW at 1390.5 KRW per US dollar, the scenario's own rate" in out
    code, _, err = run(capsys, "report", "reviews", "--currency", "KRW")
    assert code == 2 and "no KRW rate" in err
    code, _, err = run(capsys, "report", "reviews", "--rate", "30")
    assert code == 2 and "--rate needs --currency" in err
    code, out, _ = run(capsys, "report", "reviews", "--json", "--currency", "EUR")
    assert code == 0 and '"currency": "EUR"' in out and '"rate_date": "2023-06-01"' in out


def test_rate_sentence_is_none_for_usd():
    assert rate_sentence(Display()) is None


def test_a_stale_rate_says_where_a_newer_one_is_given_in_a_file_and_on_a_page():
    # Months after the table's last TWD rate: the report asks for one in the scenario file, the app for one in
    # the sidebar's rate box (where a visitor types it), in the reader's language.
    day = dt.date(2027, 3, 1)
    money, found = display_for(DisplaySettings(currency="TWD"), day)
    assert found is not None and found.stale
    in_file = rate_sentence(money, found, day)
    on_page = rate_sentence(money, found, day, on_page=True)
    assert "([display] rate)" in in_file and "([display] rate)" not in on_page
    assert "type a newer one in the sidebar's rate box" in on_page
    with i18n.use("zh-Hant"):
        assert "請在側欄的匯率欄輸入較新的匯率" in rate_sentence(money, found, day, on_page=True)
