"""The app's what-if rerun (bench_analyze.measure_app_whatif), this tree against another, interleaved.

    git archive main | tar -x -C /tmp/ftcost-main     # the tree to compare with
    PYTHONPATH=src .venv/bin/python bench/bench_app_whatif.py /tmp/ftcost-main --rounds 3 --changes 5

Each round runs both trees once each, in alternating order, each in its own process with its own sources
first on the path (PYTHONPATH=TREE/src, the app and the benchmark from TREE): upload a 10,000-example dataset,
go to the Plan page, change "Requests per month" `--changes` times. Prints every rerun's milliseconds with the
load average before each run, then the means and medians and their ratio. Streamlit's bare-mode notices are
dropped from both (bench/quiet_streamlit.py); each tree needs the generator's 20 MB file in its bench/out/
(bench_analyze makes it when it is missing).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent

CHILD = """
import json, sys
sys.path.insert(0, {bench!r})
import quiet_streamlit
quiet_streamlit.install()
sys.path.insert(0, {tree_bench!r})
import bench_analyze
with quiet_streamlit.in_children(bench_analyze.OUT / "quiet"):
    times = bench_analyze.measure_app_whatif(changes={changes})
print(json.dumps(times))
"""


def run(tree: Path, changes: int) -> list[float]:
    code = CHILD.format(bench=str(BENCH), tree_bench=str(tree / "bench"), changes=changes)
    env = {**os.environ, "PYTHONPATH": str(tree / "src")}
    done = subprocess.run([sys.executable, "-c", code], cwd=tree, env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        sys.exit(f"bench: {tree} failed:\n{done.stderr[-3000:]}")
    if done.stderr.strip():
        print(done.stderr.strip(), file=sys.stderr)
    return [t * 1000 for t in json.loads(done.stdout.strip().splitlines()[-1])]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("other", type=Path, help="the tree to compare with (e.g. a git archive of main)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--changes", type=int, default=5)
    args = parser.parse_args()
    trees = {"other": args.other.resolve(), "this": REPO}
    print(f"app what-if rerun: other = {trees['other']}, this = {trees['this']}, {os.cpu_count()} cores")
    seen: dict[str, list[float]] = {name: [] for name in trees}
    for r in range(args.rounds):
        order = list(trees) if r % 2 == 0 else list(trees)[::-1]
        for name in order:
            load = f"{os.getloadavg()[0]:.2f}"
            times = run(trees[name], args.changes)
            seen[name] += times
            print(f"round {r + 1}  {name:5}  load {load}  " + ", ".join(f"{t:.0f}" for t in times) + " ms", flush=True)
    for name, times in seen.items():
        print(
            f"{name:5}: mean {statistics.mean(times):.0f} ms, median {statistics.median(times):.0f} ms, "
            f"best {min(times):.0f} ms, worst {max(times):.0f} ms"
        )
    before, after = seen["other"], seen["this"]
    print(
        f"this / other: mean {statistics.mean(after) / statistics.mean(before):.2f}, "
        f"median {statistics.median(after) / statistics.median(before):.2f}; "
        f"other - this: mean {statistics.mean(before) - statistics.mean(after):.0f} ms"
    )


if __name__ == "__main__":
    main()
