"""Caching at the edge: the library stays free of Streamlit; these wrappers remember its answers.

Keys are content, never objects: a scenario is keyed by its TOML text and the price date, an
uploaded file by its sha256 digest (its bytes are passed unhashed, `_data`). So a what-if change
computes once, a change back is instant, and identical inputs from two sessions share a result
without sharing any state (st.cache_data hands each caller its own copy).
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from ftcost import engine, pricing, tokens
from ftcost.dataset import DatasetReport, analyze_bytes, analyze_file
from ftcost.engine.results import Plan
from ftcost.scenario import dataset_path, parse_scenario
from ui import state


@st.cache_resource(show_spinner=False)
def warm_tokenizers() -> tuple:
    """Load both offline vocabularies once per server process (the first count would otherwise pay for it)."""
    return tuple(tokens.get_encoding(name) for name in tokens.ENCODINGS)


def plan() -> Plan:
    """The current scenario's plan on the chosen price date, with the uploaded dataset if there is one."""
    upload = state.dataset()
    # The language and currency it is shown in change no figure: one plan serves every reader.
    scenario = state.shareable().model_copy(update={"display": None})
    from ftcost.scenario import dump_scenario

    dataset = None
    if upload:
        # The engine asks for the upload's analysis per fine-tuned base model; handing it the cached
        # analysis (keyed on the file's digest) means a what-if change never re-tokenises the file.
        def dataset(model: str) -> DatasetReport:
            return analysis(upload["digest"], upload["name"], model, None, upload["data"])

    return _plan(
        dump_scenario(scenario),
        state.price_date().isoformat(),
        upload["digest"] if upload else None,
        dataset,
    )


@st.cache_data(max_entries=200, show_spinner="Working out the plan…")
def _plan(scenario_toml: str, as_of: str, dataset_digest: str | None, _dataset) -> Plan:
    return engine.plan(parse_scenario(scenario_toml), dt.date.fromisoformat(as_of), dataset=_dataset)


@st.cache_data(max_entries=64, show_spinner=False)
def analysis(digest: str, name: str, model: str, epochs: int | None, _data: bytes) -> DatasetReport:
    """An uploaded file analysed for `model`, with a progress bar while it is tokenised.

    The bar is made inside the cached function so that Streamlit can replay it on a cache hit
    (an element made outside cannot be replayed); it removes itself when done.
    """
    slot = st.empty()
    bar = slot.progress(0.0, text=f"Counting tokens in {name} for {model}…")
    last = [-1]

    def progress(done: int, total: int) -> None:
        percent = min(100, done * 100 // total) if total else 100
        if percent != last[0]:  # at most 101 updates, however large the file
            last[0] = percent
            bar.progress(percent / 100, text=f"Counting tokens in {name} for {model}… {percent}%")

    report = analyze_bytes(_data, name, model=model, epochs=epochs, progress=progress)
    slot.empty()
    return report


@st.cache_data(max_entries=64, show_spinner="Counting tokens in the sample dataset…")
def sample_analysis(path: str, model: str, epochs: int | None) -> DatasetReport:
    """A shipped sample dataset (small) analysed for `model`."""
    return analyze_file(path, model=model, epochs=epochs)


def dataset_report(model: str, epochs: int | None) -> DatasetReport | None:
    """The uploaded dataset's analysis, else the scenario's sample's, else None."""
    upload = state.dataset()
    if upload:
        return analysis(upload["digest"], upload["name"], model, epochs, upload["data"])
    path = dataset_path(state.current())
    if path is None:
        return None
    return sample_analysis(str(path), model, epochs)


@st.cache_data(max_entries=500, show_spinner=False)
def count(text: str, encoding: str) -> int:
    return tokens.count(text, encoding)


@st.cache_data(max_entries=32, show_spinner=False)
def fine_tunable_models(as_of: str) -> list:
    return list(pricing.fine_tunable_models(dt.date.fromisoformat(as_of)))
