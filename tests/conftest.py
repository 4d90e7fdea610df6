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
