"""Tokens of tool (function) definitions: the rendered `namespace functions` block, encoded.

The definitions are rendered into the text the model reads (see `render`) and that text is encoded
with the model's own encoding. Around it the system prompt carries a fixed wrapper ("# Tools" /
"## functions" headings and, when the request has no system message, a system message of its own).
The wrapper's size was fitted on requests whose `usage.prompt_tokens` the API reported (hmarr/
openai-chat-tokens' cases, gpt-3.5-turbo; the cookbook's "How to count tokens with tiktoken" weather
tool, 105 tokens on gpt-3.5-turbo/gpt-4 and 101 on gpt-4o/gpt-4o-mini): the same constants hold for
cl100k_base and o200k_base.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ftcost.dataset.render import FUNCTIONS, TOOLS, render_definitions

#: Tokens the definitions add beyond their rendered text when they open a system message of their own
#: (its 3-token frame, the role and the "# Tools" / "## functions" headings): fitted on hmarr's cases
#: without a system message, e.g. user "hello" + function "foo" = 31 = 8 (the message and the reply
#: priming) + 14 (the rendered block) + 9, and held by the cookbook's gpt-4o weather tool (o200k_base).
NEW_SYSTEM_WRAPPER = 9
#: ... and when they are appended to the request's first system message, which then also ends in "\n"
#: (that newline may merge with the message's last token: hmarr's "Hello" and "Hello:" both give 35).
MERGED_WRAPPER = NEW_SYSTEM_WRAPPER - 4


def function_definitions(tools: Any, functions: Any) -> list[dict] | None:
    """The function definitions of an example's `tools` and legacy `functions`, or None if malformed.

    `tools` entries look like {"type": "function", "function": {name, description, parameters}};
    legacy `functions` entries are the inner objects directly.
    """
    found: list[dict] = []
    for items, wrapped in ((tools, True), (functions, False)):
        if items is None:
            continue
        if not isinstance(items, list):
            return None
        for item in items:
            if wrapped:
                if not isinstance(item, dict) or item.get("type", "function") != "function":
                    return None
                item = item.get("function")
            if not _valid_function(item):
                return None
            found.append(item)
    return found


def definitions_style(tools: Any) -> str:
    """How nested objects are rendered: as for `tools` when the request has tools, else as for `functions`."""
    return TOOLS if tools else FUNCTIONS


def _valid_function(fn: Any) -> bool:
    if not isinstance(fn, dict):
        return False
    name = fn.get("name")
    if not isinstance(name, str) or not name:
        return False
    if not isinstance(fn.get("description", ""), (str, type(None))):
        return False
    parameters = fn.get("parameters", {})
    return isinstance(parameters, dict) and isinstance(parameters.get("properties", {}), dict)


def definitions_tokens(
    definitions: list[dict],
    count: Callable[[str], int],
    *,
    style: str = TOOLS,
    merged: bool = False,
) -> int:
    """Tokens the definitions add to the prompt: their rendered text + the wrapper (0 without definitions).

    `merged`: the request has a system message, which the definitions join (the caller then counts that
    message's content with a trailing newline, see `counting.system_padding`).
    """
    if not definitions:
        return 0
    wrapper = MERGED_WRAPPER if merged else NEW_SYSTEM_WRAPPER
    return count(render_definitions(definitions, style)) + wrapper
