"""One block, parsed and checked once, tallied for one or several tokenizers.

Most lines of a real training file are plain chat examples: `{"messages": [{"role", "content"
[, "name"] [, "weight"]}...]}` with string values. Such a line is decoded straight into typed
structs by msgspec (one C call, no dicts), and its checks reduce to a few comparisons whose result
is exactly what `checks.examine_example` would find; its strings go into flat lists counted per
tokenizer in one batch, and each line's totals are differences of running sums. A line the plain
shape refuses is tried as the tool-call shape (assistant `tool_calls` / `function_call`, `tool` and
`function` messages, `tools` / `functions` definitions: `_tool_line`), whose strings join the same
batch. Every other line (content parts, prompt/completion pairs, anything malformed or unusual,
anything msgspec refuses) goes through the full per-line path, `line.examine_line`, unchanged, once
per tokenizer.

Why the fast path agrees with the full one: a line is taken only when msgspec decodes it into the
exact shape (unknown keys, non-string values, floats or booleans as weights, lone surrogate escapes,
over-deep nesting, trailing bytes are all refused, and refused lines go the full way), duplicate
keys keep the last value in both decoders, and msgspec refuses invalid UTF-8 anywhere in a line (it
validates every string it decodes; every other byte is syntax or a known key). For that shape the full
checks can only find: no assistant message (not taken here), no system / no user message, and the
token limit; and the counting is 3 per message + role + content (+ name + 1) + 3 per example. For
the tool-call shape `_tool_line` takes only lines on which the full checks find no error (the same
three warnings remain) and counts them as `counting.prompt_tokens` does; the definitions are decoded
by the full path's JSON decoder and rendered and counted by `tooldefs`' own functions.
tests/test_fast_path.py compares both paths line by line on the generator's corpus with planted
errors and on the bad-input corpus.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable
from itertools import accumulate

import msgspec
from msgspec import UNSET, UnsetType

from ftcost.dataset.checks import ROLES as MESSAGE_ROLES
from ftcost.dataset.checks import Context, arguments_ok
from ftcost.dataset.counting import REPLY_PRIMING, TOKENS_PER_CALL, TOKENS_PER_MESSAGE, TOKENS_PER_NAME
from ftcost.dataset.line import decode_json
from ftcost.dataset.tally import LINE, Tally
from ftcost.dataset.tooldefs import definitions_style, definitions_tokens, function_definitions


class _Message(msgspec.Struct, forbid_unknown_fields=True):
    role: str
    content: str
    name: str | UnsetType = UNSET
    weight: int | UnsetType = UNSET


class _Example(msgspec.Struct, forbid_unknown_fields=True):
    messages: list[_Message]


_decode = msgspec.json.Decoder(_Example).decode
_DecodeError = (msgspec.DecodeError, msgspec.ValidationError)


# The tool-call shape (OpenAI's fine-tuning format for function calling), tried on the lines the plain
# shape refuses: assistant `tool_calls` [{id, type, function: {name, arguments}}] or legacy
# `function_call`, content null or absent beside them, `tool` messages with `tool_call_id`, `function`
# messages, and top-level `tools` / legacy `functions` definitions with `parallel_tool_calls`. The
# definitions are kept as raw JSON and decoded by the full path's own JSON decoder (see `_definitions`).
class _Function(msgspec.Struct, forbid_unknown_fields=True):
    name: str
    arguments: str


class _Call(msgspec.Struct, forbid_unknown_fields=True):
    id: str
    function: _Function
    type: str | UnsetType = UNSET


class _AnyMessage(msgspec.Struct, forbid_unknown_fields=True):
    role: str
    content: str | None | UnsetType = UNSET
    name: str | UnsetType = UNSET
    weight: int | UnsetType = UNSET
    tool_calls: list[_Call] | UnsetType = UNSET
    tool_call_id: str | UnsetType = UNSET
    function_call: _Function | UnsetType = UNSET


class _ToolExample(msgspec.Struct, forbid_unknown_fields=True):
    messages: list[_AnyMessage]
    tools: msgspec.Raw | UnsetType = UNSET
    functions: msgspec.Raw | UnsetType = UNSET
    parallel_tool_calls: bool | UnsetType = UNSET


_decode_tools = msgspec.json.Decoder(_ToolExample).decode


def _json(raw: msgspec.Raw | UnsetType) -> object:
    """A raw value decoded as the full path decodes the whole line (None when absent, as `dict.get`).

    msgspec does not check the UTF-8 or the strings of a Raw value: the strict decode here does, and a
    value it refuses raises (ValueError, RecursionError), which sends the line to the full path.
    """
    return None if raw is UNSET else decode_json(bytes(raw).decode("utf-8"))


def _listed(add: Callable[[str], object]) -> Callable[[str], int]:
    """A `count` for tooldefs' functions that lists each text for the block's batch and counts it 0 here."""

    def count(text: str) -> int:
        add(text)
        return 0

    return count


def _tool_line(
    example: _ToolExample,
    add: Callable[[str], object],
    add_a: Callable[[str], object],
    add_t: Callable[[str], object],
) -> tuple[int, int, int, int, bool] | None:
    """Check and record one line of the tool-call shape: (tokens that are not strings' counts, systems,
    users, assistants, has definitions), or None when the full path would find any error or the line
    is unusual (the caller then rolls back what was recorded and leaves the line to the full path).

    What `checks._chat` and `counting.prompt_tokens` do, on typed messages: every key is known (unknown
    keys are refused by the decoder), so only the value checks remain; the tool definitions are
    `tooldefs`' own functions on the full path's JSON values.
    """
    messages = example.messages
    if not messages:
        return None
    tools = example.tools
    definitions: list[dict] | None = []
    style = ""
    if tools is not UNSET or example.functions is not UNSET:
        try:
            tools_value = _json(tools)
            definitions = function_definitions(tools_value, _json(example.functions))
        except (ValueError, RecursionError):
            return None
        if definitions is None:
            return None  # malformed_tools
        style = definitions_style(tools_value)
    names: dict[str, str] = {}  # counting.call_names: tool_call_id -> the function it called
    for m in messages:
        if m.tool_calls is not UNSET:
            for call in m.tool_calls:
                names[call.id] = call.function.name
    const = REPLY_PRIMING
    system = user = reply = 0
    pad = bool(definitions)  # the first system message joins the definitions: its content ends in "\n"
    merged = False
    for m in messages:
        role, content, name = m.role, m.content, m.name
        calls: list[_Function] = [call.function for call in m.tool_calls] if m.tool_calls is not UNSET else []
        if m.function_call is not UNSET:
            calls.append(m.function_call)
        has_calls = m.tool_calls is not UNSET or m.function_call is not UNSET
        if role == "assistant":
            if not has_calls and not content:
                return None  # missing_content (or message_missing_key)
            weight = m.weight
            if weight is UNSET or weight == 1:
                trained = True
            elif weight == 0:
                trained = False
            else:
                return None  # invalid_weight
            if m.tool_calls is not UNSET:
                if not m.tool_calls:
                    return None
                for call in m.tool_calls:
                    if call.type is not UNSET and call.type != "function":
                        return None
            for function in calls:
                if not function.name or not arguments_ok(function.arguments):
                    return None  # malformed_tool_call
            reply += 1
        elif not content or has_calls or m.weight is not UNSET or role not in MESSAGE_ROLES:
            return None  # missing_content, malformed_tool_call, weight_on_non_assistant, unrecognized_role
        elif (role == "tool" and m.tool_call_id is UNSET) or (role == "function" and name is UNSET):
            return None  # malformed_tool_call: a result must say what it answers
        # counting.message_tokens: the header, the content, the calls.
        const += TOKENS_PER_MESSAGE
        if role == "tool":
            speaker = names.get(m.tool_call_id) or (None if name is UNSET else name)  # type: ignore[arg-type]
            add("tool" if speaker is None else speaker)
        elif role == "function":
            add(name)  # type: ignore[arg-type]
        else:
            if role == "system":
                system += 1
            elif role == "user":
                user += 1
            if name is not UNSET:
                add(name)
                const += TOKENS_PER_NAME
        if isinstance(content, str):
            if pad and not merged and role == "system":
                merged = True
                add(content + "\n")
            else:
                add(content)
                if role == "assistant":
                    add_a(content)
                    if trained:
                        add_t(content)
        # (a system message always has text here: one without is an error, left to the full path)
        for function in calls:  # only an assistant message has calls here
            const += TOKENS_PER_CALL
            add(function.name)
            add(function.arguments)
            add_a(function.name)
            add_a(function.arguments)
            if trained:
                add_t(function.name)
                add_t(function.arguments)
    if not reply:
        return None  # example_missing_assistant_message
    if definitions:
        const += definitions_tokens(definitions, _listed(add), style=style, merged=merged)
    return const, system, user, reply, bool(definitions)


class Parsed:
    """A block's lines once parsed and checked: the fast lines' strings, and the other lines' bytes."""

    __slots__ = (
        "lines",
        "fast_numbers",
        "fast_messages",
        "fast_const",
        "no_system",
        "no_user",
        "systems",
        "users",
        "assistants",
        "strings",
        "ends",
        "assistant",
        "assistant_ends",
        "trained",
        "trained_ends",
        "slow",
        "blank",
        "tool_examples",
    )

    def __init__(self) -> None:
        self.lines = 0
        self.fast_numbers: list[int] = []  # line numbers of the fast lines
        self.fast_messages: list[int] = []
        self.fast_const: list[int] = []  # each fast line's tokens that are not strings' counts
        self.no_system: list[int] = []  # line numbers
        self.no_user: list[int] = []
        # Each fast line's messages by role: a role's tokens are the same in every message, so the role
        # strings (half of all strings) are counted once per block instead of being listed and looked up.
        self.systems: list[int] = []
        self.users: list[int] = []
        self.assistants: list[int] = []
        self.strings: list[str] = []  # content and name of every message of the fast lines, in order
        self.ends: list[int] = []  # running end of each fast line's strings
        self.assistant: list[str] = []
        self.assistant_ends: list[int] = []
        self.trained: list[str] = []
        self.trained_ends: list[int] = []
        self.slow: list[tuple[int, bytes]] = []  # (line number, bytes) for the full path
        self.blank = 0  # blank lines among the slow ones are found by the full path; not counted here
        self.tool_examples = 0  # fast lines with tool definitions


def parse_block(block: bytes, ctx: Context, *, file_start: bool) -> Parsed:
    """Split a block of whole lines and take each line the fast way when it can be."""
    if file_start and block.startswith(b"\xef\xbb\xbf"):
        block = block[3:]  # a UTF-8 byte-order mark, as Windows editors write
    lines = block.split(b"\n")
    if lines and not lines[-1]:
        lines.pop()  # the final newline ends the last line; it does not start another
    out = Parsed()
    out.lines = len(lines)
    # No UTF-8 check of the block here (it cost ~20% of parsing): msgspec validates the UTF-8 of every string
    # it decodes, and with unknown fields forbidden every other byte of an accepted line is JSON syntax or a
    # field name matched exactly, so a line with invalid UTF-8 is refused and takes the full path, which
    # reports it (tests/test_fast_path.py plants invalid and surrogate-encoding bytes in keys and values).
    chat = ctx.format == "chat"
    slow = out.slow.append
    numbers, n_messages, consts = out.fast_numbers, out.fast_messages, out.fast_const
    no_system, no_user = out.no_system, out.no_user
    systems, users, assistants = out.systems, out.users, out.assistants
    strings, ends = out.strings, out.ends
    assistant, assistant_ends = out.assistant, out.assistant_ends
    trained, trained_ends = out.trained, out.trained_ends
    add, add_a, add_t = strings.append, assistant.append, trained.append
    decode = _decode
    per_message = TOKENS_PER_MESSAGE
    decode_tools = _decode_tools
    tool_examples = 0
    for number, raw in enumerate(lines, 1):
        if not chat:
            slow((number, raw))
            continue
        try:
            messages = decode(raw).messages
        except _DecodeError:
            # Not the plain shape: perhaps the tool-call shape (~5% of a real file's lines).
            try:
                example = decode_tools(raw)
            except (*_DecodeError, RecursionError):  # msgspec skips a Raw value recursively
                slow((number, raw))
                continue
            n_strings, n_assistant, n_trained = len(strings), len(assistant), len(trained)
            found = _tool_line(example, add, add_a, add_t)
            if found is None:
                del strings[n_strings:], assistant[n_assistant:], trained[n_trained:]
                slow((number, raw))
                continue
            const, system, user, reply, has_tools = found
            messages = example.messages  # type: ignore[assignment]
            tool_examples += has_tools
        else:
            # Recorded as it is checked; a line that turns out not to be plain is rolled back and left
            # to the full path whole (one loop over the messages instead of a check loop and a record loop).
            n_strings, n_assistant, n_trained = len(strings), len(assistant), len(trained)
            const = REPLY_PRIMING + per_message * len(messages)
            system = user = reply = 0
            ok = bool(messages)
            for m in messages:
                role, content = m.role, m.content
                if not content:
                    ok = False
                    break
                if role == "assistant":
                    weight = m.weight
                    if weight is UNSET or weight == 1:
                        add_a(content)
                        add_t(content)
                    elif weight == 0:
                        add_a(content)
                    else:
                        ok = False
                        break
                    reply += 1
                elif m.weight is not UNSET:
                    ok = False
                    break
                elif role == "user":
                    user += 1
                elif role == "system":
                    system += 1
                else:
                    ok = False
                    break
                add(content)
                if m.name is not UNSET:
                    add(m.name)
                    const += TOKENS_PER_NAME
            if not ok or not reply:
                del strings[n_strings:], assistant[n_assistant:], trained[n_trained:]
                slow((number, raw))
                continue
        numbers.append(number)
        n_messages.append(len(messages))
        consts.append(const)
        systems.append(system)
        users.append(user)
        assistants.append(reply)
        ends.append(len(strings))
        assistant_ends.append(len(assistant))
        trained_ends.append(len(trained))
        if not system:
            no_system.append(number)
        if not user:
            no_user.append(number)
    out.tool_examples = tool_examples
    return out


#: The roles of a fast line's messages; `counts` in `tally_parsed` must know these strings.
ROLES = ("system", "user", "assistant")


def _sums(values: list[int], ends: list[int]) -> list[int]:
    """Per-line sums of consecutive runs of `values` ending at `ends` (differences of running sums)."""
    acc = [0, *accumulate(values)]
    starts = [0, *ends[:-1]]
    return [acc[e] - acc[s] for s, e in zip(starts, ends, strict=True)]


def tally_parsed(
    parsed: Parsed, ctx: Context, counts: Callable[[list[str]], list[int]], count: Callable[[str], int]
) -> Tally:
    """The block's Tally for `ctx`: the fast lines counted through `counts` (a block's batch, in
    order), the slow ones through the full path with `count` — the same Tally `scan_block` gives."""
    slow = Tally(None)  # capped below, after the fast lines' numbers join in order
    for number, raw in parsed.slow:
        slow.add_line(number, raw, ctx, count)
    tally = slow
    tally.keep_lines = ctx.keep_lines
    tally.lines = parsed.lines
    numbers = parsed.fast_numbers
    if numbers:
        system, user, assistant_role = counts(list(ROLES))
        tokens = [
            c + t + system * s + user * u + assistant_role * a
            for c, t, s, u, a in zip(
                parsed.fast_const,
                _sums(counts(parsed.strings), parsed.ends),
                parsed.systems,
                parsed.users,
                parsed.assistants,
                strict=True,
            )
        ]
        assistant = _sums(counts(parsed.assistant), parsed.assistant_ends)
        trained = _sums(counts(parsed.trained), parsed.trained_ends)
        limit = ctx.limit
        tally.nonblank += len(numbers)
        tally.examples += len(numbers)
        tally.kinds["chat"] = tally.kinds.get("chat", 0) + len(numbers)
        tally.tool_examples += parsed.tool_examples
        tally.trained += sum(trained)
        tally.billing += sum(t if t < limit else limit for t in tokens)
        over = [n for n, t in zip(numbers, tokens, strict=True) if t > limit]
        tally.over_limit += len(over)
        for category, lines in (
            ("no_system_message", parsed.no_system),
            ("no_user_message", parsed.no_user),
            ("over_token_limit", over),
        ):
            if lines:
                tally.warnings[category] = tally.warnings.get(category, 0) + len(lines)
                old = tally.warning_lines.get(category)
                tally.warning_lines[category] = array(LINE, sorted([*old, *lines]) if old else lines)
        if tally.example_lines:  # slow examples too: interleave by line number
            rows = sorted(
                zip(
                    [*tally.example_lines, *numbers],
                    [*tally.messages, *parsed.fast_messages],
                    [*tally.tokens, *tokens],
                    [*tally.assistant, *assistant],
                    strict=True,
                )
            )
            lines_, messages_, tokens_, assistant_ = zip(*rows, strict=True)
        else:
            lines_, messages_, tokens_, assistant_ = (
                tuple(numbers),
                tuple(parsed.fast_messages),
                tuple(tokens),
                tuple(assistant),
            )
        tally.example_lines = array(LINE, lines_)
        tally.messages = array("I", messages_)
        tally.tokens = array("Q", tokens_)
        tally.assistant = array("Q", assistant_)
    if ctx.keep_lines is not None:
        for (lines_by,) in ((tally.error_lines,), (tally.warning_lines,)):
            for category, column in lines_by.items():
                if len(column) > ctx.keep_lines:
                    tally.not_listed[category] = tally.not_listed.get(category, 0) + len(column) - ctx.keep_lines
                    lines_by[category] = column[: ctx.keep_lines]
    return tally
