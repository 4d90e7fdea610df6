"""Token counts of chat requests and training examples, as OpenAI bills them.

One implementation serves the dataset analysis, the engine's prompt profiles, `ftcost live measure`
and `ftcost count`. The rules are the ones public API measurements support (tests/data/
api_measured.json holds every case with its source and the API's `usage.prompt_tokens`):

- Per message: 3 tokens + its role + its content (OpenAI's cookbook notebook, "How to count tokens
  with tiktoken"); `name` adds its tokens + 1. gpt-3.5-turbo-0301 used 4 per message and a name
  replaced the role (-1): the notebook's 127 vs 129 tokens on the same messages.
- Content given as a list of parts counts its text parts; image, audio and file parts are not
  counted here (a note says so).
- A legacy `function` message is rendered with the function's name in place of its role, and a
  `tool` message with the name of the function its `tool_call_id` answers: the id itself is not
  billed (hmarr/openai-chat-tokens' function cases; the 35-token tool-call round trip in forestwanglin/openai-java's
  thread "Token Count Difference (Followup)").
- An assistant `function_call` or each of its `tool_calls` adds 3 + the function's name + arguments.
- Tool definitions: see `tooldefs`. Forcing a function adds tokens: "none" 1, a named function 4 + its
  name with `function_call`, 7 + its name with `tool_choice` (pamelafox/openai-messages-token-helper).
- Every request ends with 3 tokens priming the reply (<|start|>assistant<|message|>).

Counting is the expensive part of analysing a dataset, and real datasets repeat strings (the same
system prompt on every line, role names, the same tool descriptions), so counts are memoised in
bounded LRU caches, one per encoding and process.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable
from typing import Any, NamedTuple

from ftcost import tokenizers
from ftcost.dataset.tooldefs import definitions_style, definitions_tokens, function_definitions
from ftcost.errors import FtcostError

TOKENS_PER_MESSAGE = 3
TOKENS_PER_NAME = 1
REPLY_PRIMING = 3
#: An assistant function call / each tool call: 3 + name + arguments (hmarr's function_call cases).
TOKENS_PER_CALL = 3
#: Forcing: tool_choice/function_call "none" (hmarr 32 vs 31; pamelafox 67 vs 66) ...
FORCE_NONE = 1
#: ... a named function with legacy `function_call` (hmarr: 36 = 31 + 4 + "foo") ...
FORCE_NAMED_FUNCTION = 4
#: ... and with `tool_choice` (pamelafox: 75 = 66 + 7 + "search_sources").
FORCE_NAMED_TOOL = 7
#: tool_choice "required": no public measurement; counted like "none" and flagged as estimated.
FORCE_REQUIRED = 1

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


class Rules(NamedTuple):
    """Per-message constants of a model family."""

    per_message: int = TOKENS_PER_MESSAGE
    per_name: int = TOKENS_PER_NAME


DEFAULT_RULES = Rules()
#: gpt-3.5-turbo-0301: <|im_start|>{role or name}\n{content}<|im_end|>\n (the cookbook notebook).
RULES_0301 = Rules(4, -1)


def rules_for(model: str | None) -> Rules:
    """The per-message rules of `model` (a snapshot id); the current rules for every model but 0301."""
    return RULES_0301 if model and "0301" in model else DEFAULT_RULES


#: What a note says about parts that are not text.
NOT_COUNTED_PARTS = (
    "image, audio and file parts of message content are not counted (their tokens depend on the "
    "image's size and detail or the audio's length, which ftcost does not read)"
)


def content_tokens(content: Any, count: Callable[[str], int], notes: set[str] | None = None) -> int:
    """Tokens of a message's content: a string, or the text parts of a list of parts."""
    if isinstance(content, str):
        return count(content)
    total = 0
    if isinstance(content, list):
        for part in content:
            if isinstance(part, dict) and part.get("type", "text") == "text" and isinstance(part.get("text"), str):
                total += count(part["text"])  # the part's "type" is not billed (pamelafox's image cases)
            elif notes is not None:
                notes.add(NOT_COUNTED_PARTS)
    return total


def text_of(content: Any) -> str | None:
    """The text a content value carries (string or text parts), or None when it has none."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        texts = [
            p["text"]
            for p in content
            if isinstance(p, dict) and p.get("type", "text") == "text" and isinstance(p.get("text"), str)
        ]
        return "".join(texts) if texts else None
    return None


def _calls(message: dict) -> list[dict]:
    """The function objects ({name, arguments}) of a message's tool_calls or function_call."""
    found = []
    calls = message.get("tool_calls")
    if isinstance(calls, list):
        for call in calls:
            function = call.get("function") if isinstance(call, dict) else None
            if isinstance(function, dict):
                found.append(function)
    function = message.get("function_call")
    if isinstance(function, dict):
        found.append(function)
    return found


def call_tokens(message: dict, count: Callable[[str], int]) -> int:
    """Tokens of the names and arguments of a message's calls, without the per-call overhead."""
    total = 0
    for function in _calls(message):
        for part in (function.get("name"), function.get("arguments")):
            if isinstance(part, str):
                total += count(part)
    return total


def call_names(messages: list) -> dict[str, str]:
    """tool_call_id -> function name, from the assistant messages' tool_calls."""
    names: dict[str, str] = {}
    for message in messages:
        calls = message.get("tool_calls") if isinstance(message, dict) else None
        if isinstance(calls, list):
            for call in calls:
                if (
                    isinstance(call, dict)
                    and isinstance(call.get("id"), str)
                    and isinstance(call.get("function"), dict)
                ):
                    name = call["function"].get("name")
                    if isinstance(name, str):
                        names[call["id"]] = name
    return names


def message_tokens(
    message: dict,
    count: Callable[[str], int],
    *,
    rules: Rules = DEFAULT_RULES,
    names: dict[str, str] | None = None,
    pad: bool = False,
    notes: set[str] | None = None,
) -> int:
    """Tokens of one message in a prompt (not including the request's reply priming).

    `names`: tool_call_id -> function name (see `call_names`); `pad`: the message is the system message
    the tool definitions join, whose content then ends in a newline.
    """
    role = message.get("role")
    name = message.get("name") if isinstance(message.get("name"), str) else None
    total = rules.per_message
    # The header shows who speaks: a function result is headed by the function's name, a tool result
    # by the name of the function its tool_call_id answers; neither the id nor the role is billed.
    if role == "tool":
        call_id = message.get("tool_call_id")
        speaker = (names or {}).get(call_id if isinstance(call_id, str) else "") or name
        if speaker is None:
            speaker = "tool"
            if notes is not None:
                notes.add("a tool message answers no tool call of the request; its header is estimated")
        total += count(speaker)
    elif role == "function" and name is not None:
        total += count(name)
    else:
        if isinstance(role, str):
            total += count(role)
        if name is not None:
            total += count(name) + rules.per_name
    content = message.get("content")
    if pad and isinstance(content, str):
        total += count(content + "\n")
    else:
        total += content_tokens(content, count, notes)
    calls = _calls(message)
    if calls:
        total += TOKENS_PER_CALL * len(calls) + call_tokens(message, count)
        if len(calls) > 1 and notes is not None:
            notes.add(
                "several tool calls in one message: counted as single calls (no public measurement of parallel calls)"
            )
    return total


def reply_tokens(message: dict, count: Callable[[str], int]) -> int:
    """Tokens the model is trained to produce in an assistant message: its content and its calls."""
    return content_tokens(message.get("content"), count) + call_tokens(message, count)


def forcing_tokens(choice: Any, count: Callable[[str], int], *, tool: bool, notes: set[str] | None = None) -> int:
    """Tokens of `tool_choice` (tool=True) or legacy `function_call` forcing: none / auto / required / named."""
    if choice is None or choice == "auto":
        return 0
    if choice == "none":
        return FORCE_NONE
    if choice == "required":
        if notes is not None:
            notes.add('tool_choice "required" is estimated (no public measurement)')
        return FORCE_REQUIRED
    if isinstance(choice, dict):
        target = choice.get("function") if tool else choice
        name = target.get("name") if isinstance(target, dict) else None
        if isinstance(name, str):
            return (FORCE_NAMED_TOOL if tool else FORCE_NAMED_FUNCTION) + count(name)
    return 0


def prompt_tokens(
    messages: list,
    count: Callable[[str], int],
    *,
    definitions: list[dict] | None = None,
    style: str = "tools",
    tool_choice: Any = None,
    function_call: Any = None,
    rules: Rules = DEFAULT_RULES,
    notes: set[str] | None = None,
) -> int:
    """Tokens of a whole prompt: its messages, its tool definitions and forcing, and the reply priming.

    Entries of `messages` that are not objects are skipped.
    """
    names = call_names(messages)
    merged = False
    total = REPLY_PRIMING
    for message in messages:
        if not isinstance(message, dict):
            continue
        pad = bool(definitions) and not merged and message.get("role") == "system"
        merged = merged or pad
        total += message_tokens(message, count, rules=rules, names=names, pad=pad, notes=notes)
    if definitions:
        total += definitions_tokens(definitions, count, style=style, merged=merged)
        total += forcing_tokens(tool_choice, count, tool=True, notes=notes)
        total += forcing_tokens(function_call, count, tool=False, notes=notes)
    return total


def count_messages(
    messages: list[dict],
    encoding: str,
    *,
    tools: list | None = None,
    functions: list | None = None,
    tool_choice: Any = None,
    function_call: Any = None,
    model: str | None = None,
) -> int:
    """Tokens of one conversation as a request's `prompt_tokens`, tool definitions rendered as the model sees them.

    Args:
        messages: Chat Completions messages; entries that are not objects are skipped.
        encoding: "cl100k_base" or "o200k_base".
        tools: the request's or example's `tools` list, if any.
        functions: the legacy `functions` list, if any.
        tool_choice, function_call: the request's forcing, if any.
        model: the snapshot id, for per-model rules (gpt-3.5-turbo-0301); None for the current rules.
    """
    definitions = function_definitions(tools, functions)
    if definitions is None:
        raise FtcostError("tools/functions must be lists of function definitions, each with a non-empty name.")
    return prompt_tokens(
        messages,
        string_counter(encoding),
        definitions=definitions,
        style=definitions_style(tools),
        tool_choice=tool_choice,
        function_call=function_call,
        rules=rules_for(model),
    )


#: The note for a request with a structured-output schema.
RESPONSE_FORMAT_NOT_COUNTED = (
    "response_format's JSON schema is not counted: no public measurement shows how it is billed"
)


def request_tokens(body: Any, encoding: str, *, model: str | None = None, notes: set[str] | None = None) -> int:
    """Predicted `usage.prompt_tokens` of a Chat Completions request body.

    Raises:
        FtcostError: the body is not an object with a list of messages, or its tools are malformed.
    """
    if not isinstance(body, dict):
        raise FtcostError("the request body is not a JSON object.")
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        raise FtcostError("the request has no `messages` list.")
    definitions = function_definitions(body.get("tools"), body.get("functions"))
    if definitions is None:
        raise FtcostError("its tools/functions are not lists of function definitions, each with a non-empty name.")
    response_format = body.get("response_format")
    if isinstance(response_format, dict) and response_format.get("type") == "json_schema" and notes is not None:
        notes.add(RESPONSE_FORMAT_NOT_COUNTED)
    return prompt_tokens(
        messages,
        string_counter(encoding),
        definitions=definitions,
        style=definitions_style(body.get("tools")),
        tool_choice=body.get("tool_choice"),
        function_call=body.get("function_call"),
        rules=rules_for(model),
        notes=notes,
    )
