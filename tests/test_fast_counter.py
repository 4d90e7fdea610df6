"""The fast counter (toktok-rs) gives exactly tiktoken's counts, or is not used."""

from __future__ import annotations

import logging

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ftcost import tokens

ENCODINGS = ("cl100k_base", "o200k_base")

# The split patterns' edge cases: every kind of whitespace, digits of several scripts, contractions
# in both cases and with the typographic apostrophe, combining marks, titlecase letters, emoji with
# modifiers and joiners, special-token text, and code points assigned in Unicode 16/17.
EDGE = list(
    " \t\n\r\x0b\x0c\x85\xa0\u1680\u2000\u2028\u2029\u202f\u3000'’sStTdDmMlLvVeErR0123456789"
    "٠١٢３４x\u0300\u0301ゑ中文한국😀👍🏽\u200d\ufeffÀaAzZ_-.,!?<|>ǅᾈ\u0378\U000e0001\u088f\U000323b0"
)
PIECES = ["'s", "'LL", " 123456", "1234567", "\n\n  \n", "  x", "\r\n", "'re'", "\u00a0\u00a0a", "<|endoftext|>"]
TEXT = st.lists(
    st.one_of(st.text(st.one_of(st.sampled_from(EDGE), st.characters()), max_size=30), st.sampled_from(PIECES)),
    max_size=6,
).map("".join)


@pytest.fixture(scope="module")
def fast():
    counters = {}
    for encoding in ENCODINGS:
        counter = tokens._toktok_counter(encoding)
        if counter is None:
            pytest.skip("toktok-rs is not installed or failed its self-check")
        counters[encoding] = lambda text, many=counter: many([text])[0]
    return counters


@pytest.mark.parametrize("encoding", ENCODINGS)
@settings(max_examples=1500, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(text=TEXT)
def test_fast_counter_equals_tiktoken_on_arbitrary_unicode(fast, encoding, text):
    assert fast[encoding](text) == len(tokens.get_encoding(encoding).encode_ordinary(text))


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_lone_surrogates_count_as_tiktoken_counts_them(fast, encoding):
    # JSON "\ud800" decodes to a lone surrogate; toktok-rs cannot take it, tiktoken counts U+FFFD.
    text = "before \ud800 after"
    assert fast[encoding](text) == len(tokens.get_encoding(encoding).encode_ordinary(text))


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("char", ["\U0003342d", "\u088f", "\U0001e6e3", "\u1ad0"])
def test_unicode_16_and_17_letters_are_counted_by_tiktoken(fast, encoding, char):
    # CJK Extension J and other Unicode 16/17 letters: toktok-rs 0.3.0 splits them differently.
    for text in (f"{char}'s", f"a{char}b", f" {char}1", f"{char}{char}"):
        assert fast[encoding](text) == len(tokens.get_encoding(encoding).encode_ordinary(text))


def test_a_failed_self_check_falls_back_to_tiktoken_with_one_log_line(monkeypatch, caplog):
    monkeypatch.setattr(tokens, "SELF_CHECK", ("Hello, world!",))
    import toktok

    real = toktok._encoding

    class Wrong:
        def __init__(self, inner):
            self.inner = inner

        def count_batch(self, texts, threads, special):
            return [
                n + (text == "Hello, world!")
                for n, text in zip(self.inner.count_batch(texts, threads, special), texts, strict=True)
            ]

    monkeypatch.setattr(toktok, "_encoding", lambda name: Wrong(real(name)))
    with caplog.at_level(logging.WARNING, logger="ftcost.tokens"):
        assert tokens._toktok_counter("cl100k_base") is None
    assert len(caplog.records) == 1 and "disagrees with tiktoken" in caplog.records[0].getMessage()


def test_a_missing_wheel_falls_back_to_tiktoken(monkeypatch, caplog):
    import sys

    monkeypatch.setitem(sys.modules, "toktok", None)  # import fails as with no wheel for the platform
    with caplog.at_level(logging.WARNING, logger="ftcost.tokens"):
        assert tokens._toktok_counter("o200k_base") is None
    assert len(caplog.records) == 1 and "counting with tiktoken" in caplog.records[0].getMessage()


def test_the_public_count_is_exact_on_hand_checkable_strings():
    # Eight words and a question mark: nine tokens (both encodings).
    for encoding in ENCODINGS:
        assert tokens.count("Can I bring pork products into the country?", encoding) == 9


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_a_batch_with_surrogates_and_new_letters_counts_as_tiktoken(encoding):
    texts = ["plain", "caf\u00e9", "bad \ud800 one", "\U0003342d's", "中文", ""]
    reference = tokens.get_encoding(encoding).encode_ordinary
    assert tokens.batch_counter(encoding)(texts) == [len(reference(t)) for t in texts]


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_fast_counter_equals_tiktoken_on_every_string_of_the_shipped_scenarios(fast, encoding):
    import sys
    from pathlib import Path

    repo = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(repo / "bench"))
    from candidates import corpus

    texts = corpus(sorted((repo / "scenarios").rglob("*.jsonl")) + sorted((repo / "scenarios").glob("*.toml")))
    assert len(texts) > 50
    reference = tokens.get_encoding(encoding).encode_ordinary
    assert [fast[encoding](t) for t in texts] == [len(reference(t)) for t in texts]


def test_no_self_check_probe_needs_the_guard():
    # The self-check counts its probes as a screened batch (the guard skipped); that is the same check only
    # while no probe holds a code point the guard would send to tiktoken.
    for probe in tokens.SELF_CHECK:
        assert not tokens.needs_reference(probe) and not tokens._has_surrogate(probe), repr(probe)


def test_the_written_out_screen_table_is_the_derived_one():
    assert tokens._utf8_prefixes() == tokens._GUARDED_PREFIXES


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_the_stored_self_check_counts_are_tiktokens(encoding):
    reference = tokens.get_encoding(encoding).encode_ordinary
    assert tokens.SELF_CHECK_TIKTOKEN[encoding] == tuple(len(reference(p)) for p in tokens.SELF_CHECK)


# --- the block screen: one look at a block's bytes instead of a regex over every string -------------------


def _json_bytes(text: str, ascii_only: bool = False) -> bytes:
    import json

    return json.dumps({"messages": [{"role": "user", "content": text}]}, ensure_ascii=ascii_only).encode(
        "utf-8", "surrogatepass"
    )


def test_every_guarded_code_point_fails_the_screen_raw_and_escaped():
    points = [p for a, b in tokens._guarded_points() for p in range(a, b + 1)]
    assert len(points) > 4000  # the Unicode 16/17 ranges and the surrogates
    for point in points:
        assert not tokens.screened(_json_bytes(f"a{chr(point)}b")), hex(point)
        assert not tokens.screened(_json_bytes(f"a{chr(point)}b", ascii_only=True)), hex(point)


def test_plain_text_of_common_scripts_passes_the_screen():
    for text in ("plain English", "你是机场的智能助手。", "한국어 텍스트", "Привет", "l'été", "😀👍🏽👨‍👩‍👧", "a\\nb"):
        assert tokens.screened(_json_bytes(text)), text


@pytest.mark.slow
@settings(max_examples=3000, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(text=TEXT)
def test_a_screened_block_holds_no_string_that_needs_tiktoken(text):
    raw = _json_bytes(text)
    if tokens.screened(raw):
        assert not tokens.needs_reference(text) and not tokens._has_surrogate(text)


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_a_screened_batch_counts_as_tiktoken(encoding):
    texts = ["plain", "caf\u00e9", "中文 and more", "😀 x", ""]
    assert tokens.screened(b"".join(_json_bytes(t) for t in texts))
    reference = tokens.get_encoding(encoding).encode_ordinary
    assert tokens.batch_counter(encoding)(texts, screened=True) == [len(reference(t)) for t in texts]
