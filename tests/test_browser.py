"""A real browser against the served app: Debian's Chromium, driven by playwright, on a free local port.

It opens the Plan page, reads the default scenario's break-even metric, changes the request volume and
waits for the figure the engine gives for the new volume, and saves the README's screenshot. Locally,
without /usr/bin/chromium, it is skipped with the reason; under CI (CI=true) a missing browser fails.
"""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import REPO
from served_app import CHROMIUM, FLAGS

from ftcost.measure_training import measured_plan
from ftcost.scenario import Scenario, default_scenario, gallery, load_scenario
from ftcost.share import PARAM, encode_link

pytestmark = pytest.mark.browser

SCREENSHOT = REPO / "docs" / "screenshot.png"



def _moving() -> Scenario:
    """A scenario whose fine-tune pays back and moves with the volume: the 2023 airport bot (today's default
    cannot fine-tune any more, so it has no break-even to move)."""
    return load_scenario(gallery()["airport-2023"])


def _break_even(requests: int) -> str:
    """The Plan page's first break-even metric, from the engine: the first fine-tune against the first base."""
    scenario = _moving().model_copy(deep=True)
    scenario.workload.requests_per_month = requests
    plan = measured_plan(scenario, folder=gallery()["airport-2023"].parent)
    first_base = next(o.name for o in plan.options if not o.fine_tuned)
    be = next(b for b in plan.break_even if b.against == first_base)
    return f"Month {be.month}" if be.month else "No"


def test_a_manager_sees_break_even_move_when_the_volume_changes(served):
    from playwright.sync_api import expect, sync_playwright

    pinned = _moving()
    before, after = _break_even(30_000), _break_even(10_000)
    assert before != after  # the change below must move the figure, or the test proves nothing

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 1400})
            page.goto(f"{served}/?{PARAM}={encode_link(pinned)}", timeout=120_000)
            first = page.locator('[data-testid="stMetric"]').filter(has_text="Break-even").first
            value = first.locator('[data-testid="stMetricValue"]')
            expect(value).to_have_text(before, timeout=120_000)
            expect(page.get_by_text("The answer", exact=True)).to_be_visible(timeout=60_000)

            box = page.locator('input[aria-label="Requests per month"]')
            box.fill("10000")
            box.press("Enter")
            expect(value).to_have_text(after, timeout=60_000)
        finally:
            browser.close()


#: A day the default scenario's fine-tunes can still be carried out, so the pictures show a payback.
PICTURE_DAY = dt.date(2026, 10, 1)
NARROW = REPO / "docs" / "screenshot-400.png"
NARROW_CHARTS = REPO / "docs" / "screenshot-400-charts.png"


def test_screenshots_at_1400_and_400_px(served):
    """The README's picture at 1400 px, and the page at a phone's 400 px: looked at, not just taken."""
    from playwright.sync_api import expect, sync_playwright

    pinned = default_scenario().model_copy(update={"as_of": PICTURE_DAY})
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        try:
            # Streamlit scrolls inside its own container, so a "full page" picture is one screen: the narrow one
            # is taken through a tall window instead, to show the charts below the answer.
            for width, height, path in ((1400, 1400, SCREENSHOT), (400, 7000, NARROW), (400, 1400, NARROW_CHARTS)):
                page = browser.new_page(viewport={"width": width, "height": height})
                page.goto(f"{served}/#{PARAM}={encode_link(pinned)}", timeout=120_000)
                expect(page.get_by_text("Cheapest over 12 months").first).to_be_visible(timeout=120_000)
                page.wait_for_timeout(2500)  # let the charts finish drawing before the picture
                for value in page.locator('[data-testid="stMetricValue"]').all():
                    if width >= 1400:  # a headline figure cut off with "…" reads as a different number
                        assert value.evaluate(
                            "e => [e, ...e.querySelectorAll('*')].every(x => x.scrollWidth <= x.clientWidth + 1)"), value.inner_text()
                if path == NARROW_CHARTS:
                    chart = page.locator('[data-testid="stVegaLiteChart"]').first
                    chart.scroll_into_view_if_needed()
                    page.wait_for_timeout(1500)
                    # Usable means the lines get most of the width, not a strip beside the legend.
                    assert chart.bounding_box()["width"] > 300
                path.parent.mkdir(exist_ok=True)
                page.screenshot(path=str(path))
                page.close()
        finally:
            browser.close()
    assert SCREENSHOT.stat().st_size > 10_000 and NARROW.stat().st_size > 10_000


def test_a_fragment_link_opens_its_scenario_and_edits_add_no_history(served):
    from playwright.sync_api import expect, sync_playwright

    shared = load_scenario(gallery()["reviews"])
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1200})
            page.goto(f"{served}/#{PARAM}={encode_link(shared)}", timeout=120_000)
            expect(page.get_by_role("heading", name=shared.name)).to_be_visible(timeout=120_000)
            page.wait_for_function("() => !location.hash", timeout=30_000)  # read, then dropped from the address
            before = page.evaluate("history.length")
            box = page.locator('input[aria-label="Requests per month"]')
            for n in ("1234", "2345"):
                box.fill(n)
                box.press("Enter")
                expect(box).to_have_value(n, timeout=60_000)
                page.wait_for_timeout(1500)
            assert page.evaluate("history.length") == before
            assert "?s=" not in page.url and "#s=" not in page.url
        finally:
            browser.close()
