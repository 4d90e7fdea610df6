"""The parallel path gives exactly the single-process result; progress is reported; no network."""

from __future__ import annotations

import json
import multiprocessing
import random

import pytest

from ftcost.dataset import analyze_bytes, analyze_file, parallel
from ftcost.dataset.reading import plan_ranges

WORDS = [
    "the",
    "flight",
    "gate",
    "is",
    "delayed",
    "please",
    "check",
    "baggage",
    "refund",
    "登机",
    "延误",
    "行李",
    "ticket",
]


def _text(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def _example(rng: random.Random) -> dict:
    messages = [{"role": "system", "content": "You answer airport questions."}]
    for _ in range(rng.randint(1, 3)):
        messages.append({"role": "user", "content": _text(rng, rng.randint(3, 40))})
        reply = {"role": "assistant", "content": _text(rng, rng.randint(3, 60))}
        if rng.random() < 0.3:
            reply["weight"] = rng.choice([0, 1])
        messages.append(reply)
    return {"messages": messages}


BAD = [
    b"{not json",
    b"[1, 2, 3]",
    b'{"messages": []}',
    b'{"messages": [{"role": "user", "content": "caf\xe9"}]}',  # not UTF-8
    b'{"messages": [{"role": "user"}, {"role": "assistant", "content": "x", "weight": 5}]}',
    b"",  # blank
    b"   \r",  # blank, CRLF style
]


def make_dataset(lines: int = 1500, seed: int = 7) -> tuple[bytes, dict[int, bytes]]:
    """A generated dataset with bad lines sprinkled in; returns the data and {line: bad bytes}."""
    rng = random.Random(seed)
    out, bad = [], {}
    for number in range(1, lines + 1):
        if rng.random() < 0.03:
            bad[number] = rng.choice(BAD)
            out.append(bad[number])
        else:
            out.append(json.dumps(_example(rng), ensure_ascii=False).encode())
    return b"\xef\xbb\xbf" + b"\r\n".join(out) + b"\r\n", bad


@pytest.fixture
def small_chunks(monkeypatch):
    # Cut even a small file into many ranges so lines and merges cross range boundaries.
    monkeypatch.setattr(parallel, "MIN_CHUNK", 20_000)
    monkeypatch.setattr(parallel, "SINGLE_CHUNK", 30_000)


def _same(a, b):
    assert a.to_dict() == b.to_dict()
    assert list(a.tokens_per_example) == list(b.tokens_per_example)


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_parallel_equals_single_process(tmp_path, small_chunks, monkeypatch, method):
    if method not in multiprocessing.get_all_start_methods():
        pytest.skip(f"no {method} on this platform")
    monkeypatch.setattr(parallel, "START_METHOD", method)
    data, bad = make_dataset()
    path = tmp_path / "gen.jsonl"
    path.write_bytes(data)
    assert len(plan_ranges(len(data), parallel.chunk_size(len(data), 2), lambda p: data.find(b"\n", p))) > 8

    single = analyze_file(path, workers=1)
    multi = analyze_file(path, workers=2)
    _same(single, multi)
    _same(single, analyze_bytes(data, str(path), workers=2))

    # and both agree with the bad lines we planted
    blank = sum(1 for b in bad.values() if not b.strip())
    bad_objects = sum(1 for b in bad.values() if b in (BAD[2], BAD[4]))  # JSON objects: still examples
    assert single.lines == 1500 and single.examples == 1500 - len(bad) + bad_objects
    planted_json = sorted(n for n, b in bad.items() if b == b"{not json")
    assert single.error_lines.get("invalid_json", []) == planted_json
    planted_utf8 = sorted(n for n, b in bad.items() if b"\xe9" in b)
    assert single.error_lines.get("invalid_utf8", []) == planted_utf8
    assert blank > 0 and not single.valid


def test_one_range_equals_many(tmp_path, monkeypatch):
    data, _ = make_dataset(lines=600, seed=3)
    whole = analyze_bytes(data, "gen.jsonl")
    monkeypatch.setattr(parallel, "SINGLE_CHUNK", 5_000)
    _same(whole, analyze_bytes(data, "gen.jsonl"))


def test_progress_reaches_the_total(tmp_path, small_chunks):
    data, _ = make_dataset(lines=800, seed=1)
    path = tmp_path / "gen.jsonl"
    path.write_bytes(data)
    for workers in (1, 2):
        calls: list[tuple[int, int]] = []
        analyze_file(path, progress=lambda done, total, calls=calls: calls.append((done, total)), workers=workers)
        assert calls[0] == (0, len(data)) and calls[-1] == (len(data), len(data))
        assert [d for d, _ in calls] == sorted(d for d, _ in calls) and len(calls) > 3


def test_analysis_opens_no_socket(tmp_path, no_sockets, small_chunks):
    data, _ = make_dataset(lines=300, seed=2)
    path = tmp_path / "gen.jsonl"
    path.write_bytes(data)
    report = analyze_file(path, "gpt-4o-mini-2024-07-18")
    assert report.lines == 300 and report.encoding == "o200k_base"
    assert analyze_file(path, "gpt-4o-mini-2024-07-18", workers=2).to_dict() == report.to_dict()


def test_fork_is_chosen_only_without_other_threads(monkeypatch):
    import threading

    monkeypatch.setattr(parallel, "START_METHOD", None)
    monkeypatch.setattr(threading, "active_count", lambda: 3)  # e.g. inside Streamlit
    assert parallel.start_method() == "spawn"


def test_workers_default_stays_in_process_for_small_files(tmp_path, monkeypatch, small_chunks):
    def no_pool(*args):
        raise AssertionError("a small file should not start worker processes")

    monkeypatch.setattr(parallel.multiprocessing, "get_context", no_pool)
    path = tmp_path / "tiny.jsonl"
    path.write_bytes(make_dataset(lines=400)[0])  # several ranges, but far below PARALLEL_MIN_BYTES
    assert analyze_file(path).lines == 400
    with pytest.raises(AssertionError):  # asked for explicitly, workers are used
        analyze_file(path, workers=2)


def test_hinted_context_is_the_validated_one_for_every_model():
    # The workers start from models.toml read without pydantic; for every model it must be the context
    # the validated facts give (or no hint at all), so the check after the scan never has to redo it.
    from ftcost.dataset import analysis
    from ftcost.errors import FtcostError
    from ftcost.models import load_models

    hinted = 0
    for model in load_models():
        hint = analysis._hinted_context(model, 7)
        try:
            _facts, ctx = analysis._model_context(model, 7)
        except FtcostError:
            assert hint is None, model  # embedding models, r50k_base models: no hint, the usual sentence
            continue
        assert hint in (None, ctx), model
        hinted += hint is not None
    assert hinted > 10
    assert analysis._hinted_context("no-such-model", None) is None


def test_a_wrong_hint_is_caught_and_the_file_scanned_again(tmp_path, small_chunks, monkeypatch):
    from ftcost.dataset import analysis
    from ftcost.dataset.checks import Context

    data, _ = make_dataset(lines=600, seed=5)
    path = tmp_path / "gen.jsonl"
    path.write_bytes(data)
    right = analyze_file(path, workers=1)
    monkeypatch.setattr(analysis, "_hinted_context", lambda model, keep: Context("o200k_base", "chat", 5, keep))
    _same(right, analyze_file(path, workers=2))


def test_model_errors_still_reach_the_caller_on_the_hinted_path(tmp_path, small_chunks, monkeypatch):
    from ftcost.dataset import analysis
    from ftcost.errors import PricingDataError

    data, _ = make_dataset(lines=300, seed=6)
    path = tmp_path / "gen.jsonl"
    path.write_bytes(data)

    def broken(model, keep_lines=None):
        raise PricingDataError("models.toml: model gpt-3.5-turbo-0125 → shutdown: not a date.")

    monkeypatch.setattr(analysis, "_model_context", broken)
    with pytest.raises(PricingDataError, match="not a date"):
        analyze_file(path, workers=2)


def _facts_logged(monkeypatch) -> list[str]:
    """A list that gets "facts" each time analysis validates the model's facts (for ordering tests)."""
    from ftcost.dataset import analysis

    events: list[str] = []
    real_context = analysis._model_context

    def context(*args):
        events.append("facts")
        return real_context(*args)

    monkeypatch.setattr(analysis, "_model_context", context)
    return events


def test_the_workers_start_before_the_model_facts_are_validated(tmp_path, small_chunks, monkeypatch):
    # The validated facts (pydantic, ~0.1 s) load while the workers scan, not before they start.
    import contextlib

    from ftcost.dataset import analysis

    events = _facts_logged(monkeypatch)
    real_pool = analysis.worker_pool

    @contextlib.contextmanager
    def pool(*args):
        events.append("workers")
        with real_pool(*args) as p:
            yield p

    monkeypatch.setattr(analysis, "worker_pool", pool)
    path = tmp_path / "gen.jsonl"
    path.write_bytes(make_dataset(lines=300, seed=8)[0])
    analyze_file(path, workers=2)
    assert events == ["workers", "facts"]
    events.clear()
    analyze_file(path, workers=1)  # one process: nothing to overlap, the facts come first
    assert events == ["facts", "workers"]


FOUR = ["cl100k_base", "o200k_base", "llama3", "qwen2"]  # more families than the two workers: groups


def test_family_groups_start_before_the_model_facts_are_validated(tmp_path, small_chunks, monkeypatch):
    from ftcost.dataset import analysis, parallel

    events = _facts_logged(monkeypatch)
    real_scan = analysis.scan_groups

    def groups(*args, **kwargs):
        real_meanwhile = kwargs.get("meanwhile")

        def meanwhile():
            events.append("workers started")
            real_meanwhile()

        if real_meanwhile is not None:
            kwargs["meanwhile"] = meanwhile
        return real_scan(*args, **kwargs)

    monkeypatch.setattr(analysis, "scan_groups", groups)
    path = tmp_path / "gen.jsonl"
    path.write_bytes(make_dataset(lines=300, seed=9)[0])
    grouped = analysis.analyze_file_many(path, tokenizers=FOUR, workers=2)
    assert events == ["workers started", "facts"]
    assert len(parallel.family_groups(FOUR, 2)) == 2
    assert grouped == analysis.analyze_file_many(path, tokenizers=FOUR, workers=1)


def test_a_wrong_hint_is_caught_and_the_families_scanned_again(tmp_path, small_chunks, monkeypatch):
    from ftcost.dataset import analysis
    from ftcost.dataset.checks import Context

    path = tmp_path / "gen.jsonl"
    path.write_bytes(make_dataset(lines=600, seed=10)[0])
    right = analysis.analyze_file_many(path, tokenizers=FOUR, workers=1)
    monkeypatch.setattr(analysis, "_hinted_context", lambda model, keep: Context("o200k_base", "chat", 5, keep))
    assert analysis.analyze_file_many(path, tokenizers=FOUR, workers=2) == right


def test_model_errors_still_reach_the_caller_with_family_groups(tmp_path, small_chunks, monkeypatch):
    from ftcost.dataset import analysis
    from ftcost.errors import PricingDataError

    path = tmp_path / "gen.jsonl"
    path.write_bytes(make_dataset(lines=300, seed=11)[0])

    def broken(model, keep_lines=None):
        raise PricingDataError("models.toml: model gpt-3.5-turbo-0125 → shutdown: not a date.")

    monkeypatch.setattr(analysis, "_model_context", broken)
    with pytest.raises(PricingDataError, match="not a date"):
        analysis.analyze_file_many(path, tokenizers=FOUR, workers=2)


@pytest.mark.parametrize("families", [None, ("cl100k_base", "o200k_base", "llama3")])
def test_spawned_workers_do_not_run_the_parents_main_script(tmp_path, small_chunks, monkeypatch, families):
    # Inside Streamlit, `__main__` is the app script (Streamlit installs each run's module under that name, with the
    # script as its __file__), and a spawned worker re-runs `__main__` before its first job: every upload's
    # workers ran the whole app. A stand-in script that leaves a mark when it runs must leave none.
    import sys
    import types

    from ftcost.dataset import analyze_file_many

    mark = tmp_path / "ran"
    script = tmp_path / "app_stand_in.py"
    script.write_text(f"import pathlib\npathlib.Path({str(mark)!r}).write_text('the app ran in a worker')\n")
    stand_in = types.ModuleType("__main__")
    stand_in.__file__ = str(script)
    monkeypatch.setitem(sys.modules, "__main__", stand_in)
    monkeypatch.setattr(parallel, "START_METHOD", "spawn")
    data, _ = make_dataset()
    path = tmp_path / "gen.jsonl"
    path.write_bytes(data)
    if families is None:
        report = analyze_file(path, workers=2)
    else:
        report = analyze_file_many(path, tokenizers=families, workers=2)["cl100k_base"]
    assert report.lines == 1500
    assert not mark.exists()
    assert sys.modules["__main__"] is stand_in  # put back after the workers started
