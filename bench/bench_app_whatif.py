"""The app's what-if rerun (bench_analyze.measure_app_whatif), this tree against another, interleaved.

    git archive main | tar -x -C /tmp/ftcost-main     # the tree to compare with
    PYTHONPATH=src .venv/bin/python bench/bench_app_whatif.py /tmp/ftcost-main --rounds 3 --changes 5

    PYTHONPATH=src .venv/bin/python bench/bench_app_whatif.py --parts   # this tree's parts, old way vs new

Each round runs both trees once each, in alternating order, each in its own process with its own sources
first on the path (PYTHONPATH=TREE/src, the app and the benchmark from TREE): upload a 10,000-example dataset,
go to the Plan page, change "Requests per month" `--changes` times. Prints every rerun's milliseconds, wall and
process CPU, with the load average before each run, then the means, medians and best, and their ratios.
Streamlit's bare-mode notices are dropped from both (bench/quiet_streamlit.py); each tree needs the generator's
20 MB file in its bench/out/ (bench_analyze makes it when it is missing).
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

# The child also reads the process's CPU time at each of measure_app_whatif's two clock readings per rerun (its
# only ones): on a shared machine the wall time waits for a core, the CPU time much less so.
CHILD = """
import json, sys, time
sys.path.insert(0, {bench!r})
import quiet_streamlit
quiet_streamlit.install()
sys.path.insert(0, {tree_bench!r})
import bench_analyze

cpu = []


class Clock:
    def perf_counter(self):
        cpu.append(time.process_time())
        return time.perf_counter()


bench_analyze.time = Clock()
with quiet_streamlit.in_children(bench_analyze.OUT / "quiet"):
    wall = bench_analyze.measure_app_whatif(changes={changes})
assert len(cpu) == 2 * len(wall), cpu
print(json.dumps({{"wall": wall, "cpu": [b - a for a, b in zip(cpu[::2], cpu[1::2])]}}))
"""


def run(tree: Path, changes: int) -> tuple[list[float], list[float]]:
    code = CHILD.format(bench=str(BENCH), tree_bench=str(tree / "bench"), changes=changes)
    env = {**os.environ, "PYTHONPATH": str(tree / "src")}
    done = subprocess.run([sys.executable, "-c", code], cwd=tree, env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        sys.exit(f"bench: {tree} failed:\n{done.stderr[-3000:]}")
    if done.stderr.strip():
        print(done.stderr.strip(), file=sys.stderr)
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    return [t * 1000 for t in seen["wall"]], [t * 1000 for t in seen["cpu"]]


def best_ms(job, repeat: int = 9) -> float:
    import time

    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        job()
        times.append(time.perf_counter() - start)
    return min(times) * 1000


def parts() -> None:
    """The parts of a Plan-page rerun this work changed, each the old way and the new, in this process (default
    scenario, its sample, USD and English; Streamlit in bare mode, so nothing is sent): best of 9."""
    import datetime as dt

    import streamlit as st

    sys.path.insert(0, str(BENCH))
    import quiet_streamlit

    quiet_streamlit.install()
    sys.path.insert(0, str(REPO))
    from ftcost import i18n, report, views
    from ftcost.engine import uncertainty as u
    from ftcost.measure_training import measured_plan
    from ftcost.money import Display
    from ftcost.scenario import default_scenario
    from ftcost.views import uncertainty as vu
    from ftcost.views.plan import month_breakdown_frame
    from ui import charts, plan_uncertainty

    day = dt.date(2026, 12, 2)
    scenario = default_scenario()
    plan = measured_plan(scenario, day)
    how = u.analyse(scenario, plan, fine_tuned=plan.pilot.option if plan.pilot else None, against=plan.compare_with)
    money = Display()

    def drawings() -> list:
        frame = views.breakdown_frame(plan, money)
        s = how.sensitivity
        return [
            charts.stacked_totals_drawing(month_breakdown_frame(plan, money), "USD", "A month ({currency})"),
            charts.cumulative_drawing(
                views.cumulative_frame(plan, money),
                views.break_even_frame(plan, plan.compare_with, money),
                plan.horizon_months,
                views.go_live_frame(plan),
                plan_uncertainty.band(how, money),
                "USD",
            ),
            plan_uncertainty.tornado_drawing(vu.tornado_frame(how, money), "USD"),
            plan_uncertainty.sensitivity_drawing(
                vu.sensitivity_frame(how, money), s.label, s.break_even.value, vu.break_even_text(how, money), "USD"
            ),
            charts.stacked_totals_drawing(views.horizon_breakdown_frame(plan, money), "USD"),
            charts.stacked_months_drawing(frame[frame.option == frame.option.iloc[0]], "USD"),
        ]

    made = drawings()  # the frames, made once: both ways below start from them

    def altair_way() -> None:
        for d in made:
            st.altair_chart(charts.unvalidated(d.chart()), width="stretch")

    def template_way() -> None:
        for d in made:
            charts.draw(d)

    template_way()  # the templates, made once (a session's first rerun of each shape)
    print("Plan-page parts, best of 9 (ms):")
    print(f"  six charts, built with Altair and converted: {best_ms(altair_way):.1f}")
    print(f"  six charts, from their templates:            {best_ms(template_way):.1f}")
    print(f"  the frames they draw (views), for reference: {best_ms(drawings):.1f}")
    print(
        f"  report Markdown + months CSV (now on click): {best_ms(lambda: (report.to_markdown(plan, how), report.to_csv(plan, how))):.1f}"
    )
    with i18n.use("en"):
        fast = best_ms(lambda: views.month_table(plan, money))
        i18n._groups_as_python.cache_clear()
        real = i18n._groups_as_python
        i18n._groups_as_python = lambda name: False  # type: ignore[assignment]
        try:
            slow = best_ms(lambda: views.month_table(plan, money))
        finally:
            i18n._groups_as_python = real
    print(f"  monthly table, counts through Babel:         {slow:.1f}")
    print(f"  monthly table, counts as Python groups them: {fast:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("other", type=Path, nargs="?", help="the tree to compare with (e.g. a git archive of main)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--changes", type=int, default=5)
    parser.add_argument("--parts", action="store_true", help="time the changed parts in this tree, old way vs new")
    args = parser.parse_args()
    if args.parts:
        parts()
        return
    if args.other is None:
        parser.error("give the tree to compare with, or --parts")
    trees = {"other": args.other.resolve(), "this": REPO}
    print(f"app what-if rerun: other = {trees['other']}, this = {trees['this']}, {os.cpu_count()} cores")
    wall: dict[str, list[float]] = {name: [] for name in trees}
    cpu: dict[str, list[float]] = {name: [] for name in trees}
    for r in range(args.rounds):
        order = list(trees) if r % 2 == 0 else list(trees)[::-1]
        for name in order:
            load = f"{os.getloadavg()[0]:.2f}"
            times, cpus = run(trees[name], args.changes)
            wall[name] += times
            cpu[name] += cpus
            shown = ", ".join(f"{t:.0f}" for t in times)
            print(f"round {r + 1}  {name:5}  load {load}  wall {shown} ms; CPU " + ", ".join(f"{t:.0f}" for t in cpus))
    for label, seen in (("wall", wall), ("CPU", cpu)):
        for name, times in seen.items():
            print(
                f"{label:4} {name:5}: mean {statistics.mean(times):.0f} ms, median {statistics.median(times):.0f} ms, "
                f"best {min(times):.0f} ms, worst {max(times):.0f} ms"
            )
        before, after = seen["other"], seen["this"]
        print(
            f"{label:4} this / other: mean {statistics.mean(after) / statistics.mean(before):.2f}, "
            f"median {statistics.median(after) / statistics.median(before):.2f}, best "
            f"{min(after) / min(before):.2f}; other - this: mean {statistics.mean(before) - statistics.mean(after):.0f} ms"
        )


if __name__ == "__main__":
    main()
