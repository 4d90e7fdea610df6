"""A real browser against the served app: Debian's Chromium, driven by playwright, on a free local port.

It opens the Plan page, reads the default scenario's break-even metric, changes the request volume and
waits for the figure the engine gives for the new volume, and saves the README's screenshot. Locally,
without /usr/bin/chromium, it is skipped with the reason; under CI (CI=true) a missing browser fails.
"""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import REPO

from ftcost.measure_training import measured_plan
from ftcost.scenario import default_scenario
from ftcost.share import PARAM, encode_link

pytestmark = pytest.mark.browser

from served_app import CHROMIUM, FLAGS, need_chromium, serve_app

#: The page opens with a share link that pins the price date, so the expected figures do not move with the clock.
DAY = dt.date(2026, 10, 1)  # a day on which the default scenario's fine-tunes can still be carried out
SCREENSHOT = REPO / "docs" / "screenshot.png"



@pytest.fixture(scope="module")
def served():
    need_chromium()
    with serve_app() as url:
        yield url


def _break_even(requests: int) -> str:
    """The Plan page's first break-even metric, from the engine: the first fine-tune against the first base."""
    scenario = default_scenario().model_copy(deep=True)
    scenario.workload.requests_per_month = requests
    plan = measured_plan(scenario, DAY)
    first_base = next(o.name for o in plan.options if not o.fine_tuned)
    be = next(b for b in plan.break_even if b.against == first_base)
    return f"Month {be.month}" if be.month else f"Not within {plan.horizon_months} months"


def test_a_manager_sees_break_even_move_when_the_volume_changes(served):
    from playwright.sync_api import expect, sync_playwright

    pinned = default_scenario().model_copy(update={"as_of": DAY})
    before, after = _break_even(30_000), _break_even(300_000)
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
            page.wait_for_timeout(1500)  # let the charts finish drawing before the picture
            SCREENSHOT.parent.mkdir(exist_ok=True)
            page.screenshot(path=str(SCREENSHOT))

            box = page.locator('input[aria-label="Requests per month"]')
            box.fill("300000")
            box.press("Enter")
            expect(value).to_have_text(after, timeout=60_000)
        finally:
            browser.close()
    assert SCREENSHOT.stat().st_size > 10_000
