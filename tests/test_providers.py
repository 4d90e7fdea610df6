"""Provider rows under pricing/providers/: the schema's strictness, the shipped files, brackets on both sides of
every boundary, lifecycle dates, and prices that are absent rather than invented."""

import datetime as dt
from decimal import Decimal as D
from pathlib import Path

import pytest

from ftcost.errors import NotOfferedError, PricingDataError, UnknownModelError
from ftcost.pricing.providers import counting_tokenizer, load_providers

PROVIDERS = Path(__file__).resolve().parent.parent / "pricing" / "providers"
TODAY = dt.date(2026, 12, 1)
FILES = sorted(p.stem for p in PROVIDERS.glob("*.toml"))


@pytest.fixture(scope="module")
def data():
    return load_providers(PROVIDERS)


def test_the_expected_providers_are_shipped():
    assert set(FILES) >= {
        "azure",
        "vertex",
        "bedrock",
        "together",
        "fireworks",
        "self-hosted",
        "mistral",
        "cohere",
        "openpipe",
    }


@pytest.mark.parametrize("stem", FILES)
def test_every_provider_file_points_at_its_schema(stem):
    first = (PROVIDERS / f"{stem}.toml").read_text(encoding="utf-8").splitlines()[0]
    assert first == "#:schema ../schema/providers.schema.json"


@pytest.mark.parametrize("stem", FILES)
def test_every_rate_is_dated_sourced_and_positive(data, stem):
    p = data.get(stem)
    for r in p.rates:
        assert r.sources and all(url.startswith("https://") for _, url in r.sources)
        assert r.entry.checked <= TODAY
        assert (r.entry.price or r.entry.input) > 0
        # verified rows need a primary source among theirs
        if r.entry.verified:
            assert any(p.sources[k].primary for k, _ in r.sources), r.describe()


def test_stopped_providers_carry_the_day(data):
    cohere, openpipe, mistral = data.get("cohere"), data.get("openpipe"), data.get("mistral")
    assert cohere.info.stopped_on == dt.date(2025, 9, 15)
    assert cohere.accepts_jobs_on(dt.date(2025, 9, 14)) and not cohere.accepts_jobs_on(dt.date(2025, 9, 15))
    assert openpipe.info.stopped_on == dt.date(2026, 7, 30)
    assert not openpipe.accepts_jobs_on(TODAY)
    assert mistral.info.stopped_on is None and mistral.info.stopped_by == TODAY
    assert not mistral.accepts_jobs_on(TODAY)
    active = {p.id for p in data if p.accepts_jobs_on(TODAY)}
    assert active == {"azure", "vertex", "bedrock", "together", "fireworks", "self-hosted"}


# --- brackets: both sides of every boundary -------------------------------------------------------------------


@pytest.mark.parametrize(
    "params, expected",
    [
        ("16", "0.48"),
        ("16.1", "1.50"),
        ("17", "1.50"),
        ("69", "1.50"),
        ("70", "2.90"),
        ("100", "2.90"),
    ],
)
def test_together_lora_sft_brackets(data, params, expected):
    r = data.get("together").rate(TODAY, "training_mtok", params_b=D(params), method="sft", adapter="lora")
    assert r.price == D(expected)


def test_together_has_no_bracket_above_100b(data):
    with pytest.raises(NotOfferedError):
        data.get("together").rate(TODAY, "training_mtok", params_b=D("101"), method="sft", adapter="lora")


@pytest.mark.parametrize(
    "params, expected",
    [
        ("16", "0.50"),
        ("16.1", "3.00"),
        ("80", "3.00"),
        ("80.1", "6.00"),
        ("300", "6.00"),
        ("301", "10.00"),
    ],
)
def test_fireworks_lora_sft_brackets(data, params, expected):
    r = data.get("fireworks").rate(TODAY, "training_mtok", params_b=D(params), method="sft", adapter="lora")
    assert r.price == D(expected)


def test_fireworks_dpo_and_full_are_twice_lora_sft(data):
    fw = data.get("fireworks")
    sft = fw.rate(TODAY, "training_mtok", params_b=D(8), method="sft", adapter="lora").price
    assert fw.rate(TODAY, "training_mtok", params_b=D(8), method="dpo", adapter="lora").price == 2 * sft
    assert fw.rate(TODAY, "training_mtok", params_b=D(8), method="sft", adapter="full").price == 2 * sft


def test_a_model_row_finds_its_bracket(data):
    t = data.get("together")
    r = t.rate(
        TODAY, "training_mtok", model="meta-llama/Llama-3.3-70B-Instruct-Reference", method="sft", adapter="lora"
    )
    assert r.price == D("2.90") and r.bracket() == ">69B–100B"


# --- Azure: hosting, RFT cap, absent token rates, separate lifecycle dates ----------------------------------


def test_azure_hosting_rows_and_developer_tier_has_none(data):
    az = data.get("azure")
    assert az.rate(TODAY, "hosting_hour", deployment="standard").price == D("1.70")
    assert az.rate(TODAY, "hosting_hour", deployment="global_standard").price == D("1.70")
    assert not [r for r in az.rates_on(TODAY, "hosting_hour") if r.entry.deployment == "developer"]


def test_azure_rft_rate_has_its_cap(data):
    r = data.get("azure").rate(TODAY, "training_hour", model="o4-mini-2025-04-16")
    assert (r.price, r.cap, r.unit) == (D("100"), D("5000"), "USD per hour of training")


def test_azure_training_token_rate_is_absent_with_a_note(data):
    with pytest.raises(NotOfferedError, match="example purposes only"):
        data.get("azure").rate(TODAY, "training_mtok", model="gpt-4.1-mini-2025-04-14")


def test_azure_existing_customers_train_longer_and_serve_longer(data):
    m = data.get("azure").model("gpt-4.1-mini-2025-04-14")
    assert m.training_until == dt.date(2026, 10, 14)
    assert m.training_until_existing_customers == dt.date(2027, 4, 14)
    assert m.serving_until == dt.date(2027, 10, 14)
    assert data.get("azure").info.access.startswith("Existing customers only")


def test_vertex_tuned_models_retire_with_their_base(data):
    v = data.get("vertex")
    assert all(m.retires_with_base for m in v.models)
    assert v.rates_on(dt.date(2026, 10, 15), "training_mtok", model="gemini-2.5-flash")[0].price == D("5")
    assert not v.rates_on(dt.date(2026, 10, 16), "training_mtok", model="gemini-2.5-flash")


def test_together_promotion_ends_the_day_the_new_rate_starts(data):
    t = data.get("together")
    assert t.rate(dt.date(2026, 9, 29), "gpu_hour", gpu="H100").price == D("3.99")
    assert t.rate(dt.date(2026, 9, 30), "gpu_hour", gpu="H100").price == D("5.49")


def test_self_hosted_throughput_nearest_in_size(data):
    sh = data.get("self-hosted")
    assert sh.throughput_for(D(70)).tokens_per_second_per_gpu == 2621
    assert sh.throughput_for(D(8)).params_b == 7


def test_unknown_provider_and_model_are_one_sentence(data):
    with pytest.raises(UnknownModelError, match="choose one of: openai, azure"):
        data.get("nope")
    with pytest.raises(UnknownModelError, match="has no model"):
        data.get("azure").model("gpt-9")


def test_families_without_an_offline_tokenizer_are_stated_estimates(data):
    assert counting_tokenizer("o200k_base") == ("o200k_base", None)
    assert counting_tokenizer("llama3") == ("llama3", None)  # quicktok-v1 ships Meta's vocabulary
    enc, note = counting_tokenizer("deepseek")  # text exact, template overhead estimated (ftcost.tokenizers)
    assert enc == "deepseek" and "estimated" in note
    assert "Gemini" in counting_tokenizer("gemini-estimate")[1]
    families = {m.tokenizer for p in data for m in p.models}
    assert families <= {
        "o200k_base",
        "cl100k_base",
        "llama3",
        "qwen2",
        "mistral",
        "deepseek",
        "gemini-estimate",
        "nova-estimate",
    }


# --- schema strictness -----------------------------------------------------------------------------------------

GOOD = """schema_version = 1
[provider]
id = "acme"
name = "Acme"
status = "active"
sources = ["A1"]
checked = 2026-12-01
verified = true
[source.A1]
title = "t"
publisher = "p"
url = "https://example.com"
primary = true
[[rate]]
kind = "hosting_hour"
price = 1.70
effective_from = 2026-01-01
sources = ["A1"]
checked = 2026-12-01
verified = true
"""


def _load(tmp_path, text, name="acme"):
    (tmp_path / f"{name}.toml").write_text(text, encoding="utf-8")
    return load_providers(tmp_path)


def test_good_file_loads(tmp_path):
    assert _load(tmp_path, GOOD).get("acme").rate(TODAY, "hosting_hour").price == D("1.70")


@pytest.mark.parametrize(
    "old, new, message",
    [
        ("price = 1.70", "price = 0", "not a price"),
        ("price = 1.70", 'price = "1.70"', "not a quoted string"),
        ("price = 1.70", "price = 1.70\ncolour = 1", "unknown key"),
        (
            'sources = ["A1"]\nchecked = 2026-12-01\nverified = true\n',
            'sources = ["B9"]\nchecked = 2026-12-01\nverified = true\n',
            "unknown source key",
        ),
        ('status = "active"', 'status = "stopped"', "stopped_on"),
        ('kind = "hosting_hour"', 'kind = "hosting_hour"\ncap = 5', "cap"),
        ('kind = "hosting_hour"', 'kind = "training_mtok"\nparams_above_b = 20\nparams_up_to_b = 16', "params_up_to_b"),
    ],
)
def test_schema_rejects(tmp_path, old, new, message):
    with pytest.raises(PricingDataError, match=message):
        _load(tmp_path, GOOD.replace(old, new, 1))


def test_file_name_must_match_the_id(tmp_path):
    with pytest.raises(PricingDataError, match="name the file acme.toml"):
        _load(tmp_path, GOOD, name="other")


@pytest.mark.parametrize(
    "day, existing, expected",
    [
        (dt.date(2026, 10, 13), False, True),
        (dt.date(2026, 10, 14), False, False),  # base retirement closes training for new customers
        (dt.date(2026, 12, 1), True, True),  # an existing customer still trains after OpenAI closes (2027-01-06)
        (dt.date(2027, 4, 13), True, True),
        (dt.date(2027, 4, 14), True, False),
    ],
)
def test_azure_training_open_for_existing_customers_only(data, day, existing, expected):
    assert data.get("azure").training_open("gpt-4.1-mini-2025-04-14", day, existing_customer=existing) is expected
