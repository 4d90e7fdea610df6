"""The bad-input corpus: files a user may hand `ftcost analyze` (or upload to the app) that are not clean JSONL.

Each case states what it must get: the sentence (a substring of it), the exit code (0 valid, 1 errors found,
2 cannot run), the line number at fault, and that the good lines are still analysed — their examples and
billing tokens equal those of the same good lines analysed on their own. Nothing may print a traceback.
Every case runs through the CLI (`ftcost.cli.main`) and through the app's path (`analyze_bytes`).
The enormous lines run in a child process whose peak memory (its own and its workers') is measured.
"""

from __future__ import annotations

import gzip
import json
import os
import random
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

import pytest

from ftcost.cli import main
from ftcost.dataset import analyze_bytes
from ftcost.errors import DatasetFileError

UTF8_BOM = b"\xef\xbb\xbf"
BAD_AT = 6  # every line case puts its bad line here: 5 good lines, the bad one, 5 good lines


def _good(i: int) -> dict:
    # Ten different examples (different lengths), each with a system, a user and an assistant message:
    # a file of only these is valid and has no warnings.
    return {
        "messages": [
            {"role": "system", "content": "You answer travellers' questions about the airport."},
            {"role": "user", "content": f"Where is gate B{i}?" + " Please hurry." * (i % 3)},
            {"role": "assistant", "content": f"Gate B{i} is in Terminal {1 + i % 2}, past security on the left."},
        ]
    }


GOOD = [json.dumps(_good(i)).encode() for i in range(10)]
CLEAN = b"\n".join(GOOD) + b"\n"


def with_bad(bad: bytes) -> bytes:
    return b"\n".join(GOOD[: BAD_AT - 1] + [bad] + GOOD[BAD_AT - 1 :]) + b"\n"


@pytest.fixture(scope="module")
def clean():
    """The good lines alone, analysed: what every case's good lines must still add up to."""
    report = analyze_bytes(CLEAN, "clean.jsonl")
    assert report.valid and report.examples == 10 and report.warnings == {}
    return report


#: A day the cookbook's gpt-3.5-turbo-0125 took fine-tuning jobs: the command's default model that day is the
#: library's (`analyze_bytes`'s), whatever the clock says (later days count for the model OpenAI fine-tunes then).
COOKBOOK_DAY = "2024-06-01"


def cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["analyze", *map(str, args), "--as-of", COOKBOOK_DAY])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def cli_json(capsys, path, *args: str) -> tuple[int, dict]:
    code, out, err = cli(capsys, path, "--json", *args)
    assert err == ""
    return code, json.loads(out)


# --- one bad line among good ones -----------------------------------------------------------------


def chat(*messages, **top) -> bytes:
    return json.dumps({"messages": list(messages), **top}).encode()


U = {"role": "user", "content": "Where is gate B6?"}
A = {"role": "assistant", "content": "Terminal 1, on the left."}
CALL = {"id": "call_1", "type": "function", "function": {"name": "find_gate", "arguments": '{"gate": "B6"}'}}
TOOL = {
    "type": "function",
    "function": {"name": "find_gate", "parameters": {"type": "object", "properties": {"gate": {"type": "string"}}}},
}


def calls(*tool_calls) -> dict:
    return {"role": "assistant", "tool_calls": list(tool_calls)}


def call_with(**function) -> dict:
    return {**CALL, "function": function}


class LineCase(NamedTuple):
    bad: bytes
    errors: dict[str, int]  # category -> occurrences, all on line BAD_AT; {} = the line is accepted
    says: str  # part of the sentence the human summary prints for it
    kind: str  # "not an object" (no example) | "uncounted" (an example with nothing to count) | "counted"


NOT_JSON = "The line is not valid JSON"
NOT_OBJECT = "The line is valid JSON but not a JSON object"
NO_LIST = "The example has no `messages` list"
NO_CONTENT = "A message's content is empty or not a string"
BAD_ROLE = "A message's role is not one of system, user, assistant, tool or function"
BAD_WEIGHT = "An assistant message's `weight` is not 0 or 1"
BAD_CALL = "A tool call is malformed"
BAD_TOOLS = "The example's `tools` (or legacy `functions`) is not a list of function definitions"
VALID = "VALID (0 errors"

LINE_CASES = {
    # wrong types at the top level
    "top level a string": LineCase(b'"Where is gate B6?"', {"data_type": 1}, NOT_OBJECT, "not an object"),
    "top level a number": LineCase(b"42", {"data_type": 1}, NOT_OBJECT, "not an object"),
    "top level null": LineCase(b"null", {"data_type": 1}, NOT_OBJECT, "not an object"),
    "top level an array": LineCase(json.dumps([U, A]).encode(), {"data_type": 1}, NOT_OBJECT, "not an object"),
    # messages of the wrong type
    "messages a dict": LineCase(
        json.dumps({"messages": U}).encode(), {"missing_messages_list": 1}, NO_LIST, "uncounted"
    ),
    "messages a string": LineCase(
        b'{"messages": "Where is gate B6?"}', {"missing_messages_list": 1}, NO_LIST, "uncounted"
    ),
    "messages null": LineCase(b'{"messages": null}', {"missing_messages_list": 1}, NO_LIST, "uncounted"),
    "messages an empty list": LineCase(b'{"messages": []}', {"missing_messages_list": 1}, NO_LIST, "uncounted"),
    "no messages key": LineCase(b'{"text": "Where is gate B6?"}', {"missing_messages_list": 1}, NO_LIST, "uncounted"),
    # one message of the wrong shape
    "a message is a string": LineCase(
        chat("Where is gate B6?", A),
        {"message_not_object": 1},
        "An entry of the messages list is not a JSON object",
        "counted",
    ),
    "role missing": LineCase(
        chat({"content": "Where is gate B6?"}, A),
        {"message_missing_key": 1, "unrecognized_role": 1},
        "A message lacks `role`",
        "counted",
    ),
    "role a number": LineCase(chat({**U, "role": 1}, A), {"unrecognized_role": 1}, BAD_ROLE, "counted"),
    "role unknown": LineCase(chat({**U, "role": "customer"}, A), {"unrecognized_role": 1}, BAD_ROLE, "counted"),
    "role capitalised": LineCase(chat({**U, "role": "User"}, A), {"unrecognized_role": 1}, BAD_ROLE, "counted"),
    "content a number": LineCase(chat({**U, "content": 6}, A), {"missing_content": 1}, NO_CONTENT, "counted"),
    # an image is content (vision fine-tuning), not missing content; ftcost says it does not count it
    "content a list of image parts": LineCase(
        chat({**U, "content": [{"type": "image_url", "image_url": {"url": "https://example.com/gate.png"}}]}, A),
        {},
        "ftcost counts their text parts only",
        "counted",
    ),
    "content null without tool_calls": LineCase(
        chat(U, {**A, "content": None}), {"missing_content": 1}, NO_CONTENT, "counted"
    ),
    "content missing": LineCase(
        chat(U, {"role": "assistant"}),
        {"message_missing_key": 1, "missing_content": 1},
        "A message lacks `role` or `content`",
        "counted",
    ),
    "two messages without content": LineCase(
        chat({"role": "user"}, {"role": "assistant"}),
        {"message_missing_key": 2, "missing_content": 2},
        "(counted once per message)",
        "counted",
    ),
    # ftcost does not check the type of `name` (OpenAI's format only says "optionally name"): the line is
    # accepted and counted, with the notebook's +1 token for the key.
    "name not a string": LineCase(chat({**U, "name": 6}, A), {}, VALID, "counted"),
    # weights
    "weight 2": LineCase(chat(U, {**A, "weight": 2}), {"invalid_weight": 1}, BAD_WEIGHT, "counted"),
    'weight "1"': LineCase(chat(U, {**A, "weight": "1"}), {"invalid_weight": 1}, BAD_WEIGHT, "counted"),
    "weight true": LineCase(chat(U, {**A, "weight": True}), {"invalid_weight": 1}, BAD_WEIGHT, "counted"),
    "weight 0.5": LineCase(chat(U, {**A, "weight": 0.5}), {"invalid_weight": 1}, BAD_WEIGHT, "counted"),
    "weight on a user message": LineCase(
        chat({**U, "weight": 1}, A),
        {"weight_on_non_assistant": 1},
        "A system, user or tool message has a `weight`",
        "counted",
    ),
    # tool calls and tool definitions
    "tool_calls not a list": LineCase(
        chat(U, {"role": "assistant", "tool_calls": CALL}), {"malformed_tool_call": 1}, BAD_CALL, "counted"
    ),
    "tool_calls an empty list": LineCase(chat(U, calls()), {"malformed_tool_call": 1}, BAD_CALL, "counted"),
    "arguments not JSON": LineCase(
        chat(U, calls(call_with(name="find_gate", arguments="{gate: B6"))),
        {"malformed_tool_call": 1},
        BAD_CALL,
        "counted",
    ),
    "arguments a dict": LineCase(
        chat(U, calls(call_with(name="find_gate", arguments={"gate": "B6"}))),
        {"malformed_tool_call": 1},
        BAD_CALL,
        "counted",
    ),
    "arguments nested 100,000 deep": LineCase(
        chat(U, calls(call_with(name="find_gate", arguments="[" * 100_000))),
        {"malformed_tool_call": 1},
        BAD_CALL,
        "counted",
    ),
    "function without a name": LineCase(
        chat(U, calls(call_with(arguments="{}"))), {"malformed_tool_call": 1}, BAD_CALL, "counted"
    ),
    "tools not a list": LineCase(chat(U, A, tools=TOOL), {"malformed_tools": 1}, BAD_TOOLS, "counted"),
    "a tool without function": LineCase(
        chat(U, A, tools=[{"type": "function"}]), {"malformed_tools": 1}, BAD_TOOLS, "counted"
    ),
    "prompt/completion in a chat file": LineCase(
        b'{"prompt": "Where is gate B6?", "completion": " Terminal 1"}',
        {"prompt_completion_format": 1},
        'legacy {"prompt", "completion"} format',
        "counted",
    ),
    # not JSON at all
    "truncated in the middle": LineCase(GOOD[0][:70], {"invalid_json": 1}, NOT_JSON, "not an object"),
    "100,000 nested arrays": LineCase(b"[" * 100_000 + b"]" * 100_000, {"invalid_json": 1}, NOT_JSON, "not an object"),
    "100,000 nested arrays as messages": LineCase(
        b'{"messages": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", {"invalid_json": 1}, NOT_JSON, "not an object"
    ),
    "NaN": LineCase(
        chat(U, A).replace(b'"}]}', b'", "weight": NaN}]}'), {"invalid_json": 1}, NOT_JSON, "not an object"
    ),
    "Infinity": LineCase(b'{"messages": [], "temperature": Infinity}', {"invalid_json": 1}, NOT_JSON, "not an object"),
    "-Infinity": LineCase(
        b'{"messages": [], "temperature": -Infinity}', {"invalid_json": 1}, NOT_JSON, "not an object"
    ),
    # Python refuses to turn more than 4,300 digits into an int, but it is valid JSON and OpenAI reads it:
    # the line is parsed, and judged for what it is (here: its messages list is empty).
    "an integer of 5,000 digits": LineCase(
        b'{"messages": [], "seed": 1' + b"0" * 5000 + b"}", {"missing_messages_list": 1}, NO_LIST, "uncounted"
    ),
    "raw NUL byte in a string": LineCase(
        chat(U, A).replace(b"B6?", b"B6\x00?"), {"invalid_json": 1}, NOT_JSON, "not an object"
    ),
    "a UTF-8 byte-order mark mid-file (files joined with cat)": LineCase(
        UTF8_BOM + GOOD[0], {"invalid_json": 1}, NOT_JSON, "not an object"
    ),
    "a // comment": LineCase(b"// the examples below were reviewed", {"invalid_json": 1}, NOT_JSON, "not an object"),
    "a Markdown code fence": LineCase(b"```json", {"invalid_json": 1}, NOT_JSON, "not an object"),
    # not UTF-8
    "one invalid UTF-8 byte sequence": LineCase(
        chat(U, A).replace(b"B6?", b"B6 \xff\xfe?"),
        {"invalid_utf8": 1},
        "The line is not valid UTF-8 text",
        "not an object",
    ),
    "Latin-1 accents on one line": LineCase(
        json.dumps(
            {"messages": [{"role": "user", "content": "Où est la porte B6, près du café ?"}, A]}, ensure_ascii=False
        ).encode("latin-1"),
        {"invalid_utf8": 1},
        "The line is not valid UTF-8 text",
        "not an object",
    ),
    # valid JSON that is unusual but accepted
    "escaped NUL \\u0000": LineCase(chat({**U, "content": "gate B6\u0000"}, A), {}, VALID, "counted"),
    # Python's json (as the cookbook uses it) accepts a lone surrogate escape; tiktoken counts it as U+FFFD.
    "lone surrogate escape \\ud800": LineCase(chat(U, A).replace(b"B6?", b"B6 \\ud800?"), {}, VALID, "counted"),
    "reversed surrogate pair": LineCase(chat(U, A).replace(b"B6?", b"B6 \\udc00\\ud800?"), {}, VALID, "counted"),
}


@pytest.mark.parametrize("name", list(LINE_CASES))
def test_a_bad_line_is_named_at_its_line_and_the_good_lines_are_still_analysed(name, tmp_path, capsys, clean):
    case = LINE_CASES[name]
    data = with_bad(case.bad)
    path = tmp_path / "train.jsonl"
    path.write_bytes(data)

    code, doc = cli_json(capsys, path)
    assert code == (1 if case.errors else 0)
    assert doc["errors"] == case.errors
    assert doc["error_lines"] == {category: [BAD_AT] for category in case.errors}
    assert all(lines == [BAD_AT] for lines in doc["warning_lines"].values())  # the good lines have none
    assert doc["lines"] == 11

    code, out, err = cli(capsys, path)
    assert code == (1 if case.errors else 0) and err == ""
    for category, n in case.errors.items():
        assert f"{category} ({n}): line {BAD_AT}\n" in out
    assert case.says in out

    # The app's path gives the same answer, and the good lines add up to the clean file's figures.
    report = analyze_bytes(data, "upload.jsonl")
    assert report.error_lines == doc["error_lines"] and report.billing_tokens == doc["billing_tokens"]
    tokens = list(report.tokens_per_example)
    extra_examples, extra_billing = {"not an object": (0, 0), "uncounted": (1, 0), "counted": (1, None)}[case.kind]
    if case.kind == "counted":
        extra_billing = min(report.token_limit, tokens.pop(BAD_AT - 1))
        assert extra_billing > 0
    assert tokens == list(clean.tokens_per_example)
    assert report.examples == doc["examples"] == clean.examples + extra_examples
    assert report.billing_tokens == clean.billing_tokens + extra_billing


def test_a_bad_first_line_does_not_make_the_file_an_array(tmp_path, capsys, clean):
    # Regression: a first line opening with "[" (100,000 nested arrays, longer than the 64 KB the file
    # type is judged on; or a truncated array) made ftcost call the whole file a JSON array and drop
    # the ten good lines after it.
    for first in (
        b"[" * 100_000 + b"]" * 100_000,
        b"[" * 20_000 + b"]" * 20_000,
        b"[1, 2",
        b"[" + b" " * 70_000 + b"1]",
    ):
        data = first + b"\n" + CLEAN
        report = analyze_bytes(data, "upload.jsonl")
        assert set(report.error_lines) == {"invalid_json"} or set(report.error_lines) == {"data_type"}
        assert list(report.error_lines.values()) == [[1]]
        assert report.examples == clean.examples and report.billing_tokens == clean.billing_tokens
        path = tmp_path / "train.jsonl"
        path.write_bytes(data)
        code, doc = cli_json(capsys, path)
        assert code == 1 and doc["error_lines"] == report.error_lines and doc["examples"] == 10


@pytest.mark.parametrize(
    "model, own, other, category",
    [
        ("gpt-3.5-turbo-0125", "chat", "completion", "prompt_completion_format"),
        ("babbage-002", "completion", "chat", "chat_format_on_completion_model"),
    ],
)
def test_mixed_chat_and_prompt_completion_lines(tmp_path, capsys, model, own, other, category):
    pairs = [
        json.dumps({"prompt": f"Where is gate B{i}? ->", "completion": f" Terminal {1 + i % 2}"}).encode()
        for i in range(10)
    ]
    mixed = [line for pair in zip(GOOD, pairs, strict=True) for line in pair]  # chat on odd lines, pairs on even ones
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(b"\n".join(mixed) + b"\n")
    code, doc = cli_json(capsys, path, "--model", model)
    wrong = [n for n in range(1, 21) if (n % 2 == 0) == (other == "completion")]
    assert code == 1 and doc["error_lines"] == {category: wrong} and doc["format"] == "mixed"
    # Every line is an example and is counted; each format counts as a file of only that format does
    # on a model made for it (chat on gpt-3.5-turbo, prompt/completion on babbage-002: both cl100k_base).
    alone = {
        "chat": analyze_bytes(b"\n".join(GOOD), "chat.jsonl", "gpt-3.5-turbo-0125"),
        "completion": analyze_bytes(b"\n".join(pairs), "pairs.jsonl", "babbage-002"),
    }
    assert alone["chat"].valid and alone["completion"].valid
    assert doc["examples"] == 20
    assert doc["billing_tokens"] == alone[own].billing_tokens + alone[other].billing_tokens
    report = analyze_bytes(b"\n".join(mixed), "mixed.jsonl", model)
    tokens = list(report.tokens_per_example)
    assert tokens[0::2] == list(alone["chat"].tokens_per_example)
    assert tokens[1::2] == list(alone["completion"].tokens_per_example)
    out = cli(capsys, path, "--model", model)[1]
    assert f"{category} (10): lines {', '.join(map(str, wrong))}\n" in out


# --- files that are valid although unusual ------------------------------------------------------------


@pytest.mark.parametrize(
    "name, data",
    [
        ("CRLF line ends and a UTF-8 byte-order mark", UTF8_BOM + CLEAN.replace(b"\n", b"\r\n")),
        ("CRLF line ends", CLEAN.replace(b"\n", b"\r\n")),
        ("a UTF-8 byte-order mark", UTF8_BOM + CLEAN),
        ("no newline at the end", CLEAN.rstrip(b"\n")),
        ("blank and whitespace-only lines", b"\n \n" + CLEAN.replace(b"\n", b"\n\t \r\n", 3) + b"\n\n"),
    ],
)
def test_unusual_but_valid_files_are_accepted(name, data, tmp_path, capsys, clean):
    path = tmp_path / "train.jsonl"
    path.write_bytes(data)
    code, doc = cli_json(capsys, path)
    assert code == 0 and doc["errors"] == {} and doc["warnings"] == {}
    assert doc["examples"] == clean.examples and doc["billing_tokens"] == clean.billing_tokens
    report = analyze_bytes(data, "upload.jsonl")
    assert list(report.tokens_per_example) == list(clean.tokens_per_example)


def test_blank_lines_count_in_line_numbers(tmp_path, capsys, clean):
    lines = [GOOD[0], b"", b"  \r", GOOD[1], b"{oops"] + GOOD[2:]
    path = tmp_path / "train.jsonl"
    path.write_bytes(b"\r\n".join(lines) + b"\r\n")
    code, doc = cli_json(capsys, path)
    assert code == 1 and doc["error_lines"] == {"invalid_json": [5]} and doc["lines"] == 13
    assert doc["billing_tokens"] == clean.billing_tokens


# --- files that are not JSONL at all: one sentence, exit 2 ----------------------------------------------


def _utf16(text: bytes, codec: str, bom: bytes = b"") -> bytes:
    return bom + text.decode("utf-8").encode(codec)


LATIN1 = "\n".join(
    json.dumps({"messages": [{"role": "user", "content": f"Café près de la porte B{i} ?"}, A]}, ensure_ascii=False)
    for i in range(10)
).encode("latin-1")
ARRAY = [_good(i) for i in range(10)]

FILE_CASES = {
    "empty": (b"", "is empty"),
    "only blank lines": (b"\n  \n\t\r\n\n", "contains only blank lines"),
    "only a byte-order mark": (UTF8_BOM, "contains only blank lines"),
    "a PNG image": (b"\x89PNG\r\n\x1a\n" + random.Random(1).randbytes(2000), "is a PNG image, not text"),
    "random bytes": (random.Random(2).randbytes(4096), "is a binary file"),
    "a gzip file": (gzip.compress(CLEAN), "is a gzip-compressed file, not text"),
    "UTF-16 LE with BOM": (_utf16(CLEAN, "utf-16-le", b"\xff\xfe"), "is UTF-16 text"),
    "UTF-16 BE with BOM": (_utf16(CLEAN, "utf-16-be", b"\xfe\xff"), "is UTF-16 text"),
    "UTF-16 LE without BOM": (_utf16(CLEAN, "utf-16-le"), "is UTF-16 text"),
    "UTF-16 BE without BOM": (_utf16(CLEAN, "utf-16-be"), "is UTF-16 text"),
    "Latin-1 text": (LATIN1, "is not UTF-8 text (byte 0xE9 suggests Latin-1 or Windows-1252)"),
    "a JSON array on one line": (json.dumps(ARRAY).encode(), "is a JSON array, not JSONL"),
    "a pretty-printed JSON array": (json.dumps(ARRAY, indent=2).encode(), "is a JSON array, not JSONL"),
    "one pretty-printed object": (
        json.dumps(_good(0), indent=2).encode(),
        "looks like one pretty-printed JSON document",
    ),
}


@pytest.mark.parametrize("name", list(FILE_CASES))
def test_not_jsonl_at_all_is_one_sentence_and_exit_2(name, tmp_path, capsys):
    data, says = FILE_CASES[name]
    path = tmp_path / "train.jsonl"
    path.write_bytes(data)
    code, out, err = cli(capsys, path)
    assert code == 2 and out == ""
    assert err.startswith(f"ftcost: {path} ") and err.endswith(".\n") and err.count("\n") == 1
    assert says in err and "expected UTF-8 JSONL" in err
    with pytest.raises(DatasetFileError) as info:
        analyze_bytes(data, "upload.jsonl")
    assert str(info.value).startswith("upload.jsonl ") and says in str(info.value)


@pytest.mark.parametrize(
    "name, data, lines",
    [
        ("CSV", b"prompt,completion\nWhere is gate B6?,Terminal 1\nWhere is gate B7?,Terminal 2\n", [1, 2, 3]),
        ("Markdown", b"# Training data\n\nReviewed by *the desk*.\n\n- 10 examples\n", [1, 3, 5]),
    ],
)
def test_text_that_is_not_json_is_an_error_on_every_line(name, data, lines, tmp_path, capsys):
    path = tmp_path / "train.jsonl"
    path.write_bytes(data)
    code, doc = cli_json(capsys, path)
    assert code == 1 and doc["examples"] == 0 and doc["billing_tokens"] == 0
    assert doc["error_lines"] == {"invalid_json": lines, "too_few_examples": []}
    out = cli(capsys, path)[1]
    assert NOT_JSON in out and "fewer than 10 examples" in out
    assert analyze_bytes(data, "upload.jsonl").error_lines == doc["error_lines"]


def test_paths_that_are_not_a_file(tmp_path, capsys):
    cases = [
        (tmp_path, "is a directory"),
        (tmp_path / "missing.jsonl", "no such file"),
    ]
    if Path("/dev/null").exists():
        cases.append((Path("/dev/null"), "/dev/null is a character device, not a regular file"))
    for path, says in cases:
        code, out, err = cli(capsys, path)
        assert code == 2 and out == "" and says in err and err.count("\n") == 1


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are a POSIX thing")
def test_a_named_pipe_is_refused_at_once(tmp_path):
    # Regression: opening a named pipe waits for a writer, so `ftcost analyze` hung forever on one with
    # none (and with a writer its size read 0: "is empty"). A child process, so a hang fails, not blocks.
    fifo = tmp_path / "train.jsonl"
    os.mkfifo(fifo)
    result = _run_child(["analyze", str(fifo)], timeout=120)
    assert result.returncode == 2 and result.stdout == ""
    assert f"ftcost: {fifo} is a named pipe, not a regular file" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_file_name_that_is_not_utf8_is_printed(tmp_path, capsys, clean):
    # Regression: a name with a Latin-1 byte (b"caf\xe9.jsonl") reached print() as a surrogate escape and
    # the summary crashed with UnicodeEncodeError on a UTF-8 terminal.
    path = tmp_path / os.fsdecode(b"caf\xe9.jsonl")
    path.write_bytes(CLEAN)
    code, out, err = cli(capsys, path)
    assert code == 0 and err == "" and "caf\ufffd.jsonl: 10 examples" in out
    code, doc = cli_json(capsys, path)
    assert code == 0 and doc["file"].endswith("caf\ufffd.jsonl") and doc["billing_tokens"] == clean.billing_tokens
    empty = tmp_path / os.fsdecode(b"vide\xe9.jsonl")
    empty.write_bytes(b"")
    code, out, err = cli(capsys, empty)
    assert code == 2 and "vide\ufffd.jsonl is empty" in err


# --- one enormous line: bounded memory, in a child process -----------------------------------------------

CHILD = """
import json, resource, sys
from ftcost.cli import main
from ftcost.models import load_models
from ftcost.pricing import load_pricing
from ftcost.tokens import get_encoding

get_encoding("cl100k_base"); load_models(); load_pricing()  # loaded before measuring: not the file's memory
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
code = main(sys.argv[1:])
peak = max(resource.getrusage(who).ru_maxrss for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
print(json.dumps({"code": code, "grew_kb": peak - before}), file=sys.stderr)
"""


def _run_child(args: list[str], timeout: int) -> subprocess.CompletedProcess:
    script = "import sys\nfrom ftcost.cli import main\nsys.exit(main(sys.argv[1:]))"
    return subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, timeout=timeout)


def _write_enormous(path: Path, unit: str, megabytes: int, close: bool) -> int:
    """5 good lines, one line with a content string of `megabytes` MB of `unit`, 5 good lines; its size."""
    with path.open("w", encoding="utf-8") as f:
        f.write("\n".join(g.decode() for g in GOOD[:5]) + "\n")
        f.write('{"messages": [{"role": "system", "content": "Summarise."}, {"role": "user", "content": "')
        repeat = unit * (1_000_000 // len(unit))
        for _ in range(megabytes):
            f.write(repeat)
        if close:
            f.write('"}, {"role": "assistant", "content": "A long text."}]}')
        f.write("\n" + "\n".join(g.decode() for g in GOOD[5:]) + "\n")
    return path.stat().st_size


@pytest.mark.slow
@pytest.mark.parametrize(
    "name, unit, megabytes, close, workers",
    [
        ("40 MB of words", "the flight to Taipei is delayed, please check gate B6 ", 40, True, None),
        ("40 MB of words, never closed", "the flight to Taipei is delayed, please check gate B6 ", 40, False, None),
        # One letter repeated is one piece for the tokenizer, its worst case: before counting in slices,
        # 40 MB of it took 2 GB and 45 s.
        ("16 MB of one letter, in one process", "a", 16, True, "1"),
    ],
)
def test_an_enormous_line_is_analysed_in_bounded_memory(name, unit, megabytes, close, workers, tmp_path, clean):
    path = tmp_path / "big.jsonl"
    size = _write_enormous(path, unit, megabytes, close)
    args = ["analyze", str(path), "--json", "--as-of", COOKBOOK_DAY] + (["--workers", workers] if workers else [])
    result = subprocess.run([sys.executable, "-c", CHILD, *args], capture_output=True, text=True, timeout=600)
    assert "Traceback" not in result.stderr
    measured = json.loads(result.stderr.strip().splitlines()[-1])
    doc = json.loads(result.stdout)
    if close:  # valid: the long example is over the token limit, so it is billed at the limit
        assert measured["code"] == 0 and doc["errors"] == {}
        assert doc["warning_lines"] == {"over_token_limit": [BAD_AT]} and doc["over_limit"] == 1
        assert doc["examples"] == 11
        assert doc["billing_tokens"] == clean.billing_tokens + doc["token_limit"]
    else:
        assert measured["code"] == 1 and doc["error_lines"] == {"invalid_json": [BAD_AT]}
        assert doc["examples"] == 10 and doc["billing_tokens"] == clean.billing_tokens
    # Peak memory (the child or its workers) beyond what it held before analysing: a few copies of the
    # line (its bytes, its text, the parsed string), never a multiple of its tokens.
    assert measured["grew_kb"] * 1024 < 64_000_000 + 4 * size, measured


@pytest.mark.slow
def test_millions_of_bad_lines_are_listed_in_bounded_memory(tmp_path):
    # A 2 MB file of 1,000,000 one-letter lines (CSV rows, say) has 1,000,000 line numbers to list. Regression:
    # `--json` built the whole indented text in memory at once, ~140 bytes per bad line; streamed, what
    # remains is the list of numbers itself (~50 bytes a line).
    path = tmp_path / "rows.jsonl"
    path.write_bytes(b"x\n" * 1_000_000)
    result = subprocess.run(
        [sys.executable, "-c", CHILD, "analyze", str(path), "--json"], capture_output=True, text=True, timeout=600
    )
    assert "Traceback" not in result.stderr
    measured = json.loads(result.stderr.strip().splitlines()[-1])
    doc = json.loads(result.stdout)
    assert measured["code"] == 1 and doc["errors"] == {"invalid_json": 1_000_000, "too_few_examples": 1}
    assert doc["error_lines"]["invalid_json"][-3:] == [999_998, 999_999, 1_000_000]
    assert measured["grew_kb"] * 1024 < 32_000_000 + 80 * 1_000_000, measured
