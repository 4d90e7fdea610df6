"""A real Chromium opens crafted links on the served app: nothing the scenario says reaches out, and nothing
leaves this machine at all. A listener on loopback stands in for the attacker's tracking server."""

from __future__ import annotations

import datetime as dt
import http.server
import threading
from urllib.parse import urlsplit

import pytest
from hostile import hostile_scenario
from served_app import CHROMIUM, FLAGS, free_port

from ftcost.scenario import default_scenario
from ftcost.share import PARAM, encode_link

pytestmark = pytest.mark.browser

DAY = dt.date(2026, 10, 1)  # every option of the default scenario is served and its fine-tunes feasible
LOCAL = {"127.0.0.1", "localhost"}


class _Listener(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):  # noqa: N802 (http.server's name)
        type(self).hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/gif")
        self.end_headers()
        self.wfile.write(b"GIF89a\x01\x00\x01\x00\x00\x00\x00;")

    def log_message(self, *args):
        pass


@pytest.fixture
def listener():
    _Listener.hits = []
    port = free_port()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), _Listener)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield port, _Listener.hits
    finally:
        server.shutdown()
        server.server_close()


def _open(
    url: str, pages: list[str], wait_for: str | None, requests: list[str], links: list[str] | None = None
) -> list[str]:
    """Open `url`, then each page in `pages` by its navigation link; every request the browser makes is
    recorded in `requests`, every link's address in `links`. Returns the visible text of each page."""
    from playwright.sync_api import expect, sync_playwright

    texts = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 1400})
            page.on("request", lambda r: requests.append(r.url))
            page.goto(url, timeout=120_000)
            for i, title in enumerate(pages):
                if i:
                    page.get_by_role("link", name=title).first.click()
                expect(page.locator('[data-testid="stMain"]')).to_be_visible(timeout=120_000)
                if wait_for and i == 0:
                    expect(page.get_by_text(wait_for).filter(visible=True).first).to_be_visible(timeout=120_000)
                page.wait_for_timeout(3000)  # images, icons and fonts load after the text
                texts.append(page.locator('[data-testid="stMain"]').inner_text())
                if links is not None:
                    links += page.locator("a").evaluate_all("els => els.map(e => e.href)")
        finally:
            browser.close()
    return texts


def test_a_crafted_link_loads_nothing_from_the_names_it_carries(served, listener):
    port, hits = listener
    crafted = hostile_scenario(port).model_copy(update={"as_of": DAY})
    requests: list[str] = []
    links: list[str] = []
    texts = _open(
        f"{served}/?{PARAM}={encode_link(crafted)}",
        ["Plan", "People & pilot", "Prompts & volume"],
        "Re-enter your key here",
        requests,
        links,
    )
    assert hits == [], f"the page called the tracking server: {hits}"
    assert not [u for u in requests if f":{port}/" in u]
    assert links and not [u for u in links if f":{port}/" in u or u.startswith("javascript:")]
    # The names are shown as written (escaped, not dropped), and none is a link.
    assert "![t](http" in texts[0].replace("\u200b", "") and "[Re-enter your key here](http" in texts[0]
    assert "<img src=x onerror=alert(1)>" in texts[0]


def test_the_app_makes_no_request_beyond_this_machine(served):
    requests: list[str] = []
    pinned = default_scenario().model_copy(update={"as_of": DAY})
    _open(f"{served}/?{PARAM}={encode_link(pinned)}", ["Plan", "Dataset", "Prices"], "The answer", requests)
    outside = sorted(
        {
            u
            for u in requests
            if urlsplit(u).scheme in ("http", "https", "ws", "wss") and urlsplit(u).hostname not in LOCAL
        }
    )
    assert requests and not outside, outside
