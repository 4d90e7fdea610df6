"""`ftcost count`: request bodies, JSONL and Batch files; JSON shapes, line numbers, prices, exit codes."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from ftcost.cli import main

CASES = {
    c["id"]: c
    for c in json.loads((Path(__file__).parent / "data" / "api_measured.json").read_text(encoding="utf-8"))["cases"]
}
WEATHER = CASES["cookbook-tools-gpt-4o-2024-08-06"]["request"]


def run(capsys, *argv) -> tuple[int, dict]:
    code = main(["count", *map(str, argv), "--json"])
    return code, json.loads(capsys.readouterr().out)


def test_one_request_body_gives_the_apis_count_and_its_cost(tmp_path, capsys):
    path = tmp_path / "req.json"
    path.write_text(json.dumps({**WEATHER, "model": "gpt-4o-mini-2024-07-18"}))
    code, doc = run(capsys, path, "--as-of", "2025-01-01")
    assert code == 0 and doc["prompt_tokens"] == 101 and doc["errors"] == []
    assert Decimal(doc["input_cost_usd"]) == Decimal(101) * Decimal("0.15") / 1_000_000  # $0.15 per 1M input


def test_model_flag_overrides_the_body_and_a_retired_model_still_counts(tmp_path, capsys):
    path = tmp_path / "req.json"
    path.write_text(json.dumps({**CASES["cookbook-messages-gpt-3.5-turbo-0301"]["request"], "model": "gpt-4o"}))
    code, doc = run(capsys, path, "--model", "gpt-3.5-turbo-0301", "--as-of", "2026-12-01")
    assert code == 0 and doc["prompt_tokens"] == 127 and doc["model"] == "gpt-3.5-turbo-0301"

    # a model that was never offered on the date is counted all the same; its cost is said not offered
    code, doc = run(capsys, path, "--model", "gpt-4o-2024-08-06", "--as-of", "2023-01-01")
    assert code == 0 and doc["prompt_tokens"] == 124
    assert doc["input_cost_usd"] is None and "2023-01-01" in doc["input_cost_note"]


def test_batch_file_lists_lines_totals_and_prices_at_the_batch_tier(tmp_path, capsys):
    lines = [
        json.dumps(
            {
                "custom_id": f"r{i}",
                "method": "POST",
                "url": "/v1/chat/completions",
                "body": {**WEATHER, "model": "gpt-4o-mini-2024-07-18"},
            }
        )
        for i in range(2)
    ]
    lines.insert(1, "{not json")
    lines.insert(2, json.dumps({"custom_id": "x", "method": "POST", "url": "/v1/chat/completions", "body": {}}))
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join(lines) + "\n")
    code, doc = run(capsys, path, "--as-of", "2025-01-01")
    assert code == 1
    assert [(r["line"], r["prompt_tokens"]) for r in doc["requests"]] == [(1, 101), (4, 101)]
    assert doc["prompt_tokens"] == 202 and doc["kind"] == "batch"
    assert [e["line"] for e in doc["errors"]] == [2, 3]
    assert "batch tier" in doc["input_cost_note"]
    assert Decimal(doc["input_cost_usd"]) == Decimal(202) * Decimal("0.075") / 1_000_000


def test_jsonl_of_bodies_without_a_model_is_a_line_error(tmp_path, capsys):
    path = tmp_path / "bodies.jsonl"
    path.write_text(json.dumps(WEATHER) + "\n" + json.dumps({**WEATHER, "model": "gpt-4o-2024-08-06"}) + "\n")
    code, doc = run(capsys, path)
    assert code == 1 and doc["requests"][0]["line"] == 2 and "--model" in doc["errors"][0]["error"]


def test_cannot_run_is_exit_2_with_one_sentence(tmp_path, capsys):
    assert main(["count", str(tmp_path / "missing.json")]) == 2
    (tmp_path / "empty.json").write_text("")
    assert main(["count", str(tmp_path / "empty.json")]) == 2
    err = capsys.readouterr().err
    assert "no such file" in err and "empty" in err and "Traceback" not in err


def test_human_output_names_lines_and_notes(tmp_path, capsys):
    image = {"type": "image_url", "image_url": {"url": "https://example.com/a.png"}}
    path = tmp_path / "req.json"
    path.write_text(
        json.dumps(
            {
                "model": "gpt-4o-2024-08-06",
                "messages": [{"role": "user", "content": [{"type": "text", "text": "What is it?"}, image]}],
            }
        )
    )
    assert main(["count", str(path), "--as-of", "2025-01-01"]) == 0
    out = capsys.readouterr().out
    assert "prompt tokens" in out and "not counted" in out


def test_a_body_that_cannot_be_counted_says_why_with_its_line(tmp_path, capsys):
    path = tmp_path / "req.json"
    path.write_text(json.dumps({"model": "no-such-model", "messages": [{"role": "user", "content": "hi"}]}))
    code, doc = run(capsys, path)
    assert code == 1 and doc["prompt_tokens"] is None
    assert doc["errors"][0]["line"] == 1 and "no-such-model" in doc["errors"][0]["error"]
    path.write_text(
        json.dumps(
            {
                "model": "gpt-4o-2024-08-06",
                "messages": [{"role": "user", "content": "hi"}],
                "response_format": {"type": "json_schema", "json_schema": {"name": "x", "schema": {}}},
            }
        )
    )
    code, doc = run(capsys, path, "--as-of", "2025-01-01")
    assert code == 0 and any("response_format" in note for note in doc["notes"])
