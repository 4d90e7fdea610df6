"""Offline tokenizer: tiktoken, fed from the vocab files the `bpe-openai` package ships.

tiktoken downloads its vocabulary on first use, which crashes on an air-gapped machine. `bpe-openai`
ships byte-identical copies of cl100k_base and o200k_base. Before asking tiktoken for an encoding we
place the shipped file in tiktoken's cache (`TIKTOKEN_CACHE_DIR`) under the key tiktoken computes
from its own download URL, after checking the file's sha256 against the hash tiktoken itself expects.
tiktoken then finds it cached, verifies it again, and never opens a connection. Because the cache is
seeded in the process environment, any other code in the process that calls tiktoken works offline too.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from ftcost.errors import TokenizerError

if TYPE_CHECKING:
    import tiktoken

# tiktoken (and ast and inspect for checking its vocabulary; gzip, hashlib and tempfile for seeding its
# cache; logging for the fallback's one line) are imported where they are used: a scan that counts with
# toktok-rs never needs them, and every `ftcost analyze` pays for its imports before its workers start.

#: The encodings ftcost supports (the ones bpe-openai ships).
ENCODINGS = ("cl100k_base", "o200k_base")

_lock = threading.Lock()


@functools.cache
def tiktoken_blob(encoding: str) -> tuple[str, str]:
    """(download URL, expected sha256) that tiktoken itself uses for `encoding`.

    Read from tiktoken's own source (`tiktoken_ext.openai_public`) rather than copied here, so a
    tiktoken release that changes either is followed, and a mismatch with the shipped file is caught.
    """
    # deferred: tiktoken's plugin module and the parsers that read it, only when the vocabulary is checked
    import ast
    import inspect

    import tiktoken_ext.openai_public as public  # deferred: imports tiktoken itself, which the fast counters avoid

    tree = ast.parse(inspect.getsource(public))
    for fn in tree.body:
        if isinstance(fn, ast.FunctionDef) and fn.name == encoding:
            for node in ast.walk(fn):
                if (
                    isinstance(node, ast.Call)
                    and getattr(node.func, "id", None) == "load_tiktoken_bpe"
                    and node.args
                    and isinstance(node.args[0], ast.Constant)
                ):
                    expected = next(
                        (
                            k.value.value
                            for k in node.keywords
                            if k.arg == "expected_hash" and isinstance(k.value, ast.Constant)
                        ),
                        None,
                    )
                    path = node.args[0].value
                    if isinstance(expected, str) and isinstance(path, str):
                        return path, expected
    raise TokenizerError(f"This tiktoken version does not define the {encoding} encoding that ftcost needs.")


def _bpe_openai_dir() -> Path:
    # Locate the package without importing it: its import loads a Rust tokenizer ftcost does not use.
    spec = importlib.util.find_spec("bpe_openai")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("bpe-openai is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


def shipped_vocab(encoding: str) -> bytes:
    """The vocab file for `encoding` as shipped by bpe-openai, verified against tiktoken's hash."""
    # deferred: only the tiktoken path reads the shipped vocabulary (see the note at the imports)
    import gzip
    import hashlib

    if encoding not in ENCODINGS:
        raise TokenizerError(f"Unknown encoding {encoding!r}; ftcost supports {', '.join(ENCODINGS)}.")

    try:
        data = gzip.decompress((_bpe_openai_dir() / "data" / f"{encoding}.tiktoken.gz").read_bytes())
    except (ModuleNotFoundError, FileNotFoundError, OSError) as exc:
        raise TokenizerError(
            f"The {encoding} vocabulary could not be read from the bpe-openai package ({exc}); "
            "reinstall ftcost with `make install`."
        ) from None
    _, expected = tiktoken_blob(encoding)
    actual = hashlib.sha256(data).hexdigest()
    if actual != expected:
        raise TokenizerError(
            f"The {encoding} vocabulary shipped by bpe-openai has sha256 {actual[:12]}…, "
            f"but tiktoken expects {expected[:12]}…; refusing to count tokens with it."
        )
    return data


def cache_dir() -> Path:
    """The directory tiktoken reads its cache from, creating ftcost's default if none is set."""
    configured = os.environ.get("TIKTOKEN_CACHE_DIR") or os.environ.get("DATA_GYM_CACHE_DIR")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    path = Path(base) / "ftcost" / "tiktoken"
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:
        import tempfile  # deferred: only the tiktoken path seeds a cache (see the note at the imports)

        path = Path(tempfile.gettempdir()) / "ftcost-tiktoken"
    return path


def seed_cache(encoding: str) -> Path:
    """Put the verified vocab file where tiktoken looks for it; return that path."""
    # deferred: only the tiktoken path seeds its cache (see the note at the imports)
    import hashlib
    import tempfile

    url, expected = tiktoken_blob(encoding)
    directory = cache_dir()
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / hashlib.sha1(url.encode()).hexdigest()
    if target.exists() and hashlib.sha256(target.read_bytes()).hexdigest() == expected:
        return target
    data = shipped_vocab(encoding)

    # Atomic replace: concurrent workers never see a half-written vocab file.
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".ftcost-")
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.replace(tmp, target)
    return target


@functools.cache
def get_encoding(encoding: str) -> tiktoken.Encoding:
    """A tiktoken `Encoding`, loaded offline from the shipped vocab. Cached per process."""
    import tiktoken  # deferred: ~0.1 s of import the fast counters' start-up does without

    with _lock:
        if encoding not in ENCODINGS:
            raise TokenizerError(f"Unknown encoding {encoding!r}; ftcost supports {', '.join(ENCODINGS)}.")
        # Seed every shipped encoding, not just this one: other code in the process that calls
        # tiktoken directly (for the other encoding) must find it cached too, not download it.
        directory = [seed_cache(name) for name in ENCODINGS][0].parent
        # tiktoken reads this variable on every load; pointing it at the seeded directory is what
        # keeps it from downloading.
        os.environ["TIKTOKEN_CACHE_DIR"] = str(directory)
        return tiktoken.get_encoding(encoding)


def count(text: str, encoding: str) -> int:
    """Tokens in `text` under `encoding`. Special-token text (e.g. "<|endoftext|>") counts as plain text."""
    return counter(encoding)(text)


# --- the fast exact counter -------------------------------------------------------------------------
#
# toktok-rs (MIT, Rust core, vocabularies compiled into the wheel) counts cl100k_base and o200k_base
# without building token ids. bench/candidates.py measured it against tiktoken on every distinct
# string of the generator's 80 MB file and of the shipped scenarios (identical for both encodings)
# and tests/test_fast_counter.py runs a hypothesis differential over arbitrary Unicode. Two known
# differences, both routed to tiktoken here:
# - strings with lone surrogates (JSON "\ud800" decodes to one): toktok-rs raises where tiktoken
#   counts the replacement character;
# - code points assigned in Unicode 16 and 17 (CJK Extension J, Garay, ...) that toktok-rs's
#   character tables do not know: `bench/candidates.py --scan` (every code point in six contexts)
#   found these ranges, and only these, counted differently: all of them in o200k_base, a subset
#   of them in cl100k_base. Both encodings route the whole set to tiktoken. The same scan of
#   quicktok-v1's Llama 3 and Qwen counters (against tiktoken with their vocabularies and split
#   patterns) found a subset of these for Llama 3 and three more for Qwen (U+113C2, U+1611E, U+16D67:
#   Unicode 16 characters NFC composes differently in quicktok's tables and in Python's); the set
#   holds those too and guards every Rust counter (`guarded_batch`).
#   toktok-rs given quicktok-v1's Llama 3 and Qwen files (`ftcost.tokenizers._toktok_counters`) differs,
#   on planes 0-3 and 14, only on a subset of the set (`bench/candidates.py --scan --families`).
# tiktoken stays the reference: a start-up self-check compares the two on edge-case probes, and any
# disagreement (or a missing wheel) falls back to tiktoken with one line in the log.


def _warn(message: str, *args: object) -> None:
    """One line in the "ftcost.tokens" log (a fallback to tiktoken)."""
    import logging  # deferred: ~3 ms of import (traceback, string, its own regexes) for a line rarely written

    logging.getLogger("ftcost.tokens").warning(message, *args)


#: The code points the Rust counters' Unicode tables do not know, as a character class. Compiled on first use
#: (`_unknown_patterns`): `re` spends ~4 ms optimising its astral ranges, and a file whose blocks pass
#: `screened` (or hold only ASCII) never asks.
UNKNOWN_TO_TOKTOK = (
    "[\u088f\u0c5c\u0cdc\u1acf-\u1add\u1ae0-\u1aeb\ua7ce\ua7cf\ua7d2\ua7d4\ua7f1"
    "\U00010940-\U00010959\U00010ec5-\U00010ec7\U00010efa\U00010efb\U00011b60-\U00011b67"
    "\U00011db0-\U00011ddb\U00011de0-\U00011de9\U00016ea0-\U00016eb8\U00016ebb-\U00016ed3"
    "\U00016ff2-\U00016ff6\U000187f8-\U000187ff\U00018d09-\U00018d1e\U00018d80-\U00018df2"
    "\U0001e6c0-\U0001e6de\U0001e6e0-\U0001e6f5\U0001e6fe\U0001e6ff\U0002b73a-\U0002b73f"
    "\U000113c2\U0001611e\U00016d67"
    "\U0002cea2-\U0002cead\U000323b0-\U00033479]"
)
# The same set split for speed: `re` tests a class of BMP characters with one table look-up, but
# walks a list of astral ranges character by character; most text has no astral character at all.
_UNKNOWN_BMP = "[\u088f\u0c5c\u0cdc\u1acf-\u1add\u1ae0-\u1aeb\ua7ce\ua7cf\ua7d2\ua7d4\ua7f1]"
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


@functools.cache
def _unknown_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(the BMP part of the set, the whole set), compiled once per process when first needed."""
    return re.compile(_UNKNOWN_BMP), re.compile(UNKNOWN_TO_TOKTOK)


def _unknown_to_toktok(text: str) -> bool:
    """True when `text` holds a code point the Rust counters' Unicode tables do not know."""
    bmp, every = _unknown_patterns()
    return bool(bmp.search(text) or (_ASTRAL.search(text) and every.search(text)))


needs_reference = _unknown_to_toktok
_NEEDS_REFERENCE = {"cl100k_base": _unknown_to_toktok, "o200k_base": _unknown_to_toktok}


def _guarded_points() -> list[tuple[int, int]]:
    """The code-point ranges of `UNKNOWN_TO_TOKTOK`, plus the surrogates (a lone one needs tiktoken too)."""
    body, ranges, i = UNKNOWN_TO_TOKTOK[1:-1], [(0xD800, 0xDFFF)], 0
    while i < len(body):
        if i + 2 < len(body) and body[i + 1] == "-":
            ranges.append((ord(body[i]), ord(body[i + 2])))
            i += 3
        else:
            ranges.append((ord(body[i]), ord(body[i])))
            i += 1
    return ranges


def _utf8_prefixes() -> dict[bytes, tuple[bytes, ...]]:
    """{lead byte: the first two bytes of every guarded code point's UTF-8 that start with it}."""
    found: dict[bytes, set[bytes]] = {}
    for a, b in _guarded_points():
        for point in range(a, b + 1):
            encoded = chr(point).encode("utf-8", "surrogatepass")
            found.setdefault(encoded[:1], set()).add(encoded[:2])
    return {lead: tuple(sorted(pairs)) for lead, pairs in found.items()}


#: `_utf8_prefixes()` written out (tests/test_fast_counter.py checks it is the same): deriving it walks the
#: ~7,000 guarded code points, ~2 ms of every start-up, for five lead bytes and 46 pairs.
_GUARDED_PREFIXES: dict[bytes, tuple[bytes, ...]] = {
    b"\xed": tuple(bytes((0xED, second)) for second in range(0xA0, 0xC0)),  # the surrogates U+D800-U+DFFF
    b"\xe0": (b"\xe0\xa2", b"\xe0\xb1", b"\xe0\xb3"),
    b"\xe1": (b"\xe1\xab",),
    b"\xea": (b"\xea\x9f",),
    b"\xf0": (
        b"\xf0\x90",
        b"\xf0\x91",
        b"\xf0\x96",
        b"\xf0\x98",
        b"\xf0\x9e",
        b"\xf0\xab",
        b"\xf0\xac",
        b"\xf0\xb2",
        b"\xf0\xb3",
    ),
}
# re finds this two-byte needle ~4x faster than `in` does (measured on 80 MB of JSON full of "\\n").
_ESCAPE = re.compile(rb"\\u").search


def screened(raw: bytes) -> bool:
    """True when no string decoded from the JSON text `raw` can hold a code point the fast counter must
    leave to tiktoken (see `UNKNOWN_TO_TOKTOK`) or a lone surrogate, so a batch of them skips the
    per-string check.

    Every such code point reaches a decoded string either as its UTF-8 bytes or as a `\\u` escape, and
    all of them share a few lead bytes that text in most scripts never uses (CJK, Latin, Cyrillic, emoji
    do not): one memchr per lead byte, and a two-byte look only when a lead byte occurs, instead of a
    regular expression over every character of every string (which cost more than the counting itself).
    False when in doubt (any `\\u` escape): the caller then checks string by string.
    """
    if _ESCAPE(raw):
        return False
    return not any(lead in raw and any(pair in raw for pair in pairs) for lead, pairs in _GUARDED_PREFIXES.items())


#: Strings on which the fast counter must agree with tiktoken before it is used: the split
#: patterns' edge cases (contractions in both cases and with a typographic apostrophe, digit runs
#: of 1-7, every kind of whitespace run before a word or at the end, letters with combining marks,
#: CJK, emoji with modifiers and joiners, special-token text as plain text).
SELF_CHECK = (
    "",
    " ",
    "  ",
    "\n",
    "\n\n\n",
    " \n ",
    "\r\n",
    "\t\tx",
    "a  b",
    "a \n\n b",
    "   x",
    "x   ",
    "I'm",
    "YOU'LL",
    "we'Re",
    "it's",
    "it’s",
    "'s",
    "''s",
    "don't'",
    "l'été",
    "1",
    "12",
    "123",
    "1234",
    "1234567",
    "3.14159",
    "-42",
    "٣٤٥",
    "１２３",
    "x1y22z333",
    "e\u0301te\u0301",
    "Ǆemal",
    "ᾈ",
    "中文字符测试",
    "한국어 텍스트",
    "ゑびす",
    "😀👍🏽👨‍👩‍👧",
    "\u00a0\u00a0a",
    "\u2028x\u3000y",
    "\ufeffBOM",
    "<|endoftext|>",
    "<|im_start|>user",
    "Hello, world!",
    "def f(x):\n    return x ** 2\n",
    '{"a": [1, 2, {"b": null}]}',
    "https://example.com/a?b=c&d=e",
)


#: tiktoken's counts of SELF_CHECK, so the start-up check needs no tiktoken vocabulary in memory
#: (~46 MB per process); tests/test_fast_counter.py recomputes them with tiktoken.
SELF_CHECK_TIKTOKEN = {
    "cl100k_base": (
        0,
        1,
        1,
        1,
        1,
        2,
        1,
        2,
        3,
        3,
        2,
        2,
        2,
        3,
        2,
        2,
        2,
        1,
        2,
        3,
        3,
        1,
        1,
        1,
        2,
        3,
        4,
        2,
        6,
        3,
        6,
        4,
        4,
        3,
        4,
        7,
        5,
        21,
        3,
        5,
        3,
        7,
        7,
        4,
        11,
        15,
        11,
    ),
    "o200k_base": (
        0,
        1,
        1,
        1,
        1,
        2,
        1,
        2,
        3,
        3,
        2,
        2,
        1,
        3,
        2,
        1,
        2,
        1,
        2,
        2,
        2,
        1,
        1,
        1,
        2,
        3,
        4,
        2,
        3,
        2,
        6,
        4,
        4,
        3,
        3,
        5,
        4,
        12,
        3,
        4,
        3,
        7,
        7,
        4,
        11,
        15,
        11,
    ),
}


def _toktok_counter(encoding: str) -> BatchCount | None:
    """toktok-rs's exact batch counter for `encoding`, or None (with one log line) if unusable.

    Made for batches: one call costs tens of microseconds of set-up, so a string at a time is slower
    than tiktoken (`counter` still uses it for the few single strings, to spare loading tiktoken); a
    batch of thousands is 3-5x faster than tiktoken on one core.
    """
    try:
        # optional dependency: toktok has no wheel on every platform; its absence means the slower counter
        import toktok
        from toktok import _toktok  # noqa: F401  (the compiled core: a missing wheel fails here)

        tokenizer = toktok._encoding(encoding)  # cached by toktok; the public batch_count wraps it
        batch = tokenizer.count_batch
        batch(["warm-up"], 1, False)
    except Exception as exc:  # ImportError, a wheel for another platform, an unknown encoding
        _warn("fast token counter unavailable for %s (%s); counting with tiktoken", encoding, exc)
        return None

    def reference(text: str) -> list[int]:
        # Loaded on first use only: most files never need it, and it costs ~46 MB in each process.
        return get_encoding(encoding).encode_ordinary(text)

    count_many = guarded_batch(
        lambda texts: batch(texts, 1, False),
        lambda text: len(reference(text)),
        _NEEDS_REFERENCE.get(encoding, _unknown_to_toktok),
    )
    # No probe holds a guarded code point or a lone surrogate (tests/test_fast_counter.py checks), so the guard
    # would route none of them to tiktoken: skipping its look is the same check, and its patterns then compile
    # only when a file needs them (`_unknown_patterns`), not at every start-up.
    got = count_many(list(SELF_CHECK), screened=True)
    expected = dict(
        zip(SELF_CHECK, SELF_CHECK_TIKTOKEN[encoding], strict=False)
    )  # probes without a stored count are recounted
    for probe, n in zip(SELF_CHECK, got, strict=True):
        want = expected.get(probe)
        if n != (len(reference(probe)) if want is None else want):
            _warn("fast token counter disagrees with tiktoken on %r for %s; counting with tiktoken", probe, encoding)
            return None
    return count_many


def guarded_batch(
    batch: Callable[[list[str]], list[int]],  # raises UnicodeEncodeError or TypeError on a lone surrogate
    reference: Callable[[str], int],
    needs_reference: Callable[[str], bool] = _unknown_to_toktok,
) -> Callable[..., list[int]]:
    """`batch` (a Rust counter's batch call) with the strings it cannot count exactly left to `reference`.

    Those are the strings with a code point its Unicode tables do not know (`needs_reference`) and those
    with a lone surrogate (the Rust counters raise on them; the reference counts U+FFFD, as tiktoken
    does). The returned `count_many(texts, screened=False)` skips the per-string look for guarded code
    points when the caller has shown, with `screened(raw)` on the bytes the texts came from, that
    there can be none.
    """

    def count_many(texts: list[str], screened: bool = False) -> list[int]:
        slow = (
            set() if screened else {i for i, text in enumerate(texts) if not text.isascii() and needs_reference(text)}
        )
        fast = [t for i, t in enumerate(texts) if i not in slow] if slow else texts
        try:
            counts = batch(fast)
        except (UnicodeEncodeError, TypeError):  # a lone surrogate somewhere: those go to the reference
            slow |= {i for i, text in enumerate(texts) if not text.isascii() and _has_surrogate(text)}
            fast = [t for i, t in enumerate(texts) if i not in slow]
            counts = batch(fast)
        if not slow:
            return counts
        it = iter(counts)
        return [reference(t) if i in slow else next(it) for i, t in enumerate(texts)]

    return count_many


def _has_surrogate(text: str) -> bool:
    # A lone surrogate (JSON "\ud800"): toktok-rs cannot take it, tiktoken counts it as U+FFFD.
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


#: Set to False (tests, the benchmark's reference runs) to count with tiktoken alone.
USE_FAST_COUNTER = os.environ.get("FTCOST_FAST_COUNTER", "1") != "0"


@functools.cache
def counter(encoding: str) -> Callable[[str], int]:
    """The exact `text -> tokens` for one string of an OpenAI encoding: the fast counter's batch of one, else tiktoken.

    Nothing is loaded here: the first string loads the fast counter (toktok-rs, self-checked, its guarded strings
    left to tiktoken), or tiktoken where the fast counter is off or unusable. A batch of one costs toktok-rs tens
    of microseconds of set-up, more than tiktoken per string, but the strings counted one at a time are few (a
    scenario's prompts, a scan's rare strings outside its blocks' batches), while loading tiktoken as well costs
    the app's first visit ~0.9 s and each process ~46 MB per encoding.
    """

    def reference(text: str) -> int:
        return len(get_encoding(encoding).encode_ordinary(text))

    chosen: list[Callable[[str], int]] = []  # the counter, chosen at the first string

    def count(text: str) -> int:
        if not chosen:
            if counter_name(encoding) == "toktok-rs":
                many = batch_counter(encoding)
                chosen.append(lambda text: many([text])[0])
            else:
                chosen.append(reference)
        return chosen[0](text)

    return count


class BatchCount(Protocol):
    """`texts -> counts`; `screened` says the caller has already checked the strings need no tiktoken."""

    def __call__(self, texts: list[str], screened: bool = False) -> list[int]: ...


@functools.cache
def batch_counter(encoding: str) -> BatchCount:
    """The exact `texts -> counts` for many strings: toktok-rs where proven identical, else tiktoken."""
    fast = _toktok_counter(encoding) if USE_FAST_COUNTER else None
    if fast is not None:
        return fast
    single = counter(encoding)

    def count_each(texts: list[str], screened: bool = False) -> list[int]:
        return [single(t) for t in texts]

    return count_each


def counter_name(encoding: str) -> str:
    """Which implementation `batch_counter(encoding)` uses: "toktok-rs" or "tiktoken"."""
    return "toktok-rs" if getattr(batch_counter(encoding), "__name__", "") == "count_many" else "tiktoken"
