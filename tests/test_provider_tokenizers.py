"""Provider options count with their own family's tokenizer: prompts with the family's chat template, training
inputs from the one-pass analysis, and every figure of an estimated family said to be estimated."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from ftcost import tokenizers
from ftcost.dataset import analyze_file, analyze_file_many
from ftcost.engine import training_bases
from ftcost.engine.providers_plan import COUNTING_PROXY
from ftcost.engine.workload import prompt_messages, token_profile
from ftcost.measure_training import analyse_families, for_plan, measured_plan
from ftcost.pricing.providers import counting_tokenizer
from ftcost.scenario import dump_scenario, load_scenario, parse_scenario

DAY = dt.date(2026, 12, 1)
MIGRATION = Path("scenarios/airport-migration.toml")
SAMPLE = Path("scenarios/airport/train.jsonl")


@pytest.fixture(scope="module")
def migration():
    return load_scenario(MIGRATION)


@pytest.mark.parametrize("name", ["llama3", "qwen2"])
def test_a_prompt_counts_the_rendered_template_with_its_generation_prompt(name):
    # Render a request with the family's template (begin, each message, then the assistant header the
    # template adds with add_generation_prompt) and count it with the special tokens recognised.
    template = tokenizers.TEMPLATES[name]
    messages = [
        {"role": "system", "content": "Answer in one sentence."},
        {"role": "user", "content": "Can I bring pork products into the country?"},
    ]
    rendered = template.example_start + "".join(template.message.format(**m) for m in messages) + template.reply
    assert tokenizers.prompt_tokens(messages, name) == tokenizers._specials_counter(name)(rendered)


def test_generation_prompts_are_the_documented_ones():
    # Llama 3: <|start_header_id|> "assistant" <|end_header_id|> "\n\n"; Qwen: <|im_start|> "assistant" "\n".
    assert tokenizers.family("llama3").per_reply == 4
    assert tokenizers.family("qwen2").per_reply == 3
    # Hand-checkable: "Hello world" is 2 Llama 3 tokens, "user" 1: 1 + (4 + 1 + 2) + 4 = 12.
    assert tokenizers.prompt_tokens([{"role": "user", "content": "Hello world"}], "llama3") == 12


def test_openai_families_keep_the_notebook_count():
    from ftcost.dataset import count_messages

    messages = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hello world"}]
    assert tokenizers.prompt_tokens(messages, "o200k_base") == count_messages(messages, "o200k_base")


def test_families_with_a_shipped_tokenizer_count_exactly_the_others_say_estimated():
    assert counting_tokenizer("llama3") == ("llama3", None)
    assert counting_tokenizer("qwen2") == ("qwen2", None)
    family, note = counting_tokenizer("gemini-estimate")
    assert family == "gemini-estimate" and "estimated" in note and "Gemini" in note


def test_a_provider_option_counts_its_prompt_with_its_own_family(migration):
    plan = measured_plan(migration, DAY, folder=MIGRATION.parent)
    together = next(o for o in plan.options if o.name.startswith("Together"))
    option = next(o for o in migration.option if o.name == together.name)
    assert together.tokens.encoding == "llama3"
    assert together.tokens.prompt_tokens == tokenizers.prompt_tokens(
        prompt_messages(migration.workload, option), "llama3"
    )
    assert together.tokens.output_tokens == tokenizers.count(migration.workload.sample_answer, "llama3")
    assert together.tokens.prompt_source == "measured"  # exact: nothing said
    assert "estimated" not in together.one_off.tokens_source


def test_training_inputs_are_measured_per_family_in_one_pass(migration):
    bases = training_bases(migration, DAY)
    assert "llama3" in bases  # Together, Fireworks, self-hosted: one family, one entry
    training = for_plan(migration, DAY, folder=MIGRATION.parent)
    reports = analyze_file_many(SAMPLE, COUNTING_PROXY, ["o200k_base", "llama3"])
    assert training["llama3"].billing_tokens == reports["llama3"].billing_tokens
    # The OpenAI snapshot is derived from the same pass, equal to its own analysis.
    snapshot = next(b for b in bases if b.startswith("gpt-"))
    assert training[snapshot].billing_tokens == analyze_file(SAMPLE, model=snapshot).billing_tokens
    # Llama 3's template adds 4 per message + 1 per example, OpenAI's notebook 3 + 3: the counts differ.
    assert training["llama3"].billing_tokens != training[snapshot].billing_tokens


def test_planning_four_families_reads_the_file_once(migration, monkeypatch):
    import ftcost.measure_training as mt

    calls = []
    real = mt.analyze_file_many
    monkeypatch.setattr(mt, "analyze_file_many", lambda *a, **k: calls.append(a) or real(*a, **k))
    monkeypatch.setattr(mt, "analyze_file", lambda *a, **k: pytest.fail("a snapshot read the file again"))
    scenario = _with_vertex(migration, VERTEX + QWEN)
    training = for_plan(scenario, DAY, folder=MIGRATION.parent)
    assert len(calls) == 1  # o200k_base (the OpenAI and Azure snapshots), llama3, qwen2 and the Gemini estimate
    assert set(calls[0][2]) == {"o200k_base", "llama3", "qwen2", "gemini-estimate"}
    assert {"llama3", "qwen2", "gemini-estimate"} <= set(training)


VERTEX = """
[[option]]
name = "Vertex: tuned Gemini 3.5 Flash"
provider = "vertex"
model = "ft:gemini-3.5-flash"
prompt = "short"
accuracy_pct = 92
"""
QWEN = """
[[option]]
name = "Together: Qwen 2.5 14B LoRA"
provider = "together"
model = "ft:Qwen/Qwen2.5-14B-Instruct"
deployment = "dedicated"
prompt = "short"
accuracy_pct = 92
"""


def _with_vertex(migration, options=VERTEX):
    text = dump_scenario(migration)
    head, _, tail = text.partition("[training]")
    return parse_scenario(head + options.lstrip() + "\n[training]" + tail)


VERTEX_RATE = """
[[rate]]
provider = "vertex"
kind = "inference"
input = 0.30
output = 2.50
note = "team's figure for the tuned model's per-token price"
[[rate]]
provider = "vertex"
kind = "training_mtok"
price = 5
note = "team's figure"
"""


def test_an_estimated_family_says_estimated_on_every_figure(migration):
    scenario = parse_scenario(dump_scenario(_with_vertex(migration)) + VERTEX_RATE)
    plan = measured_plan(scenario, DAY, folder=MIGRATION.parent)
    vertex = next(o for o in plan.options if o.name.startswith("Vertex"))
    assert vertex.tokens.encoding == "gemini-estimate"
    assert vertex.tokens.prompt_source == "estimated" and vertex.tokens.output_source == "estimated"
    assert "estimated" in vertex.one_off.tokens_source
    assert any("Vertex" in w and "estimated" in w for w in plan.warnings)


def test_a_tuned_model_its_provider_no_longer_serves_is_left_out(migration):
    # Vertex retired tuned Gemini 2.5 Flash with its base on 2026-10-16 (pricing/providers/vertex.toml).
    scenario = parse_scenario(dump_scenario(_with_vertex(migration, VERTEX.replace("3.5", "2.5"))) + VERTEX_RATE)
    plan = measured_plan(scenario, DAY, folder=MIGRATION.parent)
    assert not any(o.name.startswith("Vertex") for o in plan.options)
    # A fine-tune that cannot be carried out is in the "cannot be done" list the answer ends with, with its reason.
    gone = [x for x in plan.excluded if x.name.startswith("Vertex")]
    assert gone and gone[0].fine_tuned and any("2026-10-16" in r for r in gone[0].reasons), plan.excluded
    assert not any(w.startswith("Vertex: tuned Gemini 2.5 Flash") for w in plan.warnings)
    option = next(o for o in scenario.option if o.name.startswith("Vertex"))
    profile = token_profile(scenario.workload, option, "gemini-estimate")
    assert profile.prompt_source == "estimated"
    assert profile.prompt_tokens == tokenizers.prompt_tokens(
        prompt_messages(scenario.workload, option), "gemini-estimate"
    )


def test_an_upload_is_counted_per_family_under_its_own_name():
    data = SAMPLE.read_bytes()
    from_path = analyse_families(SAMPLE, ["llama3", "qwen2"])
    from_upload = analyse_families(("mine.jsonl", data), ["llama3", "qwen2"])
    for family in ("llama3", "qwen2"):
        assert from_upload[family].billing_tokens == from_path[family].billing_tokens
        assert from_upload[family].file == "mine.jsonl"
