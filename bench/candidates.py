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

`--families` does the same for Llama 3 and Qwen 2 (references: tiktoken with each family's pattern and
ranks, Qwen after NFC; see `ftcost.tokenizers`): quicktok-v1, toktok-rs given quicktok-v1's files
(`tokenizers._toktok_layout`), fastokens from the family's ranks and pattern, each unguarded; and
`--scan --families` lists the code points of planes 0-3 and 14 each counts differently from its reference counter (tiktoken with the family's pattern).
"""

from __future__ import annotations

import argparse
import contextlib
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
                with contextlib.suppress(ValueError):  # a line that is not JSON has no strings to add
                    strings_of(json.loads(line), out)
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


def scan(encoding: str) -> list[tuple[int, int]]:
    """Code-point ranges where toktok-rs and tiktoken disagree, each code point tried in six contexts.

    This is how `ftcost.tokens.UNKNOWN_TO_TOKTOK` was found (about 10 CPU-minutes per encoding).
    """
    import toktok

    from ftcost.tokens import get_encoding

    enc = get_encoding(encoding)
    points = [c for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    bad: set[int] = set()
    for probe in ("{0}'s", "a{0}b", " {0}1", "A{0}a", "{0}{0}", "1{0}"):
        texts = [probe.format(chr(c)) for c in points]
        fast = toktok.batch_count(texts, encoding)
        reference = [len(ids) for ids in enc.encode_ordinary_batch(texts)]
        bad.update(c for c, a, b in zip(points, fast, reference, strict=True) if a != b)
    ranges: list[list[int]] = []
    for c in sorted(bad):
        if ranges and ranges[-1][1] == c - 1:
            ranges[-1][1] = c
        else:
            ranges.append([c, c])
    return [(a, b) for a, b in ranges]


def family_candidates(name: str):
    """(name, count_batch) for Llama 3 or Qwen 2: the reference first, then the candidates, unguarded."""
    import unicodedata

    from ftcost import tokenizers

    reference = tokenizers._llama3_reference() if name == "llama3" else tokenizers._qwen_encoding()
    nfc = (lambda t: t) if name == "llama3" else (lambda t: t if t.isascii() else unicodedata.normalize("NFC", t))
    yield "tiktoken", lambda texts: [len(reference.encode_ordinary(nfc(t))) for t in texts]
    import quicktok

    q = tokenizers._llama3_encoding() if name == "llama3" else tokenizers._qwen_quicktok()
    yield "quicktok-v1", lambda texts: list(quicktok.count_batch(q, texts, threads=1))
    try:
        from toktok._toktok import Tokenizer

        t = Tokenizer(tokenizers.TOKTOK_LAYOUTS[name][0], str(tokenizers._toktok_layout(name)))
        yield "toktok-rs", lambda texts: t.count_batch([nfc(x) for x in texts], 1, False)
    except ImportError:
        yield "toktok-rs", None
    try:
        import base64
        import tempfile

        from fastokens._native import Tokenizer as F

        ranks = reference._mergeable_ranks
        with tempfile.NamedTemporaryFile("wb", suffix=".tiktoken", delete=False) as f:
            f.write(b"".join(base64.b64encode(k) + b" %d\n" % v for k, v in ranks.items()))
        fast = F.from_tiktoken(f.name, pattern=reference._pat_str, special_tokens={})
    except ImportError:
        yield "fastokens", None
    except ValueError as exc:  # it refuses some vocabularies: a finding, reported as a failure
        yield "fastokens", lambda texts, exc=exc: (_ for _ in ()).throw(exc)
    else:
        yield "fastokens", lambda texts: [len(fast.encode_ordinary(nfc(x))) for x in texts]


def scan_families(name: str) -> dict[str, list[tuple[int, int]]]:
    """Per candidate, the code-point ranges of planes 0-3 and 14 it counts differently from its reference counter (tiktoken with the family's pattern)."""
    counters = dict(family_candidates(name))
    reference = counters.pop("tiktoken")
    points = [c for c in (*range(0x40000), *range(0xE0000, 0xF0000)) if not 0xD800 <= c <= 0xDFFF]
    bad: dict[str, set[int]] = {k: set() for k in ("quicktok-v1", "toktok-rs") if counters.get(k) is not None}
    for probe in ("{0}'s", "a{0}b", " {0}1", "A{0}a", "{0}{0}", "1{0}"):
        texts = [probe.format(chr(c)) for c in points]
        want = reference(texts)
        for key in bad:
            got = counters[key](texts)
            bad[key].update(c for c, a, b in zip(points, got, want, strict=True) if a != b)
    return {key: _ranges(sorted(found)) for key, found in bad.items()}


def _ranges(points: list[int]) -> list[tuple[int, int]]:
    ranges: list[list[int]] = []
    for c in points:
        if ranges and ranges[-1][1] == c - 1:
            ranges[-1][1] = c
        else:
            ranges.append([c, c])
    return [(a, b) for a, b in ranges]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=int, default=80)
    parser.add_argument("--files", nargs="*", type=Path)
    parser.add_argument("--scan", action="store_true", help="list the code points toktok-rs counts differently")
    parser.add_argument("--families", action="store_true", help="Llama 3 and Qwen 2 instead of OpenAI's encodings")
    args = parser.parse_args()
    if args.scan and args.families:
        from ftcost import tokens

        for family in ("llama3", "qwen2"):
            for key, ranges in scan_families(family).items():
                guarded = all(tokens.needs_reference(chr(c)) for a, b in ranges for c in range(a, b + 1))
                shown = " ".join(f"U+{a:04X}-U+{b:04X}" for a, b in ranges)
                print(f"{family} {key}: {len(ranges)} ranges, all guarded: {guarded}: {shown}", flush=True)
        return
    if args.scan:
        for encoding in ENCODINGS:
            print(encoding, " ".join(f"U+{a:04X}-U+{b:04X}" for a, b in scan(encoding)))
        return
    from bench_analyze import dataset

    files = list(args.files or [dataset(args.mb)])
    files += sorted((REPO / "scenarios").rglob("*.jsonl")) + sorted((REPO / "scenarios").glob("*.toml"))
    texts = corpus(files)
    chars = sum(map(len, texts))
    print(f"corpus: {len(texts):,} distinct strings, {chars / 1e6:.1f} M characters, from {len(files)} files")
    for encoding in ("llama3", "qwen2") if args.families else ENCODINGS:
        reference = None
        base = None
        for name, counter in family_candidates(encoding) if args.families else candidates(encoding):
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
            wrong = [i for i, (a, b) in enumerate(zip(counts, reference, strict=True)) if a != b]
            off = sum(abs(counts[i] - reference[i]) for i in wrong)
            print(
                f"  {encoding:12} {name:12} {seconds:7.2f} s  {base / seconds:5.2f}x  "
                f"tokens {sum(counts):,}  strings differing {len(wrong)} (tokens off {off})",
                flush=True,
            )
            for i in wrong[:3]:
                print(f"      e.g. {texts[i][:80]!r}: {counts[i]} vs tiktoken {reference[i]}")


if __name__ == "__main__":
    main()
