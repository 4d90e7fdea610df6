"""Scenario files and share links: strict schema, readable errors naming the key, size limits, round trips."""

from __future__ import annotations

import ast
import base64
import builtins
import contextlib
import pickle
import zlib
from decimal import ROUND_FLOOR, Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ftcost import data, share
from ftcost import scenario as scenario_module
from ftcost.errors import ScenarioError
from ftcost.scenario import (
    MAX_REQUESTS_IN_A_MONTH,
    MAX_SCENARIO_BYTES,
    dump_scenario,
    gallery,
    load_scenario,
    parse_scenario,
)
from ftcost.share import MAX_LINK_CHARS, decode_link, encode_link

AIRPORT = gallery()["airport"].read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            ("requests_per_month = 30000", "requests_per_month = 1000000000000000"),
            "workload.requests_per_month: Input should be less than or equal to 10000000000",
        ),
        (
            ("requests_per_month = 30000", "requests_per_month = -5"),
            "workload.requests_per_month: Input should be greater than or equal to 1",
        ),
        (("requests_per_month = 30000", 'requests_per_month = "lots"'), "workload.requests_per_month"),
        (
            ("requests_per_month = 30000", "requests_per_month = 30000\nrequests_per_day = 1000"),
            "workload.requests_per_day: unknown key",
        ),
        (("horizon_months = 12", "horizon_months = 0"), "horizon_months: Input should be greater than or equal to 1"),
        (
            ("accuracy_pct = 90", "accuracy_pct = 180"),
            "option[GPT-6 luna, long prompt].accuracy_pct: Input should be less than or equal to 100",
        ),
        (('prompt = "long"', 'prompt = "medium"'), "prompt: Input should be 'long' or 'short'"),
        (
            ("hourly_usd = 95", "hourly_usd = -95"),
            "labour.role[ML engineer].hourly_usd: Input should be greater than or equal to 0",
        ),
        (("examples = 50", "examples = 5"), "pilot.examples: Input should be greater than or equal to 10"),
        (('epochs = "auto"', "epochs = 0"), "epochs must be 'auto' or a whole number from 1 to 50"),
        (('tier = "standard"', 'tier = "flex"'), "workload.tier: Input should be 'standard' or 'batch'"),
        (
            ("schema_version = 1", "schema_version = 2"),
            "schema_version is 2; this ftcost reads scenario files of schema_version = 1",
        ),
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
    if horizon > 1:  # growth may not compound past 10^12 requests a month (see test_compound_growth_...)
        cap = (Decimal(MAX_REQUESTS_IN_A_MONTH) / requests) ** (Decimal(1) / (horizon - 1)) * 100 - 100
        growth = min(growth, cap.quantize(Decimal("0.01"), rounding=ROUND_FLOOR))
    scenario = load_scenario(gallery()["airport"])
    scenario.workload.requests_per_month = requests
    scenario.workload.monthly_growth_pct = growth
    scenario.workload.cached_share_pct = cached
    scenario.workload.short_prompt = prompt
    scenario.horizon_months = horizon
    assert parse_scenario(dump_scenario(scenario)) == scenario
    assert decode_link(encode_link(scenario)) == scenario


def test_windows_line_ends_survive_the_round_trips():
    # Regression (found by test_fuzz): tomli_w writes multi-line strings with "\n" line ends, so a prompt
    # pasted with "\r\n" came back from its file or link without the "\r" (and with other token counts).
    scenario = load_scenario(gallery()["airport"])
    scenario.workload.long_prompt = "Rule 1: declare meat.\r\nRule 2: liquids under 100 ml.\r\n"
    scenario.option[2].name = "GPT-4.1 mini\r\nlong prompt"  # an option no successor names
    assert parse_scenario(dump_scenario(scenario)) == scenario
    assert decode_link(encode_link(scenario)) == scenario
    # Without a "\r\n", long text is still written as readable multi-line strings.
    assert '"""' in dump_scenario(load_scenario(gallery()["airport"]))


@settings(max_examples=80, deadline=None)
@given(st.text(max_size=400))
def test_arbitrary_text_is_a_scenario_or_one_scenario_error(text):
    with contextlib.suppress(ScenarioError):
        parse_scenario(text)


# --- hardening: every key named, the accepted form and range said, sizes checked, only data parsed -------


def _refused(text: str) -> str:
    with pytest.raises(ScenarioError) as err:
        parse_scenario(text, "airport.toml")
    message = str(err.value)
    assert message.startswith("airport.toml: ") and message.endswith(".") and "\n" not in message
    return message


@pytest.mark.parametrize(
    ("after", "key", "expected"),
    [
        ("schema_version = 1", "colour = 1", "airport.toml: colour: unknown key"),
        ("[workload]", "requests_per_day = 1000", "workload.requests_per_day: unknown key"),
        ('model = "gpt-5.6-luna"', 'modle = "gpt-4o"', "option[GPT-5.6 luna, long prompt].modle: unknown key"),
        ("[training]", "epoch = 3", "training.epoch: unknown key"),
        ("[labour]", "week = 3", "labour.week: unknown key"),
        ("hourly_usd = 95", "rate = 95", "labour.role[ML engineer].rate: unknown key"),
        ("[quality]", "cost_per_error = 1", "quality.cost_per_error: unknown key"),
        ("[pilot]", "sample = 50", "pilot.sample: unknown key"),
        (
            'scoring = "exact"',
            'eval_set = [{input = "a", expected = "b", score = 1}]',
            "pilot.eval_set[entry 1].score: unknown key",
        ),
        (
            "cost_per_wrong_answer_usd = { low = 1, likely = 2, high = 4 }",
            "[wokload]\nrequests_per_month = 3",
            "airport.toml: wokload: unknown key",
        ),
    ],
)
def test_an_unknown_key_at_any_level_is_named(after, key, expected):
    text = AIRPORT.replace(after, f"{after}\n{key}", 1)
    assert text != AIRPORT
    assert expected in _refused(text)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        # wrong units: the key and the form to write
        (
            "requests_per_month = 30000",
            'requests_per_month = "30k"',
            "workload.requests_per_month: should be a whole number without units or words, not '30k'",
        ),
        (
            "monthly_growth_pct = 3",
            'monthly_growth_pct = "3%"',
            "workload.monthly_growth_pct: should be a number without units or words, not '3%'",
        ),
        (
            "accuracy_pct = 90",
            'accuracy_pct = "90%"',
            "option[GPT-6 luna, long prompt].accuracy_pct: should be a number",
        ),
        (
            "hourly_usd = 95",
            'hourly_usd = "$95"',
            "labour.role[ML engineer].hourly_usd: should be a number without units",
        ),
        (
            "hours_per_iteration = { low = 16, likely = 24, high = 40 }",
            'hours_per_iteration = "24h"',
            "hours_per_iteration: should be a number without units",
        ),
        (
            "weeks = { low = 4, likely = 8, high = 13 }",
            'weeks = "8 weeks"',
            "labour.weeks: should be a whole number without units or words, not '8 weeks'",
        ),
        (
            'epochs = "auto"',
            'epochs = "Auto"',
            "training.epochs: should be 'auto' or a whole number without units or words",
        ),
        # true/false is not a number (pydantic alone reads `true` as 1)
        (
            "requests_per_month = 30000",
            "requests_per_month = true",
            "workload.requests_per_month: should be a whole number",
        ),
        (
            'epochs = "auto"',
            "epochs = true",
            "training.epochs: should be 'auto' or a whole number without units or words, not true",
        ),
        ("hourly_usd = 95", "hourly_usd = false", "hourly_usd: should be a number without units or words, not false"),
        # dates: YYYY-MM-DD only (a number would otherwise be read as seconds since 1970)
        (
            "horizon_months = 12",
            'horizon_months = 12\nas_of = "01/06/2024"',
            "as_of: should be a date written YYYY-MM-DD (e.g. as_of = 2024-06-01), not '01/06/2024'",
        ),
        ("horizon_months = 12", "horizon_months = 12\nas_of = 20240601", "as_of: should be a date written YYYY-MM-DD"),
        ("horizon_months = 12", "horizon_months = 12\nas_of = 0", "as_of: should be a date written YYYY-MM-DD"),
        (
            "horizon_months = 12",
            'horizon_months = 12\nas_of = "2024-13-01"',
            "as_of: should be a date written YYYY-MM-DD",
        ),
        (
            "horizon_months = 12",
            "horizon_months = 12\nas_of = 2024-06-01T10:00:00",
            "as_of: should be a date written YYYY-MM-DD",
        ),
        ("horizon_months = 12", "horizon_months = 12\nas_of = 2024-02-30", "not valid TOML (Invalid date or datetime"),
        # absurd numbers: the key and the range
        (
            "requests_per_month = 30000",
            "requests_per_month = 1e400",
            "workload.requests_per_month: Input should be less than or equal to 10000000000",
        ),
        (
            "requests_per_month = 30000",
            "requests_per_month = 1" + "0" * 30,
            "workload.requests_per_month: Input should be less than or equal to 10000000000",
        ),
        (
            "hours_per_iteration = { low = 16, likely = 24, high = 40 }",
            "hours_per_iteration = 1000000000",
            "labour.role[ML engineer].hours_per_iteration: Input should be less than or equal to 2000",
        ),
        (
            "hourly_usd = 95",
            "hourly_usd = 1e400",
            "labour.role[ML engineer].hourly_usd: Input should be less than or equal to 1E+9",
        ),
        (
            "monthly_growth_pct = 3",
            "monthly_growth_pct = 1e400",
            "workload.monthly_growth_pct: Input should be less than or equal to 100",
        ),
        (
            "monthly_growth_pct = 3",
            "monthly_growth_pct = -1e400",
            "workload.monthly_growth_pct: Input should be greater than or equal to -50",
        ),
        (
            "monthly_growth_pct = 3",
            "monthly_growth_pct = nan",
            "workload.monthly_growth_pct: Input should be a finite number",
        ),
        (
            "cached_share_pct = 0",
            "cached_share_pct = inf",
            "workload.cached_share_pct: Input should be a finite number",
        ),
        (
            "iterations = { low = 2, likely = 3, high = 6 }",
            "iterations = 1000000000000000",
            "training.iterations: Input should be less than or equal to 50",
        ),
        (
            "planned_examples = 300",
            "planned_examples = 1e400",
            "training.planned_examples: Input should be less than or equal to 10000000",
        ),
        (
            "weeks = { low = 4, likely = 8, high = 13 }",
            "weeks = -1",
            "labour.weeks: Input should be greater than or equal to 1",
        ),
    ],
)
def test_wrong_units_and_absurd_numbers_name_the_key_and_what_is_accepted(old, new, expected):
    text = AIRPORT.replace(old, new, 1)
    assert text != AIRPORT
    assert expected in _refused(text)


def test_compound_growth_past_a_trillion_requests_a_month_is_refused():
    # 30,000 requests growing 100 % a month for 120 months would be 2 x 10^40 requests in the last month:
    # the engine's exact decimals overflowed on it. Each key is in range; together they are absurd.
    text = AIRPORT.replace("monthly_growth_pct = 3", "monthly_growth_pct = 100").replace(
        "horizon_months = 12", "horizon_months = 120"
    )
    message = _refused(text)
    assert "workload.monthly_growth_pct = 100 compounds to about 2.0E+40 requests in month 120" in message
    assert "at or under 10^12 requests" in message
    # the boundary: 30,000 x 2^25 = 1.0 x 10^12 is still allowed, 2^26 times is not
    ok = (
        AIRPORT.replace("monthly_growth_pct = 3", "monthly_growth_pct = 100")
        .replace("requests_per_month = 30000", "requests_per_month = 29802")
        .replace("horizon_months = 12", "horizon_months = 26")
    )
    assert parse_scenario(ok).workload.monthly_growth_pct == 100  # 29,802 x 2^25 = 999,970,750,464
    assert "compounds" in _refused(ok.replace("horizon_months = 26", "horizon_months = 27"))


def test_the_airport_scenario_still_parses_with_quoted_numbers_and_dates():
    # Only forms that were errors anyway (units, words, true/false, numbers as dates) are refused: a quoted
    # plain number or ISO date is still read as before.
    text = AIRPORT.replace("requests_per_month = 30000", 'requests_per_month = "30000"').replace(
        "horizon_months = 12", 'horizon_months = 12\nas_of = "2024-06-01"'
    )
    scenario = parse_scenario(text)
    assert scenario.workload.requests_per_month == 30000 and scenario.as_of.isoformat() == "2024-06-01"


def test_scenario_text_size_is_checked_before_parsing():
    # The app parses an uploaded scenario's text directly: the limit holds there too, at the byte.
    at_limit = "#" * (MAX_SCENARIO_BYTES - 1) + "\n"
    assert "schema_version is None" in _refused_any(at_limit)  # parsed: within the limit
    over = "#" * MAX_SCENARIO_BYTES + "\n"
    assert "larger than 256 KB" in _refused_any(over)
    assert "larger than 256 KB" in _refused_any("# " + "é" * (MAX_SCENARIO_BYTES // 2))  # bytes, not characters


def _refused_any(text: str) -> str:
    with pytest.raises(ScenarioError) as err:
        parse_scenario(text, "upload.toml")
    return str(err.value)


def _link(raw: bytes) -> str:
    return "1." + base64.urlsafe_b64encode(zlib.compress(raw, 9)).decode().rstrip("=")


def test_a_link_is_size_checked_before_decoding(monkeypatch):
    # Over 8,000 characters nothing is decoded or inflated at all.
    def never(*args, **kwargs):
        raise AssertionError("an oversized link was decoded")

    monkeypatch.setattr(share.base64, "urlsafe_b64decode", never)
    monkeypatch.setattr(share.zlib, "decompressobj", never)
    with pytest.raises(ScenarioError, match="is 8,001 characters, over the 8,000 ftcost accepts"):
        decode_link("1." + "A" * (MAX_LINK_CHARS - 1))


def test_a_link_is_size_checked_while_inflating():
    # Exactly the file limit inflates (and is then read as TOML); one byte more is refused while inflating.
    assert "schema_version is None" in _refused_link(_link(b"#" * (MAX_SCENARIO_BYTES - 1) + b"\n"))
    assert "inflates to more than 256 KB" in _refused_link(_link(b"#" * MAX_SCENARIO_BYTES + b"\n"))


def _refused_link(payload: str) -> str:
    assert len(payload) <= MAX_LINK_CHARS
    with pytest.raises(ScenarioError) as err:
        decode_link(payload)
    return str(err.value)


class _Sentinel:
    """A pickle that would create a file when unpickled: it must never be."""

    path = ""

    def __reduce__(self):
        return (Path(self.path).touch, ())


CODE_LIKE = [
    "__import__('os').system('touch pwned')",
    "!!python/object/apply:os.system ['touch pwned']",
    "{{ 7 * 7 }} ${7*7} `touch pwned` $(touch pwned)",
    "exec(compile('import os', 'x', 'exec'))",
]


@pytest.mark.parametrize("code", CODE_LIKE)
def test_text_that_looks_like_code_is_kept_as_plain_text(code, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("scenario text was evaluated")

    for name in ("eval", "exec", "compile"):
        monkeypatch.setattr(builtins, name, refuse)
    monkeypatch.setattr(pickle, "loads", refuse)
    scenario = load_scenario(gallery()["airport"])
    scenario.name = code
    scenario.description = code
    scenario.workload.user_message = code
    text = dump_scenario(scenario)
    for again in (parse_scenario(text), decode_link(encode_link(scenario))):
        assert again.name == again.description == again.workload.user_message == code


def test_only_toml_is_read_never_yaml_or_pickle(tmp_path):
    # A YAML document with a Python tag is not TOML; a pickle in a link is not TOML either — and is not unpickled.
    yaml = "schema_version: 1\nname: !!python/object/apply:os.system ['touch pwned']\n"
    assert "not valid TOML" in _refused_any(yaml)
    _Sentinel.path = str(tmp_path / "unpickled")
    payload = _link(pickle.dumps(_Sentinel()))
    with pytest.raises(ScenarioError):
        decode_link(payload)
    assert not (tmp_path / "unpickled").exists()
    # And the modules that read scenarios and links import no serializer that can run code, and call no eval.
    for module in (scenario_module, share, data):
        tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
        imported = {
            alias.name.split(".")[0]
            for node in ast.walk(tree)
            if isinstance(node, (ast.Import, ast.ImportFrom))
            for alias in node.names
        } | {node.module.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
        assert not imported & {"pickle", "marshal", "shelve", "yaml", "dill", "jsonpickle"}, module.__name__
        called = {
            node.func.id for node in ast.walk(tree) if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
        }
        assert not called & {"eval", "exec", "compile", "__import__"}, module.__name__


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "accuracy_pct = 90",
            "accuracy_pct = { low = 92, likely = 90, high = 95 }",
            "option[GPT-6 luna, long prompt]: accuracy_pct: the range should read low ≤ likely ≤ high, not 92 / 90 / 95",
        ),
        (
            "accuracy_pct = 90",
            "accuracy_pct = { low = 70, likely = 90, high = 120 }",
            "accuracy_pct: the range's high (120): Input should be less than or equal to 100",
        ),
        (
            "accuracy_pct = 90",
            "accuracy_pct = { low = 70, high = 95 }",
            "accuracy_pct: give the likely value (only a uniform range may leave it out)",
        ),
        (
            "accuracy_pct = 90",
            "accuracy_pct = { low = 70, likely = 90, top = 90 }",
            "accuracy_pct: a range has the keys low, likely, high and dist, not top",
        ),
        ("accuracy_pct = 90", 'accuracy_pct = { low = 70, likely = 90, high = 90, dist = "normal" }', "dist"),
        (
            "iterations = { low = 2, likely = 3, high = 6 }",
            "iterations = { low = 1.5, likely = 3, high = 6 }",
            "training: iterations: the range's low (1.5) should be a whole number",
        ),
        (
            "requests_per_month = 30000",
            "requests_per_month = { low = 10000, likely = 30000, high = 10000000000 }\nhorizon_months_x = 1",
            "unknown key",
        ),
    ],
)
def test_a_bad_range_names_the_key_and_what_to_write(old, new, expected):
    text = AIRPORT.replace(old, new, 1)
    assert text != AIRPORT
    assert expected in _refused(text)


def test_a_range_whose_top_compounds_past_a_trillion_is_refused():
    text = AIRPORT.replace(
        "monthly_growth_pct = 3", "monthly_growth_pct = { low = 0, likely = 3, high = 100 }"
    ).replace("horizon_months = 12", "horizon_months = 120")
    assert "monthly_growth_pct = 100 compounds" in _refused(text)


def test_ranges_round_trip_and_keep_the_likely_value_as_the_point():
    s = parse_scenario(AIRPORT)
    assert s.labour.weeks == 8 and s.labour.ranges["weeks"].high == 13
    text = dump_scenario(s)
    assert parse_scenario(text) == s
    assert decode_link(encode_link(s)) == s
    # a uniform range may leave out the likely value: the midpoint (rounded for a whole number)
    u = parse_scenario(
        AIRPORT.replace(
            "weeks = { low = 4, likely = 8, high = 13 }", 'weeks = { low = 4, high = 13, dist = "uniform" }'
        )
    )
    assert u.labour.weeks == 8 and u.labour.ranges["weeks"].dist == "uniform"
