"""`ftcost quote`: figures, JSON keys, sources in the human output, one-sentence errors with exit 2."""

from __future__ import annotations

import json

import pytest

from ftcost.cli import main


def run(capsys, *argv):
    code = main(["quote", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_seed_002_fine_tuned_row_in_json(capsys):
    code, out, err = run(
        capsys,
        "ft:gpt-3.5-turbo-0613",
        "--input-tokens",
        "3,000,000",
        "--output-tokens",
        "1000000",
        "--training-tokens",
        "25000",
        "--as-of",
        "2023-09-01",
        "--json",
    )
    assert (code, err) == (0, "")
    doc = json.loads(out)
    assert {k: doc[k] for k in ("input_usd", "output_usd", "training_usd", "total_usd")} == {
        "input_usd": "36.00",
        "output_usd": "16.00",
        "training_usd": "0.20",
        "total_usd": "52.20",
    }
    assert (doc["model"], doc["resolved_model"], doc["as_of"], doc["tier"]) == (
        "ft:gpt-3.5-turbo-0613",
        "gpt-3.5-turbo-0613",
        "2023-09-01",
        "standard",
    )
    for rate in doc["rates"].values():
        assert rate["price"] and rate["source"].startswith("https://") and rate["effective_from"]


def test_human_output_itemises_and_cites(capsys):
    code, out, _ = run(
        capsys, "gpt-3.5-turbo", "--input-tokens", "3000000", "--output-tokens", "1000000", "--as-of", "2023-09-01"
    )
    assert code == 0
    assert "gpt-3.5-turbo-0613 via gpt-3.5-turbo" in out
    assert "3,000,000 tokens × $1.50 / 1M" in out and "$4.50" in out and "$6.50" in out
    assert "https://openai.com/blog/function-calling-and-other-api-updates" in out


def test_guide_training_example(capsys):
    code, out, _ = run(
        capsys,
        "gpt-4o-mini-2024-07-18",
        "--training-tokens",
        "100000",
        "--epochs",
        "3",
        "--as-of",
        "2024-10-01",
        "--json",
    )
    assert code == 0 and json.loads(out)["training_usd"] == "0.90"


def test_batch_tier_and_cached_tokens(capsys):
    code, out, _ = run(
        capsys,
        "gpt-4o-mini",
        "--input-tokens",
        "2000000",
        "--cached-input-tokens",
        "1000000",
        "--as-of",
        "2025-01-01",
        "--json",
    )
    doc = json.loads(out)
    assert (doc["input_usd"], doc["cached_input_usd"], doc["total_usd"]) == ("0.15", "0.075", "0.225")
    code, out, _ = run(
        capsys, "gpt-4o-mini", "--input-tokens", "2000000", "--tier", "batch", "--as-of", "2025-01-01", "--json"
    )
    assert json.loads(out)["total_usd"] == "0.15"


def test_rft_hours_and_promotions(capsys):
    code, out, _ = run(capsys, "o4-mini", "--training-hours", "1.25", "--as-of", "2025-06-01", "--json")
    assert json.loads(out)["training_usd"] == "125.00"
    code, out, _ = run(
        capsys,
        "gpt-4o-mini-2024-07-18",
        "--training-tokens",
        "3000000",
        "--as-of",
        "2024-09-01",
        "--promotions",
        "--json",
    )
    assert json.loads(out)["training_usd"] == "3.00"  # 2M of 3M free that day at $3 per 1M


@pytest.mark.parametrize(
    "argv, sentence",
    [
        (
            ["gpt-4o-2024-08-06", "--as-of", "2024-01-01"],
            "gpt-4o-2024-08-06 was first priced on 2024-08-06; you asked about 2024-01-01.",
        ),
        (["gpt-4o", "--as-of", "2024-13-01"], "--as-of: '2024-13-01' is not a date"),
        (["gpt-4o", "--as-of", "01/02/2024"], "is not a date; use YYYY-MM-DD"),
        (["gpt-4o-mni", "--as-of", "2025-01-01"], "Unknown model 'gpt-4o-mni'; did you mean"),
        (["gpt-4o", "--input-tokens", "-5"], "--input-tokens: '-5' is negative"),
        (["gpt-4o", "--output-tokens", "lots"], "--output-tokens: 'lots' is not a whole number"),
        (["gpt-4o", "--epochs", "0"], "--epochs: must be at least 1"),
        (["gpt-4o", "--tier", "express"], "Unknown tier 'express'"),
        (["gpt-4o", "--training-hours", "x"], "--training-hours: 'x' is not a number of hours"),
        (["gpt-4o", "--input-tokens", "1", "--cached-input-tokens", "2"], "cannot exceed input_tokens"),
        (["ft:gpt-4-0613", "--as-of", "2024-01-01"], "gpt-4-0613 cannot be fine-tuned"),
        (["text-embedding-3-small", "--output-tokens", "1", "--as-of", "2025-01-01"], "no output-token price"),
    ],
)
def test_bad_input_is_one_sentence_and_exit_2(capsys, argv, sentence):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert err.startswith("ftcost: ") and err.count("\n") == 1
    assert sentence in err
