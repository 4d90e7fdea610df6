"""Altair charts from the frames in ftcost.views. Tooltips show the exact formatted figures."""

from __future__ import annotations

import functools
import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import altair as alt
import pandas as pd
import streamlit as st

# st.altair_chart's own conversion and dataset naming (private, so pinned by constraints.txt; tests/test_charts.py
# fails if what `draw` sends from a template ever differs from what st.altair_chart sends).
from streamlit.elements.vega_charts import _convert_altair_to_vega_lite_spec, _to_arrow_dataset

from ftcost import i18n
from ftcost.i18n import _
from ftcost.views import BREAKDOWN_PARTS

#: Token costs in blues, wrong answers in orange, one-off costs in grey: the kinds read apart at a glance.
#: By English name, so a part added to BREAKDOWN_PARTS cannot shift the others' colours; the frames carry the
#: names translated (`_colours`).
PART_COLOURS = {
    "Input tokens": "#1f77b4",
    "Cached input tokens": "#9ecae9",
    "Output tokens": "#17becf",
    "Hosting and dedicated serving": "#6baed6",
    "Retrieval: embeddings, vector store, upkeep": "#9467bd",
    "Wrong answers": "#ff7f0e",
    "One-off: training, people, pilot": "#7f7f7f",
}
assert set(PART_COLOURS) == set(BREAKDOWN_PARTS), "every cost part needs a colour"
#: Options get colours none of the cost parts use (no orange, grey or blue), in the scenario's order, so an option
#: keeps its colour on every chart and orange always means wrong answers.
OPTION_COLOURS = [
    "#1b9e77",
    "#7570b3",
    "#e7298a",
    "#66a61e",
    "#e6ab02",
    "#a6761d",
    "#6a3d9a",
    "#b15928",
    "#1f3b4d",
    "#fb9a99",
    "#b2df8a",
    "#cab2d6",
]


# Altair checks every object against the Vega-Lite schema as it is made (its "debug mode") and every chart again in
# to_dict: some 40 ms of a Plan-page rerun, and the check decides nothing about what is drawn. The app's charts
# are checked by tests/test_charts.py instead (to_dict(validate=True) on each, and Streamlit's spec of each equal
# to the checked one).
alt.utils.schemapi.disable_debug_mode()


#: Every kind of chart st.altair_chart takes.
AnyChart = alt.Chart | alt.ConcatChart | alt.FacetChart | alt.HConcatChart | alt.LayerChart | alt.VConcatChart


C = TypeVar("C", bound=AnyChart)


def unvalidated(chart: C) -> C:
    """`chart`, whose to_dict() (what st.altair_chart calls) skips the schema check (an explicit
    to_dict(validate=True) still checks)."""
    object.__setattr__(chart, "to_dict", functools.partial(chart.to_dict, validate=False))
    return chart


def draw(chart: AnyChart | Drawing) -> None:
    """Show `chart` across the page's width, without checking it against the schema on every rerun. A `Drawing`
    is sent from its shape's template with its own rows put in (`spec`); an Altair chart is converted here."""
    if isinstance(chart, Drawing):
        spec = chart.spec()
        if spec is not None:
            st.vega_lite_chart(spec=spec, width="stretch")
            return
        chart = chart.chart()
    st.altair_chart(unvalidated(chart), width="stretch")


# --- charts from templates --------------------------------------------------------------------------------------
# Building a chart with Altair and converting it (to_dict) is most of what the Plan page's charts cost on a rerun,
# and the spec it gives depends only on the chart's kind, its shape (the option names of a legend, the horizon,
# the parts that cost something, which layers are drawn), the language and the currency: the rows only fill the
# named datasets the spec points at. So each shape is built with Altair once, converted as st.altair_chart
# converts it, and kept as its JSON text with each dataset's name replaced by a placeholder for its slot; a rerun
# converts only its frames to Arrow (as st.altair_chart does, the names being hashes of the bytes) and puts their
# names in. tests/test_charts.py checks, for every Plan-page chart on the shipped scenarios in two languages and
# two currencies, that what this sends is what st.altair_chart sends for the Altair chart.


@dataclass(frozen=True, eq=False)
class Drawing:
    """A chart as its builder, the data it draws (`frames`, one per named dataset) and everything else its spec
    is made of (`shape`, hashable). `build(frames, *shape)` may read nothing but these two and the language:
    no row of a frame may decide anything but the rows drawn."""

    build: Callable[..., AnyChart]
    frames: tuple[pd.DataFrame, ...]
    shape: tuple

    def chart(self) -> AnyChart:
        """The Altair chart, built now."""
        return self.build(self.frames, *self.shape)

    def spec(self) -> dict[str, Any] | None:
        """The Vega-Lite spec st.altair_chart would make of `chart()`, from this shape's template; None when the
        template cannot tell two of the frames apart (their rows are the same), so the chart is built instead."""
        datasets: dict[str, Any] = {}
        names = [_to_arrow_dataset(frame, datasets)["name"] for frame in self.frames]  # Arrow bytes, by hash
        template = _template(self, names, datasets)
        if template is None:
            return None
        text = template.text
        for slot, name in enumerate(names):
            text = text.replace(_slot(slot), json.dumps(name))
        spec = json.loads(text)
        spec["datasets"] = {names[slot]: datasets[names[slot]] for slot in template.order}
        return spec


@dataclass(frozen=True)
class _Template:
    text: str  # the spec as JSON, without its datasets, each dataset's name replaced by _slot(its frame)
    order: tuple[int, ...]  # the frames whose datasets the spec lists, in its order


#: Templates by (builder, shape, language); a shape is a few names and numbers, so a few hundred fit in little.
_TEMPLATES: OrderedDict[tuple, _Template] = OrderedDict()
_TEMPLATES_HELD = 256
_TEMPLATES_LOCK = threading.Lock()


def _slot(slot: int) -> str:
    return json.dumps(f"ftcost-frame-{slot}")


def _template(drawing: Drawing, names: list[str], datasets: dict[str, Any]) -> _Template | None:
    if len(set(names)) != len(names):
        return None  # two frames with the same rows have one name: which slot a reference is cannot be told
    key = (drawing.build.__module__, drawing.build.__qualname__, drawing.shape, i18n.language())
    with _TEMPLATES_LOCK:
        if (found := _TEMPLATES.get(key)) is not None:
            _TEMPLATES.move_to_end(key)
            return found
    spec = dict(_convert_altair_to_vega_lite_spec(unvalidated(drawing.chart())))
    made = spec.pop("datasets", {})
    slots = {name: slot for slot, name in enumerate(names)}
    if set(made) - set(slots) or any(made[name] != datasets[name] for name in made):
        return None  # a dataset the frames did not give: the builder made data of its own (tests forbid it)
    text = json.dumps(spec)
    if any(_slot(slot) in text for slot in slots.values()):
        return None  # a name in the chart (an option's, say) reads as a placeholder: it would be replaced too
    for name, slot in slots.items():
        text = text.replace(json.dumps(name), _slot(slot))
    template = _Template(text, tuple(slots[name] for name in made))
    with _TEMPLATES_LOCK:
        _TEMPLATES[key] = template
        while len(_TEMPLATES) > _TEMPLATES_HELD:
            _TEMPLATES.popitem(last=False)
    return template


# What altair types a layered chart as.
Layered = alt.LayerChart | alt.FacetChart


#: Pixels per entry of a legend written one entry a line.
LEGEND_ROW = 30


def option_scale(names) -> alt.Scale:
    """One colour per option, by its place in the scenario (at most 12 options)."""
    names = list(dict.fromkeys(names))
    return alt.Scale(domain=names, range=[OPTION_COLOURS[i % len(OPTION_COLOURS)] for i in range(len(names))])


def _money_axis(title: str, currency: str) -> alt.Axis:
    """Amounts on an axis: `$` for US dollars, else plain grouped numbers with the currency code in the title."""
    if currency == "USD":
        return alt.Axis(format="$,.0f", title=title.format(currency=_("US dollars")))
    return alt.Axis(format=",.0f", title=title.format(currency=currency))


def _colours() -> dict[str, str]:
    return {_(part): colour for part, colour in PART_COLOURS.items()}


def cumulative(
    frame: pd.DataFrame,
    points: pd.DataFrame,
    horizon: int,
    go_live: pd.DataFrame,
    band: pd.DataFrame | None = None,
    currency: str = "USD",
) -> Layered:
    """One line per option; fine-tunes solid, base models dashed; break-even marked with a rule and a diamond;
    the month a fine-tune goes live with a grey rule; with `band`, the P10–P90 spread of the draws shaded."""
    drawing = cumulative_drawing(frame, points, horizon, go_live, band, currency)
    return _cumulative(drawing.frames, *drawing.shape)


def cumulative_drawing(
    frame: pd.DataFrame,
    points: pd.DataFrame,
    horizon: int,
    go_live: pd.DataFrame,
    band: pd.DataFrame | None = None,
    currency: str = "USD",
) -> Drawing:
    """`cumulative` as a Drawing (what the page draws)."""
    drawn = {"band": band is not None and not band.empty, "go_live": not go_live.empty, "points": not points.empty}
    frames = (frame, *(f for f, shown in zip((band, go_live, points), drawn.values(), strict=True) if shown))
    options = tuple(dict.fromkeys(frame["option"]))
    return Drawing(_cumulative, frames, (horizon, currency, options, *drawn.values()))


def _cumulative(
    frames, horizon: int, currency: str, options: tuple, has_band: bool, has_go_live: bool, has_points: bool
) -> Layered:
    frame, *rest = frames
    band = rest.pop(0) if has_band else None
    go_live = rest.pop(0) if has_go_live else None
    points = rest.pop(0) if has_points else None
    selector = alt.selection_point(fields=["option"], bind="legend")
    base = alt.Chart(frame).encode(
        x=alt.X(
            "month:Q",
            title=_("Month of the plan"),
            scale=alt.Scale(domain=[1, horizon]),
            axis=alt.Axis(tickMinStep=1, format="d"),
        ),
        y=alt.Y("cumulative:Q", axis=_money_axis(_("Cumulative cost ({currency})"), currency)),
        # Legend below, one entry a line: on the right it took most of a phone's width from the lines.
        color=alt.Color(
            "option:N",
            title=_("Option"),
            scale=option_scale(options),
            legend=alt.Legend(orient="bottom", direction="vertical", labelLimit=360, symbolOpacity=1),
        ),
        strokeDash=alt.StrokeDash(
            "kind:N",
            title="",
            legend=None,
            scale=alt.Scale(domain=["fine-tuned", "base model"], range=[[1, 0], [6, 3]]),
        ),
        opacity=alt.condition(selector, alt.value(1), alt.value(0.2)),
        tooltip=[
            alt.Tooltip("option:N", title=_("Option")),
            alt.Tooltip("month:Q", title=_("Month")),
            alt.Tooltip("starts:N", title=_("Starts")),
            alt.Tooltip("cumulative_text:N", title=_("Total so far")),
            alt.Tooltip("month_text:N", title=_("This month")),
            alt.Tooltip("served_by:N", title=_("Served by")),
        ],
    )
    lines = base.mark_line(point=alt.OverlayMarkDef(size=30), strokeWidth=2.5).add_params(selector)
    layers = [lines]
    if band is not None:
        layers.insert(
            0,
            alt.Chart(band)
            .mark_area(fillOpacity=0.15)
            .encode(
                x=alt.X("month:Q"),
                y=alt.Y("p10:Q"),
                y2=alt.Y2("p90:Q"),
                # The lines' scale, and no legend of its own: a layer's legend=None, or a scale of other colours,
                # wins the layers' merged colour scale and took the legend away (and gave a band another option's
                # colour); the one legend is the lines', below the chart.
                color=alt.Color("option:N", scale=option_scale(options)),
                tooltip=[
                    alt.Tooltip("option:N", title=_("Option")),
                    alt.Tooltip("month:Q", title=_("Month")),
                    alt.Tooltip("band_text:N", title=_("P10 – P90 of the draws")),
                ],
            ),
        )
    if go_live is not None:
        layers.append(
            alt.Chart(go_live)
            .mark_rule(color="#888", strokeDash=[6, 4], strokeWidth=1.5)
            .encode(x=alt.X("month:Q"), tooltip=[alt.Tooltip("label:N", title=_("Go-live or switch"))])
        )
    if points is not None:
        rule = (
            alt.Chart(points)
            .mark_rule(color="#2e7d32", strokeDash=[2, 2])
            .encode(x=alt.X("month:Q"), tooltip=[alt.Tooltip("label:N", title=_("Break-even"))])
        )
        dot = (
            alt.Chart(points)
            .mark_point(shape="diamond", size=220, filled=True, color="#2e7d32")
            .encode(
                x=alt.X("month:Q"),
                y=alt.Y("cumulative:Q"),
                tooltip=[
                    alt.Tooltip("label:N", title=_("Break-even")),
                    alt.Tooltip("cumulative_text:N", title=_("Total so far")),
                ],
            )
        )
        layers += [rule, dot]
    # The height holds the legend below the plot too (one entry a line), so the plot keeps ~460 px however many
    # options there are.
    return alt.layer(*layers, height=460 + LEGEND_ROW * len(dict.fromkeys(options)))


def stacked_months(frame: pd.DataFrame, currency: str = "USD") -> alt.Chart:
    """Each month's cost of one option, stacked by part."""
    drawing = stacked_months_drawing(frame, currency)
    return _stacked_months(drawing.frames, *drawing.shape)


def stacked_months_drawing(frame: pd.DataFrame, currency: str = "USD") -> Drawing:
    """`stacked_months` as a Drawing (what the page draws)."""
    return Drawing(_stacked_months, (frame,), (currency, _parts(frame)))


def _stacked_months(frames, currency: str, parts: tuple[str, ...]) -> alt.Chart:
    return _stacked(
        frames[0],
        parts,
        x=alt.X("month:O", title=_("Month of the plan"), axis=alt.Axis(labelAngle=0)),
        y=alt.Y("usd:Q", axis=_money_axis("{currency}", currency), stack="zero"),
        extra=[alt.Tooltip("month:O", title=_("Month")), alt.Tooltip("served_by:N", title=_("Served by"))],
    )


def stacked_totals(frame: pd.DataFrame, currency: str = "USD", title: str | None = None) -> Layered:
    """Each option's total over the horizon (or, with `title`, another amount per option), one horizontal bar per
    option, stacked by part."""
    drawing = stacked_totals_drawing(frame, currency, title)
    return _stacked_totals(drawing.frames, *drawing.shape)


def stacked_totals_drawing(frame: pd.DataFrame, currency: str = "USD", title: str | None = None) -> Drawing:
    """`stacked_totals` as a Drawing (what the page draws)."""
    return Drawing(_stacked_totals, (frame, frame.drop_duplicates("option")), (currency, title, _parts(frame)))


def _stacked_totals(frames, currency: str, title: str | None, parts: tuple[str, ...]) -> Layered:
    frame, names_frame = frames
    title = title or _("Total over the horizon ({currency})")
    # Each option's name is written above its bar, not as an axis label beside it: long names beside the bars
    # took most of a phone's width and left the bars a sliver.
    bars = _stacked(
        frame,
        parts,
        x=alt.X("usd:Q", axis=_money_axis(title, currency), stack="zero"),
        y=alt.Y(
            "option:N",
            title=None,
            sort=None,
            axis=None,
            scale=alt.Scale(paddingInner=BAR_GAP, paddingOuter=BAR_GAP / 2),
        ),
        extra=[alt.Tooltip("option:N", title=_("Option"))],
        height=alt.Step(BAR_STEP),
    )
    names = (
        alt.Chart(names_frame)
        .mark_text(
            align="left",
            baseline="bottom",
            dy=-BAR_STEP * (1 - BAR_GAP) / 2 - 2,
            fontSize=12,
            limit=2000,
        )
        .encode(x=alt.XValue(0), y=alt.Y("option:N", sort=None, axis=None), text=alt.Text("option:N"))
    )
    return alt.layer(bars, names, height=alt.Step(BAR_STEP))


#: A horizontal bar chart's row: the bar takes (1 - BAR_GAP) of it, its option's name the gap above.
BAR_STEP, BAR_GAP = 46, 0.5


def _parts(frame: pd.DataFrame) -> tuple[str, ...]:
    """The parts `frame` has, in the colours' order: the legend lists only parts that cost something."""
    present = set(frame["part"])
    return tuple(p for p in _colours() if p in present)


def _stacked(frame: pd.DataFrame, parts: tuple[str, ...], *, x, y, extra, height=320) -> alt.Chart:
    colours = _colours()
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=x,
            y=y,
            color=alt.Color(
                "part:N",
                title=_("Cost"),
                scale=alt.Scale(domain=list(parts), range=[colours[p] for p in parts]),
                legend=alt.Legend(orient="bottom", direction="vertical", labelLimit=360),
            ),
            order=alt.Order("order:Q"),
            tooltip=[*extra, alt.Tooltip("part:N", title=_("Cost")), alt.Tooltip("usd_text:N", title=_("Amount"))],
        )
        .properties(height=height)
    )


def histogram(values: pd.DataFrame, limit: int, limit_label: str, *, draw_limit: bool = True) -> Layered:
    """Tokens per example, binned, with the model's per-example limit as a red rule. When the limit is far to the
    right of every example (`draw_limit` False), drawing it would squash the bars into one line, so an arrow at
    the right edge points to it instead."""
    bars = (
        alt.Chart(values)
        .mark_bar(color="#4c78a8")
        .encode(
            x=alt.X("tokens:Q", bin=alt.Bin(maxbins=20), title=_("Tokens per example")),
            y=alt.Y("count():Q", title=_("Examples"), axis=alt.Axis(tickMinStep=1, format="d")),
            tooltip=[
                alt.Tooltip("tokens:Q", bin=True, title=_("Tokens")),
                alt.Tooltip("count():Q", title=_("Examples")),
            ],
        )
    )
    label = pd.DataFrame({"tokens": [limit], "label": [limit_label if draw_limit else f"{limit_label} →"]})
    if not draw_limit:
        arrow = (
            alt.Chart(label)
            .mark_text(align="right", baseline="top", dy=4, color="#d62728")
            .encode(x=alt.XValue("width"), y=alt.YValue(0), text=alt.Text("label:N"))
        )
        return alt.layer(bars, arrow, height=300)
    rule = (
        alt.Chart(label)
        .mark_rule(color="#d62728", strokeWidth=2)
        .encode(x=alt.X("tokens:Q"), tooltip=[alt.Tooltip("label:N", title=_("Limit"))])
    )
    text = (
        alt.Chart(label)
        .mark_text(align="right", dx=-6, dy=8, color="#d62728", baseline="top")
        .encode(x=alt.X("tokens:Q"), y=alt.YValue(0), text=alt.Text("label:N"))
    )
    return alt.layer(bars, rule, text, height=300)


def price_steps(frame: pd.DataFrame) -> Layered:
    """Price per 1M tokens over time, as steps (a price holds until the next one starts)."""
    return (
        alt.Chart(frame)
        .mark_line(interpolate="step-after", point=True, strokeWidth=2)
        .encode(
            x=alt.X("date:T", title=_("Date"), axis=alt.Axis(format="%Y-%m", labelAngle=0)),
            y=alt.Y("usd:Q", axis=alt.Axis(format="$,.2f", title=_("US dollars per 1M tokens"))),
            color=alt.Color(
                "series:N", title=_("Price"), legend=alt.Legend(orient="bottom", columns=2, labelLimit=360)
            ),
            detail=alt.Detail("segment:N"),  # a gap in a price's history (not offered) breaks its line
            tooltip=[
                alt.Tooltip("series:N", title=_("Price")),
                alt.Tooltip("from:N", title=_("From")),
                alt.Tooltip("until:N", title=_("Until")),
                alt.Tooltip("usd_text:N", title=_("Per 1M tokens")),
            ],
        )
        .properties(height=360)
    )
