"""A real browser against the served app: Debian's Chromium, driven by playwright, on a free local port.

It opens the Plan page, reads the default scenario's break-even metric, changes the request volume and
waits for the figure the engine gives for the new volume, and saves the README's screenshot. Locally,
without /usr/bin/chromium, it is skipped with the reason; under CI (CI=true) a missing browser fails.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from ftcost import engine
from ftcost.scenario import default_scenario
from ftcost.share import PARAM, encode_link

from conftest import REPO

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]
#: The page opens with a share link that pins the price date, so the expected figures do not move with the clock.
DAY = dt.date(2026, 11, 21)
SCREENSHOT = REPO / "docs" / "screenshot.png"


def _need_chromium() -> None:
    if CHROMIUM.exists():
        return
    reason = f"{CHROMIUM} is missing (apt-get install chromium); the browser test needs Debian's Chromium"
    if os.environ.get("CI") == "true":
        pytest.fail(reason + " and CI must run it, not skip it.")
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def served():
    _need_chromium()
    port = _free_port()
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "streamlit"), "run", "app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=dict(os.environ),
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"streamlit did not become healthy on {url} (exit code {proc.poll()})")
            time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def _break_even(requests: int) -> str:
    """The Plan page's first break-even metric, from the engine: the first fine-tune against the first base."""
    scenario = default_scenario().model_copy(deep=True)
    scenario.workload.requests_per_month = requests
    plan = engine.plan(scenario, DAY)
    first_base = next(o.name for o in plan.options if not o.fine_tuned)
    be = next(b for b in plan.break_even if b.against == first_base)
    return f"Month {be.month}" if be.month else f"Not within {plan.horizon_months} months"


def test_a_manager_sees_break_even_move_when_the_volume_changes(served):
    from playwright.sync_api import expect, sync_playwright

    pinned = default_scenario().model_copy(update={"as_of": DAY})
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
            expect(page.get_by_text("The answer")).to_be_visible()
            page.wait_for_timeout(1500)  # let the charts finish drawing before the picture
            SCREENSHOT.parent.mkdir(exist_ok=True)
            page.screenshot(path=str(SCREENSHOT))

            box = page.locator('input[aria-label="Requests per month"]')
            box.fill("10000")
            box.press("Enter")
            expect(value).to_have_text(after, timeout=60_000)
        finally:
            browser.close()
    assert SCREENSHOT.stat().st_size > 10_000
