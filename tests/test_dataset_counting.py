"""Token counting, statistics, epochs and billing, checked against numbers derived by hand."""

from __future__ import annotations

import json
from decimal import Decimal

import numpy as np
import pytest

from ftcost.dataset import analyze_bytes, count_messages, default_epochs, percentile, summarize
from ftcost.tokens import get_encoding

ENCODINGS = ("cl100k_base", "o200k_base")
WORDS = ("Hi", "Hello", "Yes", "No", "Bob")  # single tokens in both encodings (checked below)
ROLES = ("system", "user", "assistant")


def ex(*messages, **top) -> str:
    return json.dumps({"messages": list(messages), **top})


def m(role, content, **extra):
    return {"role": role, "content": content, **extra}


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_words_used_below_are_single_tokens(encoding):
    enc = get_encoding(encoding)
    for word in WORDS + ROLES:
        assert len(enc.encode(word)) == 1, word


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_messages_of_single_token_strings(encoding):
    # each message: 3 + role (1) + content (1) = 5; three messages + 3 for the reply priming = 18
    messages = [m("system", "Hello"), m("user", "Hi"), m("assistant", "Yes")]
    assert count_messages(messages, encoding) == 18
    # `name`: its value (1 token) + 1 extra, so this message is 3 + 1 + 1 + 1 + 1 = 7
    assert count_messages([m("user", "Hi", name="Bob")], encoding) == 7 + 3
    assert count_messages([], encoding) == 3


@pytest.mark.parametrize("encoding, api_tokens", [("cl100k_base", 105), ("o200k_base", 101)])
def test_tool_definitions_match_the_api_count_in_the_cookbook(encoding, api_tokens):
    # The example of the cookbook's "How to count tokens with tiktoken" (section 7): OpenAI's API
    # reported usage.prompt_tokens of 105 (gpt-3.5-turbo, gpt-4) and 101 (gpt-4o, gpt-4o-mini).
    tools = [
        {
            "type": "function",
            "function": {
                "name": "get_current_weather",
                "description": "Get the current weather in a given location",
                "parameters": {
                    "type": "object",
                    "properties": {
                        "location": {"type": "string", "description": "The city and state, e.g. San Francisco, CA"},
                        "unit": {
                            "type": "string",
                            "description": "The unit of temperature to return",
                            "enum": ["celsius", "fahrenheit"],
                        },
                    },
                    "required": ["location"],
                },
            },
        }
    ]
    messages = [
        m("system", "You are a helpful assistant that can answer to questions about the weather."),
        m("user", "What's the weather like in San Francisco?"),
    ]
    assert count_messages(messages, encoding, tools=tools) == api_tokens
    # the legacy `functions` form renders the same definitions
    assert count_messages(messages, encoding, functions=[tools[0]["function"]]) == api_tokens


def test_a_function_without_description_or_parameters_is_one_line_of_the_rendering():
    # "type f = () => any;" inside the namespace block, + 9 for the wrapper of a new system message
    enc = get_encoding("cl100k_base")
    block = "namespace functions {\n\ntype f = () => any;\n\n} // namespace functions"
    expected = 3 + len(enc.encode(block)) + 9
    assert count_messages([], "cl100k_base", tools=[{"type": "function", "function": {"name": "f"}}]) == expected


def test_tool_calls_names_and_arguments_are_counted_and_ids_are_not():
    enc = get_encoding("cl100k_base")
    arguments = '{"flight": "CI1"}'
    call = {
        "role": "assistant",
        "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "lookup", "arguments": arguments}}],
    }
    expected = 3 + 1 + 3 + len(enc.encode("lookup")) + len(enc.encode(arguments))  # role, call overhead, name, args
    assert count_messages([call], "cl100k_base") == expected + 3
    legacy = {"role": "assistant", "content": None, "function_call": {"name": "lookup", "arguments": arguments}}
    assert count_messages([legacy], "cl100k_base") == expected + 3
    # the tool result is headed by the function's name; its tool_call_id is not billed
    result = {"role": "tool", "tool_call_id": "call_1", "content": "Yes"}
    longer_id = {"role": "tool", "tool_call_id": "call_1", "content": "Yes"}
    call2 = {**call, "tool_calls": [{**call["tool_calls"][0], "id": "call_" + "x" * 40}]}
    longer_id["tool_call_id"] = call2["tool_calls"][0]["id"]
    assert count_messages([call, result], "cl100k_base") == count_messages([call2, longer_id], "cl100k_base")
    assert count_messages([call, result], "cl100k_base") == expected + 3 + len(enc.encode("lookup")) + 1 + 3


def test_content_as_text_parts_counts_the_text():
    parts = [{"type": "text", "text": "Hello"}, {"type": "text", "text": " Bob"}]
    as_string = count_messages([m("user", "Hello Bob")], "cl100k_base")
    assert count_messages([m("user", parts)], "cl100k_base") == as_string
    # an image part adds nothing here (a note says it is not counted)
    image = {"type": "image_url", "image_url": {"url": "https://example.com/a.png"}}
    assert count_messages([m("user", parts + [image])], "cl100k_base") == as_string


def test_gpt_35_turbo_0301_uses_four_tokens_per_message():
    assert count_messages([m("user", "Hi")], "cl100k_base", model="gpt-3.5-turbo-0301") == 4 + 2 + 3
    assert count_messages([m("user", "Hi")], "cl100k_base", model="gpt-3.5-turbo-0125") == 3 + 2 + 3


def test_forcing_a_function_adds_its_name():
    tools = [{"type": "function", "function": {"name": "lookup"}}]
    base = count_messages([m("user", "Hi")], "cl100k_base", tools=tools)
    named = {"type": "function", "function": {"name": "lookup"}}
    enc = get_encoding("cl100k_base")
    assert count_messages([m("user", "Hi")], "cl100k_base", tools=tools, tool_choice="auto") == base
    assert count_messages([m("user", "Hi")], "cl100k_base", tools=tools, tool_choice="none") == base + 1
    assert count_messages([m("user", "Hi")], "cl100k_base", tools=tools, tool_choice=named) == (
        base + 7 + len(enc.encode("lookup"))
    )


def test_training_examples_are_counted_as_requests_are_with_the_same_renderer():
    tools = [
        {
            "type": "function",
            "function": {
                "name": "lookup",
                "description": "Look a flight up",
                "parameters": {
                    "type": "object",
                    "properties": {
                        "flight": {"type": "string", "description": "Flight number"},
                        "legs": {
                            "type": "array",
                            "items": {"type": "object", "properties": {"from": {"type": "string"}}},
                        },
                    },
                    "required": ["flight"],
                },
            },
        }
    ]
    arguments = '{"flight": "CI1"}'
    messages = [
        m("system", "Be brief."),
        m("user", "Where is CI1?"),
        {
            "role": "assistant",
            "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "lookup", "arguments": arguments}}],
        },
        {"role": "tool", "tool_call_id": "c1", "content": "Taipei"},
        m("assistant", "In Taipei."),
    ]
    report = analyze_bytes(_dataset([ex(*messages, tools=tools)] * 10), "t.jsonl")
    assert report.valid
    assert report.stats["tokens_per_example"]["max"] == count_messages(messages, "cl100k_base", tools=tools)
    assert any("tool definitions" in note and "estimate" in note for note in report.notes)


def test_text_parts_are_content_and_counted_in_training_data():
    parts = [{"type": "text", "text": "Hi"}]
    report = analyze_bytes(
        _dataset([ex(m("user", parts), m("assistant", [{"type": "text", "text": "Yes"}]))] * 10), "p.jsonl"
    )
    assert report.valid and "missing_content" not in report.errors
    assert report.stats["tokens_per_example"]["max"] == count_messages(
        [m("user", "Hi"), m("assistant", "Yes")], "cl100k_base"
    )
    assert report.stats["assistant_tokens_per_example"]["max"] == 1


def _dataset(lines: list[str]) -> bytes:
    return ("\n".join(lines) + "\n").encode()


def test_trained_tokens_respect_weight():
    # assistant "Yes" with weight 0 is context only; "No" (weight 1) and "Hello" (no weight) are trained
    line = ex(
        m("user", "Hi"),
        m("assistant", "Yes", weight=0),
        m("user", "Hi"),
        m("assistant", "No", weight=1),
        m("user", "Hi"),
        m("assistant", "Hello"),
    )
    report = analyze_bytes(_dataset([line] * 10), "w.jsonl")
    assert report.valid
    assert report.stats["assistant_tokens_per_example"]["max"] == 3
    assert report.trained_tokens_per_epoch == 10 * 2
    # the weighted-out message is still part of the example's tokens: 6 messages x 5 + 3
    assert report.stats["tokens_per_example"]["min"] == 33


def test_over_limit_examples_are_truncated_for_billing():
    long_content = " hi" * 5000
    assert len(get_encoding("cl100k_base").encode(long_content)) == 5000  # " hi" is one token
    short = ex(m("system", "Hello"), m("user", "Hi"), m("assistant", "Yes"))  # 18 tokens
    long = ex(m("user", long_content), m("assistant", "Yes"))  # 3+1+5000 + 3+1+1 + 3 = 5012 tokens
    report = analyze_bytes(_dataset([short] * 5 + [long] + [short] * 5), "l.jsonl", "gpt-3.5-turbo-0613", epochs=2)
    assert report.token_limit == 4096 and report.token_limit_published
    assert report.over_limit == 1
    assert report.warning_lines["over_token_limit"] == [6]
    assert report.stats["tokens_per_example"]["max"] == 5012
    assert report.billing_tokens == 10 * 18 + 4096
    assert report.charged_tokens == 2 * (10 * 18 + 4096) and not report.epochs_estimated
    # the same file on a model with a 16,385-token limit is billed in full
    assert analyze_bytes(_dataset([short] * 5 + [long] + [short] * 5), "l.jsonl").billing_tokens == 10 * 18 + 5012


def test_report_json_carries_cost_as_a_decimal_string():
    report = analyze_bytes(_dataset([ex(m("user", "Hi"), m("assistant", "Yes"))] * 10), "c.jsonl")
    assert report.to_dict()["training_cost_usd"] is None
    assert report.to_dict(Decimal("0.0024"))["training_cost_usd"] == "0.0024"


@pytest.mark.parametrize(
    "n, epochs",
    [
        (1, 25),  # 3 < 100: min(25, 100 // 1 = 100)
        (4, 25),  # 12 < 100: 100 // 4 = 25
        (5, 20),  # 15 < 100: 100 // 5
        (11, 9),  # 33 < 100: 100 // 11
        (30, 3),  # 90 < 100: 100 // 30
        (33, 3),  # n·3 = 99 < 100: 100 // 33 = 3
        (34, 3),  # n·3 = 102: between the bounds, the target 3
        (20, 5),  # 60 < 100: 100 // 20
        (8333, 3),  # n·3 = 24,999, not above 25,000
        (8334, 2),  # n·3 = 25,002 > 25,000: 25,000 // 8,334 = 2
        (10_000, 2),  # 25,000 // 10,000
        (12_500, 2),
        (12_501, 1),
        (25_000, 1),
        (25_001, 1),  # 25,000 // 25,001 = 0, raised to the minimum 1
    ],
)
def test_default_epochs_rule(n, epochs):
    assert default_epochs(n) == epochs


def test_epochs_default_uses_the_number_of_examples():
    lines = [ex(m("user", "Hi"), m("assistant", "Yes"))] * 11
    report = analyze_bytes(_dataset(lines), "e.jsonl")
    assert report.epochs == 9 and report.epochs_estimated
    assert report.charged_tokens == 9 * report.billing_tokens


def test_percentiles_interpolate_linearly_like_numpy():
    assert summarize([1, 2, 3, 4]) == {
        "min": 1,
        "max": 4,
        "mean": 2.5,
        "median": 2.5,
        "p10": pytest.approx(1.3),
        "p90": pytest.approx(3.7),
    }
    assert summarize([]) == dict.fromkeys(("min", "max", "mean", "median", "p10", "p90"))
    values = sorted([5, 1, 9, 9, 2, 40, 7, 7, 3])
    for q in (0, 10, 25, 50, 90, 100):
        assert percentile(values, q) == pytest.approx(float(np.percentile(values, q)))


def test_counts_equal_the_cookbook_notebooks_own_method(tmp_path, repo):
    """On data the notebook can count (no tools), ftcost's numbers are the notebook's, to the token."""
    import importlib.util
    import random

    spec = importlib.util.spec_from_file_location("cookbook_baseline", repo / "bench" / "cookbook_baseline.py")
    cookbook = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(cookbook)

    rng = random.Random(11)
    # (no "<|endoftext|>": the notebook's encode() raises on special-token text; ftcost counts it as text)
    words = [
        "the",
        "gate",
        "is",
        "closed",
        "please",
        "wait",
        "登机",
        "延误",
        "refund",
        "ünïcode",
        "123",
        "4567",
        "!!",
    ] + ["\n", "a\n\nb", "  "]
    lines = []
    for _ in range(300):
        messages = [{"role": "system", "content": "You help travellers."}] if rng.random() < 0.8 else []
        for _ in range(rng.randint(1, 3)):
            user = {"role": "user", "content": " ".join(rng.choices(words, k=rng.randint(1, 30)))}
            if rng.random() < 0.2:
                user["name"] = rng.choice(["ann", "bob_2"])
            reply = {"role": "assistant", "content": " ".join(rng.choices(words, k=rng.randint(1, 60)))}
            if rng.random() < 0.3:
                reply["weight"] = rng.choice([0, 1])
            messages += [user, reply]
        lines.append(json.dumps({"messages": messages}, ensure_ascii=rng.random() < 0.5))
    path = tmp_path / "gen.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    theirs = cookbook.analyse(str(path))
    ours = analyze_bytes(path.read_bytes(), "gen.jsonl")
    assert ours.errors == theirs["errors"] == {}
    assert ours.billing_tokens == theirs["billing_tokens"]
    assert ours.epochs == theirs["epochs"] and ours.charged_tokens == theirs["charged_tokens"]
    assert ours.warnings.get("no_system_message", 0) == theirs["missing_system"]
    for mine, key in (
        ("messages_per_example", "messages"),
        ("tokens_per_example", "tokens"),
        ("assistant_tokens_per_example", "assistant_tokens"),
    ):
        assert ours.stats[mine] == pytest.approx(theirs[key])


def test_analyze_does_not_call_the_weighted_answer_tokens_trained_tokens(capsys):
    # OpenAI's `trained_tokens` is the billed total; ftcost's per-epoch weighted answer tokens must not share it
    from pathlib import Path

    from ftcost.cli import main

    main(["analyze", str(Path(__file__).parent / "data" / "datasets" / "tools_valid.jsonl"), "--as-of", "2025-01-01"])
    out = capsys.readouterr().out
    assert "trained tokens" not in out
    assert "answer tokens" in out and "not OpenAI's trained_tokens" in out
