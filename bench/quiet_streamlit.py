"""Streamlit's bare-mode notices, dropped from the benchmark's output (and nothing else).

When the app runs inside streamlit.testing's AppTest rather than `streamlit run`, Streamlit logs a few hundred
lines a run that say nothing about the app: "missing ScriptRunContext" each time the test's own thread reads
the page's state, "No runtime found" for each st.cache_data function, the session-state and "run it with
streamlit run" notices. Only these messages are dropped, by filters on their loggers (the objects
streamlit.logger.get_logger configures, whenever it does), not by levels: any other warning or error of these
loggers still shows.

Most of them came from other processes, though: the upload's analysis starts its workers with "spawn" (the app
runs threads), and a spawned worker re-runs its parent's `__main__`, which inside Streamlit's script runner is
the page script, so each worker runs the app bare before it counts anything. Filters in this process do not
reach those, so `in_children` puts a sitecustomize.py that installs the same filters on the
PYTHONPATH the workers inherit.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator
from pathlib import Path

#: The start of each notice, by the logger it comes from (with what else it must contain, for the root logger).
NOTICES = {
    "streamlit.runtime.scriptrunner_utils.script_run_context": ("Thread '%s': missing ScriptRunContext!", ""),
    "streamlit.runtime.caching.cache_data_api": ("No runtime found, using MemoryCacheStorageManager", ""),
    "streamlit.runtime.state.session_state_proxy": ("Session state does not function when running a script", ""),
    "streamlit": ("\n  ", "streamlit run"),  # the root logger's "to view this Streamlit app on a browser" notice
}


class BareModeNotice(logging.Filter):
    def __init__(self, start: str, contains: str) -> None:
        super().__init__()
        self.start, self.contains = start, contains

    def filter(self, record: logging.LogRecord) -> bool:
        text = str(record.msg)
        return not (text.startswith(self.start) and self.contains in text)


def install() -> None:
    """The filters, on this process's loggers (once)."""
    for name, (start, contains) in NOTICES.items():
        logger = logging.getLogger(name)
        if not any(isinstance(f, BareModeNotice) for f in logger.filters):
            logger.addFilter(BareModeNotice(start, contains))


@contextlib.contextmanager
def in_children(directory: Path) -> Iterator[None]:
    """The filters in every Python process started inside the block (they inherit its PYTHONPATH)."""
    directory.mkdir(parents=True, exist_ok=True)
    here = Path(__file__).resolve().parent
    (directory / "sitecustomize.py").write_text(
        f"import sys\nsys.path.insert(0, {str(here)!r})\nimport quiet_streamlit\n\nquiet_streamlit.install()\n"
    )
    before = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = os.pathsep.join(
        dict.fromkeys([str(directory), *filter(None, (before or "").split(os.pathsep))])
    )
    try:
        yield
    finally:
        if before is None:
            del os.environ["PYTHONPATH"]
        else:
            os.environ["PYTHONPATH"] = before
