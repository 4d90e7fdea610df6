"""`ftcost.live.evaluate`: scoring rules, and accuracy per option measured through the stand-in."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from standin_openai import FAKE_KEY

from ftcost.errors import ApiError, FtcostError
from ftcost.live.client import LiveConfig, connect
from ftcost.live.evaluate import EvalItem, check_eval_set, estimate_evaluate, run_evaluate, score
from ftcost.live.measure import PromptOption

DAY = dt.date(2026, 11, 21)
FT = "ft:gpt-4o-mini-2024-07-18:standin::Ab12Cd34"
LONG = (
    'Extract product and star_rating as JSON. Example: \'Great pen, 5 stars\' -> {"product": "pen", "star_rating": 5}'
)
SHORT = "Review to JSON."


@pytest.mark.parametrize(
    "answer, expected, scoring, fields, ok, why",
    [
        ("Gate B12", "Gate B12", "exact", (), True, ""),
        ("  Gate B12\n", "Gate B12", "exact", (), True, ""),
        ("gate b12", "Gate B12", "exact", (), False, "differs from the expected answer"),
        (
            '{"product": "Desk Chair ", "star_rating": 2}',
            '{"product": "desk chair", "star_rating": 2}',
            "json_fields",
            ("product", "star_rating"),
            True,
            "",
        ),
        (
            '```json\n{"product": "chair", "star_rating": 2.0}\n```',
            '{"product": "chair", "star_rating": 2}',
            "json_fields",
            ("product", "star_rating"),
            True,
            "",
        ),
        (
            '{"product": "chair", "star_rating": 3}',
            '{"product": "chair", "star_rating": 2}',
            "json_fields",
            ("product", "star_rating"),
            False,
            "field(s) differ: star_rating",
        ),
        (
            '{"product": "chair"}',
            '{"product": "chair", "star_rating": 2}',
            "json_fields",
            ("star_rating",),
            False,
            "field(s) differ: star_rating",
        ),
        (
            '{"product": "chair", "extra": 1}',
            '{"product": "chair", "likes": []}',
            "json_fields",
            ("product",),
            True,
            "",
        ),
        (
            '{"product": "chair", "likes": ["x"]}',
            '{"product": "chair", "likes": []}',
            "json_fields",
            (),
            False,
            "field(s) differ: likes",
        ),
        ('{"a": {"b": true}}', '{"a": {"b": 1}}', "json_fields", ("a.b",), False, "field(s) differ: a.b"),
        ('{"a": {"b": true}}', '{"a": {"b": true}}', "json_fields", ("a.b",), True, ""),
        (
            "The product is a chair.",
            '{"product": "chair"}',
            "json_fields",
            ("product",),
            False,
            "the answer is not a JSON object",
        ),
        ("[1, 2]", '{"product": "chair"}', "json_fields", ("product",), False, "the answer is not a JSON object"),
    ],
)
def test_score(answer, expected, scoring, fields, ok, why):
    assert score(answer, expected, scoring, fields) == (ok, why)


@pytest.mark.parametrize(
    "items, scoring, fields, problem",
    [
        ([], "exact", [], "no eval set"),
        ([EvalItem(" ", "x")], "exact", [], "eval item 1: the input is empty"),
        (
            [EvalItem("a", "{}"), EvalItem("b", "not json")],
            "json_fields",
            [],
            "eval item 2: expected is not a JSON object",
        ),
        ([EvalItem("a", '{"product": "x"}')], "json_fields", ["star_rating"], "eval item 1: expected has no field"),
        ([EvalItem("a", "b")], "fuzzy", [], "Unknown scoring 'fuzzy'"),
    ],
)
def test_eval_set_problems_are_refused_before_spending(items, scoring, fields, problem):
    with pytest.raises(FtcostError, match=problem):
        check_eval_set(items, scoring, fields)


ITEMS = [
    EvalItem("This desk chair gets 2 stars from me.", '{"product": "desk chair", "star_rating": 2}'),
    EvalItem("Five stars for this blender!", '{"product": "blender", "star_rating": 5}'),
    EvalItem("The kettle is fine, 3 stars.", '{"product": "kettle", "star_rating": 3}'),
]
OPTIONS = [
    PromptOption("GPT-4o mini", "gpt-4o-mini", LONG, encoding="o200k_base"),
    PromptOption("Fine-tuned GPT-4o mini", FT, SHORT, encoding="o200k_base"),
]
GOOD = {
    ITEMS[0].input: '{"product": "desk chair", "star_rating": 2}',
    ITEMS[1].input: '{"product": "Blender", "star_rating": 5}',
    ITEMS[2].input: '{"product": "kettle", "star_rating": 3}',
}


def answer(model, messages):
    text = GOOD[messages[-1]["content"]]
    if model == "gpt-4o-mini" and "kettle" in text:
        return "It is a kettle with 3 stars."  # the base model misses the format once
    return text


def test_accuracy_per_option(standin):
    standin.answer = answer
    standin.fine_tuned.add(FT)
    client = connect(FAKE_KEY, LiveConfig(base_url=standin.base_url, timeout=5.0))
    report = run_evaluate(
        client,
        OPTIONS,
        ITEMS,
        confirmed=True,
        as_of=DAY,
        scoring="json_fields",
        fields=["product", "star_rating"],
        pricer=lambda *a: Decimal(0),
    )
    assert report.accuracy() == {"GPT-4o mini": Decimal("66.7"), "Fine-tuned GPT-4o mini": Decimal("100.0")}
    base = report.options[0]
    assert [a.correct for a in base.answers] == [True, True, False]
    assert base.answers[2].reason == "the answer is not a JSON object"
    # the base options were sent the long prompt, the fine-tune the short one, each item once
    sent = [(b["model"], b["messages"][0]["content"], b["messages"][1]["content"]) for b in standin.bodies]
    assert sent == [("gpt-4o-mini", LONG, i.input) for i in ITEMS] + [(FT, SHORT, i.input) for i in ITEMS]
    doc = json.loads(json.dumps(report.to_dict()))
    assert doc["accuracy_pct"] == {"GPT-4o mini": "66.7", "Fine-tuned GPT-4o mini": "100.0"}


def test_estimate_and_confirmation(standin):
    client = connect(FAKE_KEY, LiveConfig(base_url=standin.base_url, timeout=5.0))
    estimate = estimate_evaluate(
        OPTIONS, ITEMS, as_of=DAY, scoring="exact", max_output_tokens=50, pricer=lambda *a: Decimal("0.01")
    )
    assert estimate.calls == 6 and estimate.total_usd == Decimal("0.02")
    with pytest.raises(ApiError, match="Not confirmed"):
        run_evaluate(client, OPTIONS, ITEMS, confirmed=False, as_of=DAY, pricer=lambda *a: Decimal(0))
    assert standin.requests == []


def test_unknown_fine_tuned_model_is_a_404_sentence(standin):
    client = connect(FAKE_KEY, LiveConfig(base_url=standin.base_url, timeout=5.0))
    with pytest.raises(ApiError, match=f"Not found \\(404\\) while calling {FT}"):
        run_evaluate(client, OPTIONS[1:], ITEMS, confirmed=True, as_of=DAY, pricer=lambda *a: Decimal(0))


def test_eval_sets_up_to_the_scenario_files_limit_are_estimated_and_larger_ones_refused_truly():
    from ftcost.live.evaluate import MAX_EVAL_ITEMS
    from ftcost.scenario import Pilot

    limit = next(m.max_length for m in Pilot.model_fields["eval_set"].metadata if hasattr(m, "max_length"))
    assert limit == MAX_EVAL_ITEMS  # what a scenario file may hold, ftcost evaluates
    option = [PromptOption("GPT-4o mini", "gpt-4o-mini", "Answer briefly.")]
    items = [EvalItem(f"Question {i}?", "Yes.") for i in range(1, 1_502)]
    estimate = estimate_evaluate(option, items, as_of=DAY)
    assert estimate.calls == 1_501
    with pytest.raises(FtcostError) as refused:
        estimate_evaluate(option, items * 7, as_of=DAY)
    message = str(refused.value)
    assert "10,507 items" in message and "at most 10,000" in message and "samples" not in message
