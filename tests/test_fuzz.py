"""Property-based fuzzing: the dataset reader, scenario round trips and the cost engine.

* Dataset: for arbitrary bytes and for JSONL of valid examples with random mutations, `analyze_bytes`
  returns a report or raises only FtcostError, and the report's invariants hold (line numbers, counts,
  billing); the file cut into many ranges (as the workers cut it) gives exactly the one-range result.
* Scenarios: random scenarios — options, roles, labour, pilot and eval tables, not just the workload
  numbers — survive scenario → TOML → scenario and scenario → link → scenario unchanged.
* Costs: no negative or NaN amount; plans and quotes never get cheaper with more tokens, requests,
  epochs, iterations or hours.

Example counts are fixed (`max_examples`) so the file stays within about a minute of `make test`; the properties
that take over ~3 s each are marked slow, so `make test-fast` runs only the quick ones.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from decimal import ROUND_FLOOR, Decimal
from unittest import mock

import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from ftcost import engine, pricing
from ftcost.dataset import ERRORS, WARNINGS, analyze_bytes, parallel
from ftcost.dataset.counting import slices, string_counter
from ftcost.errors import FtcostError, NotOfferedError, ScenarioError
from ftcost.scenario import MAX_REQUESTS_IN_A_MONTH, Scenario, dataset_name_problem, dump_scenario, parse_scenario
from ftcost.share import decode_link, encode_link
from ftcost.tokens import get_encoding


def fuzz(examples: int) -> settings:
    return settings(
        max_examples=examples, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
    )


MODELS = ["gpt-3.5-turbo-0125", "gpt-4o-mini-2024-07-18", "babbage-002"]
BOM = b"\xef\xbb\xbf"

# Categories counted once per line; the others are counted once per message and list the line once.
PER_MESSAGE = {
    "message_missing_key",
    "message_unrecognized_key",
    "unrecognized_role",
    "missing_content",
    "message_not_object",
    "invalid_weight",
    "weight_on_non_assistant",
    "malformed_tool_call",
}


def physical_lines(data: bytes) -> list[bytes]:
    """The file's lines as a reader of JSONL sees them (a leading byte-order mark is not part of line 1)."""
    text = data[len(BOM) :] if data.startswith(BOM) else data
    lines = text.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    return lines


def is_blank(line: bytes) -> bool:
    return not line.decode("utf-8", "replace").strip()


def check_invariants(report, data: bytes) -> None:
    lines = physical_lines(data)
    assert report.lines == len(lines)
    nonblank = sum(1 for line in lines if not is_blank(line))
    assert report.counted_examples <= report.examples <= nonblank
    for table, counts, found in (
        (ERRORS, report.errors, report.error_lines),
        (WARNINGS, report.warnings, report.warning_lines),
    ):
        assert set(counts) == set(found) and set(counts) <= set(table)
        for category, numbers in found.items():
            assert numbers == sorted(set(numbers)), category  # ascending, each line once
            assert all(1 <= n <= report.lines for n in numbers), category
            assert not any(is_blank(lines[n - 1]) for n in numbers), category
            if category == "too_few_examples":
                assert counts[category] == 1 and numbers == []
            elif category in PER_MESSAGE:
                assert counts[category] >= len(numbers) > 0, category
            else:
                assert counts[category] == len(numbers), category
    assert ("too_few_examples" in report.errors) == (report.examples < 10)
    # invalid UTF-8 is exactly the non-blank lines that do not decode
    undecodable = [n for n, line in enumerate(lines, 1) if not is_blank(line) and not _decodes(line)]
    assert report.error_lines.get("invalid_utf8", []) == undecodable
    tokens = list(report.tokens_per_example)
    assert len(tokens) == report.counted_examples and all(t >= 0 for t in tokens)
    assert report.billing_tokens == sum(min(t, report.token_limit) for t in tokens) >= 0
    assert report.over_limit == sum(1 for t in tokens if t > report.token_limit)
    assert report.charged_tokens == report.epochs * report.billing_tokens
    assert report.trained_tokens_per_epoch >= 0
    json.dumps(report.to_dict())


def _decodes(line: bytes) -> bool:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def analyse_or_refuse(data: bytes, model: str):
    """The report, or None when the data is refused as a whole — with an FtcostError, never anything else."""
    try:
        return analyze_bytes(data, "fuzz.jsonl", model)
    except FtcostError as exc:
        message = str(exc)
        assert message.startswith("fuzz.jsonl ") and message.endswith(".") and "\n" not in message
        return None


def same_in_many_ranges(data: bytes, model: str, report) -> None:
    """Cut into ranges of a few bytes (each ending at a line end, as the workers' ranges do): same report."""
    for chunk in (1, 97):
        with mock.patch.object(parallel, "SINGLE_CHUNK", chunk):
            again = analyze_bytes(data, "fuzz.jsonl", model)
        assert again.to_dict() == report.to_dict()
        assert list(again.tokens_per_example) == list(report.tokens_per_example)


# --- dataset: arbitrary bytes ------------------------------------------------------------------------

FRAGMENTS = [
    b"\n",
    b"\r\n",
    b"\r",
    b" ",
    BOM,
    b"\x00",
    b"\xff",
    b"\xc3",
    b"\xe9",
    b"\xed\xa0\x80",
    b"[",
    b"]",
    b"{",
    b"}",
    b'"',
    b"\\",
    b"NaN",
    b"1e400",
    b'{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Yo"}]}',
    b'{"prompt": "a", "completion": "b"}',
    b'{"messages": []}',
    b"[1, 2]",
    b"null",
    b'"\\ud800"',
    b"\\u0000",
    "é".encode(),
    "登机".encode(),
    b"\xfe\xff",
    b"\x89PNG",
]
byte_soup = st.lists(st.sampled_from(FRAGMENTS) | st.binary(max_size=12), max_size=40).map(b"".join)
GOOD_LINES = [
    b'{"messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Where is gate B6?"}, '
    b'{"role": "assistant", "content": "Terminal 1."}]}',
    b'{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "tool_calls": [{"id": "c", "type": '
    b'"function", "function": {"name": "f", "arguments": "{}"}}]}], "tools": [{"type": "function", "function": '
    b'{"name": "f", "parameters": {"properties": {"a": {"type": "string", "enum": ["x", 1]}}}}}]}',
    b'{"prompt": "Where is gate B6? ->", "completion": " Terminal 1"}',
]
# JSONL lines, each with a fragment (a NUL, a stray byte, a bracket...) spliced in somewhere or nowhere.
spliced_lines = st.lists(
    st.tuples(
        st.sampled_from(GOOD_LINES), st.integers(0, 260), st.sampled_from([b"", *FRAGMENTS]) | st.binary(max_size=4)
    ),
    min_size=1,
    max_size=16,
).map(lambda parts: b"\n".join(line[:at] + piece + line[at:] for line, at, piece in parts))


@pytest.mark.slow
@fuzz(800)
@given(data=st.binary(max_size=400) | byte_soup | spliced_lines, model=st.sampled_from(MODELS))
def test_arbitrary_bytes_give_a_report_or_one_ftcost_error(data, model):
    report = analyse_or_refuse(data, model)
    event("refused as a whole" if report is None else "report")
    if report is not None:
        check_invariants(report, data)
        same_in_many_ranges(data, model, report)


# --- dataset: JSON-shaped lines, valid examples and mutations of them ------------------------------------

text = st.text(max_size=12)
words = st.text(min_size=1, max_size=24)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats(allow_nan=False, allow_infinity=False) | text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(text, inner, max_size=3),
    max_leaves=10,
)
call = st.fixed_dictionaries(
    {
        "id": text,
        "type": st.just("function"),
        "function": st.fixed_dictionaries({"name": words, "arguments": json_values.map(json.dumps)}),
    }
)
message = st.one_of(
    st.fixed_dictionaries(
        {"role": st.sampled_from(["system", "user"]), "content": words},
        optional={"name": st.from_regex(r"[a-z_]{1,8}", fullmatch=True)},
    ),
    st.fixed_dictionaries(
        {"role": st.just("assistant"), "content": words}, optional={"weight": st.sampled_from([0, 1])}
    ),
    st.fixed_dictionaries({"role": st.just("assistant"), "tool_calls": st.lists(call, min_size=1, max_size=2)}),
    st.fixed_dictionaries({"role": st.just("tool"), "tool_call_id": text, "content": words}),
)
prop = st.fixed_dictionaries(
    {},
    optional={
        "type": st.sampled_from(["string", "integer", "object"])
        | st.lists(st.sampled_from(["string", "null"]), min_size=1),
        "description": text,
        "enum": st.lists(st.none() | st.integers() | text, max_size=3),
    },
)
tool = st.fixed_dictionaries(
    {
        "type": st.just("function"),
        "function": st.fixed_dictionaries(
            {"name": words},
            optional={
                "description": text,
                "parameters": st.fixed_dictionaries(
                    {"type": st.just("object"), "properties": st.dictionaries(text, prop, max_size=3)}
                ),
            },
        ),
    }
)
valid_example = st.builds(
    lambda before, answer, extra: {"messages": [*before, answer], **extra},
    st.lists(message, max_size=4),
    st.fixed_dictionaries({"role": st.just("assistant"), "content": words}),
    st.fixed_dictionaries({}, optional={"tools": st.lists(tool, max_size=2), "parallel_tool_calls": st.booleans()}),
)


def _paths(value, path=()):
    yield path
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _paths(inner, (*path, key))
    elif isinstance(value, list):
        for i, inner in enumerate(value):
            yield from _paths(inner, (*path, i))


def _mutate(example: dict, path: tuple, how: str, value):
    """`example` with the value at `path` replaced, deleted, or given a new sibling key."""
    if not path:
        return value if how == "replace" else example
    example = copy.deepcopy(example)
    parent = example
    for step in path[:-1]:
        parent = parent[step]
    last = path[-1]
    if how == "replace":
        parent[last] = value
    elif how == "delete":
        del parent[last]
    elif isinstance(parent, dict):
        parent[f"x{len(parent)}"] = value
    else:
        parent.insert(last, value)
    return example


@st.composite
def mutated_example(draw):
    example = draw(valid_example)
    path = draw(st.sampled_from(list(_paths(example))))
    return _mutate(example, path, draw(st.sampled_from(["replace", "delete", "insert"])), draw(json_values))


line_kinds = st.one_of(
    valid_example.map(lambda e: ("valid", e)),
    mutated_example().map(lambda e: ("mutated", e)),
    json_values.map(lambda v: ("value", v)),
    st.sampled_from(["", "  ", "\t"]).map(lambda blank: ("blank", blank)),
)


@pytest.mark.slow
@fuzz(450)
@given(
    lines=st.lists(line_kinds, min_size=1, max_size=14),
    model=st.sampled_from(MODELS),
    newline=st.sampled_from([b"\n", b"\r\n"]),
    bom=st.booleans(),
)
def test_json_lines_valid_and_mutated_give_a_report_with_the_right_lines(lines, model, newline, bom):
    encoded = [
        value.encode() if kind == "blank" else json.dumps(value, ensure_ascii=False).encode() for kind, value in lines
    ]
    data = (BOM if bom else b"") + newline.join(encoded) + newline
    report = analyse_or_refuse(data, model)
    if report is None:  # refused as a whole: only when the first line makes it look like a JSON array
        assume(False)
    check_invariants(report, data)
    objects = [kind != "blank" and isinstance(value, dict) for kind, value in lines]
    assert report.examples == sum(objects)
    flagged = {n for numbers in report.error_lines.values() for n in numbers}
    for number, (kind, _) in enumerate(lines, 1):
        if kind == "valid" and model != "babbage-002":  # a valid chat example is never flagged on a chat model
            assert number not in flagged, (number, report.error_lines)
        if kind == "valid" and model == "babbage-002":  # ...and always flagged for its format on babbage-002
            assert number in report.error_lines["chat_format_on_completion_model"]
    same_in_many_ranges(data, model, report)


@pytest.mark.slow  # starts worker processes for each of its 5 examples: ~6 s
@fuzz(5)
@given(lines=st.lists(valid_example | mutated_example(), min_size=12, max_size=30))
def test_worker_processes_give_the_single_process_result(lines):
    data = b"\n".join(json.dumps(e).encode() for e in lines) + b"\n"
    single = analyze_bytes(data, "fuzz.jsonl", workers=1)
    with mock.patch.object(parallel, "MIN_CHUNK", 64):  # a few KB become many ranges for two workers
        assert parallel.resolve_workers(2, len(data)) == 2
        multi = analyze_bytes(data, "fuzz.jsonl", workers=2)
    assert multi.to_dict() == single.to_dict()
    assert list(multi.tokens_per_example) == list(single.tokens_per_example)


# --- counting a huge string in slices is exact where the text has word breaks ------------------------

slice_text = st.text(
    alphabet=st.sampled_from(list("abcXYZ é'’0123\n\r\t.,!?-_/") + ["登", "机", "。", "\u0301", "ß", "²", "🙂", "ǅ"]),
    max_size=400,
)


@fuzz(300)
@given(text=slice_text, size=st.integers(2, 64), encoding=st.sampled_from(["cl100k_base", "o200k_base"]))
def test_slices_cover_the_text_and_add_up_to_the_whole_count(text, size, encoding):
    cuts = slices(text, size)
    assert cuts[0][0] == 0 and cuts[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in zip(cuts, cuts[1:], strict=False)) and all(
        0 < e - s <= size for s, e in cuts if text
    )
    from ftcost.dataset.counting import _safe_cut

    assume(all(_safe_cut(text, end) for _, end in cuts[:-1]))  # forced cuts (no word break) are approximate
    encode = get_encoding(encoding).encode_ordinary
    assert sum(len(encode(text[s:e])) for s, e in cuts) == len(encode(text))


def test_a_huge_string_is_counted_exactly_in_slices():
    prose = "Passengers with a connection under two hours go to the transfer desk, not immigration. " * 4000
    count = string_counter("o200k_base")
    assert len(prose) > 262_144  # above the cached size: counted in slices
    assert count(prose) == len(get_encoding("o200k_base").encode_ordinary(prose))


# --- scenarios: round trips through TOML and share links ---------------------------------------------------

# Text that stresses TOML: line ends of every kind, quotes that close strings, backslashes.
awkward = st.lists(
    st.sampled_from(["\r\n", "\n", "\r", '"""', "'''", "\\", "\t", "\x7f", "é", "x", " "]), min_size=1, max_size=12
).map("".join)
names = st.text(min_size=1, max_size=20) | awkward
prose = st.text(max_size=60) | awkward
pct = st.decimals(0, 100, places=2)
base_models = st.sampled_from(
    ["gpt-3.5-turbo-0125", "gpt-4-0613", "gpt-4o-mini-2024-07-18", "gpt-4o-2024-08-06", "gpt-4.1-mini-2025-04-14"]
)
ft_models = st.sampled_from(
    ["ft:gpt-3.5-turbo-0125", "ft:gpt-4o-mini-2024-07-18", "ft:gpt-4o-2024-08-06", "ft:gpt-4.1-mini-2025-04-14"]
)


@st.composite
def scenario_docs(draw, stated: bool = False):
    """A valid scenario as the dict a TOML file holds; `stated` gives every token figure as a number."""
    n_base, n_ft = draw(st.integers(1, 4)), draw(st.integers(1, 3))
    option_names = draw(st.lists(names, min_size=n_base + n_ft, max_size=n_base + n_ft, unique=True))
    models = [draw(base_models) for _ in range(n_base)] + [draw(ft_models) for _ in range(n_ft)]
    options = [
        {
            "name": name,
            "model": model,
            "prompt": "short" if model.startswith("ft:") else "long",
            "accuracy_pct": draw(pct),
        }
        for name, model in zip(option_names, models, strict=True)
    ]
    options = draw(st.permutations(options))
    roles = draw(
        st.lists(
            st.fixed_dictionaries(
                {
                    "role": names,
                    "hourly_usd": st.decimals(0, 500, places=2),
                    "hours_per_iteration": st.decimals(0, 2000, places=1),
                }
            ),
            max_size=4,
            unique_by=lambda r: r["role"],
        )
    )
    labour = {
        "weeks": draw(st.integers(1, 104)),
        "role": roles,
        "data_prep_minutes_per_example": draw(st.decimals(0, 600, places=1) if roles else st.just(Decimal(0))),
    }
    if roles:
        labour["data_prep_role"] = draw(st.sampled_from([r["role"] for r in roles]))
    horizon, requests, growth = (
        draw(st.integers(1, 120)),
        draw(st.integers(1, 10**7)),
        draw(st.decimals(-50, 100, places=2)),
    )
    if horizon > 1:  # growth may not compound past 10^12 requests in a month
        cap = (Decimal(MAX_REQUESTS_IN_A_MONTH) / requests) ** (Decimal(1) / (horizon - 1)) * 100 - 100
        growth = min(growth, cap.quantize(Decimal("0.01"), rounding=ROUND_FLOOR))
    workload = {
        "requests_per_month": requests,
        "monthly_growth_pct": growth,
        "tier": draw(st.sampled_from(["standard", "batch"])),
        "cached_share_pct": draw(pct),
    }
    if stated:
        workload |= {
            "long_prompt_tokens": draw(st.integers(0, 50_000)),
            "short_prompt_tokens": draw(st.integers(0, 5_000)),
            "output_tokens_per_request": draw(st.integers(0, 2_000)),
        }
    else:
        workload |= {
            "long_prompt": draw(st.text(min_size=1, max_size=80)),
            "short_prompt": draw(prose),
            "user_message": draw(prose),
            "sample_answer": draw(st.text(min_size=1, max_size=80)),
        }
        workload |= draw(
            st.fixed_dictionaries(
                {},
                optional={
                    "long_prompt_tokens": st.integers(0, 2_000_000),
                    "output_tokens_per_request": st.integers(0, 1_000_000),
                },
            )
        )
    training = {
        "planned_examples": draw(st.integers(10, 100_000)),
        "epochs": draw(st.just("auto") | st.integers(1, 50)),
        "iterations": draw(st.integers(1, 50)),
    }
    if stated or draw(st.booleans()):
        training["tokens_per_example"] = draw(st.integers(1, 20_000))
    else:
        # Any name a scenario may give: a relative path that stays inside the scenario's folder.
        training["dataset"] = draw(st.text(min_size=1, max_size=40).filter(lambda n: dataset_name_problem(n) is None))
    pilot = draw(
        st.fixed_dictionaries(
            {},
            optional={
                "examples": st.integers(10, 100_000),
                "eval_examples": st.integers(1, 100_000),
                "target_accuracy_pct": pct,
                "scoring": st.sampled_from(["exact", "json_fields"]),
                "json_fields": st.lists(st.text(max_size=10), max_size=3),
                "eval_set": st.lists(st.fixed_dictionaries({"input": prose, "expected": prose}), max_size=3),
            },
        )
    )
    doc = {
        "schema_version": 1,
        "name": draw(names),
        "horizon_months": horizon,
        "workload": workload,
        "option": options,
        "training": training,
        "labour": labour,
        "pilot": pilot,
        "quality": {"cost_per_wrong_answer_usd": draw(st.decimals(0, 1000, places=3))},
    }
    doc |= draw(
        st.fixed_dictionaries(
            {},
            optional={
                "description": st.text(max_size=200),
                "as_of": st.dates(dt.date(2023, 1, 1), dt.date(2027, 12, 31)),
                "current_option": st.sampled_from([o["name"] for o in options if not o["model"].startswith("ft:")]),
            },
        )
    )
    return doc


@pytest.mark.slow
@fuzz(300)
@given(doc=scenario_docs())
def test_scenario_round_trips_through_toml_and_links(doc):
    scenario = Scenario.model_validate(doc)
    assert parse_scenario(dump_scenario(scenario)) == scenario
    try:
        link = encode_link(scenario)
    except ScenarioError as exc:  # random text compresses badly: a link may be too long to share, and says so
        assert "share the scenario file instead" in str(exc)
        event("link too long")
        return
    assert decode_link(link) == scenario


@st.composite
def ranged_docs(draw):
    """A valid scenario in which some assumptions are ranges { low, likely, high[, dist] } around their value."""
    doc = copy.deepcopy(draw(scenario_docs()))

    def around(section: dict, key: str, lo, hi, whole: bool = False):
        value = section.get(key)
        if value is None or not draw(st.booleans()):
            return
        number = st.integers if whole else (lambda a, b: st.decimals(a, b, places=2))
        low = draw(number(lo, value))
        high = draw(number(value, hi))
        rng = {"low": low, "likely": value, "high": high}
        dist = draw(st.sampled_from([None, "triangular", "uniform", "pert"]))
        if dist:
            rng["dist"] = dist
        section[key] = rng

    for option in doc["option"]:
        around(option, "accuracy_pct", Decimal(0), Decimal(100))
    around(doc["quality"], "cost_per_wrong_answer_usd", Decimal(0), Decimal(1000))
    around(doc["training"], "iterations", 1, 50, whole=True)
    around(doc["training"], "planned_examples", 10, 10_000_000, whole=True)
    around(doc["labour"], "weeks", 1, 104, whole=True)
    for role in doc["labour"]["role"]:
        around(role, "hours_per_iteration", Decimal(0), Decimal(2000))
    if draw(st.booleans()):
        doc["simulation"] = {"seed": draw(st.integers(0, 2**32 - 1)), "draws": draw(st.integers(100, 200_000))}
    return doc


@pytest.mark.slow
@fuzz(200)
@given(doc=ranged_docs())
def test_ranged_scenario_round_trips_through_toml_and_links(doc):
    scenario = parse_scenario(_toml(doc))  # the inline form a person writes
    again = parse_scenario(dump_scenario(scenario))
    assert again == scenario
    assert Scenario.model_validate(scenario.model_dump()) == scenario  # the app's edit path
    for option, raw in zip(scenario.option, doc["option"], strict=True):
        if isinstance(raw["accuracy_pct"], dict):
            r = option.ranges["accuracy_pct"]
            assert (r.low, option.accuracy_pct, r.high) == (
                raw["accuracy_pct"]["low"],
                raw["accuracy_pct"]["likely"],
                raw["accuracy_pct"]["high"],
            )
    try:
        link = encode_link(scenario)
    except ScenarioError as exc:
        assert "share the scenario file instead" in str(exc)
        return
    assert decode_link(link) == scenario


@pytest.mark.slow
@fuzz(300)
@given(doc=scenario_docs(), path=st.data(), value=json_values)
def test_a_mutated_scenario_is_a_scenario_or_one_scenario_error(doc, path, value):
    # Change one value anywhere in a valid scenario to any JSON-like value, through TOML and through the
    # schema: either it is still valid or the answer is one ScenarioError, never another exception.
    where = path.draw(st.sampled_from([p for p in _paths(doc) if p]))
    mutated = _mutate(doc, where, path.draw(st.sampled_from(["replace", "delete", "insert"])), value)
    try:
        text = _toml(mutated)
    except (TypeError, ValueError):  # a value TOML cannot hold (None...): no file could say it
        return
    try:
        parse_scenario(text, "fuzz.toml")
        event("still valid")
    except ScenarioError as exc:
        assert str(exc).startswith("fuzz.toml")
        event("refused")


def _toml(doc: dict) -> str:
    import tomli_w

    return tomli_w.dumps(doc)


# --- costs ---------------------------------------------------------------------------------------------

PLAN_DATES = st.dates(dt.date(2024, 9, 1), dt.date(2025, 12, 31))


def _money(plan) -> list[Decimal]:
    out = []
    for option in plan.options:
        for month in option.months:
            out += [
                month.input_usd,
                month.cached_input_usd,
                month.output_usd,
                month.wrong_answers_usd,
                month.one_off_usd,
                month.total_usd,
            ]
        if option.one_off:
            x = option.one_off
            out += [x.training_usd_per_run, x.training_usd, x.labour_usd, x.data_prep_usd, x.pilot_usd, x.total_usd]
    if plan.pilot:
        out += [plan.pilot.training_usd, plan.pilot.eval_usd, plan.pilot.labour_usd, plan.pilot.total_usd]
    return out


def _cumulative(plan) -> dict[str, list[Decimal]]:
    return {o.name: o.cumulative_usd for o in plan.options}


def _bump(doc: dict, what: str, by: int) -> dict:
    doc = copy.deepcopy(doc)
    w, t, roles = doc["workload"], doc["training"], doc["labour"]["role"]
    if what == "requests":
        w["requests_per_month"] += by
    elif what == "prompt tokens":
        w["long_prompt_tokens"] += by
        w["short_prompt_tokens"] += by
    elif what == "output tokens":
        w["output_tokens_per_request"] += by
    elif what == "training tokens":
        t["tokens_per_example"] += by
    elif what == "epochs":
        t["epochs"] = min(50, (t["epochs"] if isinstance(t["epochs"], int) else 3) + by)
    elif what == "iterations":
        t["iterations"] = min(50, t["iterations"] + by)
    elif what == "hours":
        for role in roles:
            role["hours_per_iteration"] = min(Decimal(2000), role["hours_per_iteration"] + by)
    return doc


@pytest.mark.slow
@fuzz(150)
@given(
    doc=scenario_docs(stated=True),
    as_of=PLAN_DATES,
    what=st.sampled_from(
        ["requests", "prompt tokens", "output tokens", "training tokens", "epochs", "iterations", "hours"]
    ),
    by=st.integers(1, 1000),
)
def test_plans_never_cost_less_with_more_of_anything(doc, as_of, what, by):
    if what == "epochs" and doc["training"]["epochs"] == "auto":
        doc["training"]["epochs"] = 3  # compare fixed epochs: "auto" depends on the examples, not on this
    try:
        small = engine.plan(Scenario.model_validate(doc), as_of)
    except FtcostError as exc:  # e.g. a fine-tune served on that date whose training is no longer offered
        event(f"plan refused: {type(exc).__name__}")
        return
    event(f"options priced: {len(small.options)}")
    try:
        bigger = Scenario.model_validate(_bump(doc, what, by))
    except ValidationError:  # more requests can compound past 10^12 a month: out of the schema's range
        event("bump out of range")
        return
    big = engine.plan(bigger, as_of)
    for amount in _money(small) + _money(big):
        assert amount.is_finite() and amount >= 0
    assert [o.name for o in small.options] == [o.name for o in big.options]
    for name, costs in _cumulative(small).items():
        assert all(a <= b for a, b in zip(costs, _cumulative(big)[name], strict=True)), (what, name)
    for a, b in zip(small.options, big.options, strict=True):
        assert a.one_off_usd <= b.one_off_usd


def test_a_plan_whose_requests_fall_to_zero_is_still_a_plan():
    # Found by test_plans_never_cost_less_with_more_of_anything: 1 request a month falling 50% a month rounds
    # to 0 from month 3, when the 8-week project's fine-tune goes live; wrong answers have a cost.
    doc = {
        "schema_version": 1,
        "name": "fading",
        "horizon_months": 12,
        "workload": {
            "requests_per_month": 1,
            "monthly_growth_pct": -50,
            "long_prompt_tokens": 1000,
            "short_prompt_tokens": 100,
            "output_tokens_per_request": 10,
        },
        "option": [
            {"name": "Base", "model": "gpt-4o-mini-2024-07-18", "prompt": "long", "accuracy_pct": 80},
            {"name": "FT", "model": "ft:gpt-4o-mini-2024-07-18", "prompt": "short", "accuracy_pct": 90},
        ],
        "training": {"planned_examples": 100, "tokens_per_example": 500},
        "labour": {"weeks": 8, "data_prep_minutes_per_example": 0},
        "quality": {"cost_per_wrong_answer_usd": 1},
    }
    plan = engine.plan(Scenario.model_validate(doc), dt.date(2024, 9, 1))
    assert plan.option("FT").months[2].requests == 0 and plan.option("FT").go_live_month == 3
    assert plan.pilot is not None
    # The fine-tune never serves a request, so no accuracy makes it pay back: the bound stays above 100%
    # or is None, never a division by zero.
    need = plan.pilot.break_even_accuracy_pct
    assert need is None or need >= 0


QUOTE_MODELS = [
    "gpt-4o-mini-2024-07-18",
    "gpt-4o-mini",
    "gpt-3.5-turbo-0125",
    "gpt-4.1-2025-04-14",
    "ft:gpt-4o-mini-2024-07-18",
    "ft:gpt-3.5-turbo-0125:acme::abc123",
    "babbage-002",
    "o4-mini-2025-04-16",
    "ft:o4-mini-2025-04-16",
]
tokens = st.integers(0, 10**12)


@fuzz(400)
@given(
    model=st.sampled_from(QUOTE_MODELS),
    as_of=st.dates(dt.date(2023, 6, 1), dt.date(2026, 6, 30)),
    tier=st.sampled_from(["standard", "batch"]),
    input_tokens=tokens,
    output_tokens=tokens,
    cached_share=st.integers(0, 100),
    training_tokens=tokens,
    epochs=st.integers(1, 50),
    hours=st.decimals(0, 10_000, places=2),
    extra=st.integers(1, 10**9),
    grow=st.sampled_from(["input", "output", "training", "epochs", "hours"]),
)
def test_quotes_are_never_negative_and_never_fall_as_usage_grows(
    model, as_of, tier, input_tokens, output_tokens, cached_share, training_tokens, epochs, hours, extra, grow
):
    cached = input_tokens * cached_share // 100
    args = dict(
        input_tokens=input_tokens,
        cached_input_tokens=cached,
        output_tokens=output_tokens,
        training_tokens=training_tokens,
        epochs=epochs,
        as_of=as_of,
        tier=tier,
    )
    try:
        pricing.quote(model, **args, training_hours=hours)
        with_hours = True
    except NotOfferedError:  # no hourly price (most models): quote without hours
        with_hours = False
    if not with_hours:
        hours = Decimal(0)
    try:
        before = pricing.quote(model, **args, training_hours=hours)
    except FtcostError:  # not offered on that date or tier: said in a sentence, never a crash
        event("not offered")
        return
    bigger = dict(args, training_hours=hours)
    key = {"input": "input_tokens", "output": "output_tokens", "training": "training_tokens", "epochs": "epochs"}.get(
        grow
    )
    if grow == "hours":
        bigger["training_hours"] = hours + extra if with_hours else hours
    elif grow == "epochs":
        bigger["epochs"] = epochs + extra % 50
    else:
        bigger[key] += extra
    try:
        after = pricing.quote(model, **bigger)
    except NotOfferedError:  # e.g. training asked where none is offered: not a cheaper answer either
        event("grown usage not offered")
        return
    event(f"compared ({grow}, hours priced: {with_hours})")
    parts = ("input_usd", "cached_input_usd", "output_usd", "training_usd", "total_usd")
    for q in (before, after):
        for part in parts:
            value = getattr(q, part)
            assert value.is_finite() and value >= 0, part
    assert after.total_usd >= before.total_usd
    for part in parts:
        assert getattr(after, part) >= getattr(before, part), part
