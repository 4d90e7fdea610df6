"""What `ftcost analyze` does before its workers start: only what the scan needs (issue 16).

Everything before the fork runs on one core while the other waits, so a module imported there and not needed,
or a table built there that a file never asks for, costs every run. These tests keep them out; the figures are
in bench/README.md ("Start-up trimmed"), measured with bench/compare_startup.py.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from ftcost.cli import analyze as cli_analyze
from ftcost.cli import main
from ftcost.errors import PricingDataError

SRC = Path(__file__).resolve().parent.parent / "src"

#: Not imported before the scan, by `analyze_file` (the model's context read from models.toml, the vocabulary
#: loaded and self-checked, as the parent does before it forks its workers) nor by the command line's start.
NOT_BEFORE_THE_SCAN = (
    "pydantic",  # the model facts are validated while the workers scan
    "ftcost.models",
    "ftcost.pricing",  # the training price is looked up after the scan
    "tiktoken",  # the reference counter, loaded only for a string toktok-rs cannot count
    "tiktoken_ext",
    "babel",
    "quicktok",
    "logging",  # only a fallback logs its one line
    "hashlib",  # vocabulary files checked and tiktoken's cache seeded: not for toktok-rs's compiled-in vocabularies
    "gzip",
    "base64",
    "gettext",  # analyze_file translates nothing (the command line's argparse imports it anyway)
)

_BEFORE_THE_FORK = """
import sys
from ftcost.dataset import analysis, parallel
from ftcost import tokens

ctx = analysis._hinted_context(analysis.DEFAULT_MODEL, None)
parallel._warm(ctx.encoding)
assert tokens.counter_name(ctx.encoding) == "toktok-rs"
print(" ".join(sorted(sys.modules)))
print(tokens._unknown_patterns.cache_info().currsize)
"""


def _run(code: str, *args: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(SRC), "PATH": "/usr/bin:/bin"},
    )
    return done.stdout.splitlines()


def test_analyze_file_imports_nothing_before_the_fork_that_the_scan_does_not_need():
    modules, compiled = _run(_BEFORE_THE_FORK)
    loaded = set(modules.split())
    assert "toktok" in loaded  # the check has teeth: the vocabulary was loaded
    assert [m for m in NOT_BEFORE_THE_SCAN if m in loaded] == []
    # the guarded code points' patterns (~4 ms to compile) wait for a block that needs them
    assert compiled == "0"


_CLI_START = """
import sys, datetime
from ftcost.cli import build_parser
from ftcost.cli.analyze import DEFAULT_MODEL, _is_openai, snapshot_of

args = build_parser().parse_args(["analyze", "train.jsonl", "--model", sys.argv[1]])
assert snapshot_of(args.model, datetime.date(2026, 12, 2)) == sys.argv[1] and _is_openai(sys.argv[1])
print(" ".join(sorted(sys.modules)))
"""


@pytest.mark.parametrize("model", ["gpt-3.5-turbo-0125", "gpt-4o-mini-2024-07-18"])
def test_the_command_line_names_a_listed_model_without_validating_the_facts(model):
    (modules,) = _run(_CLI_START, model)
    loaded = set(modules.split())
    assert [m for m in NOT_BEFORE_THE_SCAN if m in loaded and m not in ("gettext", "logging")] == []


_CLI_DEFAULT_START = """
import sys, datetime
from ftcost.cli import build_parser
from ftcost.cli.analyze import hinted_default, _is_openai, snapshot_of

args = build_parser().parse_args(["analyze", "train.jsonl", "--as-of", sys.argv[1]])
assert args.model is None
chosen = hinted_default(args.as_of)
assert chosen is not None and snapshot_of(chosen.model, args.as_of) == chosen.model and _is_openai(chosen.model)
print(" ".join(sorted(sys.modules)))
"""


@pytest.mark.parametrize("day", ["2024-06-01", "2026-12-02", "2027-02-01"])
def test_the_command_line_chooses_its_default_model_without_validating_the_facts(day):
    # No --model: the model OpenAI takes jobs on that day is read from models.toml as written (the pricing layer
    # checks it after the scan; tests/test_cli_analyze_default.py holds the two equal).
    (modules,) = _run(_CLI_DEFAULT_START, day)
    loaded = set(modules.split())
    assert [m for m in NOT_BEFORE_THE_SCAN if m in loaded and m not in ("gettext", "logging")] == []


def test_the_listed_models_are_the_validated_ones():
    from ftcost.models import load_models

    assert cli_analyze.listed_models() == frozenset(load_models())


def test_an_alias_still_resolves_through_pricing():
    # Not listed in models.toml: pricing resolves it, as before.
    assert "gpt-4o-mini" not in cli_analyze.listed_models()
    assert cli_analyze.snapshot_of("gpt-4o-mini", dt.date(2024, 8, 1)) == "gpt-4o-mini-2024-07-18"


@pytest.mark.parametrize("workers", ["1", "2"])
def test_invalid_model_facts_still_stop_the_command_with_their_sentence(tmp_path, monkeypatch, capsys, workers):
    # models.toml lists the model but does not validate: the analysis validates it and says so, as the
    # command's own look-up did before it.
    from ftcost import models
    from ftcost.dataset import analysis, parallel

    def broken():
        raise PricingDataError("models.toml: [gpt-3.5-turbo-0125].shutdown: not a date.")

    started = []
    real_pool = analysis.worker_pool

    def pool(n, encoding):
        started.append(n)
        return real_pool(n, encoding)

    monkeypatch.setattr(models, "load_models", broken)
    monkeypatch.setattr(analysis, "worker_pool", pool)
    monkeypatch.setattr(parallel, "MIN_CHUNK", 2_000)  # several ranges, so two workers really start
    path = tmp_path / "train.jsonl"
    path.write_text(
        '{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]}\n' * 300
    )
    assert main(["analyze", str(path), "--workers", workers]) == 2
    assert "not a date" in capsys.readouterr().err
    assert started == ([2] if workers == "2" else [])  # one process: the facts are validated before the scan


def _subcommands(parser) -> dict:
    import argparse

    (action,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(action.choices)


def test_a_run_builds_only_its_own_subcommand_and_it_is_the_same_parser():
    from ftcost.cli import COMMANDS, build_parser

    every = _subcommands(build_parser())
    assert list(every)[:5] == ["analyze", "count", "quote", "prices", "report"]
    for name in COMMANDS:
        alone = _subcommands(build_parser(name))
        if name == "live":  # its commands are measure, pilot and evaluate: `ftcost live` gets every parser
            assert alone.keys() == every.keys()
            continue
        assert list(alone) == [name]
        assert alone[name].format_help() == every[name].format_help(), name
        assert alone[name].format_usage() == every[name].format_usage(), name


def test_the_command_line_builds_every_parser_only_without_a_known_command(monkeypatch, capsys):
    import ftcost.cli

    built = []
    real = ftcost.cli.build_parser

    def spy(only=None):
        built.append(only)
        return real(only)

    monkeypatch.setattr(ftcost.cli, "build_parser", spy)
    for argv in (["prices", "--help"], ["--help"], ["bogus"], ["live"]):
        with pytest.raises(SystemExit):
            main(argv)
    assert main([]) == 2  # no command: the help
    assert built == ["prices", None, None, "live", None, None]  # "live" names a module, not a command
    err = capsys.readouterr().err
    assert "invalid choice: 'bogus' (choose from 'analyze', 'count'" in err
    assert "invalid choice: 'live' (choose from 'analyze', 'count'" in err


def test_what_the_report_needs_after_the_scan_loads_once_while_it_runs(tmp_path, monkeypatch, capsys):
    from ftcost.dataset import parallel

    calls = []
    real = cli_analyze.load_output

    def spy(*args):
        calls.append(args)
        real(*args)

    monkeypatch.setattr(cli_analyze, "load_output", spy)
    monkeypatch.setattr(parallel, "MIN_CHUNK", 2_000)
    path = tmp_path / "train.jsonl"
    path.write_text(
        '{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]}\n' * 300
    )
    assert main(["analyze", str(path), "--workers", "2", "--as-of", "2024-08-01"]) == 0
    assert calls == [("gpt-3.5-turbo-0125", dt.date(2024, 8, 1), False)]
    assert "training cost" in capsys.readouterr().out
    assert main(["analyze", str(path), "--tokenizer", "o200k_base", "--json"]) == 0  # priced by no OpenAI rate
    assert calls[1][0] is None and calls[1][2] is True


def test_the_progress_runs_the_bar_and_loads_once_when_a_range_is_back():
    seen, loads = [], []

    def bar(done, total):
        seen.append((done, total))

    progress = cli_analyze.while_scanning(bar, lambda: loads.append(len(seen)))  # type: ignore[arg-type]
    for done in (0, 10, 20):
        progress(done, 20)
    assert seen == [(0, 20), (10, 20), (20, 20)] and loads == [2]
