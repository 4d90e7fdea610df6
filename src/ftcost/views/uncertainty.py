"""The Plan page's "How sure is this?": the odds in sentences, the tornado, the top driver's line, the
"what would have to be true" table and the P10–P90 band of the cumulative chart. No Streamlit here."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pandas as pd

from ftcost.engine.uncertainty import Assumption, BreakEvenValue, Uncertainty, locate
from ftcost.errors import ScenarioError
from ftcost.money import Display, format_usd
from ftcost.views.common import chance, month_text, pct, rounded
from ftcost.scenario import Scenario


def value_text(value: float | None, unit: str = "", whole: bool = False) -> str:
    """An assumption's value as a manager reads it: $1.02, 91.7 %, 4,733."""
    if value is None:
        return "—"
    if unit == "USD":
        return format_usd(Decimal(repr(value)))
    exact = Decimal(repr(float(value)))
    if unit == "%":
        return pct(exact)
    if whole or float(value).is_integer():
        return rounded(exact, 0)
    return rounded(exact, 2)


def range_text(a: Assumption) -> str:
    return f"{value_text(a.low, a.unit, a.whole)} – {value_text(a.high, a.unit, a.whole)}"


def odds_sentences(u: Uncertainty, horizon: int, name: Callable[[str], str] = str) -> list[str]:
    """The probability, the spread, the top driver and the pilot's worth, one sentence each; `name` shows the
    scenario's names (text.markdown where the sentences are rendered as Markdown)."""
    r, o = u.result, u.odds
    out = [
        f"{name(u.fine_tuned)} pays back against {name(u.against)} within {horizon} months in "
        f"{chance(o.p_pays_back)} of {r.draws:,} draws of the ranges (seed {r.seed}).",
        f"Savings at the horizon: {format_usd(o.savings_p10)} at P10, {format_usd(o.savings_p50)} at the median, "
        f"{format_usd(o.savings_p90)} at P90; break-even {_month(o.break_even_p10, horizon)} at P10, "
        f"{_month(o.break_even_p50, horizon)} at the median, {_month(o.break_even_p90, horizon)} at P90.",
    ]
    top = u.top_driver
    if top is not None:
        be = next((v for v in u.break_even_values if v.key == top.key), None)
        where = ""
        if be is not None and be.value is not None:
            side = "above" if be.pays_back_above else "below"
            where = f"; it pays back only {side} {value_text(be.value, be.unit, _whole(u, be.key))}"
        a = u.assumption(top.key)
        out.append(
            f"The answer hangs most on {name(_lower(top.label))}: across {range_text(a)} the savings run from "
            f"{format_usd(top.savings_at_low)} to {format_usd(top.savings_at_high)}{where}."
        )
    p = r.pilot
    if p is not None:
        verdict = ("worth running for what it tells you" if p.net_usd > 0 else
                   "worth less than it costs as a test (run it if the go/no-go gate needs the measurement)")
        out.append(
            f"Learning {name(p.option)}'s accuracy before committing (the pilot's measurement, taken as exact) is worth "
            f"{format_usd(p.value_usd)} against deciding now ({p.decide_now}); the pilot costs {format_usd(p.pilot_usd)}, "
            f"so it is {verdict}."
        )
    out += r.notes
    return out


def _month(m: int | None, horizon: int) -> str:
    return month_text(m, horizon) if m is not None else f"not within {horizon} months"


#: Labels of assumptions that are not named after an option or a role read as "the ..." inside a sentence.
_GENERIC = ("Requests in the first month", "Monthly growth of requests", "Output tokens per request",
            "Cost of a wrong answer", "Training examples planned", "Fine-tuning iterations",
            "Weeks until the fine-tune serves", "Minutes to prepare one example")


def _lower(label: str) -> str:
    return "the " + label[0].lower() + label[1:] if label in _GENERIC else label


def _whole(u: Uncertainty, key: str) -> bool:
    return u.assumption(key).whole


def tornado_frame(u: Uncertainty) -> pd.DataFrame:
    """Two rows per ranged assumption (its low and its high end), largest swing first."""
    rows = []
    likely = float(u.drivers[0].likely_savings) if u.drivers else 0.0
    for order, d in enumerate(u.drivers):
        whole = _whole(u, d.key)
        unit = next((v.unit for v in u.break_even_values if v.key == d.key), "")
        for end, x, s in (("low", d.low, d.savings_at_low), ("high", d.high, d.savings_at_high)):
            rows.append({
                "assumption": d.label, "order": order, "end": end, "value_text": value_text(x, unit, whole),
                "savings": float(s), "likely": likely, "savings_text": format_usd(s),
                "swing_text": format_usd(d.swing),
            })
    return pd.DataFrame(rows, columns=["assumption", "order", "end", "value_text", "savings", "likely",
                                       "savings_text", "swing_text"])


def sensitivity_frame(u: Uncertainty) -> pd.DataFrame:
    s = u.sensitivity
    if s is None:
        return pd.DataFrame(columns=["value", "savings", "value_text", "savings_text"])
    unit = s.break_even.unit
    whole = _whole(u, s.key)
    return pd.DataFrame([
        {"value": x, "savings": y, "value_text": value_text(x, unit, whole), "savings_text": format_usd(Decimal(repr(y)))}
        for x, y in zip(s.xs, s.savings)
    ])


def what_would_have_to_be_true(u: Uncertainty) -> pd.DataFrame:
    """One row per assumption: its likely value, its range, and the value at which the savings are zero."""
    ranged = {d.key: d for d in u.drivers}
    rows = []
    for v in u.break_even_values:
        whole = _whole(u, v.key)
        d = ranged.get(v.key)
        rows.append({
            "Assumption": v.label,
            "Likely": value_text(v.likely, v.unit, whole),
            "Range": f"{value_text(d.low, v.unit, whole)} – {value_text(d.high, v.unit, whole)}" if d else "a point",
            "Break-even value": value_text(v.value, v.unit, whole),
            "Pays back when": _condition(v, whole),
        })
    return pd.DataFrame(rows, columns=["Assumption", "Likely", "Range", "Break-even value", "Pays back when"])


def _condition(v: BreakEvenValue, whole: bool) -> str:
    if v.value is None:
        return "no value changes the answer on its own"
    if whole:
        return f"{'at least' if v.pays_back_above else 'at most'} {value_text(v.value, v.unit, whole)}"
    return f"{'above' if v.pays_back_above else 'below'} {value_text(v.value, v.unit, whole)}"


def band_frame(u: Uncertainty, money: Display | None = None) -> pd.DataFrame:
    """P10–P90 of the cumulative cost of the fine-tune and its comparison, month by month (the chart's band);
    the plotted columns in `money`'s currency, to lie under the cumulative lines (the tooltip stays in USD, as
    the simulation's other figures)."""
    def value(usd: Decimal) -> float:
        return float(usd if money is None else money.value(usd))

    rows = []
    for band in u.result.bands:
        if band.option not in (u.fine_tuned, u.against):
            continue
        for i, (lo, mid, hi) in enumerate(zip(band.p10, band.p50, band.p90)):
            rows.append({"option": band.option, "month": i + 1, "p10": value(lo), "p50": value(mid), "p90": value(hi),
                         "band_text": f"{format_usd(lo)} – {format_usd(hi)}"})
    return pd.DataFrame(rows, columns=["option", "month", "p10", "p50", "p90", "band_text"])


def odds_table(u: Uncertainty, horizon: int) -> pd.DataFrame:
    """Every fine-tune against every base option: the chance of payback and the spread."""
    rows = [{
        "Fine-tune": o.fine_tuned, "Against": o.against, "Pays back": chance(o.p_pays_back),
        "Savings P10": format_usd(o.savings_p10), "Median": format_usd(o.savings_p50), "P90": format_usd(o.savings_p90),
        "Break-even P10 / median / P90": " / ".join(short_month(m, horizon) for m in
                                                    (o.break_even_p10, o.break_even_p50, o.break_even_p90)),
    } for o in u.result.odds]
    return pd.DataFrame(rows)


def short_month(m: int | None, horizon: int) -> str:
    return f"month {m}" if m is not None else f"> {horizon}"


# --- the ranges editor ------------------------------------------------------------------------------------------

DISTRIBUTIONS = ["point", "triangular", "uniform", "pert"]


def range_rows(scenario: Scenario) -> list[dict]:
    """One row per assumption that may be a range: its likely value (the point the plan uses) and its range."""
    from ftcost.engine.uncertainty import assumptions

    return [{"Assumption": a.label, "Low": a.low if a.ranged else None, "Likely": a.likely,
             "High": a.high if a.ranged else None, "Distribution": a.dist if a.ranged else "point", "key": a.key}
            for a in assumptions(scenario)]


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
                raise ScenarioError(f"Ranges: {row['Assumption']} should read low ≤ likely ≤ high, not "
                                    f"{low:g} / {likely} / {high:g}; the previous ranges are kept.")
            ranges[name] = {"low": Decimal(str(low)), "high": Decimal(str(high)), "dist": dist}
        section["ranges"] = ranges or None
    return Scenario.model_validate(doc)


def _blank(value) -> bool:
    return value is None or (isinstance(value, float) and value != value)


def break_even_text(u: Uncertainty) -> str | None:
    """The top driver's break-even value as the sensitivity chart labels it."""
    s = u.sensitivity
    if s is None or s.break_even.value is None:
        return None
    return "break-even: " + value_text(s.break_even.value, s.break_even.unit, u.assumption(s.key).whole)
