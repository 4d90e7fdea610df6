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
    from served_app import need_chromium, serve_app

    need_chromium()
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
    each run, so this keeps the bytes (a download button's `url` is the key)."""
    import streamlit.testing.v1.app_test as app_test
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    saved: dict[str, bytes] = {}

    class Recording(MemoryMediaFileStorage):
        def load_and_get_id(self, path_or_data, mimetype, kind, filename=None):
            file_id = super().load_and_get_id(path_or_data, mimetype, kind, filename)
            saved[self.get_url(file_id)] = self.get_file(file_id).content
            return file_id

    monkeypatch.setattr(app_test, "MemoryMediaFileStorage", Recording)
    return saved


def metric_value(at, label: str) -> str:
    """The value of the first st.metric on an AppTest page with this label."""
    return next(m.value for m in at.metric if m.label == label)
