"""A hostile upload cannot make the served app's memory grow with its number of bad lines.

* Line numbers are kept as 4-byte arrays, capped per category (`keep_lines`) with a count of the rest.
* One analysis per encoding and format: every other model's (and every epochs value's) is derived from it,
  identical to analysing again.
* The issues CSV is built when it is downloaded, not on every rerun.
* The Dataset page on a 4 MB upload of 2 million `1` lines, in a child process: peak memory bounded.
"""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys

import pytest
from conftest import REPO
from test_dataset_parallel import make_dataset

from ftcost import views
from ftcost.dataset import LineNumbers, analysis_key, analyze_bytes, for_model
from ftcost.models import load_models
from ftcost.scenario import dataset_path, default_scenario

SAMPLE = dataset_path(default_scenario()).read_bytes()


def _long_example(words: int) -> bytes:
    text = " ".join(f"word{i}" for i in range(words))
    return json.dumps(
        {
            "messages": [
                {"role": "system", "content": "s"},
                {"role": "user", "content": text},
                {"role": "assistant", "content": "ok"},
            ]
        }
    ).encode()


#: Bad lines, a prompt/completion line, and examples over 2K, 4K and 16K tokens: every limit differs.
MIXED = (
    b"\n".join(
        [
            *SAMPLE.splitlines()[:12],
            b"1",
            b"not json",
            _long_example(3000),
            _long_example(6000),
            _long_example(20_000),
            b'{"prompt": "p", "completion": "c"}',
            *SAMPLE.splitlines()[12:20],
        ]
    )
    + b"\n"
)


def _fields(report) -> dict:
    out = {f.name: getattr(report, f.name) for f in dataclasses.fields(report)}
    out["tokens_per_example"] = list(report.tokens_per_example)
    out["example_lines"] = list(report.example_lines)
    return out


@pytest.mark.parametrize("data", [SAMPLE, MIXED], ids=["sample", "mixed"])
def test_every_model_derived_from_one_analysis_per_encoding_equals_its_own(data):
    groups: dict[tuple, list[str]] = {}
    for model, facts in load_models().items():
        if facts.encoding and facts.format != "embedding" and facts.effective_example_limit:
            groups.setdefault(analysis_key(model), []).append(model)
    assert len(groups) >= 2
    for models in groups.values():
        first = analyze_bytes(data, "f.jsonl", model=models[0])
        for model in models:
            for epochs in (None, 1, 7):
                derived = for_model(first, model, epochs)
                direct = analyze_bytes(data, "f.jsonl", model=model, epochs=epochs)
                assert _fields(derived) == _fields(direct), (model, epochs)


def test_line_numbers_are_compact_and_read_like_lists():
    report = analyze_bytes(b"1\n" * 50_000, "ones.jsonl")
    lines = report.error_lines["data_type"]
    assert isinstance(lines, LineNumbers) and lines.itemsize == 4
    assert lines == list(range(1, 50_001)) and lines[:3].tolist() == [1, 2, 3]


@pytest.mark.parametrize("workers", [1, 3])
def test_a_cap_keeps_the_first_lines_and_counts_the_rest(workers, monkeypatch):
    from ftcost.dataset import parallel

    monkeypatch.setattr(parallel, "MIN_CHUNK", 20_000)
    monkeypatch.setattr(parallel, "SINGLE_CHUNK", 30_000)
    data, bad = make_dataset(3000)
    full = analyze_bytes(data, "g.jsonl", workers=1)
    capped = analyze_bytes(data, "g.jsonl", workers=workers, keep_lines=5)
    for category, lines in full.error_lines.items():
        assert capped.error_lines[category] == lines[:5].tolist()
        assert capped.line_count(category) == len(lines) == full.line_count(category)
        assert capped.lines_not_listed.get(category, 0) == max(0, len(lines) - 5)
    assert capped.errors == full.errors and capped.billing_tokens == full.billing_tokens
    # The page's table says how many more lines there are, from the counts, not from the kept list.
    ones = analyze_bytes(b"1\n" * 1000, "ones.jsonl", keep_lines=5)
    frame = views.issue_frame(ones)
    row = frame[frame["Problem"] == "data_type"].iloc[0]
    assert row["Lines"] == "1, 2, 3, 4, 5 … and 995 more"  # 1,000 lines, 5 kept


def test_the_issues_csv_lists_the_kept_lines_and_says_how_many_more():
    capped = analyze_bytes(b"1\n" * 1000, "ones.jsonl", keep_lines=10)
    rows = views.issue_lines_csv(capped).splitlines()
    assert rows[0] == "file,kind,problem,line,fix"
    data_type = [r for r in rows if ",data_type," in r]
    assert len(data_type) == 11 and "990 more lines" in data_type[-1]


CHILD = r"""
import datetime as dt, json, resource, sys
from streamlit.testing.v1 import AppTest
from ftcost.models import load_models
from ftcost.pricing import load_pricing
from ftcost.tokens import get_encoding

for name in ("cl100k_base", "o200k_base"):
    get_encoding(name)
load_models(); load_pricing()
at = AppTest.from_file(sys.argv[1], default_timeout=600)
at.run()
at.date_input(key="w:as_of").set_value(dt.date(2026, 11, 21)).run()
at.switch_page("ui/page_dataset.py").run()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
at.file_uploader(key="dataset_upload").upload("ones.jsonl", b"1\n" * 2_000_000, "application/jsonl").run()
at.number_input(key="w:training.planned_examples").set_value(500).run()  # a later edit
dataset_errors = [e.value for e in at.error]
at.switch_page("ui/page_plan.py").run()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"grew_kb": peak - before, "exception": [str(e.value) for e in at.exception],
                  "dataset": dataset_errors, "plan": [e.value for e in at.error]}))
"""


@pytest.mark.slow
def test_two_million_bad_lines_on_the_dataset_page_in_bounded_memory():
    # Before: +2.5 GB (one analysis per model, every line number as a Python int, a 250 MB CSV string built
    # on each rerun). The 4 MB of bytes are held a few times (the upload, the session's copy, the cache key).
    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(REPO / "app.py")], capture_output=True, text=True, timeout=1200, cwd=REPO
    )
    measured = json.loads(result.stdout.strip().splitlines()[-1])
    assert not measured["exception"], measured
    assert any("2,000,001 problems" in e and "line 1" in e for e in measured["dataset"]), measured
    assert any("has no examples to measure training tokens on" in e for e in measured["plan"]), measured
    assert measured["grew_kb"] * 1024 < 300_000_000, measured


@pytest.mark.app
def test_the_dataset_page_reads_an_upload_once_per_encoding_whatever_the_models_and_epochs(monkeypatch):
    # Regression: the page analysed the file once per model in its training-cost table and once more per
    # epochs value, so a link naming many epochs values (or a busy what-if session) re-read it each time.
    import datetime as dt

    from streamlit.testing.v1 import AppTest

    import ui.cached

    calls: list[str] = []
    real = ui.cached.analyze_bytes

    def counting(data, name, model, **kw):
        calls.append(model)
        return real(data, name, model=model, **kw)

    monkeypatch.setattr(ui.cached, "analyze_bytes", counting)
    data = b"\n".join(SAMPLE.splitlines()[:12] + [b"1"]) + b"\n"
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60).run()
    at.date_input(key="w:as_of").set_value(dt.date(2026, 11, 21)).run()
    at.switch_page("ui/page_dataset.py").run()
    at.file_uploader(key="dataset_upload").upload(f"once-{id(calls)}.jsonl", data, "application/jsonl").run()
    assert not at.exception, at.exception
    table = at.dataframe[-1].value
    groups = {analysis_key(m) for m in table["Model"]}
    assert len(table) > len(groups) and len(calls) == len(groups), calls
    for epochs in (1, 2, 5, 9):
        at.number_input(key="w:training.epochs").set_value(epochs).run()
        assert not at.exception, at.exception
    at.switch_page("ui/page_plan.py").run()
    assert len(calls) == len(groups), calls
