"""Token counts of chat examples, by the method of OpenAI's fine-tuning data-prep notebook.

Per message: 3 tokens + the tokens of every string value in it (the role too) + 1 more when the
key is `name`; per example: + 3 (the reply is primed with <|start|>assistant<|message|>). The
notebook calls this "not exact"; it is the method OpenAI publishes, so ftcost follows it exactly.
Where the notebook stops (it crashes on non-string values), ftcost counts what the model reads:
tool-call and function-call names and arguments, and tool definitions (see `tooldefs`).

Counting is the expensive part of analysing a dataset, and real datasets repeat strings (the same
system prompt on every line, role names, the same tool descriptions), so counts are memoised in
bounded LRU caches, one per encoding and process.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Any, Callable

from ftcost.errors import FtcostError
from ftcost.dataset.tooldefs import definitions_tokens, function_definitions
from ftcost import tokenizers

TOKENS_PER_MESSAGE = 3
TOKENS_PER_NAME = 1
REPLY_PRIMING = 3

# Cache bounds: at most 4,096 short strings (<= 1,024 characters) and 16 long ones (<= 262,144
# characters), i.e. at most about 8 M characters held, whatever the file. LRU keeps a system prompt
# that repeats on every line while unique answers pass through; longer strings are not cached.
_SHORT, _SHORT_ENTRIES = 1024, 4096
_LONG, _LONG_ENTRIES = 262_144, 16
#: Longer strings are counted in slices of at most this many characters (see `slices`).
SLICE = 65_536


@functools.cache
def string_counter(encoding: str) -> Callable[[str], int]:
    """A memoised `text -> token count` for `encoding` (special-token text counts as plain text).

    `encoding` is an OpenAI encoding or any family of `ftcost.tokenizers` ("llama3", "qwen2", ...);
    the OpenAI encodings count with the fast exact counter chosen in `ftcost.tokens.counter`.
    """
    tokens = tokenizers.family(encoding).count

    short = functools.lru_cache(maxsize=_SHORT_ENTRIES)(tokens)
    long = functools.lru_cache(maxsize=_LONG_ENTRIES)(tokens)

    def count(text: str) -> int:
        size = len(text)
        if size <= _SHORT:
            return short(text)
        if size <= _LONG:
            return long(text)
        # One huge string (a 40 MB content field) encoded whole costs ~36 bytes per token for the
        # token list, and tiktoken's merge of one long run without word breaks ("aaaa...", CJK without
        # punctuation) takes gigabytes and minutes. Counting slice by slice keeps both bounded.
        return sum(tokens(text[start:end]) for start, end in slices(text, SLICE))

    return count


# A letter followed by something that is not a letter, digit, "_" or "'": a fast filter for the
# positions `_safe_cut` then checks exactly.
_CANDIDATE = re.compile(r"[^\W\d_][^\w']")


def _safe_cut(text: str, p: int) -> bool:
    """True when counting text[:p] and text[p:] separately gives exactly the tokens of the whole.

    tiktoken first splits text with its encoding's regex, then merges tokens within each piece, so
    counts add up at any boundary between pieces. After a letter, both encodings' patterns
    (cl100k_base and o200k_base) end the letter piece at the first character that is not a letter,
    a combining mark or the apostrophe of a contraction ('s, 'll...), and no pattern looks back, so
    the split at p is the same whether or not the text goes on. Unassigned code points are refused:
    a newer Unicode version in tiktoken's regex could call them letters.
    """
    before, after = unicodedata.category(text[p - 1]), unicodedata.category(text[p])
    return before[0] == "L" and after[0] not in "LM" and after != "Cn" and text[p] != "'"


def slices(text: str, size: int) -> list[tuple[int, int]]:
    """(start, end) ranges covering `text`, each at most `size` characters, cut at safe boundaries.

    Each cut is the first safe boundary (see `_safe_cut`) in the second half of the slice, so the
    sum of the slices' counts is exactly the count of the whole. Natural text has a word break every
    few characters; only a run of `size // 2` characters with none (a string of one repeated letter,
    a long number) is cut where it stands, which can change the count by a token at that cut.
    """
    out, start, n = [], 0, len(text)
    while n - start > size:
        cut = start + size
        for match in _CANDIDATE.finditer(text, start + size // 2, start + size + 1):
            if _safe_cut(text, match.start() + 1):
                cut = match.start() + 1
                break
        out.append((start, cut))
        start = cut
    out.append((start, n))
    return out


def call_tokens(key: str, value: Any, count: Callable[[str], int]) -> int:
    """Tokens of the names and arguments in a message's `tool_calls` list or `function_call` object."""
    calls = value if key == "tool_calls" else [{"function": value}]
    total = 0
    if isinstance(calls, list):
        for call in calls:
            function = call.get("function") if isinstance(call, dict) else None
            if isinstance(function, dict):
                for part in (function.get("name"), function.get("arguments")):
                    if isinstance(part, str):
                        total += count(part)
    return total


def message_tokens(message: dict, count: Callable[[str], int]) -> int:
    """The notebook's tokens for one message (not including the per-example reply priming)."""
    total = TOKENS_PER_MESSAGE
    for key, value in message.items():
        if isinstance(value, str):
            total += count(value)
        elif key == "tool_calls" or key == "function_call":
            total += call_tokens(key, value, count)
        if key == "name":
            total += TOKENS_PER_NAME
    return total


def reply_tokens(message: dict, count: Callable[[str], int]) -> int:
    """Tokens the model is trained to produce in an assistant message: its content and its calls."""
    content = message.get("content")
    total = count(content) if isinstance(content, str) else 0
    for key in ("tool_calls", "function_call"):
        if key in message:
            total += call_tokens(key, message[key], count)
    return total


def count_messages(
    messages: list[dict],
    encoding: str,
    *,
    tools: list | None = None,
    functions: list | None = None,
) -> int:
    """Tokens of one conversation by the notebook's method, tool definitions rendered as the model sees them.

    Args:
        messages: Chat Completions messages; entries that are not objects are skipped.
        encoding: "cl100k_base" or "o200k_base".
        tools: the request's or example's `tools` list, if any.
        functions: the legacy `functions` list, if any.

    Returns:
        3 per message + every string value (role included) + 1 per `name` + tool-call names and
        arguments + 3 for the reply priming + the rendered tool definitions.
    """
    count = string_counter(encoding)
    total = REPLY_PRIMING
    for message in messages:
        if isinstance(message, dict):
            total += message_tokens(message, count)
    definitions = function_definitions(tools, functions)
    if definitions is None:
        raise FtcostError(
            "tools/functions must be lists of function definitions, each with a non-empty name."
        )
    return total + definitions_tokens(definitions, encoding, count)
