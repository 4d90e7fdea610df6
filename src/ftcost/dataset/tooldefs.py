"""Tokens of tool (function) definitions, counted the way the model sees them.

OpenAI does not send `tools` to the model as the JSON you write. It renders them into the system
prompt as a compact TypeScript-like block:

    namespace functions {
    // Get the current weather
    type get_current_weather = (_: {
    // The city and state
    location: string,
    unit?: "celsius" | "fahrenheit",
    }) => any;
    } // namespace functions

Raw JSON over-counts that by about 2x. We use the method of OpenAI's cookbook notebook
"How to count tokens with tiktoken" (examples/How_to_count_tokens_with_tiktoken.ipynb, section 7,
`num_tokens_for_tools`): encode "name:description" per function and "key:type:description" per
property (one trailing period dropped from descriptions), plus fixed overheads for the rendering's
punctuation. The notebook checks its result against the API's `usage.prompt_tokens` for a weather
tool: 105 tokens on gpt-3.5-turbo/gpt-4 (cl100k_base) and 101 on gpt-4o/gpt-4o-mini (o200k_base);
our tests reproduce both numbers.

Where the notebook stops, ftcost goes on in the same style (the notebook would crash or skip):
a missing description counts as empty, a missing type as "any", a list of types as "a | b",
non-string enum values by their JSON text, and nested object properties recursively with the
same per-property overheads.
"""

from __future__ import annotations

import json
from typing import Any, Callable, NamedTuple


class Overheads(NamedTuple):
    func_init: int  # per function: "type name = (_: {" ... and the comment line
    prop_init: int  # once per function that has properties
    prop_key: int  # per property
    enum_init: int  # per property with an enum (negative: the enum replaces the type)
    enum_item: int  # per enum value
    func_end: int  # once for the whole namespace block


# The notebook's constants, keyed by model family there; here by the family's encoding.
_OVERHEADS = {
    "cl100k_base": Overheads(10, 3, 3, -3, 3, 12),  # gpt-3.5-turbo, gpt-4
    "o200k_base": Overheads(7, 3, 3, -3, 3, 12),  # gpt-4o, gpt-4o-mini
}


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


def _valid_function(fn: Any) -> bool:
    if not isinstance(fn, dict):
        return False
    name = fn.get("name")
    if not isinstance(name, str) or not name:
        return False
    if not isinstance(fn.get("description", ""), str):
        return False
    parameters = fn.get("parameters", {})
    return isinstance(parameters, dict) and isinstance(parameters.get("properties", {}), dict)


def definitions_tokens(definitions: list[dict], encoding: str, count: Callable[[str], int]) -> int:
    """Tokens the rendered `namespace functions { ... }` block adds to the prompt (0 without tools)."""
    if not definitions:
        return 0
    # Open-model families render tools in their own templates; o200k_base's constants stand in for them.
    o = _OVERHEADS.get(encoding) or _OVERHEADS["o200k_base"]
    total = 0
    for fn in definitions:
        total += o.func_init + count(f"{fn['name']}:{_strip_period(fn.get('description', ''))}")
        properties = (fn.get("parameters") or {}).get("properties") or {}
        total += _properties_tokens(properties, o, count)
    return total + o.func_end


def _properties_tokens(properties: dict, o: Overheads, count: Callable[[str], int]) -> int:
    if not properties:
        return 0
    total = o.prop_init
    for key, spec in properties.items():
        spec = spec if isinstance(spec, dict) else {}
        total += o.prop_key
        enum = spec.get("enum")
        if isinstance(enum, list):
            total += o.enum_init
            for item in enum:
                total += o.enum_item + count(item if isinstance(item, str) else json.dumps(item))
        description = spec.get("description", "")
        description = description if isinstance(description, str) else ""
        total += count(f"{key}:{_type_name(spec.get('type'))}:{_strip_period(description)}")
        nested = spec.get("properties")
        if isinstance(nested, dict):
            total += _properties_tokens(nested, o, count)
    return total


def _type_name(kind: Any) -> str:
    if isinstance(kind, str):
        return kind
    if isinstance(kind, list) and all(isinstance(k, str) for k in kind) and kind:
        return " | ".join(kind)
    return "any"


def _strip_period(text: str) -> str:
    # The notebook drops exactly one trailing period (the rendering ends the comment line itself).
    return text[:-1] if text.endswith(".") else text
