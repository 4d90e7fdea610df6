"""Inputs that used to get the wrong sentence (or none): each now says what it is."""

from __future__ import annotations

import gzip

import pytest
from conftest import REPO

from ftcost.dataset import analyze_bytes
from ftcost.errors import DatasetFileError, PricingDataError
from ftcost.pricing.store import load_pricing

PRICING = REPO / "pricing"
MODEL = "gpt-4o-mini-2024-07-18"
GOOD = b'{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]}'


# --- datasets ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data, says",
    [
        (gzip.compress(b"\0" * 5_000_000), "a gzip-compressed file"),
        (gzip.compress(GOOD * 1000), "a gzip-compressed file"),
        (b"PK\x03\x04" + b"\0" * 600, "a ZIP archive"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 600, "a PNG image"),
        (b"%PDF-1.7\n" + b"\0\x01" * 300, "a PDF document"),
    ],
)
def test_a_compressed_or_binary_file_is_named_by_its_magic_bytes_not_utf16(data, says):
    with pytest.raises(DatasetFileError) as exc:
        analyze_bytes(data, "bomb.jsonl", MODEL)
    assert says in str(exc.value) and "UTF-16" not in str(exc.value)


def test_utf16_text_is_still_utf16():
    with pytest.raises(DatasetFileError, match="UTF-16"):
        analyze_bytes((GOOD + b"\n").decode().encode("utf-16-le"), "x.jsonl", MODEL)


def test_a_5000_digit_integer_is_valid_json_as_openai_reads_it():
    huge = b"1" * 5000
    extra_key = GOOD[:-1] + b', "n": ' + huge + b"}"
    weight = GOOD.replace(b'"content": "hello"', b'"content": "hello", "weight": ' + huge)
    report = analyze_bytes(b"\n".join([GOOD] * 10 + [extra_key, weight]) + b"\n", "big.jsonl", MODEL)
    assert "invalid_json" not in report.errors
    assert report.examples == 12
    assert report.errors.get("invalid_weight") == 1  # parsed, then judged: a weight must be 0 or 1


# --- pricing data --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "file, old, new, fragments",
    [
        ("prices/gpt-4.toml", "input = 30.00", "input = 1e30", ["not a plausible price", "at most 10,000 USD"]),
        ("prices/gpt-4.toml", "input = 30.00", "input = 10000.01", ["not a plausible price"]),
        ("prices/gpt-3.toml", 'sources = ["S14"]', 'sources = ["S14", "S14"]', ["S14 listed more than once"]),
    ],
)
def test_implausible_prices_and_repeated_sources_are_refused_in_a_sentence(pricing_copy, file, old, new, fragments):
    path = pricing_copy / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(PricingDataError) as exc:
        load_pricing(pricing_copy)
    assert "\n" not in str(exc.value)
    for fragment in fragments:
        assert fragment in str(exc.value)


def test_a_folder_named_like_a_price_file_is_refused_in_a_sentence(pricing_copy):
    (pricing_copy / "prices" / "x.toml").mkdir()
    with pytest.raises(PricingDataError) as exc:
        load_pricing(pricing_copy)
    assert "x.toml: not a file" in str(exc.value)


def test_the_largest_real_prices_still_load():
    from ftcost.pricing.schema import MAX_PRICE

    data = load_pricing(PRICING)
    assert max(price for row in data.rows for price in row.prices().values()) < MAX_PRICE


# --- the app's number boxes ----------------------------------------------------------------------------------

NUMBER_BOXES = [
    ("ui/page_plan.py", "w:workload.requests_per_month", "Requests per month"),
    ("ui/page_plan.py", "w:horizon_months", "Horizon (months)"),
    ("ui/page_plan.py", "w:quality.cost_per_wrong_answer_usd", "Cost of a wrong answer ($)"),
    ("ui/page_people.py", "w:training.iterations", "Fine-tuning iterations"),
]


@pytest.mark.app
@pytest.mark.parametrize("page, key, label", NUMBER_BOXES)
def test_an_emptied_number_box_is_a_sentence_not_its_minimum(page, key, label):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    at.run()
    at.switch_page(page).run()
    box = at.number_input(key=key)
    # The browser lets a box be emptied only when Streamlit was told it may be (no default to fall back on).
    assert (
        not box.proto.HasField("default")
        if box.proto.DESCRIPTOR.fields_by_name["default"].has_presence
        else box.proto.default == 0
    )
    before = box.value
    box.set_value(None).run()
    assert not at.exception, at.exception
    from ftcost.text import markdown

    assert [e.value for e in at.error if e.value.startswith(markdown(f"{label} is empty: type a number."))]
    assert at.number_input(key=key).value == before  # the previous value is kept and shown


@pytest.mark.app
def test_emptying_a_measured_field_means_measure_it():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    at.run()
    at.switch_page("ui/page_prompts.py").run()
    box = at.number_input(key="w:workload.output_tokens_per_request")
    box.set_value(120).run()
    assert at.session_state["scenario"].workload.output_tokens_per_request == 120
    at.number_input(key="w:workload.output_tokens_per_request").set_value(None).run()
    assert not at.exception and not at.error
    assert at.session_state["scenario"].workload.output_tokens_per_request is None


@pytest.mark.app
def test_the_app_starts_with_a_sentence_when_a_price_file_is_a_folder(pricing_copy, monkeypatch):
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    import ftcost.pricing.store as store

    (pricing_copy / "prices" / "x.toml").mkdir()
    monkeypatch.setattr(store, "_load_default", lambda: store._load(pricing_copy))
    st.cache_data.clear()  # plans cached by earlier app tests in this process would hide the broken data
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    assert [e.value for e in at.error if "x.toml: not a file" in e.value]
