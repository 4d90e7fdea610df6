"""The session's scenario: the one source of truth every page reads and every input writes.

Everything lives in `st.session_state`, which Streamlit keeps per browser session, so two people
never see each other's edits. Inputs are bound to a dotted path in the Scenario (`ui.inputs`); their
callbacks write through `edit`, which validates on a copy, so a bad value never reaches the plan.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from functools import reduce
from pathlib import Path
from typing import Any

import streamlit as st
from pydantic import ValidationError

from ftcost import i18n
from ftcost.data import describe_validation_error
from ftcost.errors import DatasetFileError, FtcostError
from ftcost.pricing.fx import display_for
from ftcost.scenario import (
    DEFAULT_SCENARIO,
    DisplaySettings,
    Scenario,
    dataset_path,
    default_scenario,
    gallery,
    load_scenario,
)
from ftcost.share import PARAM, decode_link
from ftcost.text import markdown as md

SCENARIO = "scenario"  # the Scenario being planned
SOURCE = "scenario_source"  # a gallery stem, "link", or the name of an uploaded file
DATASET = "dataset"  # an uploaded training file: {"name", "data", "digest"}
NOTICE = "notice"  # a problem to show on every page until the next load (a broken link)
EDIT_ERROR = "edit_error"  # the last rejected edit, shown once
LOADED = "scenario_loaded"  # the scenario as it was loaded (gallery, link, file): what Reset goes back to
WIDGET = "w:"  # prefix of every input bound to the scenario; dropped when a new scenario loads


def init() -> None:
    """First run of a session: the scenario from the share link in the URL, else the default."""
    ss = st.session_state
    if SCENARIO in ss:
        return
    scenario, source = None, DEFAULT_SCENARIO
    payload = st.query_params.get(PARAM)
    if payload:
        try:
            scenario = decode_link(payload)
            source = gallery_stem(scenario) or "link"
        except FtcostError as exc:
            ss[NOTICE] = f"{exc} " + i18n._("Showing the default scenario instead.")
    ss[SCENARIO] = ss[LOADED] = scenario or default_scenario()
    ss[SOURCE] = source


def gallery_stem(scenario: Scenario) -> str | None:
    """The gallery scenario `scenario` is (its price date aside), so a link to an unchanged example says so."""
    # The language and currency it is shown in do not make it another scenario.
    plain = scenario.model_copy(update={"display": None})
    for stem, path in gallery().items():
        shipped = load_scenario(path).model_copy(update={"display": None})
        if shipped == plain or shipped.model_copy(update={"as_of": scenario.as_of}) == plain:
            return stem
    return None


def current() -> Scenario:
    return st.session_state[SCENARIO]


def source() -> str:
    return st.session_state.get(SOURCE, DEFAULT_SCENARIO)


def today() -> dt.date:
    """The only place the app reads the clock."""
    return dt.date.today()


def price_date() -> dt.date:
    """The date prices are taken on: the scenario's own, else today."""
    return current().as_of or today()


def shareable() -> Scenario:
    """The scenario with its price date written in, so a file or link reproduces the same numbers."""
    scenario = current()
    if scenario.as_of is not None:
        return scenario
    return scenario.model_copy(update={"as_of": price_date()})


def replace(scenario: Scenario, source: str) -> None:
    """Load another scenario: every bound input is re-seeded from it, an uploaded dataset is dropped."""
    ss = st.session_state
    for key in [k for k in ss if isinstance(k, str) and k.startswith(WIDGET)]:
        del ss[key]
    for key in (DATASET, NOTICE, EDIT_ERROR):
        ss.pop(key, None)
    before = ss[SCENARIO].display if SCENARIO in ss else None
    if before is not None and (
        scenario.display is None or not (scenario.display.language or scenario.display.currency)
    ):
        # The reader's language and currency stay when they open an example that names neither.
        kept = {
            "language": before.language,
            "currency": before.currency,
            "rate": before.rate,
            "rate_date": before.rate_date,
            "rate_source": before.rate_source,
        }
        names = scenario.display.names if scenario.display else None
        scenario = scenario.model_copy(update={"display": before.model_validate({**kept, "names": names})})
    ss[SCENARIO] = ss[LOADED] = scenario
    ss[SOURCE] = source


def read(path: str) -> Any:
    return reduce(getattr, path.split("."), current())


def edit(path: str, value: Any, label: str) -> bool:
    """Set `path` (e.g. "workload.requests_per_month") to `value`, validated; False (and a message) if rejected."""
    ss = st.session_state
    ss.pop(EDIT_ERROR, None)
    candidate = current().model_copy(deep=True)  # a failed assignment may leave its model half-changed
    *parents, name = path.split(".")
    try:
        setattr(reduce(getattr, parents, candidate), name, value)
        # Cross-section rules (e.g. the data-prep role must be in the role table) are checked on the whole.
        candidate = Scenario.model_validate(candidate.model_dump())
    except ValidationError as exc:
        ss[EDIT_ERROR] = describe_validation_error(exc, label) + " " + i18n._("The previous value is kept.")
        return False
    ss[SCENARIO] = candidate
    return True


def set_dataset(name: str, data: bytes) -> None:
    """Keep an uploaded training file for the session (the uploader itself forgets it on a page switch)."""
    st.session_state[DATASET] = {"name": name, "data": data, "digest": hashlib.sha256(data).hexdigest()}


def dataset() -> dict | None:
    return st.session_state.get(DATASET)


def sample() -> Path | None:
    """The scenario's sample dataset, if it is one ftcost ships; None for none, or one the server may not read.

    No scenario in the app has a folder on this server (it came from the gallery, a link or an upload),
    so only shipped samples resolve: a link can never make the server read a path it names.
    """
    try:
        return dataset_path(current())
    except DatasetFileError:
        return None


def uploaded_text(key: str, expected: str) -> tuple[str, str] | None:
    """(file name, text) of the file in the uploader `key`; None (and a message) when it is not UTF-8 text."""
    upload = st.session_state.get(key)
    if upload is None:
        return None
    try:
        return upload.name, upload.getvalue().decode("utf-8-sig")
    except UnicodeDecodeError:
        st.session_state[EDIT_ERROR] = f"{upload.name}: not UTF-8 text; {expected}."
        return None


def show_messages() -> None:
    """The broken-link notice and the last rejected edit, at the top of the page."""
    if notice := st.session_state.get(NOTICE):
        st.error(md(notice))
    if problem := st.session_state.pop(EDIT_ERROR, None):
        st.error(md(problem))


@contextmanager
def stop_on_error() -> Iterator[None]:
    """Any ftcost error becomes its one sentence on the page, and the page stops there — never a traceback."""
    try:
        yield
    except DatasetFileError as exc:
        # A scenario opened from a file or link names its sample dataset relative to someone else's disk.
        st.error(
            f"{md(_sentence(exc))} "
            + i18n._("Upload the training file on the Dataset page (or state tokens per example there).")
        )
        st.stop()
    except FtcostError as exc:
        st.error(md(_sentence(exc)))
        st.stop()


def _sentence(exc: FtcostError) -> object:
    """The error's sentence as raised: its Notice (`md` shows it in the reader's language), else its text."""
    return exc.args[0] if len(exc.args) == 1 else str(exc)


# --- the language and currency the session reads ----------------------------------------------------------


def language() -> str:
    """The scenario's language ([display] language: the sidebar's choice, kept in its file and link), else the
    browser's (navigator.language, which Streamlit passes as st.context.locale), else English."""
    display = current().display
    if display is not None and display.language:
        return display.language
    return i18n.normalize(_browser_locale()) or i18n.DEFAULT


def _browser_locale() -> str | None:
    try:
        return st.context.locale
    except Exception:  # noqa: BLE001 — outside a browser session (AppTest, bare mode) there is no locale
        return None


def money():
    """(Display, table rate or None) for the session: the scenario's currency at its stated rate, else at
    pricing/fx.toml's rate for the price date; USD as computed when none is chosen. A currency without a rate
    falls back to USD and says why."""
    scenario = current()
    try:
        return display_for(scenario.display, price_date(), i18n.locale(language()))
    except FtcostError as exc:
        st.session_state[EDIT_ERROR] = str(exc)
        return display_for(None, price_date(), i18n.locale(language()))


def set_display(**changes: Any) -> None:
    """Change the [display] table (language, currency, rate): the file and the share link carry it."""
    scenario = current()
    base = scenario.display.model_dump() if scenario.display else {}
    base.update(changes)
    if changes.get("currency") is not None and scenario.display and changes["currency"] != scenario.display.currency:
        base.update(rate=None, rate_date=None, rate_source="")  # a rate belongs to the currency it was stated for
    settings: DisplaySettings | None = DisplaySettings.model_validate(base)
    if settings == DisplaySettings.model_validate({}):
        settings = None  # English in USD, as a scenario without [display] is shown
    st.session_state[SCENARIO] = scenario.model_copy(update={"display": settings})
