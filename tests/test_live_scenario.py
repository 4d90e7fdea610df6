"""`ftcost.live.from_scenario`: which options are called with which prompt, and measurements written back."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ftcost.errors import FtcostError, InputError
from ftcost.live import from_scenario as fs
from ftcost.scenario import gallery, load_scenario


@pytest.fixture
def reviews():
    return load_scenario(gallery()["reviews"])


@pytest.mark.parametrize(
    "model, placeholder",
    [
        ("ft:gpt-4o-mini", True),
        ("ft:gpt-3.5-turbo-0613", True),
        ("ft:gpt-4o-mini-2024-07-18:acme::Ab12", False),
        ("ft:gpt-4o-mini-2024-07-18:acme:support:Ab12", False),
        ("gpt-4o-mini", False),
    ],
)
def test_placeholder_fine_tunes(model, placeholder):
    assert fs.is_placeholder(model) is placeholder


def test_base_options_get_the_long_prompt_and_planned_fine_tunes_wait_for_the_pilot(reviews):
    options, notes = fs.prompt_options(reviews)
    assert [(o.name, o.model) for o in options] == [("GPT-3.5 Turbo", "gpt-3.5-turbo"), ("GPT-4 8K", "gpt-4")]
    assert all(o.system_prompt == reviews.workload.long_prompt for o in options)
    # The library says what is missing as a fact (reason "no_model"); the flag that supplies it is the CLI's word.
    assert len(notes) == 1 and "planned fine-tune with no model yet" in notes[0] and "--" not in notes[0]
    assert [(s.name, s.reason) for s in fs.select_options(reviews).skipped] == [
        ("Fine-tuned GPT-3.5 Turbo", "no_model")
    ]


def test_the_pilots_model_stands_in_for_the_planned_fine_tune(reviews):
    ft = "ft:gpt-3.5-turbo-0613:acme::Ab12Cd34"
    options, notes = fs.prompt_options(reviews, fine_tuned_model=ft, names=["Fine-tuned GPT-3.5 Turbo"])
    assert notes == [] and [(o.model, o.system_prompt) for o in options] == [(ft, reviews.workload.short_prompt)]
    with pytest.raises(InputError, match="is not a fine-tune of gpt-3.5-turbo-0613") as err:
        fs.prompt_options(reviews, fine_tuned_model="ft:gpt-4o-mini-2024-07-18:acme::x")
    # the facts an edge words: which input, the value given, and the bases that would fit
    assert (err.value.setting, err.value.value, err.value.near) == (
        "fine_tuned_model",
        "ft:gpt-4o-mini-2024-07-18:acme::x",
        ("gpt-3.5-turbo-0613",),
    )
    assert "--" not in str(err.value)


def test_a_name_that_is_not_a_fine_tune_is_refused_for_the_cli_and_the_app_alike(reviews):
    # One rule: the app used to refuse "gpt-3.5-turbo-0613" itself while the library called the base model
    # in the fine-tune's place; now the library refuses it for both.
    with pytest.raises(InputError, match="'gpt-3.5-turbo-0613' is not a fine-tuned model's name") as err:
        fs.select_options(reviews, fine_tuned_model="gpt-3.5-turbo-0613")
    assert err.value.setting == "fine_tuned_model"
    # surrounding spaces (a pasted name) are not part of it
    ft = "ft:gpt-3.5-turbo-0613:acme::Ab12Cd34"
    called = {o.name: o.model for o in fs.select_options(reviews, fine_tuned_model=f"  {ft} ").options}
    assert called["Fine-tuned GPT-3.5 Turbo"] == ft


def test_unknown_option_names_list_the_known_ones(reviews):
    with pytest.raises(
        FtcostError,
        match="No option named 'GPT-5'; the scenario has 'Fine-tuned GPT-3.5 Turbo', 'GPT-3.5 Turbo', 'GPT-4 8K'",
    ):
        fs.prompt_options(reviews, names=["GPT-5"])
    with pytest.raises(FtcostError, match="No option left to call"):
        fs.prompt_options(reviews, names=["Fine-tuned GPT-3.5 Turbo"])


def test_eval_set_and_pilot_inputs(reviews):
    items, scoring, fields = fs.eval_set(reviews, limit=1)
    assert len(items) == 1 and items[0].input == reviews.pilot.eval_set[0].input
    assert (scoring, fields) == ("json_fields", ["product", "star_rating"])
    path, model, epochs = fs.pilot_inputs(reviews, gallery()["reviews"])
    assert path.name == "train.jsonl" and path.exists() and model == "gpt-3.5-turbo-0613" and epochs is None


def test_measured_accuracy_is_written_back_validated(reviews):
    updated = fs.with_accuracy(reviews, {"GPT-4 8K": Decimal("87.5")})
    assert [o.accuracy_pct for o in updated.option] == [Decimal(90), Decimal(99), Decimal("87.5")]
    assert reviews.option[2].accuracy_pct == Decimal(93)  # the original is untouched
    with pytest.raises(FtcostError, match="accuracy_pct"):
        fs.with_accuracy(reviews, {"GPT-4 8K": Decimal(140)})


def test_a_pilot_model_stands_in_only_for_its_own_base():
    from ftcost.scenario import default_scenario

    airport = default_scenario()  # plans fine-tunes of gpt-4.1-mini-2025-04-14 and gpt-4o-mini-2024-07-18
    ft = "ft:gpt-4o-mini-2024-07-18:acme::Zz9"
    options, notes = fs.prompt_options(airport, fine_tuned_model=ft)
    called = {o.name: o.model for o in options}
    assert called["Fine-tuned GPT-4o mini"] == ft
    assert "Fine-tuned GPT-4.1 mini" not in called
    assert (
        f"Option 'Fine-tuned GPT-4.1 mini' (ft:gpt-4.1-mini-2025-04-14) is left out: {ft} fine-tunes another base."
        in notes
    )
    # Options another provider serves are not called (the live check calls OpenAI), each said once.
    elsewhere = [o.name for o in airport.option if o.provider_id != "openai"]
    assert elsewhere and not set(elsewhere) & set(called)
    assert len(notes) == 1 + len(elsewhere) and all(any(repr(n) in note for note in notes) for n in elsewhere)
    with pytest.raises(FtcostError, match="is not a fine-tune of gpt-4.1-mini-2025-04-14 or gpt-4o-mini-2024-07-18"):
        fs.prompt_options(airport, fine_tuned_model="ft:gpt-4.1-2025-04-14:acme::x")
