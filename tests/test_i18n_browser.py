"""The app in Chinese in a real browser (Debian's Chromium): a share link in 繁體中文 with NT$ opens in that
language and currency, and a browser set to Simplified Chinese gets 简体中文 without being asked. Saves the
screenshots (docs/screenshot-zh-Hant.png, docs/screenshot-zh-Hans.png) to look at: CJK glyphs need a CJK font
(Debian: fonts-noto-cjk, which .ci/run installs)."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import REPO
from served_app import CHROMIUM, FLAGS

from ftcost.scenario import DisplaySettings, default_scenario
from ftcost.share import PARAM, encode_link

pytestmark = pytest.mark.browser

DAY = dt.date(2026, 10, 1)


@pytest.mark.parametrize(
    "lang, browser_locale, answer, title",
    [
        ("zh-Hant", "en-US", "結論", "機場客服機器人"),  # the link's language wins over the browser's
        (None, "zh-CN", "结论", "机场客服机器人"),  # no language in the link: the browser's
    ],
)
def test_the_plan_page_in_chinese(served, lang, browser_locale, answer, title):
    from playwright.sync_api import expect, sync_playwright

    display = DisplaySettings(language=lang, currency="TWD")
    pinned = default_scenario().model_copy(update={"as_of": DAY, "display": display})
    shot = REPO / "docs" / f"screenshot-{'zh-Hant' if lang else 'zh-Hans'}.png"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        try:
            page = browser.new_context(locale=browser_locale, viewport={"width": 1440, "height": 1500}).new_page()
            page.goto(f"{served}/?{PARAM}={encode_link(pinned)}", timeout=120_000)
            expect(page.get_by_role("heading", name=title).first).to_be_visible(timeout=120_000)
            # The page draws top to bottom; on a loaded 2-core machine the metrics can come seconds after the heading.
            expect(page.get_by_text(answer, exact=True).first).to_be_visible(timeout=120_000)
            expect(page.locator('[data-testid="stMetricValue"]').filter(has_text="NT$").first).to_be_visible(
                timeout=120_000
            )
            page.wait_for_timeout(1500)  # let the charts finish drawing before the picture
            page.screenshot(path=str(shot))
        finally:
            browser.close()
    assert shot.stat().st_size > 10_000


@pytest.mark.parametrize("path, title", [("dataset", "資料集"), ("prices", "價格"), ("live", "即時校準")])
def test_the_dataset_and_prices_pages_in_traditional_chinese(served, path, title):
    """The Dataset, Prices and Live pages opened from a 繁體中文 link in NT$: the whole page is saved
    (docs/screenshot-zh-Hant-dataset.png, docs/screenshot-zh-Hant-prices.png, docs/screenshot-zh-Hant-live.png)
    to look at for CJK glyphs and truncated labels."""
    from playwright.sync_api import expect, sync_playwright

    pinned = default_scenario().model_copy(
        update={"as_of": DAY, "display": DisplaySettings(language="zh-Hant", currency="TWD")}
    )
    shot = REPO / "docs" / f"screenshot-zh-Hant-{path}.png"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        try:
            page = browser.new_context(locale="en-US", viewport={"width": 1440, "height": 1500}).new_page()
            page.goto(f"{served}/{path}?{PARAM}={encode_link(pinned)}", timeout=120_000)
            expect(page.get_by_role("heading", name=title, exact=True).first).to_be_visible(timeout=120_000)
            grid = page.locator('[data-testid="stDataFrame"]')
            expect(grid.first).to_be_visible(timeout=120_000)  # the Dataset page counts the file for every model
            expect(page.get_by_text("每 1 美元兌").first).to_be_visible(timeout=60_000)  # the page's one rate sentence
            page.wait_for_timeout(2500)  # the tables and the chart finish drawing before the picture
            page.screenshot(path=str(shot), full_page=True)
        finally:
            browser.close()
    assert shot.stat().st_size > 10_000
