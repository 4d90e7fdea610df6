"""Checks and counts for one parsed example (a JSON object): pure functions, no I/O.

The checks are the cookbook notebook's seven (same names, same per-message counting), corrected to
accept valid tool data, plus ftcost's own (see `categories`). Validation and counting happen in one
pass over the messages because this runs once per line of files up to 512 MB.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, NamedTuple

from ftcost.dataset.counting import NOT_COUNTED_PARTS, prompt_tokens, reply_tokens, text_of
from ftcost.dataset.tooldefs import definitions_style, function_definitions

ROLES = ("system", "user", "assistant", "tool", "function")
MESSAGE_KEYS = frozenset(("role", "content", "name", "weight", "function_call", "tool_calls", "tool_call_id"))
PROMPT_COMPLETION_KEYS = frozenset(("prompt", "completion"))


class Context(NamedTuple):
    """What a line's analysis depends on besides its bytes (picklable: sent to worker processes)."""

    encoding: str  # tiktoken encoding name
    format: str  # the model's training format: "chat" or "completion"
    limit: int  # tokens per example before OpenAI truncates
    #: Line numbers kept per category (None: all). The rest are only counted, so a file of millions of bad
    #: lines costs a bounded list, not one number per line (the app's uploads; the CLI lists every line).
    keep_lines: int | None = None


class Counted(NamedTuple):
    """An example's checks and counts."""

    errors: list[str]  # one entry per occurrence (a category may repeat: per-message checks)
    warnings: list[str]
    kind: str | None  # "chat" / "completion" when the example could be counted, else None
    messages: int = 0
    tokens: int = 0
    assistant: int = 0  # tokens of assistant replies (content and calls)
    trained: int = 0  # assistant tokens with weight != 0
    tools: int = 0  # 1 when the example carries tool definitions (their training rendering is estimated)


def examine_example(example: dict, ctx: Context, count: Callable[[str], int]) -> Counted:
    """Validate and count one example (a JSON object) for the model described by `ctx`."""
    if "messages" not in example and ("prompt" in example or "completion" in example):
        return _prompt_completion(example, ctx, count)
    if ctx.format == "completion":
        if "messages" not in example:
            return Counted(["invalid_prompt_completion"], [], None)
        result = _chat(example, ctx, count)
        result.errors.insert(0, "chat_format_on_completion_model")
        return result
    return _chat(example, ctx, count)


def _prompt_completion(example: dict, ctx: Context, count: Callable[[str], int]) -> Counted:
    errors = ["prompt_completion_format"] if ctx.format != "completion" else []
    prompt, completion = example.get("prompt"), example.get("completion")
    if not isinstance(prompt, str) or not isinstance(completion, str) or not example.keys() <= PROMPT_COMPLETION_KEYS:
        errors.append("invalid_prompt_completion")
    # Legacy models read the raw text: no per-message overhead. A pair counts as two messages.
    prompt_tokens = count(prompt) if isinstance(prompt, str) else 0
    completion_tokens = count(completion) if isinstance(completion, str) else 0
    total = prompt_tokens + completion_tokens
    warnings = ["over_token_limit"] if total > ctx.limit else []
    return Counted(errors, warnings, "completion", 2, total, completion_tokens, completion_tokens)


def _chat(example: dict, ctx: Context, count: Callable[[str], int]) -> Counted:
    errors: list[str] = []
    messages = example.get("messages")
    if not messages or not isinstance(messages, list):
        return Counted(["missing_messages_list"], [], None)

    definitions = function_definitions(example.get("tools"), example.get("functions"))
    if definitions is None or not isinstance(example.get("parallel_tool_calls", False), bool):
        errors.append("malformed_tools")
    assistant = trained = 0
    roles: set = set()
    for message in messages:
        if not isinstance(message, dict):
            errors.append("message_not_object")
            continue
        role = message.get("role")
        if isinstance(role, str):
            roles.add(role)
        calls = "tool_calls" in message or "function_call" in message
        content = message.get("content")
        # The notebook's checks, in its order; a call-only assistant message is valid without content.
        if "role" not in message or ("content" not in message and not (calls and role == "assistant")):
            errors.append("message_missing_key")
        if not message.keys() <= MESSAGE_KEYS:
            errors.append("message_unrecognized_key")
        if role not in ROLES:
            errors.append("unrecognized_role")
        # Content is a string or a list of parts; a list with any text (or an image: vision
        # fine-tuning) is content, not missing. Parts that are not text are not counted (a warning says so).
        text = text_of(content)
        has_parts = isinstance(content, list) and any(
            isinstance(part, dict) and isinstance(part.get("type"), str) for part in content
        )
        if calls and role == "assistant":
            if content is not None and text is None and not has_parts:
                errors.append("missing_content")
        elif not text and not has_parts:
            errors.append("missing_content")
        if "weight" in message:
            weight = message["weight"]
            if role != "assistant":
                errors.append("weight_on_non_assistant")
            elif type(weight) is not int or weight not in (0, 1):
                errors.append("invalid_weight")
        if (calls or role == "tool" or role == "function") and not _calls_ok(message, role):
            errors.append("malformed_tool_call")

        if role == "assistant":
            reply = reply_tokens(message, count)
            assistant += reply
            if message.get("weight", 1) != 0:
                trained += reply

    if "assistant" not in roles:
        errors.append("example_missing_assistant_message")
    notes: set[str] = set()
    total = prompt_tokens(
        messages, count, definitions=definitions or [], style=definitions_style(example.get("tools")), notes=notes
    )
    warnings = []
    if NOT_COUNTED_PARTS in notes:
        warnings.append("content_not_counted")
    if "system" not in roles:
        warnings.append("no_system_message")
    if "user" not in roles:
        warnings.append("no_user_message")
    if total > ctx.limit:
        warnings.append("over_token_limit")
    return Counted(errors, warnings, "chat", len(messages), total, assistant, trained, int(bool(definitions)))


def _calls_ok(message: dict, role: Any) -> bool:
    """Tool calls only on assistant messages and well formed; tool/function results say what they answer."""
    if role == "tool" and not isinstance(message.get("tool_call_id"), str):
        return False
    if role == "function" and not isinstance(message.get("name"), str):
        return False
    if "tool_calls" in message:
        calls = message["tool_calls"]
        if role != "assistant" or not isinstance(calls, list) or not calls:
            return False
        for call in calls:
            if not isinstance(call, dict) or not isinstance(call.get("id"), str):
                return False
            if call.get("type", "function") != "function" or not _function_ok(call.get("function")):
                return False
    return "function_call" not in message or (role == "assistant" and _function_ok(message["function_call"]))


def _function_ok(function: Any) -> bool:
    if not isinstance(function, dict):
        return False
    name, arguments = function.get("name"), function.get("arguments")
    return isinstance(name, str) and bool(name) and isinstance(arguments, str) and arguments_ok(arguments)


def arguments_ok(arguments: str) -> bool:
    """A call's `arguments` string is JSON (any JSON value, as the API's parser takes it)."""
    try:
        json.loads(arguments)
    except (ValueError, RecursionError):
        return False
    return True
