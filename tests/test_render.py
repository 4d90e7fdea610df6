"""The rendered `namespace functions` text, feature by feature, and properties of its token count.

Expected texts are the ones the peers' renderers print for the same schemas (hmarr/openai-chat-tokens
src/functions.ts, pamelafox/openai-messages-token-helper's documented renderings in tests/functions.py),
whose token counts match the API's.
"""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ftcost.dataset import count_messages
from ftcost.dataset.render import FUNCTIONS, TOOLS, render_definitions
from ftcost.tokens import get_encoding


def fn(properties=None, required=None, description=None, name="f", **extra):
    out = {"name": name}
    if description:
        out["description"] = description
    if properties is not None:
        out["parameters"] = {
            "type": "object",
            "properties": properties,
            **({"required": required} if required else {}),
            **extra,
        }
    return out


def body(text: str) -> str:
    """The lines between the function's opening and closing lines."""
    lines = text.split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("type f = (_: {"))
    end = lines.index("}) => any;")
    return "\n".join(lines[start + 1 : end])


def test_the_cookbook_weather_tool_renders_as_published():
    weather = fn(
        {
            "location": {"type": "string", "description": "The city and state, e.g. San Francisco, CA"},
            "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
        },
        required=["location"],
        description="Get the current weather",
        name="get_current_weather",
    )
    assert render_definitions([weather]) == (
        "namespace functions {\n\n// Get the current weather\ntype get_current_weather = (_: {\n"
        '// The city and state, e.g. San Francisco, CA\nlocation: string,\nunit?: "celsius" | "fahrenheit",\n'
        "}) => any;\n\n} // namespace functions"
    )


def test_no_description_no_comment_line_and_no_parameters_no_argument():
    assert render_definitions([fn()]) == "namespace functions {\n\ntype f = () => any;\n\n} // namespace functions"
    assert "//" not in body(render_definitions([fn({"a": {"type": "string"}})]))


@pytest.mark.parametrize(
    "schema, text",
    [
        ({"type": "string"}, "a?: string,"),
        ({"type": "integer"}, "a?: number,"),  # integer and number render alike (pamelafox's quantity case)
        ({"type": "number", "enum": [-1, 1]}, "a?: -1 | 1,"),
        ({"type": "boolean"}, "a?: boolean,"),
        ({"type": "null"}, "a?: null,"),
        ({}, "a?: any,"),
        ({"type": "array", "items": {"type": "string"}}, "a?: string[],"),
        ({"type": "array"}, "a?: any[],"),
        ({"type": ["string", "null"]}, "a?: string | null,"),
        (
            {"anyOf": [{"type": "string", "const": "a"}, {"type": "number"}]},
            "a?: string | number,",
        ),  # hmarr's anyOf case
        ({"oneOf": [{"type": "string"}, {"type": "boolean"}]}, "a?: string | boolean,"),
        ({"type": "string", "default": "x", "format": "date"}, "a?: string,"),  # keywords the model is not shown
    ],
)
def test_each_type_renders_as_the_peers_render_it(schema, text):
    assert body(render_definitions([fn({"a": schema})])) == text


def test_required_drops_the_question_mark():
    assert body(render_definitions([fn({"a": {"type": "string"}}, required=["a"])])) == "a: string,"


def test_nested_objects_differ_between_functions_and_tools():
    nested = {
        "type": "object",
        "description": "The object",
        "properties": {"b": {"type": "string", "description": "Inner"}, "c": {"type": "boolean"}},
    }
    spec = fn({"a": nested}, required=["a"])
    # legacy functions (hmarr's renderer): indented, nested descriptions dropped
    assert body(render_definitions([spec], FUNCTIONS)) == "// The object\na: {\n  b?: string,\n  c?: boolean,\n},"
    # tools (pamelafox's measured cases): not indented, nested descriptions kept
    assert body(render_definitions([spec], TOOLS)) == "// The object\na: {\n// Inner\nb?: string,\nc?: boolean,\n},"


def test_object_items_of_arrays_render_inline():
    items = {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}}
    assert body(render_definitions([fn({"a": {"type": "array", "items": items}})], FUNCTIONS)) == (
        "a?: {\n  name: string,\n}[],"
    )


def test_refs_to_defs_are_rendered_inline():
    spec = fn({"a": {"$ref": "#/$defs/unit"}}, **{"$defs": {"unit": {"type": "string", "enum": ["g", "ml"]}}})
    assert body(render_definitions([spec])) == 'a?: "g" | "ml",'
    looped = fn({"a": {"$ref": "#"}})
    assert render_definitions([looped])  # a self-reference ends, it does not recurse forever


COUNT = "cl100k_base"
names = st.text(alphabet="abcdefghij_", min_size=1, max_size=8)
types = st.sampled_from(
    [
        {"type": "string"},
        {"type": "number"},
        {"type": "boolean"},
        {"type": "string", "enum": ["x", "y"]},
        {"type": "array", "items": {"type": "string"}},
    ]
)


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(names, types, max_size=5), names, types)
def test_adding_a_property_never_lowers_the_count(properties, new, schema):
    if new in properties:
        return
    before = count_messages([], COUNT, tools=[{"type": "function", "function": fn(properties)}])
    after = count_messages([], COUNT, tools=[{"type": "function", "function": fn({**properties, new: schema})}])
    assert after > before


@pytest.mark.parametrize("description", ["A number", "The city and state, e.g. San Francisco, CA"])
def test_a_description_adds_its_tokens_and_the_comment_lines(description):
    enc = get_encoding(COUNT)
    plain = count_messages([], COUNT, tools=[{"type": "function", "function": fn({"a": {"type": "string"}})}])
    described = count_messages(
        [], COUNT, tools=[{"type": "function", "function": fn({"a": {"type": "string", "description": description}})}]
    )
    assert described - plain == len(enc.encode(f"// {description}\n"))


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                [
                    "type",
                    "properties",
                    "items",
                    "anyOf",
                    "oneOf",
                    "enum",
                    "$ref",
                    "required",
                    "description",
                    "$defs",
                    "a",
                ]
            ),
            inner,
            max_size=4,
        )
    ),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(json_values, json_values, json_values)
def test_any_json_request_is_counted_or_refused_in_one_sentence(properties, tool_choice, messages):
    from ftcost.dataset.counting import request_tokens
    from ftcost.errors import FtcostError

    body = {
        "messages": messages if isinstance(messages, list) else [{"role": "user", "content": messages}],
        "tools": [
            {
                "type": "function",
                "function": {
                    "name": "f",
                    "parameters": {"type": "object", "properties": properties if isinstance(properties, dict) else {}},
                },
            }
        ],
        "tool_choice": tool_choice,
    }
    with contextlib.suppress(FtcostError):
        assert request_tokens(body, COUNT) >= 3
