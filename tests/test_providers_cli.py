"""`ftcost prices --provider P` and `ftcost quote MODEL --provider P`: sources shown, absent prices said, team
rates labelled, bad input as one sentence."""

import json

import pytest
from conftest import run_cli as run

DAY = ["--as-of", "2026-12-01"]


def test_prices_for_a_provider_lists_rates_sources_and_what_is_absent(capsys):
    code, out, _ = run(capsys, "prices", "--provider", "azure", *DAY)
    assert code == 0
    assert "$1.70 per deployment-hour" in out and "cap $5000.00 per job" in out
    assert "Looked for and not found" in out and "example purposes only" in out
    assert "https://learn.microsoft.com/azure/foundry/openai/how-to/fine-tuning-cost-management" in out


def test_prices_for_a_stopped_provider_says_when(capsys):
    code, out, _ = run(capsys, "prices", "--provider", "cohere", *DAY)
    assert code == 0 and "stopped on 2025-09-15" in out


def test_prices_provider_json(capsys):
    code, out, _ = run(capsys, "prices", "--provider", "together", "--json", *DAY)
    doc = json.loads(out)
    lora = [
        r
        for r in doc["rates"]
        if r["kind"] == "training_mtok" and r.get("bracket") == "≤16B" and r.get("adapter") == "lora"
    ]
    assert lora[0]["price"] == "0.48" and lora[0]["verified"] is False
    assert {m["tokenizer"] for m in doc["models"]} == {"llama3", "qwen2"}
    assert not any(m["tokens_estimated"] for m in doc["models"])  # Llama 3 and Qwen ship offline tokenizers


def test_prices_openai_is_unchanged(capsys):
    code, out, _ = run(capsys, "prices", "--provider", "openai", "--model", "gpt-4.1-mini-2025-04-14", *DAY)
    assert code == 0 and "gpt-4.1-mini-2025-04-14" in out


def test_quote_together_with_validation_tokens(capsys):
    code, out, _ = run(
        capsys,
        "quote",
        "meta-llama/Meta-Llama-3.1-8B-Instruct-Reference",
        "--provider",
        "together",
        "--training-tokens",
        "65536000",
        "--validation-tokens",
        "1000000",
        "--n-evals",
        "10",
        "--json",
        *DAY,
    )
    doc = json.loads(out)
    training = [ln for ln in doc["lines"] if ln["slice"] == "training"][0]
    assert training["usd"] == "36.25728"  # 75,536,000 billable tokens × $0.48 / 1M
    serving = [ln for ln in doc["lines"] if ln["slice"] == "serving"][0]
    assert serving["usd"] == "4007.70"  # $5.49 × 730 h


def test_quote_azure_with_team_rates_and_30_day_month(capsys):
    code, out, _ = run(
        capsys,
        "quote",
        "gpt-4.1-mini-2025-04-14",
        "--provider",
        "azure",
        "--existing-customer",
        "--training-tokens",
        "1000000",
        "--epochs",
        "2",
        "--rate",
        "training_mtok=2",
        "--month",
        "30-day",
        *DAY,
    )
    assert code == 0
    assert "$4.00" in out and "$1,224.00" in out and "the team's figure" in out
    assert "No new fine-tuning job" not in out


def test_quote_azure_without_a_training_rate_is_not_priced_not_zero(capsys):
    code, out, _ = run(
        capsys, "quote", "gpt-4.1-mini-2025-04-14", "--provider", "azure", "--training-tokens", "1000000", *DAY
    )
    assert code == 0 and "not priced" in out and "$0.00" not in out
    assert "No new fine-tuning job on gpt-4.1-mini-2025-04-14" in out  # not an existing customer


def test_quote_azure_rft_is_capped(capsys):
    code, out, _ = run(
        capsys,
        "quote",
        "o4-mini-2025-04-16",
        "--provider",
        "azure",
        "--method",
        "rft",
        "--training-hours",
        "60",
        "--existing-customer",
        "--json",
        *DAY,
    )
    doc = json.loads(out)
    assert doc["one_off_usd"] == "5000.00"


@pytest.mark.parametrize(
    "argv, message",
    [
        (["quote", "x", "--provider", "nope"], "unknown provider 'nope'"),
        (["quote", "gpt-9", "--provider", "azure"], "has no model 'gpt-9'"),
        (["quote", "gpt-4.1-2025-04-14", "--provider", "azure", "--rate", "training=2"], "KIND=PRICE"),
        (["quote", "gpt-4.1-2025-04-14", "--provider", "azure", "--rate", "inference=2"], "INPUT/OUTPUT"),
        (["quote", "gpt-4.1-2025-04-14", "--provider", "azure", "--rate", "hosting_hour=0"], "positive"),
    ],
)
def test_bad_provider_input_is_one_sentence(capsys, argv, message):
    code, _, err = run(capsys, *argv, *DAY)
    assert code == 2 and message in err and "Traceback" not in err
