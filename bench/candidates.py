"""Evaluate fast token counters against tiktoken: exactness on a corpus, and speed.

    .venv/bin/python bench/candidates.py [--mb 80] [--files a.jsonl b.jsonl ...]

The corpus is every distinct string value (at any depth: message content, roles, tool-call
arguments, tool descriptions) of the generator's file (`--mb`, seed 0) and of the shipped
scenarios' training files, plus every string in the scenario TOML files. Each candidate that is
installed counts every string for cl100k_base and o200k_base; a count that differs from
tiktoken's `len(encode_ordinary(s))` is reported with the string. Candidates that are not
installed are listed as such (the evaluation installs them with `pip install --target` into a
scratch directory put on PYTHONPATH, so the project's environment does not gain them).

Speed is the time to count the whole unique corpus once, single-threaded (threads=1 where the
API has it), as a ratio to tiktoken in the same run.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import tomllib
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(BENCH))

ENCODINGS = ("cl100k_base", "o200k_base")


def strings_of(value, out: set) -> None:
    if isinstance(value, str):
        out.add(value)
    elif isinstance(value, dict):
        for k, v in value.items():
            out.add(k)
            strings_of(v, out)
    elif isinstance(value, list):
        for v in value:
            strings_of(v, out)


def corpus(files: list[Path]) -> list[str]:
    out: set[str] = set()
    for path in files:
        if path.suffix == ".toml":
            strings_of(tomllib.loads(path.read_text()), out)
            continue
        with path.open("rb") as f:
            for line in f:
                try:
                    strings_of(json.loads(line), out)
                except ValueError:
                    pass
    return sorted(out)


def candidates(encoding: str):
    """(name, count_batch(list[str]) -> list[int]) for every installed candidate."""
    from ftcost.tokens import get_encoding, seed_cache

    path = str(seed_cache(encoding))
    enc = get_encoding(encoding)
    yield "tiktoken", lambda texts: [len(enc.encode_ordinary(t)) for t in texts]
    try:
        import toktok

        yield "toktok-rs", lambda texts: toktok.batch_count(texts, encoding, threads=1)
    except ImportError:
        yield "toktok-rs", None
    try:
        import quicktok

        q = quicktok.get_encoding(encoding)
        yield "quicktok-v1", lambda texts: list(quicktok.count_batch(q, texts, threads=1))
    except ImportError:
        yield "quicktok-v1", None
    try:
        import riptoken

        r = riptoken.get_encoding(encoding)
        yield "riptoken", lambda texts: [len(r.encode_ordinary(t)) for t in texts]
    except ImportError:
        yield "riptoken", None
    try:
        from fastokens._native import Tokenizer

        f = Tokenizer.from_tiktoken(path, pattern=enc._pat_str, special_tokens={}, encoding=encoding)
        yield "fastokens", lambda texts: [len(f.encode_ordinary(t)) for t in texts]
    except ImportError:
        yield "fastokens", None
    try:
        from bpe_openai import _bindings

        b = _bindings.tokenizer_for_encoding(encoding)
        yield "bpe-openai", lambda texts: [b.count(t) for t in texts]
    except ImportError:
        yield "bpe-openai", None


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=int, default=80)
    parser.add_argument("--files", nargs="*", type=Path)
    args = parser.parse_args()
    from bench_analyze import dataset

    files = list(args.files or [dataset(args.mb)])
    files += sorted((REPO / "scenarios").rglob("*.jsonl")) + sorted((REPO / "scenarios").glob("*.toml"))
    texts = corpus(files)
    chars = sum(map(len, texts))
    print(f"corpus: {len(texts):,} distinct strings, {chars / 1e6:.1f} M characters, from {len(files)} files")
    for encoding in ENCODINGS:
        reference = None
        base = None
        for name, counter in candidates(encoding):
            if counter is None:
                print(f"  {encoding:12} {name:12} not installed")
                continue
            start = time.perf_counter()
            try:
                counts = [int(c) for c in counter(texts)]
            except Exception as exc:  # a candidate that crashes is a finding, not a bench failure
                print(f"  {encoding:12} {name:12} FAILED: {exc!r}")
                continue
            seconds = time.perf_counter() - start
            if reference is None:
                reference, base = counts, seconds
            wrong = [i for i, (a, b) in enumerate(zip(counts, reference)) if a != b]
            off = sum(abs(counts[i] - reference[i]) for i in wrong)
            print(f"  {encoding:12} {name:12} {seconds:7.2f} s  {base / seconds:5.2f}x  "
                  f"tokens {sum(counts):,}  strings differing {len(wrong)} (tokens off {off})", flush=True)
            for i in wrong[:3]:
                print(f"      e.g. {texts[i][:80]!r}: {counts[i]} vs tiktoken {reference[i]}")


if __name__ == "__main__":
    main()
