"""The app moves what it has loaded out of the garbage collector's sight once, after its first run, so a full
collection in the middle of a rerun no longer walks every module's objects (bench/ measures the time)."""

from __future__ import annotations

import gc

import pytest
from conftest import REPO
from streamlit.testing.v1 import AppTest

from ui import cached


@pytest.mark.app
def test_what_the_first_run_loaded_is_frozen_once_per_process(monkeypatch):
    calls = []
    freeze = gc.freeze
    monkeypatch.setattr(gc, "freeze", lambda: (calls.append(1), freeze())[1])
    cached.settle_memory.clear()  # as in a fresh server process
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    assert calls == [1]
    assert gc.get_freeze_count() > 10_000  # the modules, Altair's schema, pandas: not a handful
    at.run()
    AppTest.from_file(str(REPO / "app.py"), default_timeout=60).run()  # another session
    assert calls == [1]
