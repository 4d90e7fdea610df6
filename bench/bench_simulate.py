"""Benchmark: the Monte Carlo over the default scenario's ranges, against calling engine.plan once per draw.

    .venv/bin/python bench/bench_simulate.py              # 10,000 draws; engine.plan on 20 of the same draws
    .venv/bin/python bench/bench_simulate.py --draws 100000 --plans 50

The simulation reads the plan's linear structure once (ftcost.engine.uncertainty.linear_model) and then works
on numpy arrays; the baseline is what the simulation replaces: each draw written into the scenario and planned
by the engine. The ratio (per draw) is what to compare across machines; the absolute times depend on the
machine and its load. The baseline's savings are checked against the simulation's on the same draws.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from ftcost.engine import uncertainty as u  # noqa: E402
from ftcost.measure_training import measured_plan  # noqa: E402
from ftcost.scenario import default_scenario  # noqa: E402

AS_OF = dt.date(2026, 6, 1)  # a date on which the default scenario's fine-tunes can still be trained and served


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--draws", type=int, default=10_000)
    parser.add_argument("--plans", type=int, default=20, help="draws planned one by one by engine.plan")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    scenario = default_scenario().model_copy(update={"as_of": AS_OF})
    plan = measured_plan(scenario, AS_OF)

    times = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        result = u.simulate(scenario, plan, draws=args.draws, seed=2026)
        times.append(time.perf_counter() - start)
    sim = statistics.median(times)
    start = time.perf_counter()
    u.linear_model(scenario, plan)
    structure = time.perf_counter() - start

    model = u.linear_model(scenario, plan)
    values = u.draw(model, args.plans, 2026)
    ranged = {a.key: values[a.key] for a in model.assumptions if a.ranged}
    pair = plan.break_even[0]
    fast = u.pair(model, values, pair.fine_tuned, pair.against).savings
    start = time.perf_counter()
    worst = 0.0
    for i in range(args.plans):
        one = measured_plan(u.scenario_at(scenario, ranged, i), AS_OF)
        be = next(b for b in one.break_even if b.fine_tuned == pair.fine_tuned and b.against == pair.against)
        worst = max(worst, abs(float(be.savings_at_horizon_usd) - fast[i]))
    per_plan = (time.perf_counter() - start) / args.plans

    per_draw = sim / args.draws
    odds = result.odds_for(pair.fine_tuned, pair.against)
    print(
        f"default scenario, {len(ranged)} ranged assumptions, {len(plan.break_even)} pairs, {plan.horizon_months} months"
    )
    print(
        f"simulate: {args.draws:,} draws in {sim * 1000:.0f} ms (median of {args.repeat}); "
        f"reading the plan's structure: {structure * 1000:.1f} ms"
    )
    print(f"engine.plan per draw: {per_plan * 1000:.1f} ms ({args.plans} draws)")
    print(
        f"ratio per draw: {per_plan / per_draw:,.0f}× faster than planning each draw "
        f"({per_plan * args.draws:.0f} s for {args.draws:,} plans)"
    )
    print(f"same draws, engine.plan vs simulation: largest savings difference ${worst:.4f}")
    print(f"{pair.fine_tuned} vs {pair.against}: pays back in {odds.p_pays_back:.1%} of draws")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
