"""Tool (function) definitions rendered as the text the model reads: the `namespace functions` block.

OpenAI does not show the model the JSON schema you send. It renders the definitions into the system
prompt as TypeScript-like text, which is then tokenized with the model's own encoding:

    namespace functions {

    // Get the current weather in a given location
    type get_current_weather = (_: {
    // The city and state, e.g. San Francisco, CA
    location: string,
    // The unit of temperature to return
    unit?: "celsius" | "fahrenheit",
    }) => any;

    } // namespace functions

What is known of the rendering comes from requests whose `usage.prompt_tokens` the API reported
(the cases are in tests/data/api_measured.json, each with its source):

- A `//` comment line only where a description exists; a function or property without one has no
  line at all (hmarr/openai-chat-tokens' cases "foo" 31 vs "Do a foo" 36 tokens).
- `?` after an optional property (not in `required`); enums as unions, strings quoted, numbers bare;
  `integer` renders as `number`; arrays as `T[]` (`any[]` without `items`); `anyOf`/`oneOf` as `A | B`;
  a function without properties is `type f = () => any;`.
- Nested objects differ between the two request surfaces, and the public measurements tell them
  apart: with legacy `functions` (hmarr's cases, gpt-3.5-turbo 2023) nested properties are indented
  by two spaces per level and their descriptions are dropped; with `tools` (pamelafox/
  openai-messages-token-helper's cases, gpt-35-turbo 2024) nested properties are not indented and keep
  their descriptions. Each style matches its own public cases within one token; the other style is
  off by up to 12 on them. The community forum's comparison of fine-tuning with tools vs functions
  ("descriptions in nested objects" with tools) agrees.
- `$ref` to `#/$defs/...` or `#/definitions/...` is resolved and rendered inline; `const` values,
  defaults, examples, formats and other keywords add nothing (hmarr's anyOf cases with `const` match
  the API to the token with `const` ignored; no public measurement shows a default or an example).
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

#: Rendering styles, by the request field the definitions came in.
TOOLS, FUNCTIONS = "tools", "functions"

_MAX_DEPTH = 32  # a self-referencing $ref renders as `any` past this depth instead of recursing forever


def render_definitions(definitions: list[dict], style: str = TOOLS) -> str:
    """The `namespace functions { ... }` text for function definitions ({name, description, parameters})."""
    lines = ["namespace functions {", ""]
    for fn in definitions:
        description = fn.get("description")
        if isinstance(description, str) and description:
            lines.append(f"// {description}")
        parameters = fn.get("parameters")
        parameters = parameters if isinstance(parameters, dict) else {}
        renderer = _Renderer(parameters, style)
        properties = renderer.properties(parameters)
        if properties:
            lines.append(f"type {fn['name']} = (_: {{")
            lines.append(renderer.object_body(parameters, 0))
            lines.append("}) => any;")
        else:
            lines.append(f"type {fn['name']} = () => any;")
        lines.append("")
    lines.append("} // namespace functions")
    return "\n".join(lines)


class _Renderer:
    def __init__(self, root: dict, style: str) -> None:
        self.root = root
        self.nested_indent = 2 if style == FUNCTIONS else 0
        self.nested_descriptions = style != FUNCTIONS

    def resolve(self, schema: Any, depth: int) -> dict:
        """`schema` with a local `$ref` replaced by what it points to (siblings such as a description kept)."""
        if not isinstance(schema, dict):
            return {}
        ref = schema.get("$ref")
        if not isinstance(ref, str) or not ref.startswith("#/") or depth > _MAX_DEPTH:
            return schema
        target: Any = self.root
        for part in ref[2:].split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            target = target.get(part) if isinstance(target, dict) else None
        if not isinstance(target, dict):
            return {key: value for key, value in schema.items() if key != "$ref"}
        merged = dict(self.resolve(target, depth + 1))
        merged.update({key: value for key, value in schema.items() if key != "$ref"})
        return merged

    @staticmethod
    def properties(schema: dict) -> dict:
        properties = schema.get("properties")
        return properties if isinstance(properties, dict) else {}

    def object_body(self, schema: dict, indent: int, depth: int = 0) -> str:
        """The property lines of an object (without its braces), each prefixed by `indent` spaces."""
        required = schema.get("required")
        required = required if isinstance(required, list) else []
        lines = []
        for name, spec in self.properties(schema).items():
            spec = self.resolve(spec, depth)
            description = spec.get("description")
            if isinstance(description, str) and description and (indent == 0 or self.nested_descriptions):
                lines.append(f"// {description}")
            mark = "" if name in required else "?"
            lines.append(f"{name}{mark}: {self.type_text(spec, indent, depth + 1)},")
        pad = " " * indent
        return "\n".join(pad + line for line in lines)

    def type_text(self, spec: Any, indent: int, depth: int) -> str:
        spec = self.resolve(spec, depth)
        if depth > _MAX_DEPTH:
            return "any"
        for union in ("anyOf", "oneOf"):
            options = spec.get(union)
            if isinstance(options, list) and options:
                return " | ".join(self.type_text(option, indent, depth + 1) for option in options)
        enum = spec.get("enum")
        if isinstance(enum, list) and enum:
            return " | ".join(_literal(value) for value in enum)
        kind = spec.get("type")
        if isinstance(kind, list) and kind:
            return " | ".join(self.type_text({**spec, "type": k}, indent, depth + 1) for k in kind)
        if kind == "string":
            return "string"
        if kind in ("number", "integer"):
            return "number"
        if kind in ("boolean", "null"):
            return kind
        if kind == "array":
            items = spec.get("items")
            if isinstance(items, dict) and items:
                return f"{self.type_text(items, indent, depth + 1)}[]"
            return "any[]"
        if kind == "object" or (kind is None and isinstance(spec.get("properties"), dict)):
            inner = indent + self.nested_indent
            body = self.object_body(spec, inner, depth + 1)
            # The closing brace is not indented (hmarr's renderer, exact on its nested cases).
            return "{\n" + body + "\n}" if body else "object"
        return "any"


def _literal(value: Any) -> str:
    # Strings are quoted; numbers and booleans appear bare (pamelafox's integer_enum case [-1, 1]).
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, Decimal):
        return str(value)  # an integer too long for int() (`line.decode_json`): json.dumps cannot write it
    return json.dumps(value, ensure_ascii=False)
