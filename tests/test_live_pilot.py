"""`ftcost.live.pilot`: refuse bad data and closed fine-tuning, then upload, train and compare billed tokens."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from standin_openai import FAKE_KEY, client_for

from ftcost.errors import ApiError, FtcostError, NotOfferedError
from ftcost.live.pilot import follow_job, plan_pilot, run_pilot, upload_name
from ftcost.tokens import count

DAY = dt.date(2026, 11, 21)
JOBS = "POST /v1/fine_tuning/jobs"
RETRIEVE = "GET /v1/fine_tuning/jobs/{id}"
FAST = {"poll_interval": 0, "sleep": lambda s: None}
# OpenAI's published training price for gpt-4o-mini (per 1M tokens), for the expected cost.
GPT_4O_MINI_TRAINING = Decimal("3.00")


def example(i: int) -> dict:
    return {
        "messages": [
            {"role": "system", "content": "You are Marv, a sarcastic chatbot."},
            {"role": "user", "content": f"What is {i} plus {i}?"},
            {"role": "assistant", "content": f"{2 * i}. Did you really need me for that?"},
        ]
    }


def hand_count(ex: dict) -> int:
    """OpenAI's documented counting: 3 per message + role + content, + 3 reply priming."""
    return sum(3 + count(m["role"], "o200k_base") + count(m["content"], "o200k_base") for m in ex["messages"]) + 3


@pytest.fixture
def dataset(tmp_path):
    path = tmp_path / "pilot.jsonl"
    path.write_text("".join(json.dumps(example(i)) + "\n" for i in range(10)), encoding="utf-8")
    return path


# --- planning: nothing is sent ------------------------------------------------------------------------


def test_plan_predicts_charged_tokens_and_cost(dataset):
    plan = plan_pilot(dataset, "gpt-4o-mini", as_of=DAY)
    per_epoch = sum(hand_count(example(i)) for i in range(10))
    assert (plan.examples, plan.epochs) == (10, 10)  # OpenAI's auto rule: 10 examples → 100 // 10 epochs
    assert plan.charged_tokens == 10 * per_epoch
    assert plan.snapshot == "gpt-4o-mini-2024-07-18"
    assert plan.estimated_usd == plan.charged_tokens * GPT_4O_MINI_TRAINING / 1_000_000
    # inside OpenAI's wind-down the org-specific cutoffs are spelled out
    assert "2026-05-07" in plan.cutoff_note and "2026-07-02" in plan.cutoff_note
    assert plan_pilot(dataset, "gpt-4o-mini", as_of=DAY, epochs=2).charged_tokens == 2 * per_epoch


def test_dataset_with_errors_is_refused_with_line_numbers(tmp_path):
    path = tmp_path / "bad.jsonl"
    lines = [json.dumps(example(i)) for i in range(10)]
    lines[2] = "{not json"
    lines[6] = json.dumps({"messages": [{"role": "user", "content": "hi"}]})
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(FtcostError) as err:
        plan_pilot(path, "gpt-4o-mini", as_of=DAY)
    message = str(err.value)
    assert message.startswith("bad.jsonl fails ftcost's checks (")
    assert "on line 3" in message and "example_missing_assistant_message on line 7" in message
    assert "not uploaded" in message


def test_no_new_jobs_for_anyone_from_2027_01_06(dataset):
    plan_pilot(dataset, "gpt-4o-mini", as_of=dt.date(2027, 1, 5))  # the last day still works
    with pytest.raises(NotOfferedError) as err:
        plan_pilot(dataset, "gpt-4o-mini", as_of=dt.date(2027, 1, 6))
    message = str(err.value)
    assert message.startswith("No new fine-tuning job can be started for gpt-4o-mini on 2027-01-06:")
    assert "everyone" in message


def test_model_that_cannot_be_fine_tuned_is_refused(dataset):
    with pytest.raises(NotOfferedError, match="No new fine-tuning job can be started for gpt-4-0613"):
        plan_pilot(dataset, "gpt-4-0613", as_of=DAY)


# --- running: upload, job, events, comparison ---------------------------------------------------------


def test_pilot_succeeds_and_billed_tokens_match_the_estimate(standin, dataset):
    plan = plan_pilot(dataset, "gpt-4o-mini", as_of=DAY)
    seen = []
    result = run_pilot(client_for(standin), plan, confirmed=True, suffix="marv", progress=seen.append, **FAST)
    assert result.succeeded and result.status == "succeeded"
    assert result.fine_tuned_model.startswith("ft:gpt-4o-mini-2024-07-18:standin:marv:")
    assert result.trained_tokens == plan.charged_tokens and result.estimate_error_pct == Decimal("0.00")
    assert result.billed_usd == result.estimated_usd == plan.estimated_usd
    assert result.epochs == 10 and result.file_id.startswith("file-") and result.job_id.startswith("ftjob-")
    # the job was created with the planned epochs, in the SDK's `method` form
    (job_body,) = [b for b in standin.bodies if b["route"] == JOBS]
    assert job_body["model"] == "gpt-4o-mini" and job_body["training_file"] == result.file_id
    assert job_body["method"] == {"type": "supervised", "supervised": {"hyperparameters": {"n_epochs": 10}}}
    assert standin.file_bytes[result.file_id] == dataset.read_bytes()
    # progress: the status changes in order, and every event once, oldest first
    statuses = [p.message for p in seen if p.message.startswith("status: ")]
    assert statuses == ["status: queued", "status: running", "status: succeeded"]
    event_lines = [p.message for p in seen if p.message.startswith("[")]
    assert event_lines[0] == f"[info] Created fine-tuning job: {result.job_id}"
    assert event_lines[-1] == "[info] The job has successfully completed"
    assert len(event_lines) == len(set(event_lines)) == len(result.events)
    assert result.summary().startswith(f"Job {result.job_id} succeeded: {result.fine_tuned_model}")
    json.dumps(result.to_dict())


def test_estimate_error_is_reported_in_percent(standin, dataset):
    standin.trained_tokens_adjust = 37  # OpenAI billed 37 tokens more than ftcost predicted
    plan = plan_pilot(dataset, "gpt-4o-mini", as_of=DAY)
    result = run_pilot(client_for(standin), plan, confirmed=True, **FAST)
    trained = plan.charged_tokens + 37
    assert result.trained_tokens == trained
    assert result.estimate_error_pct == (Decimal(-37) * 100 / trained).quantize(Decimal("0.01"))
    assert result.estimate_error_pct < 0  # ftcost under-estimated


def test_failed_job_comes_back_with_openais_message(standin, dataset):
    standin.job_outcome = "failed"
    result = run_pilot(client_for(standin), plan_pilot(dataset, "gpt-4o-mini", as_of=DAY), confirmed=True, **FAST)
    assert (result.status, result.succeeded, result.finished) == ("failed", False, True)
    assert result.error_code == "invalid_training_file"
    assert result.error_message == standin.failure_message
    assert result.summary() == f"Job {result.job_id} failed: {standin.failure_message}."
    assert result.trained_tokens is None and result.estimate_error_pct is None
    assert any(e.level == "error" for e in result.events)


def test_cancelled_job(standin, dataset):
    standin.job_outcome = "cancelled"
    result = run_pilot(client_for(standin), plan_pilot(dataset, "gpt-4o-mini", as_of=DAY), confirmed=True, **FAST)
    assert result.status == "cancelled" and result.summary() == f"Job {result.job_id} cancelled."


def test_following_stops_after_max_wait_and_resumes_later(standin, dataset):
    client = client_for(standin)
    uploaded = client.sdk.files.create(file=("pilot.jsonl", dataset.read_bytes()), purpose="fine-tune")
    job = client.sdk.fine_tuning.jobs.create(model="gpt-4o-mini", training_file=uploaded.id)
    ticks = iter(range(100))  # each clock reading is 100 s later: stop after the first poll
    pending = follow_job(client, job.id, clock=lambda: next(ticks) * 100, max_wait=50, **FAST)
    assert (pending.status, pending.finished) == ("queued", False)
    assert pending.summary() == (
        f"Job {job.id} is still queued; it keeps running at OpenAI and can be followed again by its id."
    )  # the command to do so is the CLI's to add
    assert pending.estimated_tokens is None  # no plan given: OpenAI's figures only
    # resuming with the plan (as `ftcost pilot --job ID DATASET` does) compares the bill with the estimate
    plan = plan_pilot(dataset, "gpt-4o-mini", as_of=DAY, epochs=3)
    done = follow_job(client, job.id, plan=plan, **FAST)
    # the job ran OpenAI's auto epochs (10 for 10 examples), not the 3 planned: the estimate is scaled to match
    assert done.epochs == 10 and done.estimated_tokens == plan.charged_tokens // 3 * 10
    assert done.trained_tokens == done.estimated_tokens and done.estimate_error_pct == Decimal("0.00")
    assert done.note == "The job ran 10 epochs, not the planned 3; ftcost's estimate is scaled to 10 epochs."
    from ftcost.i18n import text

    assert text(done.note, "zh-Hant") == "此任務訓練了 10 輪，而非規劃的 3 輪；ftcost 的估計已按 10 輪換算。"
    assert standin.count(RETRIEVE) == 3  # queued, running, succeeded


def test_job_refused_by_the_wind_down(standin, dataset):
    standin.fail(JOBS, "training_not_available")
    with pytest.raises(ApiError, match="403 training_not_available.*2027-01-06"):
        run_pilot(client_for(standin), plan_pilot(dataset, "gpt-4o-mini", as_of=DAY), confirmed=True, **FAST)
    assert standin.count("POST /v1/files") == 1 and standin.count(JOBS) == 1


def test_not_confirmed_sends_nothing(standin, dataset):
    with pytest.raises(ApiError, match="^Not confirmed: running the pilot fine-tune"):
        run_pilot(client_for(standin), plan_pilot(dataset, "gpt-4o-mini", as_of=DAY), confirmed=False, **FAST)
    assert standin.requests == []


def test_polling_survives_a_transient_500_and_reports_a_lasting_one_with_the_job_id(standin, dataset):
    plan = plan_pilot(dataset, "gpt-4o-mini", as_of=DAY)
    standin.fail(RETRIEVE, "server_error", retry_after="0.01")
    assert run_pilot(client_for(standin), plan, confirmed=True, **FAST).succeeded
    standin.fail(RETRIEVE, "server_error", times=3, retry_after="0.01")
    with pytest.raises(ApiError) as err:
        run_pilot(client_for(standin), plan, confirmed=True, **FAST)
    job_id = next(iter(standin.jobs.keys().__reversed__()))
    assert str(err.value).startswith(f"The server failed (HTTP 500) while checking job {job_id}")
    assert str(err.value).endswith("The job keeps running at OpenAI and can be followed again by its id.")
    assert err.value.job_id == job_id  # the fact the CLI (`ftcost pilot --job`) and the page word for themselves


def test_a_hostile_servers_job_error_events_and_names_are_redacted(standin, dataset):
    leaked = "sk-proj-JOBERRORLEAK0123456789"
    standin.job_outcome = "failed"
    standin.failure_message = f"Training failed for key {FAKE_KEY} ({leaked})."
    lines = []
    result = run_pilot(
        client_for(standin),
        plan_pilot(dataset, "gpt-4o-mini", as_of=DAY),
        confirmed=True,
        progress=lambda p: lines.append(p.message),
        **FAST,
    )
    assert result.error_message == "Training failed for key sk-… (sk-…)."
    everything = repr(result.to_dict()) + result.summary() + "\n".join(lines)
    assert FAKE_KEY not in everything and leaked not in everything
    assert any("sk-…" in e.message for e in result.events)


@pytest.mark.parametrize("job_id", ["../files", "ftjob-1/../../files", "ftjob-1?after=x", "", "a" * 200])
def test_a_job_id_that_is_not_one_is_refused_before_anything_is_sent(standin, job_id):
    from ftcost.i18n import text

    with pytest.raises(FtcostError) as err:
        follow_job(client_for(standin), job_id, **FAST)
    assert str(err.value) == (
        "That is not a fine-tuning job id: job ids look like ftjob-abc123 (letters, digits, - and _)."
    )
    assert text(err.value.args[0], "zh-Hans") == (
        "这不是微调任务的 ID：任务 ID 的样子像 ftjob-abc123（字母、数字、- 和 _）。"
    )
    assert standin.requests == []


@pytest.mark.parametrize(
    "name, expected",
    [
        ("mine.jsonl", "mine.jsonl"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\me\\train.jsonl", "train.jsonl"),
        ("..", "train.jsonl"),
        ("", "train.jsonl"),
        ("a\x00b.jsonl", "ab.jsonl"),
    ],
)
def test_upload_names_are_plain_file_names(name, expected):
    assert upload_name(name) == expected


def test_a_long_upload_name_is_cut_to_fit_keeping_its_extension(tmp_path):
    name = "客户支持对话训练集" * 20 + ".jsonl"  # 180 characters, 546 bytes
    safe = upload_name(name)
    assert len(safe.encode("utf-8")) <= 200 and safe.endswith(".jsonl") and name.startswith(safe[:-6])
    (tmp_path / safe).write_bytes(b"{}\n")  # the file system takes it


def test_the_pilots_progress_says_what_it_is_and_reads_in_chinese(standin, dataset):
    """Each report carries its kind (and a status report its status); the sentence is the same English as always,
    and in Traditional Chinese through the catalogue. A job event is the server's own text."""
    from test_live_client import _english_left

    from ftcost.i18n import text

    seen = []
    plan = plan_pilot(dataset, "gpt-4o-mini", as_of=DAY)
    result = run_pilot(client_for(standin), plan, confirmed=True, progress=seen.append, **FAST)
    size = len(dataset.read_bytes())
    job, file = result.job_id, result.file_id
    mine = [p for p in seen if p.kind != "event"]
    assert [(p.stage, p.kind, p.status) for p in mine] == [
        ("upload", "uploading", None),
        ("upload", "uploaded", None),
        ("job", "created", None),
        ("job", "status", "queued"),
        ("job", "status", "running"),
        ("job", "status", "succeeded"),
    ]
    assert [str(p.message) for p in mine] == [
        f"uploading pilot.jsonl ({size:,} bytes)",
        f"uploaded as {file}",
        f"created {job} (validating_files); it keeps running at OpenAI if this is interrupted",
        "status: queued",
        "status: running",
        "status: succeeded",
    ]
    assert [text(p.message, "zh-Hant") for p in mine] == [
        f"正在上傳 pilot.jsonl（{size:,} 位元組）",
        f"已上傳為 {file}",
        f"已建立 {job}（validating_files）；即使此處中斷，任務仍會在 OpenAI 繼續執行",
        "狀態：queued",
        "狀態：running",
        "狀態：succeeded",
    ]
    for p in mine:
        chinese = text(p.message, "zh-Hans")
        assert (
            _english_left(chinese, "pilot.jsonl", job, file, "validating_files", "queued", "running", "succeeded") == []
        ), chinese
    events = [p for p in seen if p.kind == "event"]
    assert [p.message for p in events] == [f"[{e.level}] {e.message}" for e in result.events]
    assert all(p.job_id == job for p in seen if p.kind == "created")
