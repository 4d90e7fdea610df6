"""The offline tokenizer: vocab from bpe-openai, verified against tiktoken's own hashes, never fetched."""

from __future__ import annotations

import hashlib
import importlib
import os
from pathlib import Path

import pytest
import tiktoken

from ftcost import tokens
from ftcost.errors import TokenizerError


@pytest.mark.parametrize("encoding", tokens.ENCODINGS)
def test_shipped_vocab_matches_tiktokens_expected_hash(encoding):
    url, expected = tokens.tiktoken_blob(encoding)
    assert url.startswith("https://") and url.endswith(f"{encoding}.tiktoken")
    assert hashlib.sha256(tokens.shipped_vocab(encoding)).hexdigest() == expected


@pytest.mark.parametrize("encoding", tokens.ENCODINGS)
def test_cache_is_seeded_where_tiktoken_looks(encoding):
    path = tokens.seed_cache(encoding)
    url, expected = tokens.tiktoken_blob(encoding)
    assert path.parent == Path(os.environ["TIKTOKEN_CACHE_DIR"])
    assert path.name == hashlib.sha1(url.encode()).hexdigest()
    assert hashlib.sha256(path.read_bytes()).hexdigest() == expected


def test_corrupt_cache_file_is_replaced(tmp_path, monkeypatch):
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path))
    url, expected = tokens.tiktoken_blob("cl100k_base")
    target = tmp_path / hashlib.sha1(url.encode()).hexdigest()
    target.write_bytes(b"not a vocabulary")
    tokens.seed_cache("cl100k_base")
    assert hashlib.sha256(target.read_bytes()).hexdigest() == expected


def test_tampered_vocab_is_refused(monkeypatch):
    monkeypatch.setattr(tokens, "tiktoken_blob", lambda enc: ("https://x/cl100k_base.tiktoken", "0" * 64))
    with pytest.raises(TokenizerError, match="sha256"):
        tokens.shipped_vocab("cl100k_base")


def test_unknown_encoding_is_a_sentence():
    with pytest.raises(TokenizerError, match="supports cl100k_base, o200k_base"):
        tokens.get_encoding("r50k_base")


@pytest.mark.parametrize(
    ("text", "encoding", "expected"),
    [
        # Hand-checkable: common English words are one token each in both encodings.
        ("hello world", "cl100k_base", ["hello", " world"]),
        ("hello world", "o200k_base", ["hello", " world"]),
        ("", "cl100k_base", []),
    ],
)
def test_counts_are_real_bpe_tokens(text, encoding, expected):
    enc = tokens.get_encoding(encoding)
    pieces = [enc.decode([t]) for t in enc.encode_ordinary(text)]
    assert pieces == expected
    assert tokens.count(text, encoding) == len(expected)


def test_encodings_differ_where_they_should():
    # o200k_base merges CJK text far more than cl100k_base does: the reason the encoding per model matters.
    text = "你是机场的智能助手。可以带猪肉制品入境吗"
    assert tokens.count(text, "o200k_base") < tokens.count(text, "cl100k_base")


def test_special_token_text_is_counted_as_text():
    assert tokens.count("<|endoftext|>", "cl100k_base") > 1


def test_tokenizer_loads_with_sockets_disabled(tmp_path, monkeypatch, no_sockets):
    # A fresh cache directory and a fresh tiktoken registry: the load must be from the shipped file.
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path))
    tokens.get_encoding.cache_clear()
    tokens.counter.cache_clear()  # the counter holds the reference encoding: load that afresh too
    registry = importlib.import_module("tiktoken.registry")
    monkeypatch.setattr(registry, "ENCODINGS", {})
    try:
        # Eight words and a question mark: nine tokens (tiktoken itself, as the reference counts them).
        text = "Can I bring pork products into the country?"
        assert len(tokens.get_encoding("cl100k_base").encode_ordinary(text)) == 9
        assert isinstance(tiktoken.get_encoding("o200k_base"), tiktoken.Encoding)
    finally:
        tokens.get_encoding.cache_clear()
        tokens.counter.cache_clear()
