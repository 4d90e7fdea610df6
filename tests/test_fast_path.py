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


@pytest.mark.parametrize("ctx", CONTEXTS, ids=lambda c: f"{c.encoding}-{c.format}-{c.limit}-{c.keep_lines}")
def test_each_planted_and_bad_line_alone_and_among_good_lines(ctx):
    bad = [case.bad for case in LINE_CASES.values()] + PLANTED
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


def test_several_tokenizers_from_one_parse_equal_each_alone():
    data = b"\n".join(corpus(400) + PLANTED) + b"\n"
    contexts = [Context(name, "chat", 300, 3) for name in ("cl100k_base", "o200k_base", "llama3", "qwen2")]
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
