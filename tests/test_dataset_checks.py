"""Dataset validation: every category at its line, the good lines still counted, whole-file failures."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ftcost.dataset import COOKBOOK_ERRORS, ERRORS, WARNINGS, analyze_bytes, analyze_file, describe
from ftcost.errors import DatasetFileError, FtcostError, UnknownModelError

DATA = Path(__file__).parent / "data" / "datasets"
CHAT = "gpt-3.5-turbo-0125"
COMPLETION = "babbage-002"

# fixture file -> (model, the categories it must report, each at line 3 unless said otherwise).
# Every fixture is 10 copies of one good 3-message example with one bad line inserted as line 3.
FIXTURES = {
    "data_type": (CHAT, {"data_type": [3]}),
    "missing_messages_list": (CHAT, {"missing_messages_list": [3]}),
    # the cookbook counts a message without content under both categories
    "message_missing_key": (CHAT, {"message_missing_key": [3], "missing_content": [3]}),
    "message_unrecognized_key": (CHAT, {"message_unrecognized_key": [3]}),
    "unrecognized_role": (CHAT, {"unrecognized_role": [3]}),
    "missing_content": (CHAT, {"missing_content": [3]}),
    "example_missing_assistant_message": (CHAT, {"example_missing_assistant_message": [3]}),
    "invalid_utf8": (CHAT, {"invalid_utf8": [3]}),
    "invalid_json": (CHAT, {"invalid_json": [3]}),
    "message_not_object": (CHAT, {"message_not_object": [3]}),
    "invalid_weight": (CHAT, {"invalid_weight": [3]}),
    "weight_on_non_assistant": (CHAT, {"weight_on_non_assistant": [3]}),
    "malformed_tool_call": (CHAT, {"malformed_tool_call": [3]}),
    "malformed_tools": (CHAT, {"malformed_tools": [3]}),
    "too_few_examples": (CHAT, {"too_few_examples": []}),  # a whole-file error: no line
    "prompt_completion_format": (CHAT, {"prompt_completion_format": [3]}),
    "chat_format_on_completion_model": (COMPLETION, {"chat_format_on_completion_model": [3]}),
    "invalid_prompt_completion": (COMPLETION, {"invalid_prompt_completion": [3]}),
}
WARNING_FIXTURES = {"no_system_message": [3], "no_user_message": [3], "content_not_counted": [3]}


def test_every_category_has_a_fixture_and_an_explanation():
    assert set(FIXTURES) == set(ERRORS)
    assert set(WARNING_FIXTURES) | {"over_token_limit"} == set(WARNINGS)
    assert (
        list(ERRORS)[:7]
        == list(COOKBOOK_ERRORS)
        == [
            "data_type",
            "missing_messages_list",
            "message_missing_key",
            "message_unrecognized_key",
            "unrecognized_role",
            "missing_content",
            "example_missing_assistant_message",
        ]
    )
    for name in [*ERRORS, *WARNINGS]:
        meaning, fix = describe(name)
        assert meaning.endswith(".") and fix.endswith(".") and len(meaning) > 20


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_each_error_category_is_reported_at_its_line(name):
    model, expected = FIXTURES[name]
    report = analyze_file(DATA / f"{name}.jsonl", model)
    assert report.error_lines == expected
    assert not report.valid
    # the good lines are still analysed: every other example is counted
    good = 3 if name == "too_few_examples" else 10
    assert report.counted_examples >= good


@pytest.mark.parametrize("name", sorted(WARNING_FIXTURES))
def test_each_warning_is_reported_at_its_line_and_the_file_stays_valid(name):
    report = analyze_file(DATA / f"{name}.jsonl")
    assert report.warning_lines == {name: WARNING_FIXTURES[name]}
    assert report.valid and report.errors == {}


def test_a_bad_line_is_not_an_example_but_the_others_are():
    report = analyze_file(DATA / "invalid_json.jsonl")
    assert report.lines == 11 and report.examples == 10 and report.counted_examples == 10


def test_valid_tool_data_that_the_cookbook_flags_is_accepted():
    report = analyze_file(DATA / "tools_valid.jsonl")
    assert report.errors == {} and report.warnings == {}
    assert report.examples == 10


def test_prompt_completion_is_valid_for_completion_models_only():
    assert analyze_file(DATA / "prompt_completion_valid.jsonl", COMPLETION).valid
    assert analyze_file(DATA / "prompt_completion_valid.jsonl", "davinci-002").format == "completion"
    on_chat = analyze_file(DATA / "prompt_completion_valid.jsonl", CHAT)
    assert on_chat.error_lines == {"prompt_completion_format": list(range(1, 11))}


def test_bom_crlf_and_blank_lines_are_accepted():
    report = analyze_file(DATA / "bom_crlf_blank.jsonl")
    assert report.errors == {} and report.warnings == {}
    assert report.examples == 10 and report.lines == 13  # 3 blank lines counted as lines


def test_a_first_line_that_is_an_array_among_objects_is_a_line_error():
    good = json.dumps({"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Yo"}]})
    report = analyze_bytes(("[1, 2]\n" + "\n".join([good] * 10)).encode(), "t.jsonl")
    assert report.error_lines == {"data_type": [1]} and report.examples == 10


def test_latin1_lines_in_a_utf8_file_are_line_errors():
    good = json.dumps({"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Yo"}]})
    bad = '{"messages": [{"role": "user", "content": "café"}, {"role": "assistant", "content": "Yo"}]}'
    data = "\n".join([good] * 5).encode() + b"\n" + bad.encode("latin-1") + b"\n" + "\n".join([good] * 5).encode()
    report = analyze_bytes(data, "t.jsonl")
    assert report.error_lines == {"invalid_utf8": [6]} and report.examples == 10


def test_line_numbers_count_blank_lines():
    good = json.dumps({"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Yo"}]})
    data = "\n".join([good, "", "", "{oops", good, "\r", "[]"] + [good] * 9).encode()
    report = analyze_bytes(data, "t.jsonl")
    assert report.error_lines == {"data_type": [7], "invalid_json": [4]}
    assert report.examples == 11


@pytest.mark.parametrize(
    "content, says",
    [
        (b"", "is empty"),
        (b"\n\n  \r\n", "only blank lines"),
        (b'[{"messages": []}, {"messages": []}]\n', "is a JSON array, not JSONL"),
        (b'[\n  {"messages": []}\n]\n', "is a JSON array, not JSONL"),
        (b"[" + b'{"messages": [{"role": "user", "content": "Hi"}]},' * 3000 + b"{}]", "is a JSON array, not JSONL"),
        (b'{\n  "messages": []\n}\n', "pretty-printed JSON document"),
        ('{"messages": []}\n'.encode("utf-16"), "is UTF-16 text"),
        ('{"messages": []}\n'.encode("utf-16-le"), "is UTF-16 text"),
        ('{"a": "café"}\n{"b": "naïve"}\n'.encode("latin-1"), "is not UTF-8 text (byte 0xE9"),
        (gzip.compress(b'{"messages": []}\n', mtime=0), "is a gzip-compressed file, not text"),
        (b"\x00\x01\x02binary", "is a binary file"),
    ],
)
def test_files_that_are_not_jsonl_get_one_sentence(tmp_path, content, says):
    path = tmp_path / "train.jsonl"
    path.write_bytes(content)
    with pytest.raises(DatasetFileError) as info:
        analyze_file(path)
    message = str(info.value)
    assert says in message and str(path) in message and "expected UTF-8 JSONL" in message
    assert message.endswith(".") and "\n" not in message  # one sentence
    with pytest.raises(DatasetFileError):
        analyze_bytes(content, "upload.jsonl")


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(DatasetFileError, match="no such file"):
        analyze_file(tmp_path / "nope.jsonl")
    with pytest.raises(DatasetFileError, match="is a directory"):
        analyze_file(tmp_path)


def test_models_that_cannot_be_analysed(tmp_path):
    path = DATA / "tools_valid.jsonl"
    with pytest.raises(UnknownModelError, match="known models: .*gpt-3.5-turbo-0125"):
        analyze_file(path, "gpt-9")
    with pytest.raises(UnknownModelError, match="cannot count tokens for davinci"):
        analyze_file(path, "davinci")
    with pytest.raises(UnknownModelError, match="embedding model"):
        analyze_file(path, "text-embedding-3-small")
    with pytest.raises(FtcostError, match="epochs"):
        analyze_file(path, epochs=0)


def test_unpublished_limit_is_said():
    # gpt-4.1's limit now comes from Azure's table for the same model; gpt-5.4 has none published anywhere.
    report = analyze_file(DATA / "tools_valid.jsonl", "gpt-5.4-2026-03-05")
    assert not report.token_limit_published and report.token_limit == 1_050_000
    assert any("not published" in note for note in report.notes)
    assert analyze_file(DATA / "tools_valid.jsonl", "gpt-4o-mini-2024-07-18").token_limit_published


# --- arbitrary input never raises anything but FtcostError ------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4),
    max_leaves=12,
)
message = st.dictionaries(
    st.sampled_from(["role", "content", "name", "weight", "tool_calls", "tool_call_id", "function_call", "x"]),
    st.sampled_from(["system", "user", "assistant", "tool", "function"]) | json_values,
    max_size=5,
)
example = st.fixed_dictionaries(
    {},
    optional={
        "messages": st.lists(message | json_values, max_size=4) | json_values,
        "tools": json_values
        | st.just(
            [{"type": "function", "function": {"name": "f", "parameters": {"properties": {"a": {"enum": [1, "x"]}}}}}]
        ),
        "functions": json_values,
        "parallel_tool_calls": json_values,
        "prompt": json_values,
        "completion": json_values,
    },
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300))
def test_arbitrary_bytes_raise_only_ftcost_errors(data):
    try:
        report = analyze_bytes(data, "fuzz.jsonl")
    except FtcostError:
        return
    assert report.lines >= 1
    report.to_dict()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(example, min_size=1, max_size=6), st.sampled_from([CHAT, COMPLETION, "gpt-4o-2024-08-06"]))
def test_arbitrary_json_examples_are_reported_not_raised(examples, model):
    data = "\n".join(json.dumps(e) for e in examples).encode()
    report = analyze_bytes(data, "fuzz.jsonl", model)
    assert report.examples == len(examples)
    for category, lines in report.error_lines.items():
        assert all(1 <= n <= len(examples) for n in lines), category
    json.dumps(report.to_dict())
