"""`ftcost analyze FILE` with no --model: the model OpenAI takes new fine-tuning jobs on, on the --as-of date.

The cookbook's gpt-3.5-turbo-0125 was the default until it was shut down (2026-10-23); after that a run with no
--model counted for a model nobody could fine-tune any more and left training unpriced. The default is now what
`pricing.default_fine_tune` says for the day; on a day OpenAI takes no new job on any model, the file is still
counted and one sentence says so and how to price training elsewhere.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest

from ftcost import pricing
from ftcost.cli import analyze as cli_analyze
from ftcost.cli import main
from ftcost.dataset import DEFAULT_MODEL
from ftcost.models import load_models
from ftcost.pricing.lifecycle import _decide
from ftcost.pricing.store import current
from ftcost.replacements import DefaultFineTune, countable

SAMPLE = str(Path(__file__).parent / "data" / "datasets" / "tools_valid.jsonl")
OPEN_DAY, CLOSED_DAY = "2026-12-02", "2027-02-01"  # OpenAI takes new jobs until 2027-01-06 (exclusive)
CLOSED_SENTENCE = "no OpenAI model takes new fine-tuning jobs on 2027-02-01"


def analyze(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["analyze", SAMPLE, *args])
    out, err = capsys.readouterr()
    return code, out, err


def analyze_json(capsys, *args: str) -> dict:
    code, out, err = analyze(capsys, *args, "--json")
    assert code == 0 and err == ""
    return json.loads(out)


def test_today_the_default_is_a_model_open_for_fine_tuning_and_training_is_priced(capsys):
    doc = analyze_json(capsys, "--as-of", OPEN_DAY)
    day = dt.date.fromisoformat(OPEN_DAY)
    assert doc["model"] != DEFAULT_MODEL  # the cookbook's model was shut down on 2026-10-23
    assert pricing.can_create_job(doc["model"], day).allowed
    assert doc["default_model"] == {
        "model": doc["model"],
        "from": DEFAULT_MODEL,
        "as_of": OPEN_DAY,
        "takes_new_jobs": True,
        "last_day_of_new_jobs": None,
    }
    usd, rate = pricing.training_cost(doc["model"], doc["charged_tokens"], day)
    assert Decimal(doc["training_cost_usd"]) == usd > 0
    assert "per 1M training tokens, prices of 2026-12-02" in doc["training_cost_note"]
    # The summary names the model in its first line, prices the training and says why the model was chosen.
    code, out, _ = analyze(capsys, "--as-of", OPEN_DAY)
    assert code == 0
    assert f"for {doc['model']} (o200k_base)" in out.splitlines()[0]
    (line,) = [x for x in out.splitlines() if x.strip().startswith("training cost")]
    assert "not priced" not in line and "$" in line
    assert f"No --model: counted for {doc['model']}, which OpenAI fine-tunes on 2026-12-02 in place of" in out


def test_while_the_cookbooks_model_takes_jobs_it_is_the_default_as_before(capsys):
    doc = analyze_json(capsys, "--as-of", "2024-06-01")
    assert doc["model"] == DEFAULT_MODEL and doc["encoding"] == "cl100k_base"
    assert doc["default_model"]["takes_new_jobs"] is True
    assert Decimal(doc["training_cost_usd"]) == Decimal(doc["charged_tokens"]) * 8 / 1_000_000
    assert not any("No --model" in note for note in doc["notes"])  # nothing to explain
    assert analyze_json(capsys, "--as-of", "2024-06-01", "--model", DEFAULT_MODEL)["default_model"] is None


def test_when_no_openai_model_takes_jobs_the_file_is_still_counted_and_one_sentence_says_so(capsys):
    doc = analyze_json(capsys, "--as-of", CLOSED_DAY)
    assert doc["examples"] == 10 and doc["valid"] and doc["billing_tokens"] > 0 and doc["stats"]
    assert doc["model"] in load_models() and doc["default_model"]["model"] == doc["model"]
    assert doc["default_model"]["takes_new_jobs"] is False
    assert doc["default_model"]["last_day_of_new_jobs"] == "2027-01-05"
    assert pricing.fine_tunable_models(dt.date(2027, 2, 1)) == []  # the premise: nobody takes jobs that day
    assert doc["training_cost_usd"] is None
    note = doc["training_cost_note"]
    assert note.startswith(CLOSED_SENTENCE) and f"counted for {doc['model']}" in note
    assert "--model" in note and "ftcost prices --provider P" in note
    # the counts are those of the model it names, as if named with --model
    named = analyze_json(capsys, "--as-of", CLOSED_DAY, "--model", doc["model"])
    assert (named["billing_tokens"], named["stats"]) == (doc["billing_tokens"], doc["stats"])

    code, out, _ = analyze(capsys, "--as-of", CLOSED_DAY)
    assert code == 0 and out.count(CLOSED_SENTENCE) == 1
    assert f"for {doc['model']} (o200k_base)" in out.splitlines()[0]
    (line,) = [x for x in out.splitlines() if x.strip().startswith("training cost")]
    assert "not priced: " + CLOSED_SENTENCE in line


@pytest.mark.parametrize(
    "lang, says",
    [
        ("zh-Hant", "2027-02-01 沒有任何 OpenAI 模型接受新的微調工作"),
        ("zh-Hans", "2027-02-01 没有任何 OpenAI 模型接受新的微调任务"),
    ],
)
def test_the_sentences_are_in_the_chosen_language(capsys, lang, says):
    code, out, _ = analyze(capsys, "--as-of", CLOSED_DAY, "--lang", lang)
    assert code == 0 and says in out and "no OpenAI model" not in out
    code, out, _ = analyze(capsys, "--as-of", OPEN_DAY, "--lang", lang)
    assert code == 0 and "No --model" not in out and "cookbook" in out


def test_the_help_says_what_the_default_is_and_names_no_model(capsys):
    with pytest.raises(SystemExit):
        main(["analyze", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "default: the model OpenAI takes new fine-tuning jobs on, on the --as-of date" in text
    assert [m for m in load_models() if m in text] == []  # no snapshot id, so none that will be shut down


def _days_anything_changes() -> list[dt.date]:
    days = {dt.date(2022, 1, 1), dt.date(2030, 1, 1)}
    for m in load_models().values():
        for day in (m.released, m.fine_tuning_from, m.fine_tuning_until, m.shutdown):
            if day:
                days |= {day - dt.timedelta(days=1), day, day + dt.timedelta(days=1)}
    days |= {e.date for e in current(None).events}
    return sorted(days)


def test_the_hint_read_before_the_scan_is_the_pricing_layers_answer_on_every_day_either_can_change():
    d = current(None)
    listed = cli_analyze.listed_rows()
    assert listed is not None and listed.keys() == load_models().keys()
    for day in _days_anything_changes():
        assert cli_analyze.hinted_default(day) == cli_analyze.validated_default(day), day
        for mid, m in d.models.items():  # the window rule the hint reads is the job rule, model by model
            assert cli_analyze._window_holds(listed[mid], day) == _decide(d, m, day, None).allowed, (mid, day)


def test_the_pricing_default_takes_jobs_exactly_when_some_model_does():
    for day in _days_anything_changes():
        chosen = pricing.default_fine_tune(DEFAULT_MODEL, day)
        open_models = [m for m in pricing.fine_tunable_models(day) if countable(m)]
        assert chosen.takes_jobs == bool(open_models), day
        if chosen.takes_jobs:
            assert pricing.can_create_job(chosen.model, day).allowed and chosen.last_day is None
        elif chosen.last_day is not None:
            assert chosen.last_day < day and pricing.can_create_job(chosen.model, chosen.last_day).allowed


def test_when_the_hint_differs_the_pricing_layers_model_is_counted(capsys, monkeypatch):
    wrong = DefaultFineTune(DEFAULT_MODEL, DEFAULT_MODEL, dt.date(2026, 12, 2), True)
    monkeypatch.setattr(cli_analyze, "hinted_default", lambda as_of: wrong)
    doc = analyze_json(capsys, "--as-of", OPEN_DAY)
    assert doc["model"] == pricing.default_fine_tune(DEFAULT_MODEL, dt.date(2026, 12, 2)).model != DEFAULT_MODEL
    assert doc["encoding"] == "o200k_base" and doc["training_cost_usd"] is not None
