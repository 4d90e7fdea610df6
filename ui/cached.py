"""Caching at the edge: the library stays free of Streamlit; these wrappers remember its answers.

Keys are content, never objects: a scenario is keyed by its TOML text and the price date, an
uploaded file by its sha256 digest (its bytes are passed unhashed, `_data`). So a what-if change
computes once, a change back is instant, and identical inputs from two sessions share a result
without sharing any state (st.cache_data hands each caller its own copy).
"""

from __future__ import annotations

import datetime as dt
import gc
from pathlib import Path

import streamlit as st

from ftcost import engine, measure_training, pricing, tokens
from ftcost.dataset import DatasetReport, analysis_key, analyze_bytes, analyze_file, for_model
from ftcost.engine.results import Plan
from ftcost.errors import FtcostError
from ftcost.i18n import _
from ftcost.scenario import Scenario, dump_scenario, parse_scenario
from ftcost.views.common import progress_percent
from ui import state

#: Cached answers expire after this long (seconds), so what closed sessions computed is released even
#: when no other session pushes it out of the bounded cache.
TTL = 3600
#: Line numbers kept per problem category of an upload; the rest are counted (`lines_not_listed`).
KEEP_LINES = 10_000


@st.cache_resource(show_spinner=False)
def settle_memory() -> bool:
    """Once per server process, after its first run: move everything loaded so far (modules, Altair's Vega-Lite
    schema, pandas, the vocabularies: some 160,000 objects) out of the garbage collector's sight (gc.freeze).
    Each full collection walked all of them again, ~100 ms on a busy machine, in the middle of a rerun every
    few reruns; what a session makes afterwards is collected as before."""
    gc.collect()
    gc.freeze()
    return True


def plan() -> Plan:
    """The current scenario's plan on the chosen price date, with the uploaded dataset if there is one."""
    return plan_and_key()[0]


def plan_and_key() -> tuple[Plan, tuple[str, str, tuple], engine.Training]:
    """The plan, the key it is cached by (what is derived from the plan and cached is keyed by it too) and the
    measured training inputs it was made with (measuring them again costs a cached analysis' copy each)."""
    _scenario, _as_of, training, key = plan_inputs()
    # The spinners are shown here, not by st.cache_data: its text is fixed when the module is imported, in
    # whatever language that run had (st.spinner too waits half a second, so a cache hit shows nothing).
    with st.spinner(_("Working out the plan…")):
        return _plan(*key, training), key, training


def plan_scenario() -> Scenario:
    """The scenario the plan is made from: the language and currency it is shown in change no figure, so one
    plan serves every reader."""
    return state.shareable().model_copy(update={"display": None})


def plan_inputs() -> tuple[Scenario, dt.date, engine.Training, tuple[str, str, tuple]]:
    """What the plan is made from: the scenario, the price date, the training inputs, and the cache key that
    stands for the three (whatever else is cached from the plan is keyed by it too)."""
    scenario = plan_scenario()
    as_of = state.price_date()
    training = training_inputs(scenario, as_of)
    # The key is the scenario's text, the date and the training inputs themselves, whose source names the
    # measured file: two sessions with the same bytes under two names never see each other's name.
    measured = tuple(sorted((base, str(t.tokens_per_example), t.source) for base, t in training.items()))
    return scenario, as_of, training, (dump_scenario(scenario), as_of.isoformat(), measured)


def training_inputs(scenario: Scenario, as_of) -> engine.Training:
    """The plan's measured training inputs, each from the cached analysis of the upload or the sample."""
    return measure_training.for_plan(
        scenario, as_of, upload=_upload(), analyse=_analyse, analyse_families=_analyse_families
    )


def _upload() -> tuple[str, bytes] | None:
    upload = state.dataset()
    return (upload["name"], upload["data"]) if upload else None


def _analyse(source, model: str) -> DatasetReport:
    report = dataset_report(model, None)
    if report is None:  # for_plan only asks when there is an upload or a sample
        raise FtcostError(_("There is no training file to measure."))
    return report


def _analyse_families(source, families) -> dict[str, DatasetReport]:
    upload = state.dataset()
    with st.spinner(_("Counting tokens for each provider's tokenizer…")):
        if upload:
            return family_analysis(upload["digest"], upload["name"], tuple(families), upload["data"])
        return sample_family_analysis(str(source), tuple(families))


@st.cache_data(max_entries=16, ttl=TTL, show_spinner=False)
def family_analysis(digest: str, name: str, families: tuple, _data: bytes) -> dict[str, DatasetReport]:
    """An upload analysed once for every tokenizer family the plan needs (one pass)."""
    return measure_training.analyse_families((name, _data), families)


@st.cache_data(max_entries=16, ttl=TTL, show_spinner=False)
def sample_family_analysis(path: str, families: tuple) -> dict[str, DatasetReport]:
    return measure_training.analyse_families(Path(path), families)


@st.cache_data(max_entries=200, ttl=TTL, show_spinner=False)
def _plan(scenario_toml: str, as_of: str, training_key: tuple, _training: engine.Training) -> Plan:
    return engine.plan(parse_scenario(scenario_toml), dt.date.fromisoformat(as_of), training=_training)


@st.cache_data(max_entries=16, ttl=TTL, show_spinner=False)
def analysis(digest: str, name: str, encoding: str, format: str, _model: str, _data: bytes) -> DatasetReport:
    """An uploaded file analysed once per encoding and format (`_model` is any model that reads it so), with a
    progress bar while it is tokenised; every model's figures are derived from it (`dataset_report`).

    The key has the file's name as well as its digest: the report carries the name, and one session's
    name for a file must not show in another's. Line numbers are capped per category (KEEP_LINES), so what
    a cache entry holds is bounded whatever the number of bad lines.

    The bar is made inside the cached function so that Streamlit can replay it on a cache hit
    (an element made outside cannot be replayed); it removes itself when done.
    """
    slot = st.empty()
    bar = slot.progress(0.0, text=_("Counting tokens in {name} ({encoding})…").format(name=name, encoding=encoding))
    last = [-1]

    def progress(done: int, total: int) -> None:
        percent = progress_percent(done, total)
        if percent != last[0]:  # at most 101 updates, however large the file
            last[0] = percent
            bar.progress(
                percent,
                text=_("Counting tokens in {name} ({encoding})… {percent}%").format(
                    name=name, encoding=encoding, percent=percent
                ),
            )

    report = analyze_bytes(_data, name, model=_model, progress=progress, keep_lines=KEEP_LINES)
    slot.empty()
    return report


@st.cache_data(max_entries=16, ttl=TTL, show_spinner=False)
def sample_analysis(path: str, encoding: str, format: str, _model: str) -> DatasetReport:
    """A shipped sample dataset (small) analysed once per encoding and format."""
    return analyze_file(path, model=_model, keep_lines=KEEP_LINES)


def dataset_report(model: str, epochs: int | None) -> DatasetReport | None:
    """The uploaded dataset's analysis for `model` and `epochs`, else the scenario's sample's, else None.

    The file is read once per encoding and format; each model's limit and each epochs value are derived
    from that one analysis (a link naming many models and epochs cannot make the server read it again).
    """
    encoding, fmt = analysis_key(model)
    upload = state.dataset()
    if upload:
        report = analysis(upload["digest"], upload["name"], encoding, fmt, model, upload["data"])
    else:
        path = state.sample()
        if path is None:
            return None
        with st.spinner(_("Counting tokens in the sample dataset…")):
            report = sample_analysis(str(path), encoding, fmt, model)
    return for_model(report, model, epochs)


@st.cache_data(max_entries=500, show_spinner=False)
def count(text: str, encoding: str) -> int:
    return tokens.count(text, encoding)


@st.cache_data(max_entries=32, show_spinner=False)
def fine_tunable_models(as_of: str) -> list:
    return list(pricing.fine_tunable_models(dt.date.fromisoformat(as_of)))
