"""The CLI's answers survive hostile conditions: a date before anything is priced, a non-UTF-8 stdout, a reader
that closes the pipe early, counts too large for exact arithmetic. Each is a sentence and the right exit code."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from conftest import REPO
from conftest import run_cli as run

from ftcost.measure_training import measured_plan


@pytest.mark.parametrize("day", ["2023-01-01", "2021-01-01"])
@pytest.mark.parametrize("fmt", [[], ["--markdown"], ["--json"], ["--csv"]])
def test_report_before_any_option_is_priced_is_a_sentence_and_exit_2(capsys, day, fmt):
    code, out, err = run(capsys, "report", "airport", "--as-of", day, *fmt)
    assert code == 2 and out == ""
    first = err.splitlines()[0]
    assert first.startswith("ftcost: None of the scenario's options can be priced on " + day)
    assert "first priced on" in err and "Traceback" not in err


@pytest.mark.parametrize("fmt", [[], ["--markdown"], ["--json"], ["--csv"]])
def test_report_with_only_a_base_option_priced_still_answers(capsys, fmt):
    """On 2023-07-01 the 2023 airport story's base models are priced, its fine-tune not yet (fine-tuning opened
    on 2023-08-22): no fine-tune to compare, but a plan to show (exit 0)."""
    code, out, err = run(capsys, "report", "airport-2023", "--as-of", "2023-07-01", *fmt)
    assert code == 0 and "GPT-4, long prompt" in out
    if not fmt or fmt == ["--markdown"]:
        assert "so stay on a base model" in out and "first priced on 2023-08-22" in out


def test_the_markdown_renderer_copes_with_an_empty_plan():
    import datetime as dt

    from ftcost import report
    from ftcost.scenario import default_scenario

    plan = measured_plan(default_scenario(), dt.date(2023, 1, 1))
    assert plan.options == []
    md = report.to_markdown(plan)
    assert "None of the scenario's options can be priced on 2023-01-01" in md and "## Warnings" in md
    assert report.to_csv(plan).count("\n") == 1 and report.to_dict(plan)["options"] == []


def _cli(*argv, env=None, **kwargs):
    return subprocess.run(
        [sys.executable, "-c", "from ftcost.cli import run; run()", *argv],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO / "src"), **(env or {})},
        **kwargs,
    )


@pytest.mark.parametrize(
    "argv",
    [
        ["report", "airport"],
        ["report", "airport", "--markdown"],
        ["quote", "gpt-4o-mini", "--input-tokens", "5", "--as-of", "2026-11-21"],
        ["prices", "--as-of", "2026-11-21"],
        ["analyze", "scenarios/airport/train.jsonl"],
    ],
)
def test_a_cp1252_stdout_gets_the_whole_answer(argv):
    done = _cli(*argv, env={"PYTHONIOENCODING": "cp1252"}, capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr.decode("cp1252", "replace")[-400:]
    assert b"UnicodeEncodeError" not in done.stderr and done.stdout


def test_analyze_into_a_closed_pipe_keeps_exit_1_for_a_file_with_errors(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"messages": [{"role": "user", "content": "hi"}]}\n' + "x\n" * 200_000)
    proc = subprocess.Popen(
        [sys.executable, "-c", "from ftcost.cli import run; run()", "analyze", str(bad), "--json"],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO / "src")},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    proc.stdout.readline()  # like `| head -1`
    proc.stdout.close()
    err = proc.stderr.read()
    assert proc.wait(timeout=120) == 1, err[-400:]
    assert b"Traceback" not in err and b"BrokenPipe" not in err


@pytest.mark.parametrize(
    "argv, says",
    [
        (
            ["--input-tokens", "1" + "0" * 38],
            "--input-tokens: '100000000000000000000000'… is too large; at most 1,000,000,000,000,000.",
        ),
        (["--input-tokens", "1e32"], "--input-tokens: '1e32' is not a whole number."),
        (["--output-tokens", "1000000000000001"], "--output-tokens: '1000000000000001' is too large"),
        (["--training-tokens", "9" * 5000], "--training-tokens:"),
        (["--training-tokens", "5", "--epochs", "51"], "--epochs: '51' is more than OpenAI's 50 epochs."),
        (["--training-hours", "1e30"], "--training-hours: '1e30' is too many hours"),
    ],
)
def test_quote_bounds_every_count_with_a_sentence(capsys, argv, says):
    code, out, err = run(capsys, "quote", "gpt-4o-mini", "--as-of", "2026-11-21", *argv)
    assert code == 2 and out == ""
    assert err.startswith("ftcost: " + says) and err.count("\n") == 1


def test_quote_at_the_bound_is_exact(capsys):
    code, out, err = run(
        capsys,
        "quote",
        "gpt-4o-mini-2024-07-18",
        "--input-tokens",
        "1,000,000,000,000,000",
        "--as-of",
        "2026-11-21",
        "--json",
    )
    assert code == 0, err
    assert '"input_usd": "150000000.00"' in out or '"input_usd": "150000000"' in out


@pytest.mark.parametrize(
    "argv, code",
    [
        (["report", "airport", "--as-of", "2026-11-21"], 0),  # a long answer, written through a buffer
        (["analyze", "scenarios/airport/train.jsonl", "--json"], 0),
        (["quote", "gpt-4o-mini", "--input-tokens", "x"], 2),  # a sentence on stderr
    ],
)
def test_the_command_ends_without_teardown_yet_every_byte_and_the_exit_code_are_out(capsys, tmp_path, argv, code):
    # `ftcost` ends with os._exit once its exit handlers ran and both streams are flushed (cli.exit_now): what a
    # file or a pipe receives must be all of what the command printed, and the code the command returned.
    expected = run(capsys, *argv)
    out, err = tmp_path / "out", tmp_path / "err"
    with out.open("wb") as o, err.open("wb") as e:
        done = _cli(*argv, stdout=o, stderr=e, timeout=120)
    assert (done.returncode, out.read_text(), err.read_text()) == expected
    assert expected[0] == code


def test_threads_and_exit_handlers_still_finish_before_the_fast_exit(tmp_path):
    flag = tmp_path / "ran"
    script = (
        "import atexit, pathlib, sys, threading, time\n"
        f"atexit.register(pathlib.Path({str(flag)!r}).write_text, 'yes')\n"
        f"threading.Thread(target=lambda: (time.sleep(0.3), pathlib.Path({str(flag)!r} + '.thread').write_text('done'))).start()\n"
        "from ftcost.cli import exit_now\n"
        "sys.stdout.write('buffered, not yet flushed')\n"
        "exit_now(3)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO / "src")},
        capture_output=True,
        timeout=60,
    )
    assert (done.returncode, done.stdout) == (3, b"buffered, not yet flushed")
    assert flag.read_text() == "yes"
    assert (tmp_path / "ran.thread").read_text() == "done"  # a thread that is not a daemon finished first
