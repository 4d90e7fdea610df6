"""The Live page's last English sentences, in the reader's language (issue 18 follow-up, part 3).

measure's and evaluate's refusals of their inputs, the pilot's refusal of a dataset that fails the checks and
of a file it cannot read, and serving's sentence on the server's own key: each in zh-Hant and zh-Hans has no
English word left once the names it quotes are taken out, and its English is word for word what ftcost has
always said.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from ftcost.errors import FtcostError
from ftcost.i18n import Notice, text
from ftcost.live.evaluate import MAX_EVAL_ITEMS, EvalItem, check_eval_set, score
from ftcost.live.measure import PromptOption, plan_calls
from ftcost.live.pilot import PilotPlan, plan_pilot, run_pilot

DAY = dt.date(2025, 1, 1)
OPTION = PromptOption("GPT-4o mini", "gpt-4o-mini", "Answer briefly.", encoding="o200k_base")
LANGS = ["zh-Hant", "zh-Hans"]


def english_left(sentence: str, *names: str) -> list[str]:
    """The ASCII words left once the names a sentence quotes (fields, ids, file names, JSON, ftcost) are out."""
    for name in sorted({*names, "JSON", "ftcost"}, key=len, reverse=True):
        sentence = sentence.replace(name, " ")
    return re.findall(r"[A-Za-z]+", sentence)


def raised(call) -> FtcostError:
    with pytest.raises(FtcostError) as caught:
        call()
    return caught.value


def assert_reads_in(lang: str, err: FtcostError, english: str, *names: str) -> str:
    assert str(err) == english
    assert isinstance(err.args[0], Notice)
    chinese = text(err.args[0], lang)
    assert re.search(r"[\u4e00-\u9fff]", chinese), chinese
    assert english_left(chinese, *names) == [], chinese
    for name in names:
        if name in english:
            assert name in chinese, (name, chinese)
    return chinese


INPUT_ERRORS = [
    (
        lambda: plan_calls([], ["Hi"], 1, as_of=DAY),
        "Nothing to measure: give at least one option (a model and its prompt).",
        (),
    ),
    (
        lambda: plan_calls([OPTION], ["  ", ""], 1, as_of=DAY),
        "Nothing to measure: the scenario has no sample user message.",
        (),
    ),
    (
        lambda: plan_calls([OPTION], ["Hi"], 0, as_of=DAY),
        "samples must be a whole number from 1 to 1,000, not 0.",
        ("1,000",),
    ),
    (
        lambda: plan_calls([OPTION], ["Hi"], 2.5, as_of=DAY, limit=10_000),
        "samples must be a whole number from 1 to 10,000, not 2.5.",
        ("10,000",),
    ),
    (
        lambda: check_eval_set([], "exact", []),
        "The pilot has no eval set: add [[pilot.eval_set]] entries with input and expected.",
        ("[[pilot.eval_set]]", "input", "expected"),
    ),
    (
        lambda: check_eval_set([EvalItem("a", "b")] * (MAX_EVAL_ITEMS + 1), "exact", []),
        "The eval set has 10,001 items; ftcost evaluates at most 10,000 (the scenario file's limit). Use fewer items.",
        ("10,001", "10,000"),
    ),
    (
        lambda: check_eval_set([EvalItem("a", "b")], "fuzzy", []),
        "Unknown scoring 'fuzzy'; use 'exact' or 'json_fields'.",
        ("'fuzzy'", "'exact'", "'json_fields'"),
    ),
    (
        lambda: check_eval_set([EvalItem("a", "b"), EvalItem(" ", "x")], "exact", []),
        "eval item 2: the input is empty.",
        ("input",),
    ),
    (
        lambda: check_eval_set([EvalItem("a", "{}"), EvalItem("b", "not json")], "json_fields", []),
        "eval item 2: expected is not a JSON object, but scoring is json_fields.",
        ("expected", "json_fields"),
    ),
    (
        lambda: check_eval_set([EvalItem("a", '{"product": "x"}')], "json_fields", ["star_rating", "price"]),
        "eval item 1: expected has no field(s) star_rating, price to compare.",
        ("expected", "star_rating", "price"),
    ),
    (
        lambda: score("{}", "not json", "json_fields"),
        "The expected answer is not a JSON object, so it cannot be scored by JSON fields.",
        (),
    ),
]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(
    "call, english, names",
    INPUT_ERRORS,
    ids=[
        "no-option",
        "no-message",
        "samples",
        "samples-limit",
        "no-eval-set",
        "too-many-items",
        "scoring",
        "empty-input",
        "not-json",
        "no-field",
        "score-not-json",
    ],
)
def test_measure_and_evaluate_refuse_their_inputs_in_chinese(call, english, names, lang):
    assert_reads_in(lang, raised(call), english, *names)


def test_an_eval_item_is_numbered_as_written():
    """Its number is the item's, not a count: no thousands separator in any language."""
    items = [EvalItem("a", "b")] * 1233 + [EvalItem(" ", "x")]
    err = raised(lambda: check_eval_set(items, "exact", []))
    assert str(err) == "eval item 1234: the input is empty."
    assert "1234" in text(err.args[0], "zh-Hant")


@pytest.fixture
def failing_dataset(tmp_path: Path) -> Path:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"messages": [{"role": "user", "content": "hi"}]}\n' * 3)
    return path


@pytest.mark.parametrize("lang", LANGS)
def test_the_pilots_refusal_of_a_failing_dataset_reads_in_chinese(failing_dataset, lang):
    err = raised(lambda: plan_pilot(failing_dataset, "gpt-4o-mini-2024-07-18", as_of=DAY))
    english = (
        "bad.jsonl fails ftcost's checks (example_missing_assistant_message on lines 1, 2, 3; too_few_examples on "
        "the whole file), so it is not uploaded; ftcost's analysis of the file explains each problem and how to "
        "fix it."
    )
    chinese = assert_reads_in(lang, err, english, "bad.jsonl", "example_missing_assistant_message", "too_few_examples")
    assert "1, 2, 3" in chinese
    assert err.value == "bad.jsonl" and err.listing == "dataset_checks"  # the page still points to the Dataset page


def test_more_than_three_failed_checks_are_counted_in_chinese(tmp_path):
    path = tmp_path / "worse.jsonl"
    path.write_text(
        "not json\n"
        '{"messages": [{"role": "user", "content": "hi"}]}\n'
        '{"messages": [{"role": "wizard", "content": "hi"}, {"role": "assistant", "content": "x"}]}\n'
        '{"messages": []}\n'
    )
    err = raised(lambda: plan_pilot(path, "gpt-4o-mini-2024-07-18", as_of=DAY))
    more = len(err.args[0].params["failed"])
    assert more == 3 and re.search(r" and \d+ more kinds\), so it is not uploaded", str(err)), str(err)
    chinese = text(err.args[0], "zh-Hant")
    assert "以及另外" in chinese and " more kinds" not in chinese


@pytest.mark.parametrize("lang", LANGS)
def test_a_pilot_file_that_cannot_be_read_is_said_in_chinese(tmp_path, lang):
    missing = tmp_path / "gone.jsonl"
    plan = PilotPlan(str(missing), "gpt-4o-mini", "gpt-4o-mini-2024-07-18", 1, 10, 1000, DAY)
    err = raised(lambda: run_pilot(None, plan, confirmed=True))
    english = f"{missing}: cannot be read (No such file or directory)."
    assert_reads_in(lang, err, english, str(missing), "No such file or directory")


@pytest.mark.parametrize("lang", LANGS)
def test_the_servers_key_sentence_is_the_librarys_notice_in_chinese(lang):
    from ftcost.live import serving
    from ftcost.views import live as lv

    english = (
        "A key in this server's environment or Streamlit secrets is not offered to visitors unless the operator "
        "enables it (FTCOST_ALLOW_SERVER_KEY=1 in the environment, or FTCOST_ALLOW_SERVER_KEY = true in secrets); "
        "type your own key to spend on your own account."
    )
    assert str(serving.SERVER_KEY_OFF) == english
    chinese = text(serving.SERVER_KEY_OFF, lang)
    names = ("FTCOST_ALLOW_SERVER_KEY", "Streamlit secrets", "secrets", "true")
    assert english_left(chinese, *names) == [] and chinese.count("FTCOST_ALLOW_SERVER_KEY") == 2, chinese
    assert lv.SERVER_KEY_OFF is serving.SERVER_KEY_OFF  # the page has no copy of its own to drift from


@pytest.mark.parametrize("lang", LANGS)
def test_the_fine_tuned_model_field_is_refused_in_chinese(lang):
    """The Evaluate field's two refusals (a name that is not a fine-tune, a fine-tune of another base, with the
    planned bases joined by "or" in the reader's words), and applying a run that measured nothing."""
    from ftcost.live import from_scenario as fs
    from ftcost.live.measure import MeasureReport
    from ftcost.scenario import default_scenario

    scenario = default_scenario()
    err = raised(lambda: fs.select_options(scenario, fine_tuned_model="gpt-4o-mini"))
    english = "'gpt-4o-mini' is not a fine-tuned model's name; it looks like ft:BASE:org:suffix:id."
    assert_reads_in(lang, err, english, "'gpt-4o-mini'", "ft:BASE:org:suffix:id")
    assert err.setting == "fine_tuned_model"

    other = "ft:gpt-4.1-2025-04-14:org::x1"
    err = raised(lambda: fs.select_options(scenario, fine_tuned_model=other))
    bases = ("gpt-4.1-mini-2025-04-14", "gpt-4o-mini-2024-07-18")
    english = f"{other} is not a fine-tune of {bases[0]} or {bases[1]}, the base of the planned fine-tunes."
    chinese = assert_reads_in(lang, err, english, other, *bases)
    assert f"{bases[0]} 或 {bases[1]}" in chinese
    assert err.near == bases

    err = raised(
        lambda: fs.with_measurements(
            scenario, MeasureReport(as_of=DAY, max_output_tokens=16, estimate=None, options=[])
        )
    )
    assert_reads_in(lang, err, "Nothing was measured, so the scenario is left as it was.")
