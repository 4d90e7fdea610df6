"""Scenario files and share links: strict schema, readable errors naming the key, size limits, round trips."""

from __future__ import annotations

import base64
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ftcost.errors import ScenarioError
from ftcost.scenario import MAX_SCENARIO_BYTES, dump_scenario, gallery, load_scenario, parse_scenario
from ftcost.share import MAX_LINK_CHARS, decode_link, encode_link

AIRPORT = gallery()["airport"].read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (("requests_per_month = 30000", "requests_per_month = 1000000000000000"), "workload.requests_per_month: Input should be less than or equal to 10000000000"),
        (("requests_per_month = 30000", "requests_per_month = -5"), "workload.requests_per_month: Input should be greater than or equal to 1"),
        (("requests_per_month = 30000", 'requests_per_month = "lots"'), "workload.requests_per_month"),
        (("requests_per_month = 30000", "requests_per_month = 30000\nrequests_per_day = 1000"), "workload.requests_per_day: unknown key"),
        (("horizon_months = 12", "horizon_months = 0"), "horizon_months: Input should be greater than or equal to 1"),
        (("accuracy_pct = 80", "accuracy_pct = 180"), "option[GPT-3.5 Turbo, long prompt].accuracy_pct: Input should be less than or equal to 100"),
        (('prompt = "long"', 'prompt = "medium"'), "prompt: Input should be 'long' or 'short'"),
        (("hourly_usd = 95", "hourly_usd = -95"), "labour.role[ML engineer].hourly_usd: Input should be greater than or equal to 0"),
        (("examples = 50", "examples = 5"), "pilot.examples: Input should be greater than or equal to 10"),
        (('epochs = "auto"', "epochs = 0"), "epochs must be 'auto' or a whole number from 1 to 50"),
        (('tier = "standard"', 'tier = "flex"'), "workload.tier: Input should be 'standard' or 'batch'"),
        (("schema_version = 1", "schema_version = 2"), "schema_version is 2; this ftcost reads scenario files of schema_version = 1"),
    ],
)
def test_bad_values_name_the_key_and_the_range(edit, expected):
    old, new = edit
    text = AIRPORT.replace(old, new, 1)
    assert text != AIRPORT
    with pytest.raises(ScenarioError) as err:
        parse_scenario(text, "airport.toml")
    assert expected in str(err.value)
    assert str(err.value).startswith("airport.toml")


def test_not_toml_is_one_sentence():
    with pytest.raises(ScenarioError, match=r"^x.toml: not valid TOML"):
        parse_scenario("name = \n", "x.toml")


def test_a_scenario_needs_a_fine_tune_and_a_base():
    only_base = AIRPORT.replace('"ft:', '"')
    with pytest.raises(ScenarioError, match="at least one option must be a fine-tuned model"):
        parse_scenario(only_base)


def test_size_limit_before_parsing(tmp_path):
    big = tmp_path / "big.toml"
    big.write_text("# " + "x" * MAX_SCENARIO_BYTES)
    with pytest.raises(ScenarioError, match="larger than the 256 KB"):
        load_scenario(big)


def test_missing_directory_and_binary_files(tmp_path):
    with pytest.raises(ScenarioError, match="no such scenario file"):
        load_scenario(tmp_path / "nope.toml")
    with pytest.raises(ScenarioError, match="is a directory"):
        load_scenario(tmp_path)
    binary = tmp_path / "b.toml"
    binary.write_bytes(b"\xff\xfe\x00\x01")
    with pytest.raises(ScenarioError, match="not UTF-8 text"):
        load_scenario(binary)


def test_link_round_trip_and_damage():
    scenario = load_scenario(gallery()["airport"])
    link = encode_link(scenario)
    assert len(link) <= MAX_LINK_CHARS
    assert decode_link(link) == scenario
    with pytest.raises(ScenarioError, match="cut short"):
        decode_link(link[: len(link) // 2])
    with pytest.raises(ScenarioError, match="does not carry an ftcost scenario"):
        decode_link("hello")
    with pytest.raises(ScenarioError, match="over the 8,000"):
        decode_link("1." + "A" * (MAX_LINK_CHARS + 1))


def test_link_decompression_bomb_is_refused():
    bomb = zlib.compress(b"#" * (5 * 1024 * 1024), 9)  # 5 MB in about 5 KB
    payload = "1." + base64.urlsafe_b64encode(bomb).decode().rstrip("=")
    assert len(payload) < MAX_LINK_CHARS  # small on the wire...
    with pytest.raises(ScenarioError, match="inflates to more than 256 KB"):
        decode_link(payload)  # ...refused while inflating, never held in memory


def test_link_too_long_to_share_says_so():
    scenario = load_scenario(gallery()["airport"])
    scenario.workload.long_prompt = " ".join(f"rule{i}" for i in range(20_000))
    with pytest.raises(ScenarioError, match="share the scenario file instead"):
        encode_link(scenario)


@settings(max_examples=60, deadline=None)
@given(
    requests=st.integers(1, 10**10),
    growth=st.decimals(-50, 100, places=2, allow_nan=False, allow_infinity=False),
    cached=st.decimals(0, 100, places=1, allow_nan=False, allow_infinity=False),
    prompt=st.text(max_size=300),
    horizon=st.integers(1, 120),
)
def test_round_trips_are_identity(requests, growth, cached, prompt, horizon):
    scenario = load_scenario(gallery()["airport"])
    scenario.workload.requests_per_month = requests
    scenario.workload.monthly_growth_pct = growth
    scenario.workload.cached_share_pct = cached
    scenario.workload.short_prompt = prompt
    scenario.horizon_months = horizon
    assert parse_scenario(dump_scenario(scenario)) == scenario
    assert decode_link(encode_link(scenario)) == scenario


@settings(max_examples=80, deadline=None)
@given(st.text(max_size=400))
def test_arbitrary_text_is_a_scenario_or_one_scenario_error(text):
    try:
        parse_scenario(text)
    except ScenarioError:
        pass
