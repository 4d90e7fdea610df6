"""Hermetic tests: no user paths, no internet.

* tiktoken's cache goes to a per-session temporary directory, so tests never read or write ~/.cache
  and every session proves the vocab is seeded from the installed bpe-openai package.
* Every connection to anything but this machine's loopback is refused for the whole session; tests that
  need a server (the app, the OpenAI stand-in) start it on 127.0.0.1.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import tempfile
from pathlib import Path

import pytest

_CACHE = tempfile.mkdtemp(prefix="ftcost-test-tiktoken-")
os.environ["TIKTOKEN_CACHE_DIR"] = _CACHE
os.environ.pop("OPENAI_API_KEY", None)
os.environ["OPENAI_BASE_URL"] = "http://127.0.0.1:9/v1"  # a stray real client fails fast, offline

REPO = Path(__file__).resolve().parent.parent


class NetworkBlocked(RuntimeError):
    pass


def _is_local(address) -> bool:
    if isinstance(address, (tuple, list)) and address:
        host = address[0]
    else:
        return True  # AF_UNIX paths
    if host in ("localhost", "", None):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _guarded_connect(self, address):
    if not _is_local(address):
        raise NetworkBlocked(f"test tried to reach {address!r}: ftcost's tests must stay offline")
    return _real_connect(self, address)


def _guarded_connect_ex(self, address):
    if not _is_local(address):
        raise NetworkBlocked(f"test tried to reach {address!r}: ftcost's tests must stay offline")
    return _real_connect_ex(self, address)


socket.socket.connect = _guarded_connect
socket.socket.connect_ex = _guarded_connect_ex


# --- the `app` marker: every test that runs the app says so -----------------------------------------------
# `make test-fast` leaves out the tests that run app.py through AppTest (about 230 of them, 0.5-3 s each: most of
# the suite's time) and keeps the library and CLI tests. So that the split stays true, AppTest.from_file refuses
# to start the app in a test that is not marked `app`.

_RUNNING: dict[str, pytest.Item | None] = {"item": None}


def pytest_configure(config: pytest.Config) -> None:
    from streamlit.testing.v1 import AppTest

    start = AppTest.from_file.__func__  # type: ignore[attr-defined]

    def from_file(cls, *args, **kwargs):
        item = _RUNNING["item"]
        if item is not None and item.get_closest_marker("app") is None:
            raise pytest.UsageError(
                f"{item.nodeid} runs the app through AppTest but is not marked @pytest.mark.app: "
                "mark it, so that `make test-fast` (-m 'not app') stays the quick loop it says it is"
            )
        return start(cls, *args, **kwargs)

    AppTest.from_file = classmethod(from_file)  # type: ignore[method-assign]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None):
    _RUNNING["item"] = item
    try:
        yield
    finally:
        _RUNNING["item"] = None


@pytest.fixture
def repo() -> Path:
    return REPO


@pytest.fixture
def no_sockets(monkeypatch):
    """Any socket at all, even loopback, raises: proves a code path opens no connection."""

    def refuse(*args, **kwargs):
        raise NetworkBlocked("a socket was opened while sockets were disabled")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    yield


# --- fixtures shared across test files -------------------------------------------------------------------


@pytest.fixture
def standin(monkeypatch):
    """The OpenAI stand-in (tests/standin_openai.py) on loopback, listed by "the operator" in
    FTCOST_ALLOWED_BASE_URLS: a served app calls a loopback or private server only when its operator
    configured it (ftcost.live.serving)."""
    from standin_openai import StandIn

    server = StandIn().start()
    monkeypatch.setenv("FTCOST_ALLOWED_BASE_URLS", server.base_url)
    yield server
    server.stop()


@pytest.fixture
def listener():
    """A bare loopback listener that records every byte sent to it: where a key must never arrive."""
    from standin_openai import Listener

    with Listener() as it:
        yield it


@pytest.fixture(scope="module")
def served():
    """The app served by `streamlit run` on a free loopback port, once per test module (browser tests)."""
    from playwright.sync_api import expect
    from served_app import need_chromium, serve_app

    need_chromium()
    # Playwright's expectations wait 5 s by default; on a loaded 2-core machine a rerun (or Chromium's first start,
    # building its font cache) can take longer. A wrong page still fails, only later.
    expect.set_options(timeout=30_000)
    with serve_app() as url:
        yield url


@pytest.fixture
def pricing_copy(tmp_path) -> Path:
    """A private copy of the shipped pricing/ folder, for tests that break one file of it."""
    import shutil

    target = tmp_path / "pricing"
    shutil.copytree(REPO / "pricing", target)
    return target


@pytest.fixture
def downloads(monkeypatch) -> dict[str, bytes]:
    """Every file an AppTest run offers for download, by its media URL: AppTest drops its media store after
    each run, so this keeps the bytes (a download button's `url` is the key). A file made on click (a callable
    as `data`, whose button has no URL yet) is made at once, as a click would, on a thread of its own as
    Streamlit runs it, and kept under its `deferred_file_id` too: read a button with `downloaded`."""
    import threading

    import streamlit.testing.v1.app_test as app_test
    from streamlit.runtime.media_file_manager import MediaFileManager
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    saved: dict[str, bytes] = {}

    class Recording(MemoryMediaFileStorage):
        def load_and_get_id(self, path_or_data, mimetype, kind, filename=None):
            file_id = super().load_and_get_id(path_or_data, mimetype, kind, filename)
            saved[self.get_url(file_id)] = self.get_file(file_id).content
            return file_id

    monkeypatch.setattr(app_test, "MemoryMediaFileStorage", Recording)
    add_deferred = MediaFileManager.add_deferred

    def add_and_click(self, *args, **kwargs):
        file_id = add_deferred(self, *args, **kwargs)
        made: list[str] = []
        click = threading.Thread(target=lambda: made.append(self.execute_deferred(file_id)))
        click.start()
        click.join()
        saved[file_id] = saved[made[0]]
        return file_id

    monkeypatch.setattr(MediaFileManager, "add_deferred", add_and_click)
    return saved


def downloaded(downloads: dict[str, bytes], button) -> bytes:
    """The file a download button (an AppTest element) offers, from the `downloads` fixture."""
    return downloads[button.proto.url or button.proto.deferred_file_id]


def ok(at):
    """`at` (an AppTest), after asserting its last run raised nothing: `ok(at.run())` in a chain of steps."""
    assert not at.exception, at.exception
    return at


def metric_value(at, label: str) -> str:
    """The value of the first st.metric on an AppTest page with this label."""
    return next(m.value for m in at.metric if m.label == label)


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    """`ftcost ARGV…` in this process: its exit code, standard output and standard error."""
    from ftcost.cli import main

    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


#: The question every live-command scenario asks, and the answer its training file and eval set hold.
BOARDING = {"When does boarding start?": "Boarding starts 30 minutes before departure."}


def pilot_scenario(path: Path, name: str, long_prompt: str, answers: dict[str, str], eval_set: dict[str, str]) -> Path:
    """A scenario for the live commands (measure, pilot, evaluate) written at `path`: GPT-4o mini on `long_prompt`
    against a planned fine-tune of it on a short prompt, trained 3 epochs on a pilot.jsonl beside it (10 examples,
    `answers` repeated) and scored exactly on `eval_set` (question: expected answer)."""
    import json

    examples = [
        {"messages": [{"role": "user", "content": q}, {"role": "assistant", "content": a}]}
        for q, a in list(answers.items()) * (10 // len(answers))
    ]
    (path.parent / "pilot.jsonl").write_text("".join(json.dumps(e) + "\n" for e in examples), encoding="utf-8")
    cases = "".join(
        f"\n[[pilot.eval_set]]\ninput = {json.dumps(q)}\nexpected = {json.dumps(a)}\n" for q, a in eval_set.items()
    )
    path.write_text(
        f"""
schema_version = 1
name = {json.dumps(name)}
as_of = 2026-11-21

[workload]
requests_per_month = 1000
long_prompt = {json.dumps(long_prompt)}
short_prompt = "Airline assistant."
user_message = "When does boarding start?"
sample_answer = "Boarding starts 30 minutes before departure."

[[option]]
name = "GPT-4o mini"
model = "gpt-4o-mini"
prompt = "long"
accuracy_pct = 80

[[option]]
name = "Fine-tuned GPT-4o mini"
model = "ft:gpt-4o-mini-2024-07-18"
prompt = "short"
accuracy_pct = 90

[training]
dataset = "pilot.jsonl"
planned_examples = 100
epochs = 3

[pilot]
scoring = "exact"
{cases}""",
        encoding="utf-8",
    )
    return path


def app_shown_in(language: str, currency: str, day, *, rate=None, timeout: float = 60):
    """The app opened from a share link of the default scenario on `day`, shown in `language` and `currency` (at
    `rate` units per dollar, else pricing/fx.toml's), run once without an exception: what the link's recipient sees."""
    from streamlit.testing.v1 import AppTest

    from ftcost.scenario import DisplaySettings, default_scenario
    from ftcost.share import PARAM, encode_link

    display = DisplaySettings(language=language, currency=currency, rate=rate)
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=timeout)
    at.query_params[PARAM] = encode_link(default_scenario().model_copy(update={"as_of": day, "display": display}))
    at.run()
    assert not at.exception, at.exception
    return at


@pytest.fixture
def chromium():
    """Debian's Chromium, headless with the served app's flags (tests/served_app.py), closed after the test."""
    from playwright.sync_api import sync_playwright
    from served_app import CHROMIUM, FLAGS

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        try:
            yield browser
        finally:
            browser.close()
