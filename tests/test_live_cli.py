"""`ftcost measure / pilot / evaluate` end to end against the stand-in, and the key never leaking."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from conftest import BOARDING, pilot_scenario
from conftest import run_cli as run
from standin_openai import FAKE_KEY

from ftcost.cli import main
from ftcost.errors import FtcostError
from ftcost.scenario import load_scenario

CHAT = "POST /v1/chat/completions"
ANSWERS = {
    **BOARDING,
    "Can I bring a dog?": "Small dogs may travel in the cabin in a carrier.",
}


@pytest.fixture
def scenario(tmp_path: Path) -> Path:
    return pilot_scenario(
        tmp_path / "live.toml",
        "Live test",
        "You are the airline's assistant. Answer in one sentence, politely, using the policy below.",
        ANSWERS,
        {**BOARDING, "Can I bring a dog?": "Dogs are allowed."},
    )


@pytest.fixture
def live(standin, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", FAKE_KEY)
    standin.answer = lambda model, messages: ANSWERS[messages[-1]["content"]]
    return standin


def api(standin) -> list[str]:
    return ["--base-url", standin.base_url, "--timeout", "5", "--as-of", "2026-11-21"]


def test_estimate_without_yes_needs_no_key_and_sends_nothing(standin, scenario, capsys, monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    for command in (["measure", str(scenario)], ["evaluate", str(scenario)], ["pilot", str(scenario)]):
        code, out, err = run(capsys, *command, *api(standin))
        assert code == 0, err
        assert "Nothing was sent; run again with --yes" in out
    code, out, _ = run(capsys, "measure", str(scenario), "--samples", "2", "--json", *api(standin))
    doc = json.loads(out)
    assert doc["confirmed"] is False and doc["estimate"]["calls"] == 2
    assert "planned fine-tune" in doc["notes"][0]
    assert standin.requests == []


def test_yes_without_a_key_is_one_sentence(standin, scenario, capsys, monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    for command in ("measure", "evaluate", "pilot"):
        code, out, err = run(capsys, command, str(scenario), "--yes", *api(standin))
        assert code == 2 and out == ""
        assert err.startswith("ftcost: No OpenAI API key: set OPENAI_API_KEY") and err.count("\n") == 1


def test_the_live_commands_sentences_follow_lang(standin, scenario, capsys, monkeypatch):
    """--lang zh-Hant: the error's sentence and the estimate's summary in Chinese; English stays as it was."""
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    code, out, err = run(capsys, "measure", str(scenario), "--yes", "--lang", "zh-Hant", *api(standin))
    assert code == 2 and err.startswith("ftcost: 沒有 OpenAI API 金鑰：請在環境變數中設定 OPENAI_API_KEY；"), err
    assert err.rstrip().endswith("或以 --api-key-env 指定另一個存放金鑰的環境變數。"), err  # the flag's hint too
    code, out, _ = run(capsys, "measure", str(scenario), "--samples", "2", "--lang", "zh-Hans", *api(standin))
    assert code == 0 and "估计：2 次 API 调用，最多花费 $" in out and "API call(s)" not in out, out
    code, out, _ = run(capsys, "measure", str(scenario), "--samples", "2", *api(standin))
    assert "Estimate: 2 API call(s) costing at most $" in out
    assert standin.requests == []


@pytest.mark.parametrize("flag", ["--api-key", "--key", "--api-key-env"])
def test_a_key_on_the_command_line_is_refused_without_echoing_it(capsys, flag):
    # --api-key would otherwise be taken as an abbreviation of --api-key-env, and argparse echoes bad values
    with pytest.raises(SystemExit) as exit_:
        main(["measure", "airport", flag, FAKE_KEY])
    err = capsys.readouterr().err
    assert exit_.value.code == 2
    assert "OPENAI_API_KEY" in err and "FTCOSTSECRET" not in err


def test_measure_then_save_the_median(live, scenario, capsys, tmp_path):
    saved = tmp_path / "measured.toml"
    code, out, err = run(
        capsys, "measure", str(scenario), "--samples", "3", "--yes", "--json", "--save-scenario", str(saved), *api(live)
    )
    assert code == 0, err
    doc = json.loads(out)
    (option,) = doc["options"]  # the planned fine-tune is skipped with a note
    assert option["name"] == "GPT-4o mini" and option["calls"] == 3 and option["difference"] == 0
    from ftcost.tokens import count

    expected = count(ANSWERS["When does boarding start?"], "o200k_base")
    assert doc["suggested_output_tokens_per_request"] == expected
    assert load_scenario(saved).workload.output_tokens_per_request == expected
    assert live.count(CHAT) == 3


def test_pilot_then_evaluate_the_fine_tune(live, scenario, capsys, tmp_path):
    code, out, err = run(
        capsys, "pilot", str(scenario), "--yes", "--json", "--poll", "0.01", "--suffix", "t", *api(live)
    )
    assert code == 0, err
    result = json.loads(out)
    assert result["status"] == "succeeded" and result["estimate_error_pct"] == "0.00"
    assert result["trained_tokens"] == result["estimated_tokens"]
    assert "status: succeeded" in err and "[info] The job has successfully completed" in err  # progress on stderr
    model = result["fine_tuned_model"]

    # following the finished job again costs nothing and needs no --yes
    code, out, err = run(capsys, "pilot", "--job", result["job_id"], "--poll", "0.01", *api(live))
    assert code == 0 and out.startswith(f"Job {result['job_id']} succeeded: {model}")

    saved = tmp_path / "evaluated.toml"
    code, out, err = run(
        capsys,
        "evaluate",
        str(scenario),
        "--fine-tuned-model",
        model,
        "--yes",
        "--save-scenario",
        str(saved),
        *api(live),
    )
    assert code == 0, err
    # the stand-in answers both questions the same way for every model; the second expected answer differs
    assert "1/2" in out and "50.0%" in out
    accuracy = {o.name: o.accuracy_pct for o in load_scenario(saved).option}
    assert accuracy == {"GPT-4o mini": 50, "Fine-tuned GPT-4o mini": 50}


def test_failed_job_exits_1_with_openais_reason(live, scenario, capsys):
    live.job_outcome = "failed"
    code, out, err = run(capsys, "pilot", str(scenario), "--yes", "--poll", "0.01", *api(live))
    assert code == 1
    assert out.strip().endswith(f"failed: {live.failure_message}.")


def test_a_hostile_servers_text_is_redacted_in_json_and_text_output(live, scenario, capsys):
    leaked = "sk-proj-CLIJSONLEAK0123456789"
    live.answer = lambda model, messages: f"Here is a key: {leaked} and yours {FAKE_KEY}"
    live.served_model_name = f"gpt-4o-mini {leaked}"
    live.job_outcome = "failed"
    live.failure_message = f"Bad file, key {FAKE_KEY}, see {leaked}"
    outputs = []
    for argv in (
        ["measure", str(scenario), "--samples", "1", "--yes", "--json"],
        ["pilot", str(scenario), "--yes", "--json", "--poll", "0.01"],
        ["pilot", str(scenario), "--yes", "--poll", "0.01"],
    ):
        code, out, err = run(capsys, *argv, *api(live))
        outputs.append(out + err)
    measured = json.loads(outputs[0])  # --json: stdout is the JSON object alone (no progress on stderr)
    answers = [c["answer"] for o in measured["options"] for c in o["samples"]]
    assert answers and all(a == "Here is a key: sk-… and yours sk-…" for a in answers)
    assert "Bad file, key sk-…, see sk-…" in outputs[1] and "Bad file, key sk-…, see sk-…" in outputs[2]
    for text in outputs:
        assert leaked not in text and FAKE_KEY not in text


def test_fine_tuned_model_of_another_base_is_refused(live, scenario, capsys):
    code, _, err = run(
        capsys, "evaluate", str(scenario), "--fine-tuned-model", "ft:gpt-4o-2024-08-06:org::x1", *api(live)
    )
    assert code == 2 and "is not a fine-tune of gpt-4o-mini-2024-07-18" in err


# --- the key never leaks -----------------------------------------------------------------------------


def test_the_key_appears_in_no_output_json_log_error_or_file(live, scenario, capsys, caplog, tmp_path, monkeypatch):
    """Plant a recognisable key, exercise success and every error path, and look for it everywhere."""
    caplog.set_level(logging.DEBUG)  # the SDK's and httpx's debug logs included
    outputs: list[str] = []

    def record(*argv: str) -> int:
        code, out, err = run(capsys, *argv)
        outputs.extend([out, err])
        return code

    saved = tmp_path / "out.toml"
    assert (
        record("measure", str(scenario), "--samples", "2", "--yes", "--json", "--save-scenario", str(saved), *api(live))
        == 0
    )
    assert record("pilot", str(scenario), "--yes", "--json", "--poll", "0.01", *api(live)) == 0
    live.fail(CHAT, "rate_limit_exceeded", times=3, retry_after="0.01")
    live.fail("POST /v1/fine_tuning/jobs", "training_not_available")
    assert record("measure", str(scenario), "--samples", "1", "--yes", "--max-retries", "2", *api(live)) == 2
    assert record("pilot", str(scenario), "--yes", "--poll", "0.01", *api(live)) == 2
    live.fail(CHAT, "insufficient_quota")
    assert record("evaluate", str(scenario), "--yes", "--json", *api(live)) == 2
    live.fail(CHAT, "server_error", times=3, retry_after="0.01")
    assert record("measure", str(scenario), "--samples", "1", "--yes", *api(live)) == 2
    # a wrong key: the server's 401 quotes its first and last characters
    monkeypatch.setenv("OTHER_KEY", FAKE_KEY + "-revoked")
    assert record("measure", str(scenario), "--samples", "1", "--yes", "--api-key-env", "OTHER_KEY", *api(live)) == 2
    # library exceptions and reprs
    from ftcost.live.client import LiveConfig, connect

    client = connect(config=LiveConfig(base_url=live.base_url, timeout=5))
    texts = [repr(client), str(client.config.to_dict())]
    live.fail(CHAT, "server_error", times=3, retry_after="0.01")
    with pytest.raises(FtcostError) as err:
        from ftcost.live.chat import chat_once

        chat_once(client, "gpt-4o-mini", [{"role": "user", "content": "hi"}], max_output_tokens=5)
    texts += [str(err.value), repr(err.value)]

    assert any("rejected (401" in o for o in outputs) and any("training_not_available" in o for o in outputs)
    logged = caplog.text + "".join(f"{r.getMessage()} {r.args!r}" for r in caplog.records)
    assert caplog.records  # the debug logs were captured, so this check has teeth
    files = "".join(p.read_text(encoding="utf-8", errors="replace") for p in tmp_path.rglob("*") if p.is_file())
    for secret in (FAKE_KEY, "FTCOSTSECRET", "kq7Zx9"):
        for where, text in (
            ("output", "".join(outputs)),
            ("log", logged),
            ("files", files),
            ("errors", "".join(texts)),
        ):
            assert secret not in text, f"{secret!r} leaked into {where}"
