"""The app in each language under AppTest: the page titles, the answer and the sidebar are translated, the
amounts are in the chosen currency with the rate said once, and the language travels in the share link."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import REPO
from streamlit.testing.v1 import AppTest

from ftcost import i18n
from ftcost.scenario import DisplaySettings, default_scenario
from ftcost.share import PARAM, decode_link, encode_link

APP = str(REPO / "app.py")
DAY = dt.date(2026, 10, 1)
PAGES = ["ui/page_plan.py", "ui/page_dataset.py", "ui/page_prompts.py", "ui/page_people.py", "ui/page_live.py",
         "ui/page_prices.py"]


def start(lang: str, currency: str = "USD") -> AppTest:
    scenario = default_scenario().model_copy(update={
        "as_of": DAY, "display": DisplaySettings(language=lang, currency=currency)})
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params[PARAM] = encode_link(scenario)
    at.run()
    assert not at.exception, at.exception
    return at


def link(at: AppTest) -> str:
    """The payload of the link the sidebar's Share link box shows (after its '#s=')."""
    return next(c.value for c in at.sidebar.code if f"#{PARAM}=" in c.value).split(f"#{PARAM}=", 1)[1]


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [t.value for t in at.title]
    parts += [s.value for s in at.subheader] + [m.label for m in at.metric] + [m.value for m in at.metric]
    return "\n".join(str(p) for p in parts)


@pytest.mark.parametrize("lang, title, heading", [
    ("en", "Airport customer-service bot", "Cumulative cost"),
    ("zh-Hant", "機場客服機器人", "累計費用"),
    ("zh-Hans", "机场客服机器人", "累计费用"),
])
def test_the_plan_page_in_each_language(lang, title, heading):
    at = start(lang, "TWD")
    assert at.title[0].value == title
    assert heading in [s.value for s in at.subheader]
    shown = texts(at)
    assert "NT$" in shown and "US$" not in shown.replace("US$)", "")
    rate = {"en": "per US dollar", "zh-Hant": "每 1 美元兌", "zh-Hans": "每 1 美元兑"}[lang]
    assert sum(c.value.count(rate) for c in at.caption if "TWD" in c.value) >= 1


@pytest.mark.parametrize("lang", list(i18n.LANGUAGES))
@pytest.mark.parametrize("page", PAGES[1:])
def test_every_page_renders_in_each_language(lang, page):
    at = start(lang)
    at.switch_page(page).run()
    assert not at.exception, at.exception


def test_the_language_chosen_in_the_sidebar_goes_into_the_link():
    at = start("en")
    at.selectbox(key="display_language").set_value("zh-Hant").run()
    assert not at.exception, at.exception
    assert at.title[0].value == "機場客服機器人"
    assert decode_link(link(at)).display.language == "zh-Hant"
    at.selectbox(key="display_currency").set_value("CNY").run()
    assert decode_link(link(at)).display.currency == "CNY"
    assert any("CN¥" in m.value for m in at.metric)


def test_labour_rates_are_typed_in_the_display_currency_and_kept_in_usd():
    from decimal import Decimal

    scenario = default_scenario().model_copy(update={
        "as_of": DAY, "display": DisplaySettings(language="zh-Hant", currency="TWD", rate=Decimal("32.1"))})
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params[PARAM] = encode_link(scenario)
    at.run()
    at.switch_page("ui/page_people.py").run()
    assert not at.exception, at.exception
    before = {r.role: r.hourly_usd for r in at.session_state["scenario"].labour.role}
    at.session_state["w:labour.role#0"] = {"edited_rows": {}, "deleted_rows": [], "added_rows": [
        {"Role": "QA lead", "Hourly cost ($)": 3210.0, "Hours per iteration": 4.0}]}
    at.run()
    assert not at.exception, at.exception
    after = {r.role: r.hourly_usd for r in at.session_state["scenario"].labour.role}
    assert after.pop("QA lead") == Decimal("100") and after == before  # the others keep their exact USD
