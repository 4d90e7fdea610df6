"""How sure is the answer: a seeded Monte Carlo over the scenario's ranges, what drives the savings, and what the
pilot's measurement is worth.

The plan's money is linear in almost every assumption once the month a fine-tune goes live is fixed:

    requests in month m      r_m = round(R · (1 + g)^(m-1))
    a month of option o      r_m · (c_o + T · t_o + w · (1 - a_o)) + fixed_o        (c: prompt side per request,
                                                                                     t: price of an output token)
    a fine-tune's one-off    I · (run(n) + L) + prep(n) + pilot,  L = Σ hourly · hours,  prep(n) = n · min/60 · rate
    before go-live (weeks)   the current option's month instead of the fine-tune's

`linear_model` reads those coefficients once from the engine's own point plan (the steady month's per-request
costs, the one-off's per-run training price and per-example tokens, the pilot's fixed part, `go_live_month` for
each whole number of weeks, `default_epochs` for each dataset size), so a draw costs a few numpy operations instead
of a call to `engine.plan`. With every range a point, `evaluate` gives the engine's plan back (tests check it to
the cent). Draws are made in the scenario's order of assumptions with numpy's default generator seeded from the
scenario's `[simulation]` seed: the same seed and ranges give the same draws.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal

import numpy as np

from ftcost.dataset import default_epochs
from ftcost.engine import go_live_month
from ftcost.engine.results import OptionPlan, Plan
from ftcost.engine.training import data_prep_usd, labour_per_iteration
from ftcost.i18n import N_, Notice
from ftcost.scenario import Rangeable, Scenario, _args

DEFAULT_SEED = 2026
DEFAULT_DRAWS = 10_000


# --- the assumptions ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Assumption:
    """One number the plan hangs on, with its range (low == likely == high when the scenario gives a point)."""

    key: str  # "option[Fine-tuned GPT-3.5 Turbo].accuracy_pct": where it lives in the scenario
    label: str  # what a manager reads: "Fine-tuned GPT-3.5 Turbo: accuracy (%)"
    likely: float
    low: float
    high: float
    dist: str
    whole: bool  # drawn values are rounded to whole numbers (weeks, iterations, examples, requests)
    bounds: tuple[float, float]  # what the field accepts: where a break-even value is searched for
    unit: str = ""

    @property
    def ranged(self) -> bool:
        return self.low < self.high


def _assumption(section: Rangeable, name: str, key: str, label: str, unit: str = "") -> Assumption:
    likely = float(getattr(section, name))
    r = section.range_of(name)
    field_info = type(section).model_fields[name]
    lo, hi = 0.0, 1e12
    for meta in field_info.metadata:
        lo = float(getattr(meta, "ge", lo) if getattr(meta, "ge", None) is not None else lo)
        hi = float(getattr(meta, "le", hi) if getattr(meta, "le", None) is not None else hi)
    whole = int in _args(field_info.annotation)
    return Assumption(
        key,
        label,
        likely,
        float(r.low) if r else likely,
        float(r.high) if r else likely,
        r.dist if r else "point",
        whole,
        (lo, hi),
        unit,
    )


def assumptions(scenario: Scenario, plan: Plan | None = None) -> list[Assumption]:
    """Every assumption the simulation moves, in the scenario's order (which is also the order of the draws);
    without a plan, every option's accuracy (the ranges editor shows them all)."""
    w, t, lab, q = scenario.workload, scenario.training, scenario.labour, scenario.quality
    out = [
        _assumption(w, "requests_per_month", "workload.requests_per_month", "Requests in the first month"),
        _assumption(w, "monthly_growth_pct", "workload.monthly_growth_pct", "Monthly growth of requests", "%"),
    ]
    if w.output_tokens_per_request is not None:
        out.append(
            _assumption(
                w, "output_tokens_per_request", "workload.output_tokens_per_request", "Output tokens per request"
            )
        )
    planned = {o.name for o in plan.options} if plan is not None else {o.name for o in scenario.option}
    out += [
        _assumption(o, "accuracy_pct", f"option[{o.name}].accuracy_pct", f"{o.name}'s accuracy", "%")
        for o in scenario.option
        if o.name in planned
    ]
    out.append(
        _assumption(
            q, "cost_per_wrong_answer_usd", "quality.cost_per_wrong_answer_usd", "Cost of a wrong answer", "USD"
        )
    )
    if any(o.fine_tuned for o in (plan.options if plan is not None else scenario.option)):
        out += [
            _assumption(t, "planned_examples", "training.planned_examples", "Training examples planned"),
            _assumption(t, "iterations", "training.iterations", "Fine-tuning iterations"),
            _assumption(lab, "weeks", "labour.weeks", "Weeks until the fine-tune serves"),
            _assumption(
                lab,
                "data_prep_minutes_per_example",
                "labour.data_prep_minutes_per_example",
                "Minutes to prepare one example",
            ),
        ]
        for role in lab.role:
            out.append(
                _assumption(
                    role,
                    "hours_per_iteration",
                    f"labour.role[{role.role}].hours_per_iteration",
                    f"{role.role}'s hours per iteration",
                )
            )
            out.append(
                _assumption(
                    role, "hourly_usd", f"labour.role[{role.role}].hourly_usd", f"{role.role}'s hourly cost", "USD"
                )
            )
    return out


# --- the plan's linear structure ------------------------------------------------------------------------------


@dataclass(frozen=True)
class OptionLine:
    """One option's money per request and per month, as coefficients (floats: the simulation's arithmetic)."""

    name: str
    fine_tuned: bool
    prompt_per_request: float  # input + cached input (+ retrieval's per-query embedding) per request
    output_per_token: float
    output_tokens: int  # this option's own count at the likely value
    fixed_per_month: float  # hosting + retrieval's monthly costs, whether called or not
    one_off_fixed: float  # a base option's one-off (a retrieval index's build), booked in month 1
    # A fine-tune's one-off, as parts the assumptions move:
    train_per_token: float = 0.0
    tokens_per_example: float = 0.0
    epochs_fixed: int | None = None  # None: OpenAI's "auto" rule for the dataset size
    pilot_fixed: float = 0.0  # the pilot's training + evaluation runs
    pilot_examples: int = 0
    pilot_eval_per_output_token: float = 0.0  # the pilot's eval run through every OpenAI model, per output token
    go_live_fixed: int | None = None  # the plan's go-live when the current option could not be priced


@dataclass(frozen=True)
class LinearPlan:
    scenario: Scenario
    plan: Plan
    assumptions: list[Assumption]
    lines: dict[str, OptionLine]
    current: str | None  # the option serving before a fine-tune goes live
    horizon: int
    go_live_by_weeks: np.ndarray  # index: whole weeks
    prep_role: str
    roles: list[str]
    # Who serves each month of an option's own timeline (a model that stops serving inside the horizon hands its
    # months to its successor), the month index of that switch, and the successor whose one-off lands there.
    serving: dict[str, tuple[str, ...]] = field(default_factory=dict)
    switch_at: dict[str, int] = field(default_factory=dict)

    def assumption(self, key: str) -> Assumption:
        return next(a for a in self.assumptions if a.key == key)

    def likely(self, n: int = 1) -> dict[str, np.ndarray]:
        return {a.key: np.full(n, a.likely) for a in self.assumptions}


def linear_model(scenario: Scenario, plan: Plan) -> LinearPlan:
    """The coefficients of `plan` (made by engine.plan from `scenario`) that the simulation multiplies."""
    lines: dict[str, OptionLine] = {}
    pilot_n = max(10, scenario.pilot.examples)
    # The pilot evaluates its eval set on each OpenAI model once (engine.training.pilot_cost), so its cost moves
    # with the output tokens per request: eval examples × the output price of each model, per output token.
    openai = {o.name for o in scenario.option if o.provider_id == "openai"}
    by_model: dict[str, OptionPlan] = {}
    for o in sorted(plan.options, key=lambda o: o.retrieval is None):
        if o.name in openai:
            by_model[o.model] = o
    eval_per_token = scenario.pilot.eval_examples * sum(
        float(o.steady.output_usd / o.steady.output_tokens) for o in by_model.values() if o.steady.output_tokens
    )
    for o in plan.options:
        s = o.steady
        requests = s.requests or 1
        extra_req, extra_month, extra_once = _retrieval_parts(o)
        line = OptionLine(
            name=o.name,
            fine_tuned=o.fine_tuned,
            prompt_per_request=float((s.input_usd + s.cached_input_usd) / requests) + extra_req,
            output_per_token=float(s.output_usd / s.output_tokens) if s.output_tokens else 0.0,
            output_tokens=o.tokens.output_tokens,
            fixed_per_month=float(s.hosting_usd) + extra_month,
            one_off_fixed=extra_once if not o.fine_tuned else 0.0,
        )
        if o.fine_tuned and o.one_off is not None:
            one = o.one_off
            labour = float(_labour_per_iteration(scenario))
            prep = float(_prep(scenario, pilot_n))
            line = _replace(
                line,
                train_per_token=float(one.training_usd_per_run / one.charged_tokens_per_run)
                if one.charged_tokens_per_run
                else 0.0,
                tokens_per_example=one.training_tokens_per_epoch / scenario.training.planned_examples,
                # OpenAI's "auto" follows the cookbook's rule as the dataset grows, wherever the plan used it (a
                # provider without a documented default is planned on it too); a provider's documented default
                # and a stated count are held at the plan's epochs.
                epochs_fixed=None if one.epochs_estimated and one.epochs_default is None else one.epochs,
                pilot_fixed=float(one.pilot_usd) - labour - prep + extra_once,
                pilot_examples=pilot_n,
                pilot_eval_per_output_token=eval_per_token if o.name in openai else 0.0,
                go_live_fixed=o.go_live_month if o.go_live_month == 1 and _current_missing(plan) else None,
            )
        lines[o.name] = line
    current = plan.current_option if plan.current_option in lines else None
    weeks = np.array([go_live_month(plan.as_of, max(1, k)) for k in range(0, 105)])
    serving: dict[str, tuple[str, ...]] = {}
    switch_at: dict[str, int] = {}
    for o in plan.options:
        switch = o.switch_month - 1 if o.switch_month is not None else plan.horizon_months
        if switch < plan.horizon_months:
            switch_at[o.name] = switch
        hidden = min(o.go_live_month - 1, switch) if o.fine_tuned else 0  # months the current option served
        serving[o.name] = tuple(o.name if i < hidden else m.served_by for i, m in enumerate(o.months))
    return LinearPlan(
        scenario=scenario,
        plan=plan,
        assumptions=assumptions(scenario, plan),
        lines=lines,
        current=current,
        horizon=plan.horizon_months,
        go_live_by_weeks=weeks,
        prep_role=scenario.labour.data_prep_role,
        roles=[r.role for r in scenario.labour.role],
        serving=serving,
        switch_at=switch_at,
    )


def _replace(line: OptionLine, **changes) -> OptionLine:
    return replace(line, **changes)


def _current_missing(plan: Plan) -> bool:
    return not any(o.name == plan.current_option for o in plan.options)


def _retrieval_parts(o: OptionPlan) -> tuple[float, float, float]:
    """(per request, per month, one-off) of an option's retrieved context; zeros for an option without one."""
    r = getattr(o, "retrieval", None)
    if r is None:
        return 0.0, 0.0, 0.0
    return float(r.query_usd_per_request), float(r.monthly_usd), float(r.one_off_usd)


def _labour_per_iteration(scenario: Scenario) -> Decimal:
    return labour_per_iteration(scenario)


def _prep(scenario: Scenario, examples: int) -> Decimal:
    return data_prep_usd(scenario, examples)


# --- evaluating draws -----------------------------------------------------------------------------------------


def _whole(x: np.ndarray) -> np.ndarray:
    return np.floor(x + 0.5)


def cumulative(
    model: LinearPlan, values: dict[str, np.ndarray], only: tuple[str, ...] | None = None
) -> dict[str, np.ndarray]:
    """Cumulative quality-adjusted cost of every option, shape (draws, months), for the given assumption values;
    with `only`, of those options alone (each computed exactly as among all: an option's months read only the
    lines that serve them)."""
    n = len(next(iter(values.values())))
    horizon = model.horizon
    months = np.arange(horizon)
    growth = 1 + values["workload.monthly_growth_pct"] / 100
    requests = _whole(values["workload.requests_per_month"][:, None] * growth[:, None] ** months[None, :])
    wrong = values["quality.cost_per_wrong_answer_usd"]
    out_tokens = values.get("workload.output_tokens_per_request")
    stated_out = model.scenario.workload.output_tokens_per_request

    def own(line: OptionLine) -> np.ndarray:
        tokens = line.output_tokens + (out_tokens - stated_out if out_tokens is not None else 0.0)
        acc = values[f"option[{line.name}].accuracy_pct"]
        per_request = line.prompt_per_request + tokens * line.output_per_token + wrong * (1 - acc / 100)
        return requests * per_request[:, None] + line.fixed_per_month

    wanted = list(model.lines) if only is None else [k for k in model.lines if k in only]
    names = _read_by(model, wanted)
    # The month costs of every line those options read, stacked, with a last row of zeros for a month nobody
    # serves.
    stack = np.stack([own(model.lines[k]) for k in names] + [np.zeros((n, horizon))])
    index = {k: i for i, k in enumerate(names)}
    one_off = _one_offs(model, values, n)
    out: dict[str, np.ndarray] = {}
    for name in wanted:
        line = model.lines[name]
        seq = np.array([index.get(k, len(names)) for k in model.serving[name]])
        month = stack[seq, :, months].T.copy()
        if line.fine_tuned and model.current is not None and model.current != name:
            if line.go_live_fixed is not None:
                go_live = np.full(n, line.go_live_fixed)
            else:
                weeks = np.clip(_whole(values["labour.weeks"]), 1, len(model.go_live_by_weeks) - 1).astype(int)
                go_live = model.go_live_by_weeks[weeks]
            switch = model.switch_at.get(name, horizon)
            early = (months[None, :] + 1 < go_live[:, None]) & (months[None, :] < switch)
            current = np.array([index.get(k, len(names)) for k in model.serving[model.current]])
            month = np.where(early, stack[current, :, months].T, month)
        month[:, 0] += one_off.get(name, 0.0)
        if name in model.switch_at:  # the successor's one-off moves to the switch month
            successor = model.serving[name][model.switch_at[name]]
            if successor in one_off and model.lines[successor].fine_tuned:
                month[:, model.switch_at[name]] += one_off[successor]
        out[name] = np.cumsum(month, axis=1)
    return out


def _read_by(model: LinearPlan, wanted: list[str]) -> list[str]:
    """The lines whose month costs the cumulative costs of `wanted` read (its own, those serving its months, the
    current option's before a fine-tune goes live), in the model's order."""
    read: set[str] = set()
    for name in wanted:
        read.update(model.serving[name])
        if model.lines[name].fine_tuned and model.current is not None and model.current != name:
            read.update(model.serving[model.current])
    return [k for k in model.lines if k in read]


def _one_offs(model: LinearPlan, values: dict[str, np.ndarray], n: int) -> dict[str, np.ndarray]:
    out_tokens = values.get("workload.output_tokens_per_request")
    stated_out = model.scenario.workload.output_tokens_per_request or 0

    out: dict[str, np.ndarray] = {}
    fts = [line for line in model.lines.values() if line.fine_tuned]
    for line in model.lines.values():
        if not line.fine_tuned and line.one_off_fixed:
            out[line.name] = np.full(n, line.one_off_fixed)
    if not fts:
        return out
    labour = np.zeros(n)
    prep_rate = np.zeros(n)
    for role in model.roles:
        hourly = values[f"labour.role[{role}].hourly_usd"]
        labour = labour + hourly * values[f"labour.role[{role}].hours_per_iteration"]
        if role == model.prep_role:
            prep_rate = hourly
    minutes = values["labour.data_prep_minutes_per_example"]
    examples = np.maximum(10, _whole(values["training.planned_examples"]))
    iterations = np.maximum(1, _whole(values["training.iterations"]))
    unique, inverse = np.unique(examples.astype(np.int64), return_inverse=True)
    auto = np.array([default_epochs(int(u)) for u in unique], dtype=float)[inverse]
    for line in fts:
        epochs = auto if line.epochs_fixed is None else np.full(n, float(line.epochs_fixed))
        per_epoch = _whole(line.tokens_per_example * examples)
        run = line.train_per_token * per_epoch * epochs
        prep = examples * minutes / 60 * prep_rate
        pilot = line.pilot_fixed + labour + line.pilot_examples * minutes / 60 * prep_rate
        if out_tokens is not None:
            pilot = pilot + line.pilot_eval_per_output_token * (out_tokens - stated_out)
        out[line.name] = iterations * (run + labour) + prep + pilot
    return out


@dataclass(frozen=True)
class PairResult:
    """Savings at the horizon and break-even month of one fine-tune against one base option, per draw."""

    savings: np.ndarray  # base's cumulative − the fine-tune's, at the horizon
    break_even: np.ndarray  # first month from which the fine-tune stays at or below the base; 0 when never


def pair(
    model: LinearPlan, values: dict[str, np.ndarray], ft: str, base: str, cum: dict[str, np.ndarray] | None = None
) -> PairResult:
    cum = cum if cum is not None else cumulative(model, values, (ft, base))
    a, b = cum[ft], cum[base]
    ahead = a <= b + 1e-9  # the engine compares exact decimals; a float's last bit must not move a month
    # As the engine (roi.break_even_month): the first month from which the fine-tune *stays* at or below the
    # base to the horizon — a dip that comes back up (hosting, a successor's one-off) has not paid back.
    behind = ~ahead
    last_behind = np.where(behind.any(axis=1), behind.shape[1] - 1 - behind[:, ::-1].argmax(axis=1), -1)
    month = np.where(last_behind < behind.shape[1] - 1, last_behind + 2, 0)
    return PairResult(b[:, -1] - a[:, -1], month)


# --- drawing ------------------------------------------------------------------------------------------------


def draw(model: LinearPlan, n: int, seed: int) -> dict[str, np.ndarray]:
    """`n` values of every assumption: its range's distribution, drawn in the scenario's order from `seed`."""
    rng = np.random.default_rng(seed)
    out: dict[str, np.ndarray] = {}
    for a in model.assumptions:
        if not a.ranged:
            out[a.key] = np.full(n, a.likely)
            continue
        if a.dist == "uniform":
            x = rng.uniform(a.low, a.high, n)
        elif a.dist == "pert":  # the PERT beta: mean (low + 4·likely + high) / 6
            span = a.high - a.low
            alpha = 1 + 4 * (a.likely - a.low) / span
            beta = 1 + 4 * (a.high - a.likely) / span
            x = a.low + span * rng.beta(alpha, beta, n)
        else:
            x = rng.triangular(a.low, a.likely, a.high, n)
        if a.whole:  # a whole-number assumption: each whole value in the range gets its share of the density
            x = np.clip(_whole(x), np.ceil(a.low), np.floor(a.high))
        out[a.key] = x
    return out


# --- the answers --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Odds:
    """How sure the payback of one fine-tune against one base option is, over the draws."""

    fine_tuned: str
    against: str
    p_pays_back: float  # share of draws that break even within the horizon
    savings_p10: Decimal
    savings_p50: Decimal
    savings_p90: Decimal
    mean_savings: Decimal
    break_even_p10: int | None  # None: later than the horizon
    break_even_p50: int | None
    break_even_p90: int | None


@dataclass(frozen=True)
class Band:
    """P10 / P50 / P90 of one option's cumulative cost, month by month."""

    option: str
    p10: list[Decimal]
    p50: list[Decimal]
    p90: list[Decimal]


@dataclass(frozen=True)
class PilotValue:
    """What learning the fine-tune's accuracy before committing is worth, against deciding now.

    Deciding now: go ahead (expected savings E[S] + the pilot, which going ahead without one does not pay) or stay
    (0), whichever is larger. Deciding after the pilot, which reveals the fine-tune's accuracy a (idealised: the
    pilot's eval set is taken to measure it exactly): for each a go ahead iff E[S | a] > 0, else stay having paid
    the pilot. Savings are linear in a with coefficients independent of it, so E[S | a] = E[S0] + E[k]·a exactly.
        value of the information = E_a[max(E[S | a] + pilot, 0)] − max(E[S] + pilot, 0)      (≥ 0)
        net = value − pilot cost:  the pilot pays for itself when net > 0.
    """

    option: str
    against: str
    value_usd: Decimal
    pilot_usd: Decimal
    net_usd: Decimal
    decide_now: str  # "go ahead" | "stay"
    go_ahead_share: float  # share of revealed accuracies after which going on is right
    accuracy_to_go: float | None  # the measured accuracy above which going on is right (the pilot already paid)


@dataclass(frozen=True)
class SimulationResult:
    seed: int
    draws: int
    ranged: list[str]  # labels of the assumptions given as ranges
    odds: list[Odds]
    bands: list[Band]
    pilot: PilotValue | None
    notes: list[Notice] = field(default_factory=list)  # shown in the reader's language (ftcost.i18n)

    def odds_for(self, ft: str, base: str) -> Odds | None:
        return next((o for o in self.odds if o.fine_tuned == ft and o.against == base), None)


def _usd(x: float) -> Decimal:
    return Decimal(repr(float(x))).quantize(Decimal("0.01"))


def _month(x: float, horizon: int) -> int | None:
    return None if x == 0 or x > horizon else int(x)


def simulate(
    scenario: Scenario,
    plan: Plan,
    *,
    draws: int | None = None,
    seed: int | None = None,
    pilot_against: str | None = None,
    model: LinearPlan | None = None,
) -> SimulationResult:
    """The Monte Carlo: `draws` (default: the scenario's, else 10,000) seeded with `seed` (default: the scenario's)."""
    sim = scenario.simulation
    seed = seed if seed is not None else (sim.seed if sim else DEFAULT_SEED)
    draws = draws or (sim.draws if sim else DEFAULT_DRAWS)
    model = model or linear_model(scenario, plan)
    values = draw(model, draws, seed)
    cum = cumulative(model, values)
    odds = []
    for be in plan.break_even:
        r = pair(model, values, be.fine_tuned, be.against, cum)
        # A month that never comes counts as later than every month, so a percentile past the paying share is None.
        months = np.where(r.break_even == 0, np.inf, r.break_even)
        s10, s50, s90 = np.percentile(r.savings, [10, 50, 90])
        m10, m50, m90 = np.quantile(months, [0.1, 0.5, 0.9], method="inverted_cdf")
        odds.append(
            Odds(
                be.fine_tuned,
                be.against,
                float((r.break_even > 0).mean()),
                _usd(s10),
                _usd(s50),
                _usd(s90),
                _usd(r.savings.mean()),
                _month(m10, model.horizon),
                _month(m50, model.horizon),
                _month(m90, model.horizon),
            )
        )
    bands = []
    for name, c in cum.items():
        # Sorted first: the same values in each column, so the same percentiles to the bit, and partitioning a
        # sorted column is quicker than partitioning the draws as drawn.
        p10, p50, p90 = np.percentile(np.sort(c, axis=0), [10, 50, 90], axis=0)
        bands.append(Band(name, [_usd(x) for x in p10], [_usd(x) for x in p50], [_usd(x) for x in p90]))
    pilot = None
    if plan.pilot is not None:
        against = pilot_against if pilot_against in model.lines else plan.pilot.against
        if against is not None:
            pilot = pilot_value(model, values, plan.pilot.option, against, cum)
    ranged = [a.label for a in model.assumptions if a.ranged]
    notes = []
    if not ranged:
        notes.append(
            Notice(N_("Every assumption is a point, so every draw is the point plan: give ranges to see the odds."))
        )
    return SimulationResult(seed, draws, ranged, odds, bands, pilot, notes)


def pilot_value(
    model: LinearPlan, values: dict[str, np.ndarray], ft: str, base: str, cum: dict[str, np.ndarray] | None = None
) -> PilotValue:
    """The expected value of the pilot's information (see PilotValue for the definition)."""
    key = f"option[{ft}].accuracy_pct"
    s = pair(model, values, ft, base, cum).savings
    # S = S0 + k·a per draw: k from the same draws with the accuracy moved by one point.
    moved = dict(values)
    moved[key] = values[key] + 1
    k = pair(model, moved, ft, base).savings - s
    s0 = s - k * values[key]
    pilot = float(model.plan.pilot.total_usd) if model.plan.pilot else 0.0
    conditional = s0.mean() + k.mean() * values[key]  # E[S | a] at each drawn accuracy
    now = max(s.mean() + pilot, 0.0)
    after = np.maximum(conditional + pilot, 0.0).mean()  # the pilot is paid by then: go on iff E[S | a] > −pilot
    value = _usd(max(after - now, 0.0))
    kbar = k.mean()
    threshold = float(-(s0.mean() + pilot) / kbar) if kbar else None
    pilot_usd = _usd(pilot)
    return PilotValue(
        ft,
        base,
        value,
        pilot_usd,
        value - pilot_usd,
        "go ahead" if s.mean() + pilot > 0 else "stay",
        float((conditional + pilot > 0).mean()),
        threshold,
    )


# --- what drives the answer -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Driver:
    """The savings at the horizon with one assumption at each end of its range, the others at likely."""

    key: str
    label: str
    low: float
    high: float
    savings_at_low: Decimal
    savings_at_high: Decimal
    likely_savings: Decimal

    @property
    def swing(self) -> Decimal:
        return abs(self.savings_at_high - self.savings_at_low)


def drivers(model: LinearPlan, ft: str, base: str) -> list[Driver]:
    """The tornado: each ranged assumption moved across its range alone, largest swing first."""
    ranged = [a for a in model.assumptions if a.ranged]
    if not ranged:
        return []
    n = 2 * len(ranged) + 1
    values = model.likely(n)
    for i, a in enumerate(ranged):
        values[a.key][2 * i] = a.low
        values[a.key][2 * i + 1] = a.high
    s = pair(model, values, ft, base).savings
    out = [
        Driver(a.key, a.label, a.low, a.high, _usd(s[2 * i]), _usd(s[2 * i + 1]), _usd(s[-1]))
        for i, a in enumerate(ranged)
    ]
    return sorted(out, key=lambda d: (-d.swing, d.label))


def sweep(model: LinearPlan, ft: str, base: str, key: str, xs: np.ndarray) -> np.ndarray:
    """Savings at the horizon as assumption `key` takes each value in `xs`, the others at likely."""
    values = model.likely(len(xs))
    values[key] = np.asarray(xs, dtype=float)
    return pair(model, values, ft, base).savings


@dataclass(frozen=True)
class BreakEvenValue:
    """The value of one assumption at which the fine-tune's savings at the horizon are zero (others at likely)."""

    key: str
    label: str
    likely: float
    value: float | None  # None: no value the scenario accepts makes the savings cross zero
    pays_back_above: bool | None  # True: it pays back when the assumption is above the value
    unit: str = ""


def _grid(a: Assumption) -> np.ndarray:
    """Where an assumption's savings are first looked at: 801 points across what the field accepts (capped at a
    hundred times the range's top, so "what would have to be true" stays within reach), whole values for a whole
    assumption."""
    lo, hi = a.bounds
    hi = min(hi, max(a.high, a.likely, 1.0) * 100)
    xs = np.linspace(lo, hi, 801)
    return np.unique(_whole(xs)) if a.whole else xs


def _savings_one_at_a_time(model: LinearPlan, ft: str, base: str, moves: list[tuple[str, np.ndarray]]) -> np.ndarray:
    """Savings at the horizon with each (key, xs) of `moves` in turn taking the values xs while every other
    assumption stays at likely: the sweeps of several assumptions as the rows of one `pair` call (each row is
    the same arithmetic as its own sweep's, the rows never meet)."""
    n = sum(len(xs) for _, xs in moves)
    values = model.likely(n)
    start = 0
    for key, xs in moves:
        values[key][start : start + len(xs)] = xs
        start += len(xs)
    return pair(model, values, ft, base).savings


def break_even_value(model: LinearPlan, ft: str, base: str, a: Assumption) -> BreakEvenValue:
    return _break_even(model, ft, base, [a])[0]


def break_even_values(model: LinearPlan, ft: str, base: str) -> list[BreakEvenValue]:
    """ "What would have to be true": the break-even value of every assumption."""
    return _break_even(model, ft, base, model.assumptions)


_BISECTIONS = 36  # halvings of a grid step: savings are piecewise linear, so this converges to the crossing


def _break_even(model: LinearPlan, ft: str, base: str, wanted: list[Assumption]) -> list[BreakEvenValue]:
    """Each assumption's savings on its grid, the sign change nearest its likely value, then (for a
    continuous one) bisection of that grid step. Every assumption's grid is evaluated in one `pair` call and
    every bisection level of every assumption in one more, so the answer is the one-assumption-at-a-time
    search's to the last bit at a fraction of its calls."""
    grids = [_grid(a) for a in wanted]
    s_all = _savings_one_at_a_time(model, ft, base, [(a.key, xs) for a, xs in zip(wanted, grids, strict=True)])
    out: list[BreakEvenValue | None] = [None] * len(wanted)
    searched: list[tuple[int, float, float, bool]] = []  # (index in wanted, x0, x1, the sign at x0)
    start = 0
    for j, (a, xs) in enumerate(zip(wanted, grids, strict=True)):
        sign = s_all[start : start + len(xs)] >= 0
        start += len(xs)
        changes = np.nonzero(sign[1:] != sign[:-1])[0]
        if not len(changes):
            out[j] = BreakEvenValue(a.key, a.label, a.likely, None, None, a.unit)
            continue
        likely_i = int(np.searchsorted(xs, a.likely))
        i = int(changes[np.argmin(np.abs(changes - likely_i))])  # the crossing nearest the likely value
        x0, x1 = float(xs[i]), float(xs[i + 1])
        above = bool(sign[i + 1])
        if a.whole:
            out[j] = BreakEvenValue(a.key, a.label, a.likely, x1 if above else x0, above, a.unit)
        else:
            searched.append((j, x0, x1, bool(sign[i])))
    if searched:
        lo = np.array([x0 for _, x0, _, _ in searched])
        hi = np.array([x1 for _, _, x1, _ in searched])
        at_lo = np.array([s for _, _, _, s in searched])
        keys = [wanted[j].key for j, _, _, _ in searched]
        for _ in range(_BISECTIONS):
            mid = (lo + hi) / 2
            s = _savings_one_at_a_time(model, ft, base, [(k, mid[r : r + 1]) for r, k in enumerate(keys)])
            keep = (s >= 0) == at_lo
            lo = np.where(keep, mid, lo)
            hi = np.where(keep, hi, mid)
        for r, (j, _, _, s0) in enumerate(searched):
            a = wanted[j]
            out[j] = BreakEvenValue(a.key, a.label, a.likely, float((lo[r] + hi[r]) / 2), not s0, a.unit)
    return [v for v in out if v is not None]


# --- one bundle for the page, the report and the CLI ----------------------------------------------------------


@dataclass(frozen=True)
class Sensitivity:
    """Savings at the horizon across one assumption's range (the others at likely), and where they cross zero."""

    key: str
    label: str
    xs: list[float]
    savings: list[float]
    break_even: BreakEvenValue


@dataclass(frozen=True)
class Uncertainty:
    """Everything "How sure is this?" shows for one fine-tune against one base option."""

    result: SimulationResult
    fine_tuned: str
    against: str
    odds: Odds
    drivers: list[Driver]
    break_even_values: list[BreakEvenValue]
    sensitivity: Sensitivity | None
    assumptions: list[Assumption]

    def assumption(self, key: str) -> Assumption:
        return next(a for a in self.assumptions if a.key == key)

    @property
    def top_driver(self) -> Driver | None:
        return next((d for d in self.drivers if d.swing > 0), None)


def analyse(
    scenario: Scenario,
    plan: Plan,
    *,
    fine_tuned: str | None = None,
    against: str | None = None,
    draws: int | None = None,
    seed: int | None = None,
) -> Uncertainty | None:
    """The simulation and its drivers for `fine_tuned` (default: the pilot's) against `against` (default: the
    pilot's comparison). None when the plan has no fine-tune and base option to compare."""
    if not plan.break_even:
        return None
    fts = [o.name for o in plan.options if o.fine_tuned]
    bases = [o.name for o in plan.options if not o.fine_tuned]
    ft = fine_tuned if fine_tuned in fts else (plan.pilot.option if plan.pilot else fts[0])
    base = against if against in bases else (plan.pilot.against if plan.pilot and plan.pilot.against else bases[0])
    model = linear_model(scenario, plan)
    result = simulate(scenario, plan, draws=draws, seed=seed, pilot_against=base, model=model)
    if result.pilot is not None and result.pilot.option != ft:
        values = draw(model, result.draws, result.seed)
        result = _replace_pilot(result, pilot_value(model, values, ft, base))
    bars = drivers(model, ft, base)
    values_table = break_even_values(model, ft, base)
    sens = None
    top = next((d for d in bars if d.swing > 0), None)
    if top is not None:
        a = model.assumption(top.key)
        xs = np.unique(_whole(np.linspace(a.low, a.high, 41))) if a.whole else np.linspace(a.low, a.high, 41)
        be = next(v for v in values_table if v.key == top.key)
        sens = Sensitivity(
            top.key, top.label, [float(x) for x in xs], [float(y) for y in sweep(model, ft, base, top.key, xs)], be
        )
    odds = result.odds_for(ft, base)
    assert odds is not None
    return Uncertainty(result, ft, base, odds, bars, values_table, sens, model.assumptions)


def _replace_pilot(result: SimulationResult, pilot: PilotValue) -> SimulationResult:
    return replace(result, pilot=pilot)


def locate(doc: dict, key: str) -> tuple[dict, str]:
    """The section of a scenario's dict and the field name an assumption's key names
    ("option[NAME].accuracy_pct", "labour.role[ROLE].hourly_usd", "quality.cost_per_wrong_answer_usd")."""
    head, name = key.rsplit(".", 1)
    if head.startswith("option["):
        wanted = head[len("option[") : -1]
        return next(o for o in doc["option"] if o["name"] == wanted), name
    if head.startswith("labour.role["):
        wanted = head[len("labour.role[") : -1]
        return next(r for r in doc["labour"]["role"] if r["role"] == wanted), name
    return doc[head], name


def scenario_at(scenario: Scenario, values: dict[str, np.ndarray], i: int) -> Scenario:
    """`scenario` with draw `i` of every assumption written in as its point value (ranges dropped): what
    engine.plan would be asked to plan for that draw (the tests and bench/ compare the two)."""
    doc = scenario.model_dump()
    for key, column in values.items():
        section, name = locate(doc, key)
        section.pop("ranges", None)
        if section.get(name) is None:
            continue
        x = float(column[i])
        section[name] = int(round(x)) if isinstance(section[name], int) else Decimal(repr(x))
    return Scenario.model_validate(doc)
