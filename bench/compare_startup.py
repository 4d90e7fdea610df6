"""Start-up of `ftcost analyze`, two source trees compared in one run, interleaved (old, new, old, new...).

    .venv/bin/python bench/compare_startup.py OLD_TREE NEW_TREE [--rounds 7] [--file bench/out/chat-80mb-seed0.jsonl]

OLD_TREE is e.g. `git archive main | tar -x -C /tmp/old`; NEW_TREE the checkout. Per round and tree, each in a
fresh process with that tree's `src` first on the path:

- `bench_analyze.py --child fixed`: its phases (start + imports, models.toml, vocabulary + self-check, two
  workers started), each timed once in that process;
- `bench_analyze.py --child ftcost`: `analyze_file` on the file, wall seconds (what the headline ratio uses);
- `analyze_file` and the command line `ftcost analyze FILE --as-of 2024-06-01` (summary to a pipe; the cookbook's
  gpt-3.5-turbo-0125 is the default that day, as `analyze_file`'s), each with the moment its
  workers are started reported (`analysis.worker_pool` wrapped): seconds from this script's launch of the
  process to that moment (the serial start: interpreter, imports, everything before the fork), from the end
  of the scan to the process's exit (the serial end: report, price, summary), and in all.

Best and median of the rounds, with the load average before and after. Bytecode is written
(PYTHONDONTWRITEBYTECODE unset), as an installed package has it; each tree runs once before the rounds.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent

# Prints time.time() when the workers have started and when the scan is over; the clock is shared with this
# script, so the launch of the process is the zero.
_PROBE = """
import atexit, contextlib, sys, time
atexit.register(lambda: print("exit", time.time(), time.process_time(), file=sys.stderr, flush=True))  # runs last
from ftcost.dataset import analysis

real = analysis.worker_pool

@contextlib.contextmanager
def pool(*args):
    with real(*args) as p:
        print("started", time.time(), time.process_time(), file=sys.stderr, flush=True)
        yield p
    print("scanned", time.time(), time.process_time(), file=sys.stderr, flush=True)

analysis.worker_pool = pool
if sys.argv[1] == "cli":
    from ftcost.cli import main
    # the default model on a day the cookbook's gpt-3.5-turbo-0125 took fine-tuning jobs: the figures in
    # bench/README.md count cl100k_base, whatever today's default is (see `ftcost analyze --help`)
    code = main(["analyze", sys.argv[2], "--as-of", "2024-06-01"])
else:
    from ftcost.dataset import analyze_file
    analyze_file(sys.argv[2])
    code = 0
sys.stdout.flush()
sys.exit(code)
"""


def _env(tree: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(tree / "src")
    return env


def _run(cmd: list[str], tree: Path) -> tuple[float, float, float, str, str]:
    """(launch time, seconds to exit, CPU seconds of the process and its workers, stdout, stderr)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    launched = time.time()
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=tree, env=_env(tree), capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):  # 1: the file has errors, the report is still printed
        sys.exit(f"compare_startup: {cmd} failed in {tree}:\n{done.stderr}")
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return launched, seconds, cpu, done.stdout, done.stderr


def _probe(tree: Path, what: str, path: Path, label: str) -> dict[str, float]:
    launched, seconds, cpu, _, err = _run([sys.executable, "-c", _PROBE, what, str(path)], tree)
    marks = {
        fields[0]: (float(fields[1]), float(fields[2]))
        for fields in map(str.split, err.splitlines())
        if fields[:1] in (["started"], ["scanned"], ["exit"])
    }
    return {
        f"{label}: launch -> workers started": marks["started"][0] - launched,
        f"{label}: CPU before the fork": marks["started"][1],
        f"{label}: scan over -> exit": launched + seconds - marks["scanned"][0],
        f"{label}: CPU after the scan (to atexit)": marks["exit"][1] - marks["scanned"][1],
        f"{label}: wall": seconds,
        f"{label}: CPU, workers included": cpu,
    }


def one_round(tree: Path, path: Path) -> dict[str, float]:
    bench = str(tree / "bench" / "bench_analyze.py")
    _, _, _, out, _ = _run([sys.executable, bench, "--child", "fixed", str(path)], tree)
    row = {f"fixed: {k}": v for k, v in json.loads(out.strip().splitlines()[-1])["phases"].items()}
    _, row["--child ftcost: wall"], row["--child ftcost: CPU"], _, _ = _run(
        [sys.executable, bench, "--child", "ftcost", str(path)], tree
    )
    row.update(_probe(tree, "file", path, "analyze_file"))
    row.update(_probe(tree, "cli", path, "ftcost analyze"))
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old", type=Path)
    parser.add_argument("new", type=Path)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--file", type=Path, default=BENCH / "out" / "chat-80mb-seed0.jsonl")
    args = parser.parse_args()
    path = args.file.resolve()
    trees = {"old": args.old.resolve(), "new": args.new.resolve()}
    for tree in trees.values():  # bytecode written, caches warm
        one_round(tree, path)
    load_before = os.getloadavg()
    rows: dict[str, list[dict[str, float]]] = {name: [] for name in trees}
    for _ in range(args.rounds):
        for name, tree in trees.items():
            rows[name].append(one_round(tree, path))
    load_after = os.getloadavg()
    print(
        f"{path.name}, {args.rounds} rounds interleaved; load average before {load_before[0]:.2f} "
        f"{load_before[1]:.2f} {load_before[2]:.2f}, after {load_after[0]:.2f} {load_after[1]:.2f} {load_after[2]:.2f}"
    )
    print("| seconds | old best | old median | new best | new median | new/old (medians) |")
    print("|---|---:|---:|---:|---:|---:|")
    for key in rows["old"][0]:
        old = [r[key] for r in rows["old"]]
        new = [r[key] for r in rows["new"]]
        ratio = statistics.median(new) / statistics.median(old) if statistics.median(old) else float("nan")
        print(
            f"| {key} | {min(old):.3f} | {statistics.median(old):.3f} | {min(new):.3f} | "
            f"{statistics.median(new):.3f} | {ratio:.2f} |"
        )


if __name__ == "__main__":
    main()
