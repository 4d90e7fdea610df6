"""`ftcost analyze`: the JSON keys, the human summary, and the exit codes (never a traceback)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from ftcost.cli import main
from ftcost.cli.analyze import ProgressBar, format_lines

DATA = Path(__file__).parent / "data" / "datasets"
KEYS = {
    "file",
    "model",
    "examples",
    "errors",
    "error_lines",
    "warnings",
    "warning_lines",
    "token_limit",
    "over_limit",
    "billing_tokens",
    "epochs",
    "charged_tokens",
    "stats",
    "training_cost_usd",
}
STAT_KEYS = {"min", "max", "mean", "median", "p10", "p90"}


def run_json(capsys, *args):
    code = main(["analyze", *map(str, args), "--json"])
    out, err = capsys.readouterr()
    return code, json.loads(out), err


def test_valid_file_json_keys_and_exit_0(capsys):
    # 2024-06-01: the cookbook's gpt-3.5-turbo-0125 takes fine-tuning jobs, so it is the default that day
    code, doc, err = run_json(capsys, DATA / "tools_valid.jsonl", "--as-of", "2024-06-01")
    assert code == 0 and err == ""  # no progress bar when not on a terminal or with --json
    assert set(doc) >= KEYS
    assert doc["file"].endswith("tools_valid.jsonl") and doc["model"] == "gpt-3.5-turbo-0125"
    assert doc["examples"] == 10 and doc["errors"] == {} and doc["error_lines"] == {}
    assert set(doc["stats"]) == {"messages_per_example", "tokens_per_example", "assistant_tokens_per_example"}
    assert all(set(s) == STAT_KEYS for s in doc["stats"].values())
    assert doc["charged_tokens"] == doc["epochs"] * doc["billing_tokens"]
    assert doc["epochs"] == 10  # 10 examples: 100 // 10


def test_training_cost_is_priced_on_the_date_asked(capsys):
    # OpenAI's guide: 100,000 tokens x 3 epochs ~ $2.40 on gpt-3.5-turbo-0125, i.e. $8 per 1M training tokens.
    code, doc, _ = run_json(capsys, DATA / "tools_valid.jsonl", "--as-of", "2024-06-01")
    assert code == 0 and doc["training_price_as_of"] == "2024-06-01"
    assert Decimal(doc["training_cost_usd"]) == Decimal(doc["charged_tokens"]) * 8 / 1_000_000
    # gpt-4o-mini was not offered before its release: no cost, and the sentence says why
    code, doc, _ = run_json(
        capsys, DATA / "tools_valid.jsonl", "--model", "gpt-4o-mini-2024-07-18", "--as-of", "2024-06-01"
    )
    assert code == 0 and doc["training_cost_usd"] is None and "2024-07-18" in doc["training_cost_note"]
    main(["analyze", str(DATA / "tools_valid.jsonl"), "--as-of", "2024-06-01"])
    assert "per 1M training tokens, prices of 2024-06-01" in capsys.readouterr().out


def test_file_with_errors_still_prints_the_report_and_exits_1(capsys):
    code, doc, _ = run_json(capsys, DATA / "invalid_json.jsonl", "--epochs", "3")
    assert code == 1
    assert doc["errors"] == {"invalid_json": 1} and doc["error_lines"] == {"invalid_json": [3]}
    assert doc["epochs"] == 3 and doc["examples"] == 10


def test_model_option(capsys):
    code, doc, _ = run_json(capsys, DATA / "prompt_completion_valid.jsonl", "--model", "babbage-002")
    assert code == 0 and doc["model"] == "babbage-002" and doc["format"] == "completion"
    assert doc["token_limit"] == 16384 and doc["token_limit_published"] is False


def test_human_summary_puts_errors_with_lines_first(capsys):
    code = main(["analyze", str(DATA / "message_missing_key.jsonl")])
    out, err = capsys.readouterr()
    assert code == 1 and err == ""
    assert out.index("Errors:") < out.index("Statistics") < out.index("Billing:")
    assert "message_missing_key (1): line 3" in out
    assert "Fix:" in out and "INVALID" in out


def test_long_line_lists_are_truncated(tmp_path, capsys):
    good = json.dumps({"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Yo"}]})
    (tmp_path / "t.jsonl").write_text("\n".join([good, "{bad"] * 30) + "\n")
    assert main(["analyze", str(tmp_path / "t.jsonl")]) == 1
    out = capsys.readouterr().out
    assert "invalid_json (30): lines 2, 4, 6, 8, 10, 12, 14, 16, 18, 20 … and 20 more" in out
    assert format_lines([]) == "the whole file" and format_lines([7]) == "line 7"


@pytest.mark.parametrize(
    "args, says",
    [
        (["missing.jsonl"], "no such file"),
        ([str(DATA)], "is a directory"),
        ([str(DATA / "tools_valid.jsonl"), "--model", "gpt-9"], "known models: "),
        ([str(DATA / "tools_valid.jsonl"), "--model", "curie"], "cannot count tokens for curie"),
        ([str(DATA / "tools_valid.jsonl"), "--epochs", "0"], "epochs must be"),
    ],
)
def test_cannot_run_exits_2_with_one_sentence(capsys, args, says):
    assert main(["analyze", *args]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.startswith("ftcost: ") and says in err and err.count("\n") == 1


def test_not_jsonl_exits_2(tmp_path, capsys):
    path = tmp_path / "data.json"
    path.write_text('[{"messages": []}]')
    assert main(["analyze", str(path), "--json"]) == 2
    assert "is a JSON array, not JSONL" in capsys.readouterr().err


def test_progress_bar_draws_and_clears():
    class Stream:
        text = ""

        def write(self, s):
            self.text += s

        def flush(self):
            pass

    stream = Stream()
    bar = ProgressBar(stream)
    bar(0, 200)
    bar(100, 200)
    bar(100, 200)  # unchanged percentage: not redrawn
    bar(200, 200)
    bar.close()
    assert stream.text.count("\r  [") == 3 and " 50%" in stream.text and "100%" in stream.text
    assert stream.text.endswith("\r")


def test_progress_bar_only_on_a_terminal_and_not_with_json(capsys, monkeypatch):
    import ftcost.cli.analyze as analyze

    monkeypatch.setattr(analyze, "_is_tty", lambda stream: True)
    assert main(["analyze", str(DATA / "tools_valid.jsonl")]) == 0
    out, err = capsys.readouterr()
    assert "100%" in err and "%" not in out
    assert main(["analyze", str(DATA / "tools_valid.jsonl"), "--json"]) == 0
    assert capsys.readouterr().err == ""


def test_aliases_and_fine_tuned_names_resolve_to_their_snapshot(capsys):
    from conftest import REPO

    from ftcost.cli import main

    sample = str(REPO / "scenarios" / "reviews" / "train.jsonl")
    for name, snapshot in [
        ("gpt-4o-mini", "gpt-4o-mini-2024-07-18"),
        ("ft:gpt-3.5-turbo-0125:acme:support:abc", "gpt-3.5-turbo-0125"),
        ("gpt-3.5-turbo", "gpt-3.5-turbo-0613"),
    ]:
        as_of = "2023-09-01" if name == "gpt-3.5-turbo" else "2025-01-01"
        assert main(["analyze", sample, "--model", name, "--as-of", as_of, "--json"]) == 0
        assert json.loads(capsys.readouterr().out)["model"] == snapshot
