"""Issue 6 item 5: an OpenAI API key is read only from the environment, Streamlit secrets or the password
field, and never lands in a scenario file, link, report, CSV, session value, log line or cached file.

Recognisable fake keys are planted in the environment and typed into the Live page's password field; the app
is then driven through the plan, every download, the share link, live measuring, the pilot and a rejected
key against the local stand-in, with every logger at DEBUG and HOME, the caches and the temporary folder
pointed at fresh directories. Afterwards each place is searched for the keys. tests/test_live_cli.py does
the same for `ftcost measure/pilot/evaluate`; the CLI test here adds `report`, `analyze`, `quote`, `prices`
and measuring with the key named by --api-key-env.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import pickle
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import _CACHE as SESSION_TIKTOKEN
from conftest import REPO, ok
from standin_openai import StandIn
from streamlit.testing.v1 import AppTest

from ftcost.scenario import dataset_path, default_scenario
from ftcost.share import PARAM

APP = str(REPO / "app.py")
#: Typed into the password field (the stand-in accepts this one).
FIELD_KEY = "sk-test-FTCOSTSECRET-app-9xQ2"
#: In the environment, unused while the field holds a key; it must not leak either.
ENV_KEY = "sk-test-FTCOSTSECRET-env-4kP7"
#: What must never be found: both keys, their common marker, and the distinctive tails.
#: (OpenAI's own 401 message quotes a key's first 8 and last 4 characters; the tails are longer than that.)
MARKERS = (FIELD_KEY, ENV_KEY, "FTCOSTSECRET", "app-9xQ2", "env-4kP7")
PASSWORD = "live_api_key"
DAY = dt.date(2026, 11, 21)


def leaks(text: str | bytes) -> list[str]:
    data = text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass")
    return [m for m in MARKERS if m.encode() in data]


# --- the environment a session writes into ---------------------------------------------------------------------


@pytest.fixture
def dirs(tmp_path, monkeypatch) -> dict[str, Path]:
    """Fresh HOME, XDG cache, tiktoken cache and temporary folder (Streamlit's caches live under HOME)."""
    made = {name: tmp_path / name for name in ("home", "xdg-cache", "tiktoken", "tmp")}
    for path in made.values():
        path.mkdir()
    monkeypatch.setenv("HOME", str(made["home"]))
    monkeypatch.setenv("XDG_CACHE_HOME", str(made["xdg-cache"]))
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(made["tiktoken"]))
    monkeypatch.setenv("TMPDIR", str(made["tmp"]))
    monkeypatch.setattr(tempfile, "tempdir", str(made["tmp"]))
    made["session tiktoken cache"] = Path(SESSION_TIKTOKEN)  # where conftest seeded the vocabulary
    return made


def files_under(*roots: Path) -> Iterator[Path]:
    for root in roots:
        if root.is_dir():
            yield from (p for p in root.rglob("*") if p.is_file())


@pytest.fixture
def every_log(caplog):
    """caplog at DEBUG for every logger, including Streamlit's, which do not propagate to the root."""
    caplog.set_level(logging.DEBUG)
    changed = []
    for name in list(logging.root.manager.loggerDict) + ["streamlit", "openai", "httpx", "httpcore"]:
        logger = logging.getLogger(name)
        changed.append((logger, logger.level, logger.propagate))
        logger.setLevel(logging.DEBUG)
        logger.propagate = True  # Streamlit's own handler stays; the records now reach caplog too
    yield caplog
    for logger, level, propagate in changed:
        logger.setLevel(level)
        logger.propagate = propagate


def logged(caplog) -> str:
    """Every captured record as formatted, with its raw arguments and any exception text."""
    parts = [caplog.text]
    for r in caplog.records:
        parts += [r.getMessage(), repr(r.args), repr(getattr(r, "exc_text", "")), repr(r.__dict__)]
    return "\n".join(parts)


@pytest.fixture
def downloads(monkeypatch) -> dict[str, bytes]:
    """Every file a download button offers during the session (AppTest drops its media store after each run)."""
    import streamlit.testing.v1.app_test as app_test
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    saved: dict[str, bytes] = {}

    class Recording(MemoryMediaFileStorage):
        def load_and_get_id(self, path_or_data, mimetype, kind, filename=None):
            file_id = super().load_and_get_id(path_or_data, mimetype, kind, filename)
            saved[f"{filename or file_id} ({mimetype})"] = self.get_file(file_id).content
            return file_id

    monkeypatch.setattr(app_test, "MemoryMediaFileStorage", Recording)

    # A download built on click (a callable passed as data) is offered too: build it at once, as a click would.
    from streamlit.runtime.media_file_manager import MediaFileManager

    add_deferred = MediaFileManager.add_deferred

    def add_and_build(self, *args, **kwargs):
        file_id = add_deferred(self, *args, **kwargs)
        self.execute_deferred(file_id)
        return file_id

    monkeypatch.setattr(MediaFileManager, "add_deferred", add_and_build)
    return saved


@pytest.fixture
def server(monkeypatch):
    """The stand-in, accepting the field's key, on loopback and so listed by "the operator"."""
    standin = StandIn(key=FIELD_KEY).start()
    monkeypatch.setenv("FTCOST_ALLOWED_BASE_URLS", standin.base_url)
    yield standin
    standin.stop()


# --- AppTest helpers ---------------------------------------------------------------------------------------------


def session_values(at: AppTest) -> dict[str, object]:
    """Every value in the session's state (user keys, widget states, keyless widgets) but the password field's."""
    state = at._session_state._state
    password_id = state._key_id_mapper.get_id_from_key(PASSWORD)
    values = {}
    for key in state._keys():
        if key in (PASSWORD, password_id):
            continue
        try:
            values[key] = state[key]
        except KeyError:  # a widget's metadata already cleared: nothing readable
            continue
    return values


def elements(node) -> Iterator[object]:
    yield node
    for child in getattr(node, "children", {}).values():
        yield from elements(child)


def page_text(at: AppTest) -> str:
    """Every element on the page as its protobuf text, except the password field (whose value is the key)."""
    parts = []
    for node in elements(at._tree):
        if getattr(node, "type", None) == "text_input" and getattr(node, "key", None) == PASSWORD:
            continue
        proto = getattr(node, "proto", None)
        if proto is not None:
            parts.append(str(proto))
    return "\n".join(parts)


def check_session(at: AppTest, seen: list[tuple[str, str]], where: str) -> None:
    for key, value in session_values(at).items():
        seen.append((f"{where}: session_state[{key!r}] repr", repr(value)))
        with contextlib.suppress(Exception):  # an unpicklable value is still checked through its repr
            seen.append((f"{where}: session_state[{key!r}] pickle", pickle.dumps(value)))
    seen.append((f"{where}: page", page_text(at)))
    seen.append((f"{where}: query string", repr(dict(at.query_params))))


# --- the app -----------------------------------------------------------------------------------------------------


@pytest.mark.app
def test_a_planted_key_reaches_no_file_link_report_session_value_log_or_cache(
    dirs, every_log, downloads, server, monkeypatch
):
    monkeypatch.setenv("OPENAI_API_KEY", ENV_KEY)
    monkeypatch.setenv("FTCOST_ALLOW_SERVER_KEY", "1")  # the operator lets visitors spend it: it still must not leak
    monkeypatch.setattr("ftcost.views.live_pilot.POLL_SECONDS", 0.01)
    seen: list[tuple[str, str | bytes]] = []

    at = ok(AppTest.from_file(APP, default_timeout=60).run())
    ok(at.date_input(key="w:as_of").set_value(DAY).run())
    check_session(at, seen, "plan")

    # A training file with one broken line, so the Dataset page offers its CSV of line numbers too.
    lines = dataset_path(default_scenario()).read_bytes().splitlines()
    upload = b"\n".join([*lines[:12], b'{"messages": [', *lines[12:]]) + b"\n"
    ok(at.switch_page("ui/page_dataset.py").run())
    ok(at.file_uploader(key="dataset_upload").upload("mine.jsonl", upload, "application/jsonl").run())

    # Live: the environment's key is found. The broken upload is refused before anything is sent.
    ok(at.switch_page("ui/page_live.py").run())
    assert "key from its environment (OPENAI_API_KEY), which its operator lets visitors spend" in page_text(at)
    assert any("mine.jsonl fails ftcost's checks" in e.value for e in at.error)
    assert not any(b.key == "live_pilot_go" for b in at.button)
    # Back to the scenario's sample; then the field's key is typed and used.
    ok(at.switch_page("ui/page_dataset.py").run())
    ok(at.button[0].click().run())  # "Use the scenario's sample instead"
    ok(at.switch_page("ui/page_live.py").run())
    ok(at.text_input(key="live_base_url").input(server.base_url).run())
    ok(at.text_input(key=PASSWORD).input(FIELD_KEY).run())
    assert "Using the key typed in the field above" in page_text(at)
    ok(at.number_input(key="live_samples").set_value(1).run())
    ok(at.button(key="live_measure_go").click().run())
    assert server.count("POST /v1/chat/completions") == 3, [e.value for e in at.error]
    ok(at.button(key="live_measure_apply").click().run())
    ok(at.button(key="live_pilot_go").click().run())
    assert any(job.data["status"] == "succeeded" for job in server.jobs.values()), [e.value for e in at.error]
    check_session(at, seen, "live, key in the field")
    # While the page is open the key is in the password widget's state, and only there.
    assert at.session_state[PASSWORD] == FIELD_KEY

    # A rejected key: the server's 401 quotes part of it; the page must not.
    ok(at.text_input(key=PASSWORD).input(FIELD_KEY + "-revoked").run())
    ok(at.button(key="live_measure_go").click().run())
    assert any("rejected (401" in e.value for e in at.error)
    check_session(at, seen, "live, rejected key")

    # Leaving the page forgets the typed key altogether.
    ok(at.switch_page("ui/page_plan.py").run())
    assert PASSWORD not in at.session_state
    check_session(at, seen, "plan after live")
    for page in ("ui/page_prompts.py", "ui/page_people.py", "ui/page_prices.py", "ui/page_dataset.py"):
        ok(at.switch_page(page).run())
        check_session(at, seen, page)

    # What was offered for download: the scenario (with the measured median), the report, the CSVs.
    names = " ".join(downloads)
    for expected in (".toml", "ftcost-plan.md", "ftcost-months.csv", "ftcost-dataset-issues.csv"):
        assert expected in names, (expected, names)
    seen += [(f"download {name}", data) for name, data in downloads.items()]
    seen.append(("share link", next(c.value for c in at.sidebar.code if f"#{PARAM}=" in c.value)))
    seen.append(("log", logged(every_log)))
    assert every_log.records, "no log record was captured, so the log check would prove nothing"
    for path in files_under(*dirs.values(), REPO / ".streamlit"):
        seen.append((f"file {path}", path.read_bytes()))

    found = [(where, leaks(text)) for where, text in seen if leaks(text)]
    assert not found, found


@pytest.mark.app
def test_a_secrets_file_key_is_used_and_not_shown(dirs, every_log, server, monkeypatch):
    """OPENAI_API_KEY in .streamlit/secrets.toml (here AppTest's secrets) works without the field or environment."""
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["OPENAI_API_KEY"] = FIELD_KEY
    at.secrets["FTCOST_ALLOW_SERVER_KEY"] = True
    ok(at.run())
    ok(at.date_input(key="w:as_of").set_value(DAY).run())
    ok(at.switch_page("ui/page_live.py").run())
    ok(at.text_input(key="live_base_url").input(server.base_url).run())
    ok(at.number_input(key="live_samples").set_value(1).run())
    ok(at.button(key="live_measure_go").click().run())
    assert server.count("POST /v1/chat/completions") == 3
    seen: list[tuple[str, str | bytes]] = []
    check_session(at, seen, "live, key in secrets")
    seen.append(("log", logged(every_log)))
    found = [(where, leaks(text)) for where, text in seen if leaks(text)]
    assert not found, found


@pytest.mark.app
def test_the_page_reads_the_key_from_nowhere_else(server, monkeypatch):
    """A key in a query parameter, another environment variable or the scenario is not picked up."""
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.setenv("OPENAI_KEY", FIELD_KEY)
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"api_key": FIELD_KEY, "key": FIELD_KEY})
    ok(at.run())
    ok(at.switch_page("ui/page_live.py").run())
    assert "What an API key adds" in page_text(at)
    assert all(b.disabled for b in at.button if b.key in ("live_measure_go", "live_pilot_go"))
    assert server.requests == []


# --- the CLI -----------------------------------------------------------------------------------------------------


def test_cli_outputs_and_files_never_carry_the_key(dirs, every_log, server, capsys, tmp_path, monkeypatch):
    from ftcost.cli import main

    monkeypatch.setenv("OPENAI_API_KEY", ENV_KEY)
    monkeypatch.setenv("FTCOST_TEST_KEY", FIELD_KEY)
    sample = str(dataset_path(default_scenario()))
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    saved = out_dir / "measured.toml"
    api = ["--base-url", server.base_url, "--timeout", "5", "--as-of", DAY.isoformat()]
    runs = [
        ["report", "airport", "--as-of", DAY.isoformat()],
        ["report", "airport", "--markdown", "--as-of", DAY.isoformat()],
        ["report", "airport", "--csv", "--as-of", DAY.isoformat()],
        ["report", "airport", "--json", "--as-of", DAY.isoformat()],
        ["analyze", sample, "--json"],
        ["quote", "gpt-4o-mini", "--input-tokens", "1000", "--as-of", DAY.isoformat()],
        ["prices", "--as-of", DAY.isoformat()],
        ["measure", "airport", "--samples", "1", *api],  # the estimate, with a key in the environment
        [
            "measure",
            "airport",
            "--samples",
            "1",
            "--yes",
            "--json",
            "--api-key-env",
            "FTCOST_TEST_KEY",
            "--save-scenario",
            str(saved),
            *api,
        ],
        ["measure", "airport", "--samples", "1", "--yes", *api],  # ENV_KEY: rejected by the stand-in (401)
    ]
    seen: list[tuple[str, str | bytes]] = []
    codes = []
    for argv in runs:
        codes.append(main(argv))
        out, err = capsys.readouterr()
        seen += [(f"ftcost {' '.join(argv[:2])} stdout", out), (f"ftcost {' '.join(argv[:2])} stderr", err)]
        if argv[:3] == ["report", "airport", "--markdown"]:
            assert "# " in out  # a real report was written, so the check has something to look at
    assert codes[:-1] == [0] * (len(runs) - 1) and codes[-1] == 2
    assert server.count("POST /v1/chat/completions") == 4  # 3 options measured + the rejected call
    assert "rejected (401" in seen[-1][1]
    seen.append(("log", logged(every_log)))
    for path in files_under(*dirs.values(), out_dir):
        seen.append((f"file {path}", path.read_bytes()))
    assert saved.exists()
    found = [(where, leaks(text)) for where, text in seen if leaks(text)]
    assert not found, found


# --- a real server and browser: Streamlit's own logs at DEBUG ---------------------------------------------------


@pytest.mark.browser
def test_a_served_app_at_debug_logging_never_writes_the_typed_key(server, tmp_path):
    """The key typed in a real browser, sent over Streamlit's websocket, reaches no server log line, file or URL."""
    from playwright.sync_api import expect, sync_playwright
    from served_app import CHROMIUM, FLAGS, need_chromium, serve_app

    need_chromium()
    log = tmp_path / "server.log"
    # The server (not this process, whose TMPDIR Chromium needs short) writes under fresh folders.
    dirs = {name: tmp_path / name for name in ("home", "xdg-cache", "tiktoken", "tmp")}
    for path in dirs.values():
        path.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "OPENAI_API_KEY"} | {
        "OPENAI_API_KEY": ENV_KEY,
        "HOME": str(dirs["home"]),
        "XDG_CACHE_HOME": str(dirs["xdg-cache"]),
        "TIKTOKEN_CACHE_DIR": str(dirs["tiktoken"]),
        "TMPDIR": str(dirs["tmp"]),
        "OPENAI_LOG": "debug",  # the SDK's (and httpx's) own debug logging, to the server's stderr
        "FTCOST_ALLOW_SERVER_KEY": "1",
        "FTCOST_ALLOWED_BASE_URLS": server.base_url,
    }
    with log.open("wb") as out, serve_app(env, out, "--logger.level", "debug") as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1400})
            page.goto(f"{url}/live", timeout=120_000)
            expect(page.get_by_text("Using the server's key from its environment")).to_be_visible(timeout=120_000)
            for label, value in (
                ("Server (optional)", server.base_url),
                ("OpenAI API key", FIELD_KEY),
                ("Calls per option", "1"),
            ):
                box = page.locator(f'input[aria-label="{label}"]')
                box.fill(value)
                box.press("Enter")
                page.wait_for_timeout(300)
            expect(page.get_by_text("Using the key typed in the field above")).to_be_visible(timeout=60_000)
            page.get_by_role("button", name="Confirm: send").first.click()
            expect(page.get_by_text("Measured 3 calls")).to_be_visible(timeout=60_000)
            seen = [("address bar", page.url), ("share link", page.locator('[data-testid="stCode"]').all_inner_texts())]
        finally:
            browser.close()
    assert server.count("POST /v1/chat/completions") == 3
    text = log.read_text(encoding="utf-8", errors="replace")
    # Streamlit and the SDK did log at debug level, so the check has something to read.
    assert "Runtime state:" in text and "Sending HTTP Request" in text, text[-2000:]
    seen = [(where, str(value)) for where, value in seen] + [("server log", text)]
    seen += [(f"file {p}", p.read_bytes()) for p in files_under(*dirs.values())]
    found = [(where, leaks(value)) for where, value in seen if leaks(value)]
    assert not found, found
