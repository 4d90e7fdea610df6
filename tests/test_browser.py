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


def _enter_each(page, box: str, values, *, pause_ms: int) -> None:
    """Type each value into the number box `box` (a selector) and press Enter, waiting until the box shows it and
    then `pause_ms` more: the app's rerun settles before the next edit, as a person's typing would."""
    from playwright.sync_api import expect

    field = page.locator(box)
    for value in values:
        field.fill(value)
        field.press("Enter")
        expect(field).to_have_value(value, timeout=60_000)
        page.wait_for_timeout(pause_ms)


def test_a_manager_sees_break_even_move_when_the_volume_changes(served, chromium):
    from playwright.sync_api import expect

    pinned = _moving()
    before, after = _break_even(30_000), _break_even(10_000)
    assert before != after  # the change below must move the figure, or the test proves nothing

    page = chromium.new_page(viewport={"width": 1440, "height": 1400})
    page.goto(f"{served}/?{PARAM}={encode_link(pinned)}", timeout=120_000)
    first = page.locator('[data-testid="stMetric"]').filter(has_text="Break-even").first
    value = first.locator('[data-testid="stMetricValue"]')
    expect(value).to_have_text(before, timeout=120_000)
    expect(page.get_by_text("The answer", exact=True)).to_be_visible(timeout=60_000)

    box = page.locator('input[aria-label="Requests per month"]')
    box.fill("10000")
    box.press("Enter")
    expect(value).to_have_text(after, timeout=60_000)


#: A day the default scenario's fine-tunes can still be carried out, so the pictures show a payback.
PICTURE_DAY = dt.date(2026, 10, 1)
NARROW = REPO / "docs" / "screenshot-400.png"
NARROW_CHARTS = REPO / "docs" / "screenshot-400-charts.png"


def _settled(page) -> None:
    """Wait until the app has finished running (no status widget for a moment) and the charts have drawn."""
    for _ in range(3):
        page.wait_for_timeout(1500)
        page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden", timeout=120_000)


def test_screenshots_at_1400_and_400_px(served, chromium):
    """The README's picture at 1400 px, and the page at a phone's 400 px: looked at, not just taken."""
    from playwright.sync_api import expect

    pinned = default_scenario().model_copy(update={"as_of": PICTURE_DAY})
    # Streamlit scrolls inside its own container, so a "full page" picture is one screen: the narrow one
    # is taken through a tall window instead, to show the charts below the answer.
    for width, height, path in ((1400, 1400, SCREENSHOT), (400, 7000, NARROW), (400, 1400, NARROW_CHARTS)):
        page = chromium.new_page(viewport={"width": width, "height": height})
        page.goto(f"{served}/#{PARAM}={encode_link(pinned)}", timeout=120_000)
        page.wait_for_function("() => !location.hash", timeout=120_000)  # the link's scenario is loaded
        expect(page.get_by_text("Cheapest over 12 months").first).to_be_visible(timeout=120_000)
        _settled(page)
        for value in page.locator('[data-testid="stMetricValue"]').all():
            if width >= 1400:  # a headline figure cut off with "…" reads as a different number
                assert value.evaluate(
                    "e => [e, ...e.querySelectorAll('*')].every(x => x.scrollWidth <= x.clientWidth + 1)"
                ), value.inner_text()
        if path == NARROW_CHARTS:
            page.get_by_role("heading", name="Cumulative cost").scroll_into_view_if_needed()
            page.wait_for_timeout(1500)
            charts = [c for c in page.locator('[data-testid="stVegaLiteChart"]').all() if c.is_visible()]
            assert len(charts) >= 3  # each option's month, the cumulative cost, where the money goes
            for chart in charts:
                # Usable means the plot gets the width (its legend sits below), not a strip beside it.
                assert chart.bounding_box()["width"] > 300
        path.parent.mkdir(exist_ok=True)
        page.screenshot(path=str(path))
        page.close()
    assert SCREENSHOT.stat().st_size > 10_000 and NARROW.stat().st_size > 10_000


def test_a_fragment_link_opens_its_scenario_and_edits_add_no_history(served, chromium):
    from playwright.sync_api import expect

    shared = load_scenario(gallery()["reviews"])
    page = chromium.new_page(viewport={"width": 1400, "height": 1200})
    page.goto(f"{served}/#{PARAM}={encode_link(shared)}", timeout=120_000)
    expect(page.get_by_role("heading", name=shared.name)).to_be_visible(timeout=120_000)
    page.wait_for_function("() => !location.hash", timeout=30_000)  # read, then dropped from the address
    before = page.evaluate("history.length")
    _enter_each(page, 'input[aria-label="Requests per month"]', ("1234", "2345"), pause_ms=1500)
    assert page.evaluate("history.length") == before
    assert "?s=" not in page.url and "#s=" not in page.url


def test_a_number_box_shows_what_the_plan_uses_3e4_included(served, chromium):
    """Streamlit's whole-number box read "3e4" as 3, and kept a number below its minimum on screen ("Press Enter to
    apply") while the plan kept the old one."""
    from playwright.sync_api import expect

    page = chromium.new_page(viewport={"width": 1400, "height": 1200})
    page.goto(served, timeout=120_000)
    expect(page.get_by_text("The answer", exact=True)).to_be_visible(timeout=120_000)
    box = page.locator('input[aria-label="Requests per month"]')
    box.fill("2e4")
    box.press("Enter")
    expect(page.get_by_text("volume (20,000 requests)")).to_be_visible(timeout=60_000)
    expect(box).to_have_value("20000")
    box.fill("-5")
    box.press("Enter")
    expect(page.get_by_text("Requests per month must be at least 1, not -5. The plan keeps 20,000.")).to_be_visible(
        timeout=60_000
    )
    expect(box).to_have_value("20000")
    assert not page.get_by_text("Press Enter to apply").is_visible()
    expect(page.get_by_text("volume (20,000 requests)")).to_be_visible()


def test_back_after_two_edits_goes_back_one_page_at_once_and_keeps_the_edits(served, chromium):
    from playwright.sync_api import expect

    page = chromium.new_page(viewport={"width": 1400, "height": 1200})
    page.goto(served, timeout=120_000)
    expect(page.get_by_text("The answer", exact=True)).to_be_visible(timeout=120_000)
    page.get_by_role("link", name="People & pilot").click()
    expect(page.get_by_role("heading", name="People & pilot")).to_be_visible(timeout=60_000)
    _enter_each(page, 'input[aria-label="Fine-tuning iterations"]', ("4", "5"), pause_ms=1000)
    page.go_back()  # one press: the page before the edits, not an undone edit that looks the same
    expect(page.get_by_text("The answer", exact=True)).to_be_visible(timeout=60_000)
    assert page.url.rstrip("/") == served.rstrip("/")
    page.go_forward()
    expect(page.locator('input[aria-label="Fine-tuning iterations"]')).to_have_value("5", timeout=60_000)


def test_the_training_upload_says_the_limit_its_uploader_shows(served, chromium):
    import re

    from playwright.sync_api import expect

    page = chromium.new_page(viewport={"width": 1400, "height": 1200})
    page.goto(f"{served}/dataset", timeout=120_000)
    label = page.get_by_text(re.compile(r"Upload a training file \(JSONL, up to \d+ MB\)"))
    expect(label).to_be_visible(timeout=120_000)
    size = re.search(r"up to (\d+) MB", label.inner_text()).group(1)
    expect(page.get_by_text(f"{size}MB per file • JSONL, JSON, TXT")).to_be_visible()
