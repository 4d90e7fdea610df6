"""ftcost.views.live without Streamlit: which key is used, job progress, cutoff sentences, tables and sentences.

Expected values are hand-countable (a 3-token difference on 103 tokens is +2.91%) or read from the pricing
data's own dates; the page itself is tested through AppTest in tests/test_app_live.py.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from ftcost import i18n
from ftcost.errors import ApiError, FtcostError, InputError
from ftcost.i18n import N_, Notice
from ftcost.live import ChatCall, PilotResult, Progress, SpendEstimate, serving
from ftcost.live import from_scenario as fs
from ftcost.live.chat import OptionEstimate
from ftcost.live.measure import MeasuredCall, MeasureReport, OptionMeasurement
from ftcost.models import get_model
from ftcost.scenario import default_scenario
from ftcost.views import live as lv
from ftcost.views import live_pilot as lp

DAY = dt.date(2026, 11, 21)


@pytest.mark.parametrize(
    "field, server_key, enabled, expected",
    [
        (True, "secrets", True, "field"),  # typed on purpose: it wins
        (False, "secrets", True, "secrets"),
        (False, "environment", True, "environment"),
        (False, "environment", False, None),  # the operator has not let visitors spend it
        (False, None, True, None),
    ],
)
def test_the_key_comes_from_the_field_else_the_servers_only_when_enabled(field, server_key, enabled, expected):
    policy = serving.Policy(allow_server_key=enabled)
    assert serving.decide("", in_field=field, server_key=server_key, policy=policy).source == expected


def test_the_connection_sentence_names_the_source_and_server_never_a_key():
    policy = serving.policy_from({})
    none = serving.decide("", in_field=False, server_key="environment", policy=policy)
    assert lv.connection_sentence(none).startswith("No key yet.")
    assert "OpenAI (`api.openai.com`)" in lv.connection_sentence(none)
    assert "FTCOST_ALLOW_SERVER_KEY=1" in lv.connection_sentence(none)  # says how the operator enables it
    assert lv.not_ready(none) == lv.NEEDS_KEY
    policy = serving.policy_from(
        {"FTCOST_ALLOW_SERVER_KEY": "1", "FTCOST_ALLOWED_BASE_URLS": "http://localhost:8000/v1/"}
    )
    env = serving.decide("http://LOCALHOST:8000/v1", in_field=False, server_key="environment", policy=policy)
    assert lv.connection_sentence(env) == (
        "Using the server's key from its environment (OPENAI_API_KEY), which its "
        "operator lets visitors spend. Calls go to `http://localhost:8000/v1`."
    )
    elsewhere = serving.decide("https://elsewhere.example/v1", in_field=False, server_key="environment", policy=policy)
    assert not elsewhere.ready and "type your own key" in lv.not_ready(elsewhere)
    assert "Calls go" not in lv.connection_sentence(elsewhere)  # the warning says why no call goes anywhere
    field = serving.decide("https://elsewhere.example/v1", in_field=True, server_key="environment", policy=policy)
    assert lv.connection_sentence(field) == (
        "Using the key typed in the field above. Calls go to `https://elsewhere.example/v1`."
    )


def _status(status: str) -> Progress:
    """A status report as ftcost.live.pilot makes it."""
    return Progress("job", Notice(N_("status: {status}"), status=status), kind="status", status=status)


def _event(text: str) -> Progress:
    return Progress("job", text, kind="event")  # a job event: the server's own text


def _pilot_steps() -> list[Progress]:
    """The reports of a pilot from upload to success, built as ftcost.live.pilot builds them."""
    return [
        Progress(
            "upload", Notice(N_("uploading {name} ({size} bytes)"), name="train.jsonl", size=1000), kind="uploading"
        ),
        Progress("upload", Notice(N_("uploaded as {file}"), file="file-abc"), kind="uploaded"),
        Progress(
            "job",
            Notice(
                N_("created {job} ({status}); it keeps running at OpenAI if this is interrupted"),
                job="ftjob-1",
                status="validating_files",
            ),
            job_id="ftjob-1",
            kind="created",
        ),
        _status("validating_files"),
        _status("queued"),
        _status("running"),
        _event("[info] Step 21/42: training loss=0.12"),
        _event("[info] Files validated"),  # no news on progress: the bar stays
        _status("succeeded"),
    ]


def test_job_progress_follows_the_stages_and_never_goes_back():
    tracker = lp.JobProgress()
    steps = _pilot_steps()
    assert [str(p.message) for p in steps[:4]] == [  # the English the CLI prints, word for word
        "uploading train.jsonl (1,000 bytes)",
        "uploaded as file-abc",
        "created ftjob-1 (validating_files); it keeps running at OpenAI if this is interrupted",
        "status: validating_files",
    ]
    updates = [tracker.update(p) for p in steps]
    fractions = [fraction for fraction, _, _ in updates]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert fractions[:6] == [0.05, 0.1, 0.15, 0.2, 0.3, 0.4]
    assert fractions[6] == pytest.approx(0.4 + 0.55 * 21 / 42)
    assert fractions[7] == fractions[6]
    assert tracker.update(_event("[info] Step 1/42"))[0] == 1.0  # a late event cannot move it back
    assert tracker.update(_status("succeeded"))[1] == "succeeded · status: succeeded"
    assert updates[3][1] == "validating files · status: validating_files"  # the bar's words
    assert tracker.job_id == "ftjob-1"
    assert "--job" not in updates[2][2] and "follow it again with its id" in updates[2][2]  # the app's words
    assert updates[6][2] == lp.inert(steps[6].message)  # OpenAI's event text, made inert for Markdown


def test_job_progress_reads_the_reports_kind_not_its_words():
    """A report is recognised by its kind: an event whose (server's) text looks like ftcost's own status line
    moves nothing, and a status report moves the bar whatever language its sentence is shown in."""
    tracker = lp.JobProgress()
    assert tracker.update(_event("status: succeeded"))[0] == 0.0 and tracker.status == "starting"
    assert tracker.update(_event("uploading everything"))[0] == 0.0
    assert tracker.update(_status("queued"))[0] == 0.3 and tracker.status == "queued"


def test_job_progress_in_traditional_chinese():
    from test_live_client import _english_left

    with i18n.use("zh-Hant"):
        tracker = lp.JobProgress()
        updates = [tracker.update(p) for p in _pilot_steps()]
    fractions = [fraction for fraction, _, _ in updates]
    assert fractions[:6] == [0.05, 0.1, 0.15, 0.2, 0.3, 0.4] and fractions[-1] == 1.0
    bars, lines = [bar for _, bar, _ in updates], [line for _, _, line in updates]
    assert bars[0] == "開始中 · 正在上傳 train.jsonl（1,000 位元組）"
    assert lines[1] == "已上傳為 file-abc"
    assert lines[3] == "狀態：validating_files"  # OpenAI's word for the status, as the API spells it
    assert bars[4] == "排隊中 · 狀態：queued"
    assert bars[-1] == "成功 · 狀態：succeeded"
    assert lines[2].startswith("已建立任務 ftjob-1。")
    for line in (*bars[:6], *lines[:6], bars[-1]):
        assert (
            _english_left(
                line, "train.jsonl", "file-abc", "ftjob-1", "validating_files", "queued", "running", "succeeded", "ID"
            )
            == []
        ), line


def test_after_the_close_no_job_can_start_and_the_sentence_says_from_when():
    until = get_model("gpt-4o-mini-2024-07-18").fine_tuning_until
    cutoff = lp.job_cutoff("gpt-4o-mini", until)
    assert not cutoff.allowed
    assert f"OpenAI accepts none from anyone from {until.isoformat()}" in cutoff.message
    assert lp.job_cutoff("gpt-4o-mini", until - dt.timedelta(days=1)).allowed


def test_during_the_wind_down_the_organisation_limits_are_named():
    cutoff = lp.job_cutoff("gpt-4o-mini", dt.date(2026, 6, 1))
    assert cutoff.allowed
    assert "since 2026-05-07, organisations that have never fine-tuned" in cutoff.message
    assert "2026-07-02" not in cutoff.message  # not yet in force on that day
    assert lp.job_cutoff("gpt-4o-mini", dt.date(2026, 4, 1)) == lp.JobCutoff(True, "")


def test_a_model_that_cannot_be_fine_tuned_says_why():
    cutoff = lp.job_cutoff("gpt-4-0613", DAY)
    assert not cutoff.allowed and cutoff.message.startswith("No new fine-tuning job can be started for gpt-4-0613")


def test_a_fine_tuned_model_is_called_for_its_own_base_only():
    scenario = default_scenario()  # two planned fine-tunes: GPT-4.1 mini and GPT-4o mini
    options, notes = lv.call_options(scenario, "ft:gpt-4o-mini-2024-07-18:org::abc")
    by_name = {o.name: o for o in options}
    assert by_name["Fine-tuned GPT-4o mini"].model == "ft:gpt-4o-mini-2024-07-18:org::abc"
    assert by_name["Fine-tuned GPT-4o mini"].system_prompt == scenario.workload.short_prompt
    assert (
        "Fine-tuned GPT-4.1 mini" not in by_name and "Fine-tuned GPT-4.1 mini (ft:gpt-4.1-mini-2025-04-14)" in notes[0]
    )
    assert all(o.system_prompt == scenario.workload.long_prompt for o in options if not o.model.startswith("ft:"))

    base_only, notes = lv.call_options(scenario, "")
    assert not any(o.model.startswith("ft:") for o in base_only) and len(notes) == 2
    # Options another provider serves are never called here, and the page says so.
    assert notes[-1].startswith("Served by another provider") and "Together" in notes[-1]
    assert not any(o.name.startswith(("Azure", "Together", "Fireworks", "Self-hosted")) for o in options + base_only)
    with pytest.raises(FtcostError, match="not a fine-tuned model's name"):
        lv.call_options(scenario, "gpt-4o-mini")
    with pytest.raises(FtcostError, match="gpt-4.1-mini-2025-04-14 or gpt-4o-mini-2024-07-18"):
        lv.call_options(scenario, "ft:gpt-4o-2024-08-06:org::x")


def _estimate(note: str = "") -> SpendEstimate:
    return SpendEstimate([OptionEstimate("A", "gpt-4o-mini", 2, 100, 2048, None if note else Decimal("0.0123"), note)])


def test_the_estimate_table_and_button_words():
    table = lv.estimate_frame(_estimate())
    assert "Note" not in table.columns and table.iloc[0]["Costs at most"] == "$0.01"
    assert lv.spend_text(_estimate()) == "2 calls, at most $0.01"
    unpriced = _estimate("no price on this date")
    assert lv.estimate_frame(unpriced).iloc[0]["Note"] == "no price on this date"
    assert lv.spend_text(unpriced) == "2 calls, cost unknown (no price for some models)"


def test_the_estimate_tables_note_is_in_the_readers_language():
    """No pricing, and a pricing error (a shut-down model on the date), in the Note column: the English as ever,
    the Chinese through the catalogue (the pricing sentence is the pricing layer's own Notice)."""
    from ftcost.live.chat import PlannedCall, default_pricer, estimate_calls

    hi = [{"role": "user", "content": "hi"}]
    unpriced = estimate_calls([PlannedCall("A", "gpt-4o-mini", hi, 8)], max_output_tokens=8, pricer=None, as_of=DAY)
    assert unpriced.options[0].note == "no pricing available"
    late = dt.date(2031, 1, 1)
    gone = estimate_calls(
        [PlannedCall("A", "gpt-4o-mini", hi, 8, note="counted roughly")],
        max_output_tokens=8,
        pricer=default_pricer(late),
        as_of=late,
    )
    english = gone.options[0].note
    assert english.startswith("counted roughly gpt-4o-mini (gpt-4o-mini-2024-07-18, which it pointed to) was shut ")
    assert lv.estimate_frame(unpriced).iloc[0]["Note"] == "no pricing available"
    assert lv.estimate_frame(gone).iloc[0]["Note"] == english
    with i18n.use("zh-Hant"):
        assert lv.estimate_frame(unpriced).iloc[0]["備註"] == "沒有可用的價格"
        shown = lv.estimate_frame(gone).iloc[0]["備註"]
    assert shown.startswith("counted roughly gpt-4o-mini（當時指向 gpt-4o-mini-2024-07-18）已於 "), shown
    assert "shut down" not in shown and "serves" not in shown
    with i18n.use("zh-Hans"):
        assert lv.estimate_frame(unpriced).iloc[0]["备注"] == "没有可用的价格"


def _call(api_prompt: int, answer_tokens: int, latency: float, finish: str = "stop") -> ChatCall:
    return ChatCall("gpt-4o-mini", "an answer", api_prompt, answer_tokens, 0, latency, finish)


def test_the_measure_table_puts_ftcosts_count_beside_the_apis():
    option = OptionMeasurement(
        "A",
        "gpt-4o-mini",
        [
            MeasuredCall("q", 50, _call(52, 10, 0.5)),
            MeasuredCall("q", 50, _call(51, 30, 0.25, "length")),
        ],
        cost_usd=Decimal("0.001"),
    )
    report = MeasureReport(DAY, 30, SpendEstimate(), [option])
    row = lv.measure_frame(report).iloc[0]
    # ftcost 100, API 103: the API counted 3 more, 3 / 103 = 2.91 %
    assert (row["ftcost's count"], row["API prompt_tokens"], row["Difference"]) == ("100", "103", "+3 (+2.91%)")
    assert row["Median answer"] == "20" and row["Median latency"] == "0.38 s"  # (0.5 + 0.25) / 2 = 0.375
    assert lv.answers_frame(report).iloc[1]["Finished"] == "cut off at the 30-token cap"
    assert any("1 answer(s) hit the 30-token cap" in n for n in lv.measure_notes(report))

    scenario = default_scenario()
    sentence, changes = lv.output_tokens_change(scenario, report)
    assert changes and "counted from the sample answer" in sentence and "median, 20" in sentence
    applied = scenario.model_copy(deep=True)
    applied.workload.output_tokens_per_request = 20
    assert lv.output_tokens_change(applied, report)[1] is False


@pytest.mark.parametrize(
    "estimated, trained, shown, word",
    [
        (1000, 950, "+5.26%", "over-estimated the bill by 50 tokens"),  # 50 / 950 = 5.263 %
        (900, 1000, "-10.00%", "under-estimated the bill by 100 tokens"),
        (1000, 1000, "0%", "matched the bill exactly"),
    ],
)
def test_the_pilot_result_shows_the_estimate_error(estimated, trained, shown, word):
    result = PilotResult(
        "ftjob-1",
        "succeeded",
        "gpt-4o-mini",
        fine_tuned_model="ft:gpt-4o-mini:org::x",
        trained_tokens=trained,
        estimated_tokens=estimated,
    )
    view = lp.pilot_result_view(result)
    assert view.error_pct == shown and word in view.error_help and view.state == "complete"
    assert view.trained_tokens == f"{trained:,}"


def test_an_unfinished_or_failed_job_says_so():
    running = lp.pilot_result_view(PilotResult("ftjob-2", "running", "gpt-4o-mini"))
    assert running.state == "running" and "keeps running at OpenAI" in running.headline
    assert running.error_pct == "—"
    failed = lp.pilot_result_view(PilotResult("ftjob-3", "failed", "gpt-4o-mini", error_message="Invalid file."))
    assert failed.state == "error" and failed.headline == "Job ftjob-3 failed: Invalid file."


def test_the_page_builders_import_neither_streamlit_nor_openai():
    import subprocess
    import sys

    code = "import sys, ftcost.views.live_pilot; sys.exit(int('streamlit' in sys.modules) + 2 * int('openai' in sys.modules))"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def test_a_hostile_servers_job_text_cannot_become_a_link_image_or_html():
    result = PilotResult(
        job_id="ftjob-1",
        status="failed",
        model="gpt-4o-mini",
        error_message="Re-enter your key [here](http://evil.example) ![t](http://evil.example/t.png) "
        "<img src=x onerror=alert(1)>",
    )
    headline = lp.pilot_result_view(result).headline
    assert "[here](" not in headline and "![t]" not in headline and " <img" not in headline
    # ftcost.text.markdown's escaping: brackets escaped, a zero-width space inside "://", HTML as entities.
    assert headline == (
        "Job ftjob-1 failed: Re-enter your key \\[here\\](http:\u200b//evil.example) !\\[t\\]"
        "(http:\u200b//evil.example/t.png) &lt;img src=x onerror=alert(1)&gt;"
    )
    _, bar, line = lp.JobProgress().update(Progress("job", "[error] see ![t](http://evil.example/t.png)"))
    assert "![t](" not in bar and "![t](" not in line


def test_the_page_calls_the_options_the_librarys_rule_chooses_and_words_its_facts_as_widgets():
    scenario = default_scenario()
    ft = "ft:gpt-4o-mini-2024-07-18:org::abc"
    options, _notes = lv.call_options(scenario, ft)
    assert options == fs.select_options(scenario, fine_tuned_model=ft).options  # one rule, the CLI's too
    with pytest.raises(InputError) as err:
        lv.call_options(scenario, "ft:gpt-4o-2024-08-06:org::x")
    assert err.value.setting == "fine_tuned_model" and "--" not in str(err.value)
    shown = lv.error_text(err.value)
    assert shown.startswith(str(err.value)) and shown.endswith("Check the *Fine-tuned model* field under *Evaluate*.")


@pytest.mark.parametrize(
    "exc, words",
    [
        (
            ApiError("Not confirmed: measuring prompts spends money on the API.", needs_confirmation="spend"),
            "Press its *Confirm* button to spend it.",
        ),
        (
            ApiError(
                "The server failed (HTTP 500) while checking job ftjob-1. The job keeps running.", job_id="ftjob-1"
            ),
            "Follow it again with its job id under *Follow an existing job*.",
        ),
        (
            ApiError("Could not connect to example.com while calling gpt-4o-mini.", setting="base_url"),
            "Check the *Server* field (empty: OpenAI).",
        ),
        (
            FtcostError("train.jsonl fails ftcost's checks.", value="train.jsonl", listing="dataset_checks"),
            "The Dataset page explains each problem and how to fix it.",
        ),
        (ApiError("No answer from example.com within 60 s; try again later.", setting="timeout"), ""),  # no such widget
    ],
)
def test_error_facts_become_the_pages_widget_words_never_a_flag(exc, words):
    shown = lv.error_text(exc)
    assert shown == f"{exc} {words}".strip() and "--" not in shown
