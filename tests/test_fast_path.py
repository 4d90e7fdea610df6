"""The fast parse path (msgspec, typed plain chat lines) gives exactly the full path's tally.

The full path is `tally.scan_block`: every line through `line.examine_line` (json + every check).
The fast path is `parallel.scan_job` (`fast.parse_block` + `fast.tally_parsed`). Both are compared
field by field on: every bad-input line case, planted variants of plain lines (each near-miss of
the fast shape), a corpus of real-looking lines, and the shared generator's file when it is there.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest
from test_bad_inputs import GOOD, LINE_CASES

from ftcost.dataset.checks import Context
from ftcost.dataset.counting import string_counter
from ftcost.dataset.fast import parse_block
from ftcost.dataset.parallel import Job, scan_job
from ftcost.dataset.tally import scan_block

GENERATOR = Path("/work/shared/tools/make_chat_dataset.py")

S = {"role": "system", "content": "You are a terse airport assistant."}
U = {"role": "user", "content": "Where is gate B6?"}
A = {"role": "assistant", "content": "Terminal 1, on the left."}


def line(*messages, **top) -> bytes:
    return json.dumps({"messages": list(messages), **top}, ensure_ascii=False).encode()


# Each near-miss of the fast shape (and a few that are the shape): the fast path must either take
# the line and agree, or leave it to the full path.
PLANTED = [
    line(S, U, A),
    line(U, A),
    line(S, A),
    line(A),
    line(S, U),
    line(U),
    line(S, U, A, U, A),
    line(S, U, {**A, "weight": 0}),
    line(S, U, {**A, "weight": 1}),
    line(S, U, {**A, "weight": 0}, U, A),
    line(S, U, {**A, "weight": 2}),
    line(S, U, {**A, "weight": -1}),
    line(S, U, {**A, "weight": True}),
    line(S, U, {**A, "weight": False}),
    line(S, U, {**A, "weight": 1.0}),
    line(S, U, {**A, "weight": None}),
    line(S, U, {**A, "weight": "1"}),
    line(S, {**U, "weight": 1}),
    line({**S, "weight": 0}, U, A),
    line(S, U, {**A, "weight": 10**30}),
    line(S, U, {**A, "weight": 0}, {**A, "weight": 0}),
    line(S, {**U, "name": "ana"}, A),
    line(S, {**U, "name": ""}, A),
    line(S, {**U, "name": None}, A),
    line(S, {**U, "name": 6}, A),
    line({**S, "name": "ops"}, U, {**A, "name": "bot", "weight": 1}),
    line(S, {**U, "content": ""}, A),
    line(S, U, {**A, "content": ""}),
    line(S, {**U, "content": None}, A),
    line(S, {**U, "content": [{"type": "text", "text": "hi"}]}, A),
    line(S, {"role": "user"}, A),
    line(S, {"content": "x"}, A),
    line(S, {**U, "role": "User"}, A),
    line(S, {**U, "role": "tool"}, A),
    line({**S, "role": "developer"}, U, A),
    line(S, {**U, "extra": 1}, A),
    line(S, U, A, tools=[]),
    line(S, U, A, temperature=0.5),
    line(S, U, A, messages2=[]),
    line(),
    line(S, "text", A),
    line(S, U, A).replace(b'"role": "user"', b'"role": "assistant", "role": "user"'),
    line(S, U, A).replace(b'{"messages"', b'{"messages": [], "messages"'),
    line(S, U, A).replace(b"B6?", b"B6\\u0000?"),
    line(S, U, A).replace(b"B6?", b"B6 \\ud800?"),
    line(S, U, A).replace(b"B6?", b"B6 \\ud83d\\ude00?"),
    line(S, U, A).replace(b"B6?", b"B6\x01?"),
    line(S, U, A).replace(b"B6?", b"B6\t?"),
    line(S, U, A).replace(b"B6?", b"B6 \xff?"),
    line(S, U, A).replace(b"B6?", b"B6 \xed\xa0\x80?"),
    line(S, U, A) + b"\r",
    b" \t" + line(S, U, A) + b" ",
    line(S, U, A) + b" x",
    line(S, U, A) + b"\x00",
    b"\xef\xbb\xbf" + line(S, U, A),
    line(S, U, A)[:-1],
    line(S, U, A).replace(b": ", b":"),
    line(S, U, {**A, "content": "x" * 300_000}),
    line(S, U, {**A, "content": "\u323b0 new CJK and 😀 emoji"}),
    line(S, {**U, "content": "中文 العربية ﬁ"}, A),
    line(S, U, {**A, "content": "<|endoftext|> <|im_start|>"}),
    b"",
    b"  ",
    b"\x1c",
    b"\r",
    b"null",
    b"{}",
    # Invalid UTF-8 in every place of a plain line (the fast path relies on msgspec refusing all of them):
    # a value, the role, a name, a key, overlong, past U+10FFFF, truncated, a bare continuation byte.
    line(S, U, A).replace(b'"role": "user"', b'"role": "us\xe9r"'),
    line(S, {**U, "name": "ana"}, A).replace(b'"ana"', b'"an\xc0\x80"'),
    line(S, U, A).replace(b'"content"', b'"cont\xffent"', 1),
    line(S, U, A).replace(b"B6?", b"B6 \xf4\x90\x80\x80?"),
    line(S, U, A).replace(b"B6?", b"B6 \xe2\x82?"),
    line(S, U, A).replace(b"B6?", b"B6 \x80?"),
    line(S, U, A).replace(b"B6?", b"B6 \xf0\x9f\x98"),
    line(S, U, A).replace(b": ", b":\xa0", 1),
    b'{"prompt": "Where is gate B6?", "completion": " Terminal 1"}',
    b'{"messages": [' + b"[" * 3000 + b"]" * 3000 + b"]}",
]


# The tool-call shape (OpenAI's fine-tuning guide: assistant tool_calls, tool messages, tools definitions;
# legacy function_call / function messages / functions) and each of its near-misses.
CALL = {"id": "call_1", "type": "function", "function": {"name": "flight_status", "arguments": '{"flight": "CI7"}'}}
AC = {"role": "assistant", "tool_calls": [CALL]}
T = {"role": "tool", "tool_call_id": "call_1", "content": '{"status": "on time"}'}
FN = {"name": "flight_status", "arguments": '{"flight": "CI7"}'}
AF = {"role": "assistant", "function_call": FN}
F = {"role": "function", "name": "flight_status", "content": '{"status": "on time"}'}
DEF = {
    "name": "flight_status",
    "description": "Status of a flight",
    "parameters": {
        "type": "object",
        "properties": {
            "flight": {"type": "string", "description": "IATA code, e.g. CI7"},
            "day": {"type": "string", "enum": ["today", "tomorrow"]},
            "seats": {"type": "integer", "enum": [-1, 1, 2.5]},
            "legs": {"type": "array", "items": {"type": "object", "properties": {"from": {"type": "string"}}}},
            "where": {"$ref": "#/$defs/place", "description": "the gate"},
            "either": {"anyOf": [{"type": "string"}, {"type": "null"}]},
        },
        "required": ["flight"],
        "$defs": {"place": {"type": "object", "properties": {"gate": {"type": "string", "description": "B6"}}}},
    },
}
TOOLS = [{"type": "function", "function": DEF}]


def call(**changes) -> dict:
    return {**CALL, **changes}


def without(d: dict, key: str) -> dict:
    return {k: v for k, v in d.items() if k != key}


def variants(base: bytes, *changes: tuple) -> list[bytes]:
    """`base` with each change made alone (`bytes.replace` arguments): one near-miss per change."""
    return [base.replace(*change) for change in changes]


TOOL_PLANTED = [
    line(S, U, AC, T, A),
    line(S, U, AC, {**T, "tool_call_id": "call_0"}, A),  # answers no call: headed "tool" (the generator's lines)
    line(U, AC, T, A),
    line(S, AC, T, A),
    line(S, U, AC, T),
    line(S, U, AC),
    line(AC),
    line(T),
    line(S, U, T, A),
    line(S, U, AC, T, AC, T, A),
    line(S, U, {**AC, "tool_calls": [CALL, call(id="call_2")]}, T, {**T, "tool_call_id": "call_2"}, A),
    line(S, U, {**AC, "tool_calls": [CALL, call(id="call_1", function={**FN, "name": "other"})]}, T, A),
    # the call
    line(S, U, {**AC, "tool_calls": [without(CALL, "id")]}, T, A),
    line(S, U, {**AC, "tool_calls": [call(id=5)]}, T, A),
    line(S, U, {**AC, "tool_calls": [call(id="")]}, {**T, "tool_call_id": ""}, A),
    line(S, U, {**AC, "tool_calls": [call(id=None)]}, T, A),
    line(S, U, {**AC, "tool_calls": [without(CALL, "type")]}, T, A),
    line(S, U, {**AC, "tool_calls": [call(type="tool")]}, T, A),
    line(S, U, {**AC, "tool_calls": [call(type=None)]}, T, A),
    line(S, U, {**AC, "tool_calls": [call(type=1)]}, T, A),
    line(S, U, {**AC, "tool_calls": [without(CALL, "function")]}, T, A),
    line(S, U, {**AC, "tool_calls": [call(function=None)]}, T, A),
    line(S, U, {**AC, "tool_calls": [call(function="flight_status")]}, T, A),
    line(S, U, {**AC, "tool_calls": [call(extra=1)]}, T, A),
    line(S, U, {**AC, "tool_calls": [call(function={**FN, "extra": 1})]}, T, A),
    line(S, U, {**AC, "tool_calls": [call(function=without(FN, "arguments"))]}, T, A),
    line(S, U, {**AC, "tool_calls": [call(function=without(FN, "name"))]}, T, A),
    line(S, U, {**AC, "tool_calls": [call(function={**FN, "name": ""})]}, T, A),
    line(S, U, {**AC, "tool_calls": [call(function={**FN, "name": 5})]}, T, A),
    line(S, U, {**AC, "tool_calls": [call(function={**FN, "arguments": {"flight": "CI7"}})]}, T, A),
    line(S, U, {**AC, "tool_calls": [call(function={**FN, "arguments": None})]}, T, A),
    *(
        line(S, U, {**AC, "tool_calls": [call(function={**FN, "arguments": arguments})]}, T, A)
        for arguments in ("", "{flight", "{}", "[]", "5", '"x"', "null", "NaN", "1e999", " {} ", "{} x")
    ),
    line(S, U, {**AC, "tool_calls": [call(function={**FN, "arguments": "[" * 5000 + "]" * 5000})]}, T, A),
    line(S, U, {**AC, "tool_calls": [call(function={**FN, "arguments": "9" * 5000})]}, T, A),
    line(S, U, {**AC, "tool_calls": [call(function={**FN, "arguments": '{"a": "中文 😀"}'})]}, T, A),
    # the calling message
    line(S, U, {**AC, "tool_calls": []}, T, A),
    line(S, U, {**AC, "tool_calls": None}, T, A),
    line(S, U, {**AC, "tool_calls": {}}, T, A),
    line(S, U, {**AC, "tool_calls": CALL}, T, A),
    line(S, U, {**AC, "tool_calls": ["call_1"]}, T, A),
    line(S, U, {**AC, "content": None}, T, A),
    line(S, U, {**AC, "content": ""}, T, A),
    line(S, U, {**AC, "content": "Let me check."}, T, A),
    line(S, U, {**AC, "content": 5}, T, A),
    line(S, U, {**AC, "content": [{"type": "text", "text": "Let me check."}]}, T, A),
    line(S, U, {**AC, "weight": 0}, T, A),
    line(S, U, {**AC, "weight": 1}, T, A),
    line(S, U, {**AC, "weight": 2}, T, A),
    line(S, U, {**AC, "weight": True}, T, A),
    line(S, U, {**AC, "content": "Checking.", "weight": 0}, T, {**A, "weight": 1}),
    line(S, U, {**AC, "name": "bot"}, T, A),
    line(S, U, {**AC, "tool_call_id": "call_1"}, T, A),
    line(S, U, {**AC, "refusal": None}, T, A),
    line(S, U, {**AC, "role": "user"}, T, A),
    line(S, {**U, "tool_calls": [CALL]}, T, A),
    line(S, U, AC, {**T, "tool_calls": [CALL]}, A),
    line(S, U, {**AC, "role": "tool", "tool_call_id": "call_1"}, A),
    line(S, U, {**AC, "tool_calls": [CALL], "function_call": FN}, T, A),
    # the tool message
    line(S, U, AC, without(T, "tool_call_id"), A),
    line(S, U, AC, {**T, "tool_call_id": 5}, A),
    line(S, U, AC, {**T, "tool_call_id": None}, A),
    line(S, U, AC, {**T, "name": "flight_status"}, A),
    line(S, U, AC, {**T, "tool_call_id": "call_0", "name": "flight_status"}, A),
    line(S, U, AC, {**T, "tool_call_id": "call_0", "name": ""}, A),
    line(S, U, AC, {**T, "content": ""}, A),
    line(S, U, AC, {**T, "content": None}, A),
    line(S, U, AC, without(T, "content"), A),
    line(S, U, AC, {**T, "content": [{"type": "text", "text": "on time"}]}, A),
    line(S, U, AC, {**T, "weight": 1}, A),
    line(S, U, AC, {**T, "role": "Tool"}, A),
    line(S, U, AC, {**T, "extra": 1}, A),
    # legacy function calls
    line(S, U, AF, F, A),
    line(S, U, AF, A),
    line(S, U, {**AF, "content": None}, F, A),
    line(S, U, {**AF, "function_call": {**FN, "name": ""}}, F, A),
    line(S, U, {**AF, "function_call": {**FN, "arguments": "{"}}, F, A),
    line(S, U, {**AF, "function_call": "flight_status"}, F, A),
    line(S, U, {**AF, "function_call": None}, F, A),
    line(S, {**U, "function_call": FN}, F, A),
    line(S, U, AF, without(F, "name"), A),
    line(S, U, AF, {**F, "name": None}, A),
    line(S, U, AF, {**F, "name": ""}, A),
    line(S, U, AF, {**F, "weight": 0}, A),
    line(S, U, AF, {**F, "content": ""}, A),
    # definitions
    line(S, U, AC, T, A, tools=TOOLS),
    line({**S, "content": "Answer briefly"}, U, AC, T, A, tools=TOOLS),  # the newline it gets adds a token
    line({**S, "content": "Answer briefly\n"}, U, AC, T, A, tools=TOOLS),
    line({**S, "content": "Answer briefly"}, {**S, "content": "Be kind"}, U, AC, T, A, tools=TOOLS),
    line({**S, "content": "Answer briefly"}, U, AF, F, A, functions=[DEF]),
    line(U, AC, T, A, tools=TOOLS),
    line(S, S, U, AC, T, A, tools=TOOLS),
    line(U, S, AC, T, A, tools=TOOLS),
    line({**S, "name": "ops"}, U, AC, T, A, tools=TOOLS),
    line(S, U, A, tools=TOOLS),
    line(S, U, AC, T, A, tools=TOOLS * 2),
    line(S, U, AC, T, A, tools=TOOLS, parallel_tool_calls=False),
    line(S, U, AC, T, A, tools=TOOLS, parallel_tool_calls=True),
    line(S, U, AC, T, A, tools=TOOLS, parallel_tool_calls=None),
    line(S, U, AC, T, A, tools=TOOLS, parallel_tool_calls="yes"),
    line(S, U, AC, T, A, tools=TOOLS, tool_choice="auto"),
    line(S, U, AC, T, A, tools=[]),
    line(S, U, AC, T, A, tools=None),
    line(S, U, AC, T, A, tools={}),
    line(S, U, AC, T, A, tools=[{"type": "function"}]),
    line(S, U, AC, T, A, tools=[{"function": DEF}]),
    line(S, U, AC, T, A, tools=[{"type": "retrieval", "function": DEF}]),
    line(S, U, AC, T, A, tools=[{"type": "function", "function": {"name": "f"}}]),
    line(S, U, AC, T, A, tools=[{"type": "function", "function": {"name": ""}}]),
    line(S, U, AC, T, A, tools=[{"type": "function", "function": {**DEF, "description": None}}]),
    line(S, U, AC, T, A, tools=[{"type": "function", "function": {**DEF, "description": ""}}]),
    line(S, U, AC, T, A, tools=[{"type": "function", "function": {**DEF, "description": 5}}]),
    *(
        line(S, U, AC, T, A, tools=[{"type": "function", "function": {**DEF, "parameters": parameters}}])
        for parameters in (
            {},
            None,
            "object",
            [],
            {"type": "object"},
            {"type": "object", "properties": {}},
            {"type": "object", "properties": []},
            {"type": "object", "properties": None},
            {"type": "object", "properties": {"a": {"type": ["string", "null"]}}, "required": "a"},
            {"properties": {"a": 5, "b": {"$ref": "#/nowhere"}, "c": {"$ref": "#/properties/c"}}},
            {"properties": {"a": {"type": "object", "properties": {"b": {"type": "object", "properties": {}}}}}},
            {"properties": {"a": {"enum": [True, None, 1e300, 'x"y', 10**40]}}},
            {"properties": {"a~/b": {"type": "boolean", "description": "中文 😀 <|endoftext|>"}}},
        )
    ),
    line(S, U, AF, F, A, functions=[DEF]),
    line(S, U, AF, F, A, functions=[DEF], tools=TOOLS),
    line(S, U, AF, F, A, functions=[{"name": "f", "parameters": {"properties": {"o": {"properties": {"p": {}}}}}}]),
    line(S, U, AF, F, A, functions=TOOLS),
    line(S, U, AF, F, A, functions={}),
    line(S, U, AC, T, A, tools=TOOLS, functions=[]),
    # bytes the decoders may read differently
    *variants(
        line(S, U, AC, T, A, tools=TOOLS),
        (b"IATA code", b"IATA \\ud800code"),
        (b"IATA code", b"IATA \\ud83d\\ude00code"),
        (b"IATA code", b"IATA \\u0000code"),
        (b"IATA code", b"IATA \\u005ccode"),
        (b"IATA code", b"IATA \xffcode"),
        (b"IATA code", b"IATA \xed\xa0\x80code"),
        (b"IATA code", b"IATA \x01code"),
        (b'"Status of', b'"St\\u0061tus of'),
        (b"[-1, 1, 2.5]", b"[-1, 1, NaN]"),
        (b"[-1, 1, 2.5]", b"[-1, 1, Infinity]"),
        (b"[-1, 1, 2.5]", b"[-1, 1, " + b"9" * 5000 + b"]"),
        (b"[-1, 1, 2.5]", b"[-1, 1, 1e999]"),
        (b"[-1, 1, 2.5]", b"[-1, 1, 01]"),
        (b"[-1, 1, 2.5]", b"[-1, 1,]"),
        (b'"required"', b'"type": "object", "required"'),
        (b'"tools": [', b'"tools": [], "tools": ['),
        (b'"tools": [', b'"tools": 5, "tools": ['),
        (b'"tools": [', b'"tools": [' + b"[" * 3000 + b"]" * 3000 + b", "),
    ),
    line(S, U, AC, T, A, tools=TOOLS)[:-2] + b', "tools": []}',
    *variants(
        line(S, U, AC, T, A),
        (b'"id": "call_1"', b'"id": "call_9", "id": "call_1"'),
        (b'"tool_calls": [', b'"tool_calls": [], "tool_calls": ['),
        (b'"tool_calls": [', b'"tool_calls": null, "tool_calls": ['),
        (b'"tool_call_id"', b'"tool_call_id": 5, "tool_call_id"'),
        (b'"tool_call_id"', b'"tool\\u005fcall_id"'),
        (b'"tool_calls"', b'"tool\\u005fcalls"'),
        (b'"function": {', b'"function": {"name": "x", '),
        (b"CI7", b"CI\xff7"),
        (b"CI7", b"CI\\ud8007"),
        (b'"call_1"', b'"call_\xe9"'),
        (b'"call_1"', b'"call_\\u00e9"'),
        (b'"flight_status"', b'"flight\xc0\x80status"', 1),
    ),
]


def tool_corpus(n: int, seed: int = 0) -> list[bytes]:
    """Lines with tool calls as the generator writes them, and the guide's other shapes, mixed with plain ones."""
    rng = random.Random(seed)
    words = ["gate", "B6", "terminal", "déjà", "中文", "😀", "don't", "1234", "  ", "\n", "42.5", "<|endoftext|>"]
    out = []
    for _ in range(n):
        text = lambda: " ".join(rng.choice(words) for _ in range(rng.randint(1, 20)))  # noqa: E731
        messages = [rng.choice([S, {**S, "content": "Answer briefly"}])] if rng.random() < 0.8 else []
        top: dict = {}
        if rng.random() < 0.3:
            top["tools"] = TOOLS if rng.random() < 0.7 else [{"type": "function", "function": {"name": "f"}}]
        elif rng.random() < 0.1:
            top["functions"] = [DEF]
        if rng.random() < 0.1:
            top["parallel_tool_calls"] = rng.random() < 0.5
        turns = rng.randint(1, 3)
        for t in range(turns):
            messages.append({"role": "user", "content": text()})
            if rng.random() < 0.5:
                ids = [f"call_{rng.randint(1, 10**6)}" for _ in range(rng.choice([1, 1, 1, 2]))]
                calls = [
                    {
                        "id": id_,
                        "type": "function",
                        "function": {"name": "flight_status", "arguments": json.dumps({"flight": text()})},
                    }
                    for id_ in ids
                ]
                reply: dict = {"role": "assistant", "tool_calls": calls}
                if rng.random() < 0.3:
                    reply["content"] = rng.choice([None, "", text()])
                if turns > 1 and rng.random() < 0.5:
                    reply["weight"] = rng.choice([0, 1])
                messages.append(reply)
                for id_ in ids:
                    answer = rng.choice([id_, id_, "call_0"])  # the generator's tool messages answer "call_0"
                    messages.append({"role": "tool", "tool_call_id": answer, "content": json.dumps({"s": text()})})
            elif rng.random() < 0.1:
                messages.append({"role": "assistant", "function_call": {"name": "f", "arguments": "{}"}})
                messages.append({"role": "function", "name": "f", "content": text()})
            reply = {"role": "assistant", "content": text()}
            if turns > 1:
                reply["weight"] = 1 if t == turns - 1 else rng.choice([0, 1])
            messages.append(reply)
        out.append(json.dumps({"messages": messages, **top}, ensure_ascii=rng.random() < 0.5).encode())
    return out


def corpus(n: int, seed: int = 0) -> list[bytes]:
    """Lines shaped like a real training file: mostly plain, some weights, names, tool calls, errors."""
    rng = random.Random(seed)
    words = ["gate", "B6", "terminal", "déjà", "vu", "中文", "😀", "don't", "1234", "  ", "\n", "x\u0301", "42.5"]
    out = []
    for _ in range(n):
        text = lambda: " ".join(rng.choice(words) for _ in range(rng.randint(1, 30)))  # noqa: E731
        messages = [{"role": "system", "content": "You are a terse airport assistant."}] if rng.random() < 0.8 else []
        for _ in range(rng.randint(1, 3)):
            messages.append({"role": "user", "content": text()})
            reply = {"role": "assistant", "content": text()}
            if rng.random() < 0.3:
                reply["weight"] = rng.choice([0, 1, 1, 2])
            if rng.random() < 0.05:
                reply["name"] = "bot"
            messages.append(reply)
        if rng.random() < 0.05:
            messages.append(
                {
                    "role": "assistant",
                    "tool_calls": [
                        {
                            "id": "c1",
                            "type": "function",
                            "function": {"name": "find_gate", "arguments": json.dumps({"gate": text()})},
                        }
                    ],
                }
            )
            messages.append({"role": "tool", "tool_call_id": "c1", "content": text()})
        if rng.random() < 0.02:
            messages[-1]["content"] = ""
        out.append(json.dumps({"messages": messages}, ensure_ascii=rng.random() < 0.5).encode())
    return out


def _fields(tally) -> dict:
    return {k: (dict(v) if isinstance(v, dict) else v) for k, v in vars(tally).items() if k != "_last"}


def assert_same(data: bytes, ctx: Context) -> None:
    full = scan_block(data, ctx, string_counter(ctx.encoding), file_start=True)
    fast = scan_job(Job(data, 0, len(data), ctx, True))
    assert _fields(fast) == _fields(full)


CONTEXTS = [
    Context("cl100k_base", "chat", 65_536),
    Context("o200k_base", "chat", 40, 2),
    Context("o200k_base", "completion", 4_096),
]
#: Tool lines for both OpenAI encodings and both formats; a low limit so that some go over it.
TOOL_CONTEXTS = [*CONTEXTS, Context("cl100k_base", "chat", 120, 3), Context("cl100k_base", "completion", 2_048)]


@pytest.mark.parametrize("ctx", CONTEXTS, ids=lambda c: f"{c.encoding}-{c.format}-{c.limit}-{c.keep_lines}")
def test_each_planted_and_bad_line_alone_and_among_good_lines(ctx):
    bad = [case.bad for case in LINE_CASES.values()] + PLANTED + TOOL_PLANTED
    for raw in bad:
        assert_same(raw, ctx)
        assert_same(b"\n".join([GOOD[0], raw, GOOD[1], raw, GOOD[2]]) + b"\n", ctx)
    assert_same(b"\n".join(bad + GOOD), ctx)
    assert_same(b"\xef\xbb\xbf" + b"\r\n".join(GOOD + bad), ctx)


@pytest.mark.parametrize("ctx", CONTEXTS, ids=lambda c: f"{c.encoding}-{c.format}-{c.limit}-{c.keep_lines}")
def test_a_corpus_of_real_looking_lines_with_planted_errors(ctx):
    lines = corpus(1500)
    rng = random.Random(1)
    for _ in range(100):  # plant bad and near-miss lines at random places
        lines.insert(rng.randrange(len(lines)), rng.choice(PLANTED))
    assert_same(b"\n".join(lines) + b"\n", ctx)


def test_the_fast_path_takes_the_plain_lines():
    """Not vacuous: plain chat lines (with weights and names) go the fast way, the others do not."""
    lines = corpus(500)
    parsed = parse_block(b"\n".join(lines), CONTEXTS[0], file_start=True)
    assert len(parsed.fast_numbers) > 0.7 * len(lines)  # the rest: weight 2, tool calls, empty content
    assert {n for n, _ in parsed.slow} | set(parsed.fast_numbers) == set(range(1, len(lines) + 1))
    completion = parse_block(b"\n".join(lines), CONTEXTS[2], file_start=True)
    assert not completion.fast_numbers  # a completion model's checks differ: all lines go the full way


@pytest.mark.parametrize(
    ("lines", "limit"),
    [(lambda: corpus(400) + PLANTED, 300), (lambda: tool_corpus(300) + TOOL_PLANTED, 200)],
    ids=["chat", "tool calls"],
)
def test_several_tokenizers_from_one_parse_equal_each_alone(lines, limit):
    data = b"\n".join(lines()) + b"\n"
    contexts = [Context(name, "chat", limit, 3) for name in ("cl100k_base", "o200k_base", "llama3", "qwen2")]
    together = scan_job(Job(data, 0, len(data), contexts[0], True, tuple(contexts[1:])))
    for ctx, tally in zip(contexts, together, strict=True):
        alone = scan_block(data, ctx, string_counter(ctx.encoding), file_start=True)
        assert _fields(tally) == _fields(alone)


@pytest.mark.skipif(not GENERATOR.is_file(), reason="the shared dataset generator is not on this machine")
def test_the_generators_corpus_with_planted_errors(tmp_path):
    out = tmp_path / "gen.jsonl"
    subprocess.run([sys.executable, str(GENERATOR), "--mb", "2", "--seed", "3", "--out", str(out)], check=True)
    lines = out.read_bytes().split(b"\n")
    rng = random.Random(2)
    for _ in range(200):
        lines.insert(rng.randrange(len(lines)), rng.choice(PLANTED + [c.bad for c in LINE_CASES.values()]))
    data = b"\n".join(lines)
    for ctx in CONTEXTS[:2]:
        assert_same(data, ctx)


@pytest.mark.parametrize("ctx", TOOL_CONTEXTS, ids=lambda c: f"{c.encoding}-{c.format}-{c.limit}-{c.keep_lines}")
def test_each_tool_call_near_miss_alone_and_among_good_lines(ctx):
    for raw in TOOL_PLANTED:
        assert_same(raw, ctx)
        assert_same(b"\n".join([GOOD[0], raw, GOOD[1], raw, GOOD[2]]) + b"\n", ctx)
    assert_same(b"\n".join(TOOL_PLANTED + GOOD), ctx)


@pytest.mark.parametrize("ctx", TOOL_CONTEXTS, ids=lambda c: f"{c.encoding}-{c.format}-{c.limit}-{c.keep_lines}")
def test_a_corpus_of_tool_call_lines_with_planted_errors(ctx):
    lines = tool_corpus(1000) + corpus(300, seed=5)
    random.Random(3).shuffle(lines)
    rng = random.Random(4)
    for _ in range(100):
        lines.insert(rng.randrange(len(lines)), rng.choice(TOOL_PLANTED + PLANTED))
    assert_same(b"\n".join(lines) + b"\n", ctx)


def test_the_fast_path_takes_the_tool_call_lines():
    """Not vacuous: the well-formed tool-call lines (and the near-misses that are well formed) go the fast way."""
    lines = tool_corpus(500)
    parsed = parse_block(b"\n".join(lines), CONTEXTS[0], file_start=True)
    assert len(parsed.fast_numbers) == len(lines)
    assert parsed.tool_examples > 0.2 * len(lines)
    taken = parse_block(b"\n".join(TOOL_PLANTED), CONTEXTS[0], file_start=True)
    assert 0.25 * len(TOOL_PLANTED) < len(taken.fast_numbers) < 0.75 * len(TOOL_PLANTED)
    assert taken.tool_examples > 10
