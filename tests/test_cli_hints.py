"""The command line adds its own flags to the facts ftcost's errors carry; the library's sentences name none.

The wording that used to sit in library messages ("raise --timeout", "pass its model with
--fine-tuned-model", "`ftcost pilot --job ID`") is now the CLI's, built from the errors' fields: these
tests pin that the CLI still says it, end to end.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from conftest import BOARDING, pilot_scenario
from conftest import run_cli as run
from standin_openai import FAKE_KEY

from ftcost.cli import hints
from ftcost.errors import ApiError, FtcostError, InputError, NotOfferedError, UnknownModelError
from ftcost.live import from_scenario as fs

CHAT = "POST /v1/chat/completions"


@pytest.fixture
def scenario(tmp_path: Path) -> Path:
    return pilot_scenario(
        tmp_path / "hints.toml", "Hints", "You are the airline's assistant. Answer in one sentence.", BOARDING, BOARDING
    )


@pytest.fixture
def live(standin, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", FAKE_KEY)
    standin.answer = lambda model, messages: "Boarding starts 30 minutes before departure."
    return standin


def api(standin, timeout: str = "5") -> list[str]:
    return ["--base-url", standin.base_url, "--timeout", timeout, "--max-retries", "0", "--as-of", "2026-11-21"]


# --- end to end: the flag hints the CLI prints -------------------------------------------------------------


def test_no_key_names_the_flag_for_another_variable(standin, scenario, capsys, monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    code, out, err = run(capsys, "measure", str(scenario), "--yes", *api(standin))
    assert code == 2 and out == "" and err.count("\n") == 1
    assert err.startswith("ftcost: No OpenAI API key: set OPENAI_API_KEY in the environment")
    assert "--api-key-env" in err


def test_a_planned_fine_tune_note_names_the_flag_that_includes_it(standin, scenario, capsys):
    code, out, _ = run(capsys, "measure", str(scenario), *api(standin))
    assert code == 0
    assert "planned fine-tune with no model yet" in out and "pass its model with --fine-tuned-model" in out
    code, out, _ = run(capsys, "measure", str(scenario), "--json", *api(standin))
    assert any("--fine-tuned-model" in note for note in json.loads(out)["notes"])


def test_a_fine_tune_of_another_base_names_the_flag(standin, scenario, capsys):
    code, _, err = run(
        capsys, "evaluate", str(scenario), "--fine-tuned-model", "ft:gpt-4o-2024-08-06:org::x1", *api(standin)
    )
    assert code == 2 and "is not a fine-tune of gpt-4o-mini-2024-07-18" in err and "--fine-tuned-model" in err


def test_an_unknown_option_names_the_flag(standin, scenario, capsys):
    code, _, err = run(capsys, "measure", str(scenario), "--option", "GPT-5", *api(standin))
    assert code == 2 and "No option named 'GPT-5'" in err and "Check --option." in err


def test_a_timeout_says_raise_timeout(live, scenario, capsys):
    live.delay[CHAT] = 1.0
    code, _, err = run(capsys, "measure", str(scenario), "--samples", "1", "--yes", *api(live, timeout="0.2"))
    assert code == 2 and "No answer from" in err and "try again later. Raise --timeout to wait longer." in err


def test_a_rate_limit_says_raise_max_retries(live, scenario, capsys):
    live.fail(CHAT, "rate_limit_exceeded", retry_after="0.01")
    code, _, err = run(capsys, "measure", str(scenario), "--samples", "1", "--yes", *api(live))
    assert code == 2 and "Rate limited (429)" in err and "--max-retries" in err


def test_a_job_followed_until_max_wait_says_how_to_follow_it_again(live, scenario, capsys):
    code, out, err = run(capsys, "pilot", str(scenario), "--yes", "--poll", "0.01", "--max-wait", "1e-9", *api(live))
    assert code == 1
    job_id = next(iter(live.jobs))
    assert f"Follow it again later with `ftcost pilot --job {job_id}`." in out
    # the progress line that reports the new job says the same, for a run cut short (Ctrl-C)
    assert f"follow it with --job {job_id}" in err


def test_a_training_file_that_fails_the_checks_names_the_analyze_command(live, scenario, capsys):
    (scenario.parent / "pilot.jsonl").write_text('{"messages": []}\n' * 10, encoding="utf-8")
    code, _, err = run(capsys, "pilot", str(scenario), "--yes", *api(live))
    assert code == 2 and "fails ftcost's checks" in err
    assert "`ftcost analyze pilot.jsonl` explains each problem and how to fix it." in err


def test_an_unknown_model_points_to_the_prices_command(capsys):
    code, _, err = run(capsys, "quote", "zzqqxx-nothing-like-it", "--as-of", "2026-11-21")
    assert code == 2 and "Unknown model 'zzqqxx-nothing-like-it'" in err
    assert "`ftcost prices --history` lists every model ftcost knows." in err


# --- the mapping, fact by fact -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "exc, expected",
    [
        (
            ApiError("Not confirmed: x spends money on the API.", needs_confirmation="spend"),
            "Not confirmed: x spends money on the API. Run the command again with --yes to spend it.",
        ),
        (
            ApiError("The server failed.", job_id="ftjob-1"),
            "The server failed. Follow it again with `ftcost pilot --job ftjob-1`.",
        ),
        (ApiError("Could not connect.", setting="base_url"), "Could not connect. Check --base-url."),
        (InputError("Too many items.", setting="limit"), "Too many items. --limit N evaluates the first N."),
        (
            NotOfferedError(
                "gpt-x pointed to no snapshot on 2025-01-01.",
                value="gpt-x",
                as_of=dt.date(2025, 1, 1),
                listing="alias_history",
            ),
            "gpt-x pointed to no snapshot on 2025-01-01. `ftcost prices --model gpt-x --history` lists the snapshots it "
            "pointed to.",
        ),
        (
            UnknownModelError("Unknown model 'gpt-4o-mimi'; did you mean gpt-4o-mini?", near=("gpt-4o-mini",)),
            "Unknown model 'gpt-4o-mimi'; did you mean gpt-4o-mini?",
        ),  # a near match is the whole answer
        (FtcostError("A plain sentence."), "A plain sentence."),
    ],
)
def test_each_fact_becomes_its_flag(exc, expected):
    assert hints.message(exc) == expected


def test_a_model_shut_down_with_nothing_in_its_place_points_to_that_days_prices():
    from ftcost.errors import ShutDownError

    day = dt.date(2026, 11, 21)
    alone = ShutDownError(
        "gpt-x was shut down on 2026-01-01; ftcost knows no model OpenAI serves in its place on 2026-11-21.",
        model="gpt-x",
        shutdown=dt.date(2026, 1, 1),
        source="s",
        as_of=day,
    )
    assert (alone.listing, alone.as_of) == ("served", day)
    assert hints.hint(alone) == "`ftcost prices --as-of 2026-11-21` lists what is served."
    replaced = ShutDownError(
        "gpt-x was shut down; on 2026-11-21 OpenAI serves gpt-y instead.",
        model="gpt-x",
        shutdown=dt.date(2026, 1, 1),
        source="s",
        as_of=day,
        still_served=("gpt-y",),
    )
    assert hints.hint(replaced) == ""  # the sentence already names what is served


def test_the_skipped_notes_and_progress_words():
    skipped = fs.Skipped("Fine-tuned", "ft:gpt-4o-mini", "no_model")
    assert "--" not in str(skipped)
    assert hints.note(skipped) == f"{skipped} Run the pilot and pass its model with --fine-tuned-model to include it."
    assert hints.note(fs.Skipped("Azure", "gpt-4o", "provider", provider="azure")) == str(
        fs.Skipped("Azure", "gpt-4o", "provider", provider="azure")
    )
    assert (
        hints.progress_line("created ftjob-9 (queued)", "ftjob-9")
        == "created ftjob-9 (queued); follow it with --job ftjob-9"
    )
    assert hints.progress_line("status: running", None) == "status: running"


def test_every_error_keeps_its_facts_across_pickling():
    # Streamlit caches and worker processes pickle errors; the facts must survive for the edges to word them.
    import pickle

    err = InputError("x is not a fine-tune of y.", value="x", near=["y"], setting="fine_tuned_model")
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is InputError and str(back) == str(err)
    assert (back.value, back.near, back.setting, back.job_id) == ("x", ("y",), "fine_tuned_model", None)
    plain = pickle.loads(pickle.dumps(FtcostError("plain")))
    assert (str(plain), plain.setting, plain.near) == ("plain", None, ())


def test_a_run_stopped_midway_keeps_the_error_whose_facts_each_edge_words(live):
    from ftcost.live.client import LiveConfig, connect
    from ftcost.live.measure import PromptOption, run_measure
    from ftcost.views import live as lv

    def progress(p):
        if p.done == 1 and p.stage == "measure" and p.message != "done":
            live.fail(CHAT, "rate_limit_exceeded", retry_after="0.01")

    client = connect(FAKE_KEY, LiveConfig(base_url=live.base_url, timeout=5, max_retries=0))
    options = [PromptOption("Mini", "gpt-4o-mini", "Answer briefly.")]
    report = run_measure(
        client,
        options,
        ["When does boarding start?"],
        3,
        confirmed=True,
        as_of=dt.date(2026, 11, 21),
        progress=progress,
    )
    assert report.stopped.startswith("Stopped after 1 of 3 calls: Rate limited (429)")
    assert report.stopped_by is not None and report.stopped_by.setting == "max_retries"
    assert "--" not in report.stopped
    assert hints.stopped(report.stopped, report.stopped_by).endswith("Raising --max-retries retries longer.")
    assert lv.stopped_text(report) == report.stopped  # the page offers no retries setting: the sentence stands
