"""`ftcost prices`: the day's table, history with alias periods, versions, diff, JSON, errors."""

from __future__ import annotations

import json

import pytest

from ftcost.cli import main


def run(capsys, *argv):
    code = main(["prices", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_table_on_a_day_with_sources(capsys):
    code, out, err = run(capsys, "--as-of", "2023-09-01", "--model", "gpt-3.5-turbo-0613")
    assert (code, err) == (0, "")
    assert "Prices in force on 2023-09-01" in out
    line = next(row for row in out.splitlines() if row.startswith("gpt-3.5-turbo-0613") and "fine_tuned" in row)
    assert "$12.00" in line and "$16.00" in line and "2023-08-22" in line
    assert (
        "S1   GPT-3.5 Turbo fine-tuning and API updates — https://openai.com/index/gpt-3-5-turbo-fine-tuning-and-api-updates"
        in out
    )


def test_unverified_rows_are_marked_with_their_note(capsys):
    code, out, _ = run(capsys, "--as-of", "2023-01-01", "--model", "davinci")
    assert "2022-09-01*" in out and "unconfirmed" in out


def test_json_table(capsys):
    code, out, _ = run(capsys, "--as-of", "2025-06-01", "--model", "gpt-4.1-nano*", "--tier", "standard", "--json")
    doc = json.loads(out)
    assert doc["as_of"] == "2025-06-01" and doc["tier"] == "standard"
    kinds = {r["kind"]: r for r in doc["rows"]}
    assert set(kinds) == {"base", "fine_tuned", "training"}
    assert (kinds["base"]["input"], kinds["base"]["cached_input"], kinds["base"]["output"]) == ("0.10", "0.025", "0.40")
    assert kinds["training"]["price"] == "1.50" and "input" not in kinds["training"]
    assert all(s["url"].startswith("https://") for r in doc["rows"] for s in r["sources"])
    assert set(doc["sources"]) == {s["key"] for r in doc["rows"] for s in r["sources"]}


def test_history_shows_every_period_and_the_alias_switches(capsys):
    code, out, _ = run(capsys, "--model", "gpt-3.5-turbo", "--history")
    assert code == 0
    assert "2023-08-22   2023-11-06" in out  # the $12/$16 fine-tuned period
    assert "gpt-3.5-turbo → gpt-3.5-turbo-0613  2023-06-27 → 2024-02-16" in out
    code, out, _ = run(capsys, "--model", "gpt-3.5-turbo", "--history", "--json")
    doc = json.loads(out)
    assert [a["snapshot"] for a in doc["aliases"]] == ["gpt-3.5-turbo-0301", "gpt-3.5-turbo-0613", "gpt-3.5-turbo-0125"]


def test_versions_and_diff(capsys):
    code, out, _ = run(capsys, "--versions", "--model", "gpt-4o-mini*", "--json")
    assert json.loads(out)["versions"] == ["2024-07-18", "2024-07-23", "2024-10-01", "2027-01-06", "2027-01-14"]
    code, out, _ = run(capsys, "--diff", "2023-09-01", "2023-12-01", "--model", "gpt-3.5-turbo-0613")
    assert "changed  gpt-3.5-turbo-0613 fine_tuned/standard: input $12.00 → $3.00, output $16.00 → $6.00" in out
    code, out, _ = run(capsys, "--diff", "2023-09-01", "2023-12-01", "--model", "gpt-3.5-turbo-0613", "--json")
    change = json.loads(out)["changes"][0]
    assert change["change"] == "changed" and change["fields"][0] == {
        "field": "input",
        "before": "12.00",
        "after": "3.00",
    }


def test_nothing_in_force(capsys):
    code, out, _ = run(capsys, "--as-of", "2022-01-01", "--model", "gpt-4o*")
    assert code == 0 and "(nothing in force)" in out


@pytest.mark.parametrize(
    "argv, sentence",
    [
        (["--model", "claude-3"], "No model matches 'claude-3'"),
        (["--as-of", "yesterday"], "--as-of: 'yesterday' is not a date"),
        (["--diff", "2024-01-01", "soon"], "--diff: 'soon' is not a date"),
        (["--tier", "express"], "Unknown tier 'express'"),
    ],
)
def test_bad_input_is_one_sentence_and_exit_2(capsys, argv, sentence):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert err.startswith("ftcost: ") and err.count("\n") == 1 and sentence in err
