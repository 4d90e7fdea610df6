"""`ftcost analyze --model` with a provider's model id counts with that model's tokenizer family; `--tokenizer`
names a family directly; a count in another family than the model's is not priced at OpenAI's rate."""

from __future__ import annotations

import json

import pytest

from ftcost.cli import main
from ftcost.dataset import analyze_file_many
from ftcost.engine.providers_plan import COUNTING_PROXY

SAMPLE = "scenarios/airport/train.jsonl"
DAY = ("--as-of", "2026-12-01")


def run_json(capsys, *args):
    code = main(["analyze", SAMPLE, *args, *DAY, "--json"])
    return code, json.loads(capsys.readouterr().out)


@pytest.mark.parametrize(
    "model",
    [
        "meta-llama/Meta-Llama-3.1-8B-Instruct-Reference",  # Together's id
        "ft:meta-llama/Meta-Llama-3.1-8B-Instruct-Reference",
        "fireworks:accounts/fireworks/models/llama-v3p1-8b-instruct",
    ],
)
def test_a_provider_llama_model_is_counted_with_llama3(capsys, model):
    code, doc = run_json(capsys, "--model", model)
    expected = analyze_file_many(SAMPLE, COUNTING_PROXY, ["llama3"])["llama3"]
    assert code == 0
    assert doc["encoding"] == "llama3"
    assert doc["billing_tokens"] == expected.billing_tokens
    assert doc["model"].endswith(model.removeprefix("ft:").partition(":")[2] or model.removeprefix("ft:"))
    assert "quote --provider" in doc["training_cost_note"]


def test_a_qwen_model_is_counted_with_qwen2(capsys):
    code, doc = run_json(capsys, "--model", "Qwen/Qwen2.5-14B-Instruct")
    assert doc["encoding"] == "qwen2"
    assert doc["billing_tokens"] == analyze_file_many(SAMPLE, COUNTING_PROXY, ["qwen2"])["qwen2"].billing_tokens


def test_tokenizer_flag_counts_with_the_family_and_does_not_price_at_openai(capsys):
    code, doc = run_json(capsys, "--tokenizer", "llama3")
    assert doc["encoding"] == "llama3"
    assert doc["billing_tokens"] == analyze_file_many(SAMPLE, COUNTING_PROXY, ["llama3"])["llama3"].billing_tokens
    assert "OpenAI's rate does not apply" in doc["training_cost_note"]


def test_an_estimated_family_says_estimated(capsys):
    code, doc = run_json(capsys, "--model", "gemini-2.5-flash")
    assert doc["encoding"] == "gemini-estimate"
    assert any("estimated" in note for note in doc["notes"])


def test_an_openai_model_is_unchanged(capsys):
    code, doc = run_json(capsys, "--model", "gpt-4o-mini-2024-07-18")
    assert doc["encoding"] == "o200k_base" and doc["training_cost_usd"] is not None


def test_an_unknown_tokenizer_is_one_sentence(capsys):
    code = main(["analyze", SAMPLE, "--tokenizer", "gpt2", *DAY])
    err = capsys.readouterr().err
    assert code == 2 and "Unknown tokenizer" in err and "Traceback" not in err
