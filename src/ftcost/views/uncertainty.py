"""The Plan page's "How sure is this?": the odds in sentences, the tornado, the top driver's line, the
"what would have to be true" table and the P10–P90 band of the cumulative chart. No Streamlit here."""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

import pandas as pd

from ftcost.engine.uncertainty import Assumption, BreakEvenValue, Uncertainty, assumptions, locate
from ftcost.errors import ScenarioError
from ftcost.i18n import N_, _, language, locale, number, percent, share_percent
from ftcost.money import Display, format_usd  # noqa: F401 — kept for callers that format USD as computed
from ftcost.scenario import Scenario
from ftcost.views.common import month_text, months, rounded

#: The engine's note when nothing is ranged (shown in the reader's language).
N_("Every assumption is a point, so every draw is the point plan: give ranges to see the odds.")
#: What the simulation says to do without the pilot's measurement ("decide now": go ahead or stay).
N_("go ahead")
N_("stay")


def _m(money: Display | None) -> Display:
    return money if money is not None else Display(locale=locale())


#: The engine's labels of assumptions that are not named after an option or a role; they read as "the ..."
#: inside an English sentence.
_GENERIC = (
    N_("Requests in the first month"),
    N_("Monthly growth of requests"),
    N_("Output tokens per request"),
    N_("Cost of a wrong answer"),
    N_("Training examples planned"),
    N_("Fine-tuning iterations"),
    N_("Weeks until the fine-tune serves"),
    N_("Minutes to prepare one example"),
)
#: The engine's labels named after an option or a role ("Fine-tuned GPT-4.1 mini's accuracy"), as templates.
_NAMED = (
    ("'s accuracy", N_("{option}'s accuracy")),
    ("'s hours per iteration", N_("{role}'s hours per iteration")),
    ("'s hourly cost", N_("{role}'s hourly cost")),
)


def assumption_label(label: str) -> str:
    """An assumption's label (the engine's English one) in the current language; the scenario's names unchanged."""
    if label in _GENERIC:
        return _(label)
    for suffix, template in _NAMED:
        if label.endswith(suffix):
            who = label[: -len(suffix)]
            return _(template).format(option=who, role=who)
    return label


def value_text(
    value: float | None,
    unit: str = "",
    whole: bool = False,
    money: Display | None = None,
    rounding: str = ROUND_HALF_UP,
) -> str:
    """An assumption's value as a manager reads it: $1.02 (in the display currency), 91.7%, 4,733."""
    if value is None:
        return "—"
    if unit == "USD":
        return _m(money).amount(Decimal(repr(value)))
    exact = Decimal(repr(float(value)))
    if unit == "%":
        return percent(exact, rounding=rounding)
    if whole or float(value).is_integer():
        return rounded(exact, 0)
    return rounded(exact, 2)


def range_text(a: Assumption, money: Display | None = None) -> str:
    return f"{value_text(a.low, a.unit, a.whole, money)} – {value_text(a.high, a.unit, a.whole, money)}"


def odds_sentences(
    u: Uncertainty, horizon: int, name: Callable[[str], str] = str, money: Display | None = None
) -> list[str]:
    """The probability, the spread, the top driver and the pilot's worth, one sentence each, in the current
    language and `money`'s currency; `name` shows the scenario's names (text.markdown where the sentences are
    rendered as Markdown)."""
    m = _m(money)
    r, o = u.result, u.odds
    out = [
        _(
            "{fine_tune} pays back against {against} within {months} in {share} of {draws} draws of the ranges "
            "(seed {seed})."
        ).format(
            fine_tune=name(u.fine_tuned),
            against=name(u.against),
            months=months(horizon),
            share=share_percent(o.p_pays_back),
            draws=number(r.draws),
            seed=r.seed,
        ),
        _(
            "Savings at the horizon: {p10} at P10, {p50} at the median, {p90} at P90; break-even {be10} at P10, "
            "{be50} at the median, {be90} at P90."
        ).format(
            p10=m.amount(o.savings_p10),
            p50=m.amount(o.savings_p50),
            p90=m.amount(o.savings_p90),
            be10=month_text(o.break_even_p10, horizon),
            be50=month_text(o.break_even_p50, horizon),
            be90=month_text(o.break_even_p90, horizon),
        ),
    ]
    top = u.top_driver
    if top is not None:
        be = next((v for v in u.break_even_values if v.key == top.key), None)
        where = ""
        if be is not None and be.value is not None:
            value = break_even_value_text(be, _whole(u, be.key), m)
            where = (
                _("; it pays back only above {value}") if be.pays_back_above else _("; it pays back only below {value}")
            ).format(value=value)
        a = u.assumption(top.key)
        label = _lower(top.label) if language() == "en" else assumption_label(top.label)
        out.append(
            _(
                "The answer hangs most on {assumption}: across {range} the savings run from {low} to {high}{where}."
            ).format(
                assumption=name(label),
                range=range_text(a, m),
                low=m.amount(top.savings_at_low),
                high=m.amount(top.savings_at_high),
                where=where,
            )
        )
    p = r.pilot
    if p is not None:
        fields = {
            "option": name(p.option),
            "value": m.amount(p.value_usd),
            "decide_now": _(p.decide_now),
            "cost": m.amount(p.pilot_usd),
        }
        if p.net_usd > 0:
            out.append(
                _(
                    "Learning {option}'s accuracy before committing (the pilot's measurement, taken as exact) is "
                    "worth {value} against deciding now ({decide_now}); the pilot costs {cost}, so it is worth "
                    "running for what it tells you."
                ).format(**fields)
            )
        else:
            out.append(
                _(
                    "Learning {option}'s accuracy before committing (the pilot's measurement, taken as exact) is "
                    "worth {value} against deciding now ({decide_now}); the pilot costs {cost}, so it is worth "
                    "less than it costs as a test (run it if the go/no-go gate needs the "
                    "measurement)."
                ).format(**fields)
            )
    out += [_(n) for n in r.notes]
    return out


def _lower(label: str) -> str:
    return "the " + label[0].lower() + label[1:] if label in _GENERIC else label


def _whole(u: Uncertainty, key: str) -> bool:
    return u.assumption(key).whole


def tornado_frame(u: Uncertainty, money: Display | None = None) -> pd.DataFrame:
    """Two rows per ranged assumption (its low and its high end), largest swing first; savings in `money`'s
    currency (`end` is "low"/"high", `end_text` the same in the current language)."""
    m = _m(money)
    rows = []
    likely = float(m.value(u.drivers[0].likely_savings)) if u.drivers else 0.0
    for order, d in enumerate(u.drivers):
        whole = _whole(u, d.key)
        unit = next((v.unit for v in u.break_even_values if v.key == d.key), "")
        for end, x, s in (("low", d.low, d.savings_at_low), ("high", d.high, d.savings_at_high)):
            rows.append(
                {
                    "assumption": assumption_label(d.label),
                    "order": order,
                    "end": end,
                    "end_text": _(end),
                    "value_text": value_text(x, unit, whole, m),
                    "savings": float(m.value(s)),
                    "likely": likely,
                    "savings_text": m.amount(s),
                    "swing_text": m.amount(d.swing),
                }
            )
    return pd.DataFrame(
        rows,
        columns=[
            "assumption",
            "order",
            "end",
            "end_text",
            "value_text",
            "savings",
            "likely",
            "savings_text",
            "swing_text",
        ],
    )


def sensitivity_frame(u: Uncertainty, money: Display | None = None) -> pd.DataFrame:
    """The top driver's sweep: its value, and the savings at the horizon in `money`'s currency."""
    m = _m(money)
    s = u.sensitivity
    if s is None:
        return pd.DataFrame(columns=["value", "savings", "value_text", "savings_text"])
    unit = s.break_even.unit
    whole = _whole(u, s.key)
    return pd.DataFrame(
        [
            {
                "value": x,
                "savings": float(m.value(Decimal(repr(y)))),
                "value_text": value_text(x, unit, whole, m),
                "savings_text": m.amount(Decimal(repr(y))),
            }
            for x, y in zip(s.xs, s.savings, strict=True)
        ]
    )


def what_would_have_to_be_true(u: Uncertainty, money: Display | None = None) -> pd.DataFrame:
    """One row per assumption: its likely value, its range, and the value at which the savings are zero (column
    names in the current language)."""
    ranged = {d.key: d for d in u.drivers}
    columns = [_("Assumption"), _("Likely"), _("Range"), _("Break-even value"), _("Pays back when")]
    rows = []
    for v in u.break_even_values:
        whole = _whole(u, v.key)
        d = ranged.get(v.key)
        rows.append(
            dict(
                zip(
                    columns,
                    (
                        assumption_label(v.label),
                        value_text(v.likely, v.unit, whole, money),
                        f"{value_text(d.low, v.unit, whole, money)} – {value_text(d.high, v.unit, whole, money)}"
                        if d
                        else _("a point"),
                        break_even_value_text(v, whole, money),
                        _condition(v, whole, money),
                    ),
                    strict=True,
                )
            )
        )
    return pd.DataFrame(rows, columns=columns)


def break_even_value_text(v: BreakEvenValue, whole: bool, money: Display | None = None) -> str:
    """A break-even value rounded towards the side that pays back (up when it pays back above it), as the pilot's
    gate is: "pays back above 94.1%" then holds at the figure shown, and the accuracy reads as the gate does."""
    return value_text(v.value, v.unit, whole, money, ROUND_CEILING if v.pays_back_above else ROUND_FLOOR)


def _condition(v: BreakEvenValue, whole: bool, money: Display | None = None) -> str:
    if v.value is None:
        return _("no value changes the answer on its own")
    value = break_even_value_text(v, whole, money)
    if whole:
        return (_("at least {value}") if v.pays_back_above else _("at most {value}")).format(value=value)
    return (_("above {value}") if v.pays_back_above else _("below {value}")).format(value=value)


def band_frame(u: Uncertainty, money: Display | None = None) -> pd.DataFrame:
    """P10–P90 of the cumulative cost of the fine-tune and its comparison, month by month (the chart's band):
    the plotted columns and the text both in `money`'s currency, to lie under the cumulative lines (the page
    scales nothing)."""
    m = _m(money)
    rows = []
    for band in u.result.bands:
        if band.option not in (u.fine_tuned, u.against):
            continue
        for i, (lo, mid, hi) in enumerate(zip(band.p10, band.p50, band.p90, strict=True)):
            rows.append(
                {
                    "option": band.option,
                    "month": i + 1,
                    "p10": float(m.value(lo)),
                    "p50": float(m.value(mid)),
                    "p90": float(m.value(hi)),
                    "band_text": f"{m.amount(lo)} – {m.amount(hi)}",
                }
            )
    return pd.DataFrame(rows, columns=["option", "month", "p10", "p50", "p90", "band_text"])


def odds_table(u: Uncertainty, horizon: int, money: Display | None = None) -> pd.DataFrame:
    """Every fine-tune against every base option: the chance of payback and the spread."""
    m = _m(money)
    rows = [
        {
            _("Fine-tune"): o.fine_tuned,
            _("Against"): o.against,
            _("Pays back"): share_percent(o.p_pays_back),
            _("Savings P10"): m.amount(o.savings_p10),
            _("Median"): m.amount(o.savings_p50),
            _("P90"): m.amount(o.savings_p90),
            _("Break-even P10 / median / P90"): " / ".join(
                short_month(x, horizon) for x in (o.break_even_p10, o.break_even_p50, o.break_even_p90)
            ),
        }
        for o in u.result.odds
    ]
    return pd.DataFrame(rows)


def short_month(m: int | None, horizon: int) -> str:
    return _("month {month}").format(month=m) if m is not None else f"> {horizon}"


# --- the ranges editor ------------------------------------------------------------------------------------------

DISTRIBUTIONS = ["point", "triangular", "uniform", "pert"]


def range_rows(scenario: Scenario) -> list[dict]:
    """One row per assumption that may be a range: its likely value (the point the plan uses) and its range."""
    return [
        {
            "Assumption": assumption_label(a.label),
            "Low": a.low if a.ranged else None,
            "Likely": a.likely,
            "High": a.high if a.ranged else None,
            "Distribution": a.dist if a.ranged else "point",
            "key": a.key,
        }
        for a in assumptions(scenario)
    ]


def with_ranges(scenario: Scenario, rows: list[dict]) -> Scenario:
    """`scenario` with the ranges of `rows` (from range_rows, edited): a row with a distribution and both ends is
    a range, a "point" row or one missing an end is a point. A range that does not hold the likely value is a
    ScenarioError; an end the field does not accept, pydantic's ValidationError."""
    doc = scenario.model_dump()
    for row in rows:
        section, name = locate(doc, row["key"])
        ranges = dict(section.get("ranges") or {})
        low, high, dist = row.get("Low"), row.get("High"), row.get("Distribution") or "point"
        if dist == "point" or _blank(low) or _blank(high):
            ranges.pop(name, None)
        else:
            likely = Decimal(str(section[name]))
            if not Decimal(str(low)) <= likely <= Decimal(str(high)):
                raise ScenarioError(
                    _(
                        "Ranges: {assumption} should read low ≤ likely ≤ high, not {low} / {likely} / "
                        "{high}; the previous ranges are kept."
                    ).format(assumption=row["Assumption"], low=f"{low:g}", likely=likely, high=f"{high:g}")
                )
            ranges[name] = {"low": Decimal(str(low)), "high": Decimal(str(high)), "dist": dist}
        section["ranges"] = ranges or None
    return Scenario.model_validate(doc)


def _blank(value) -> bool:
    return value is None or (isinstance(value, float) and value != value)


def break_even_text(u: Uncertainty, money: Display | None = None) -> str | None:
    """The top driver's break-even value as the sensitivity chart labels it."""
    s = u.sensitivity
    if s is None or s.break_even.value is None:
        return None
    return _("break-even: {value}").format(value=break_even_value_text(s.break_even, u.assumption(s.key).whole, money))
