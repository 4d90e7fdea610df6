"""Inputs bound to a field of the scenario.

Each input has the key "w:<path>". Before it is drawn, its value is set from the scenario — on every run,
because Streamlit ties a widget's state to the page that drew it: the same input on another page (requests
per month is on two) would otherwise start from its default. Its on_change callback writes the new value
back through `state.edit`, so the scenario carries every edit across pages, and a rejected value snaps back.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pandas as pd
import streamlit as st

from ftcost.i18n import _
from ftcost.views.common import number_text  # a typed number as the refusal repeats it
from ui import state


def _same(value: Any) -> Any:
    return value


def to_float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def to_decimal(value: float | None) -> Decimal | None:
    # str() keeps what the person typed (0.1 stays 0.1) instead of the float's binary expansion.
    return None if value is None else Decimal(str(value))


def bound(
    widget: Callable[..., Any],
    label: str,
    path: str,
    *,
    to_widget: Callable[[Any], Any] = _same,
    from_widget: Callable[[Any], Any] = _same,
    **kwargs: Any,
) -> Any:
    """Draw `widget(label, ...)` showing the scenario's value at `path`; edits write back to it."""
    key = state.WIDGET + path
    limits = None
    if widget is st.number_input:
        limits, to_widget, from_widget, kwargs = _number_box(to_widget, from_widget, kwargs)
    st.session_state[key] = to_widget(state.read(path))
    return widget(label, key=key, on_change=_changed, args=(path, key, label, to_widget, from_widget, limits), **kwargs)


def _number_box(to_widget, from_widget, kwargs: dict) -> tuple[tuple, Callable, Callable, dict]:
    """What Streamlit's number box needs so that what it shows is what the plan uses.

    Three things in Streamlit's box would otherwise show one value while the plan uses another:
    - without value=None it cannot be emptied: clearing it silently puts back its default, the minimum. With
      it, an emptied box arrives as None, and `_changed` says so in a sentence (or, for a field where empty
      means "measure it", stores exactly that);
    - given min_value/max_value, the browser keeps an out-of-range number on screen ("Press Enter to apply")
      and never sends it, so the plan silently keeps the old one. The limits are checked here instead: every
      number typed arrives, and one out of range is refused with a sentence and the box shows the kept value;
    - a whole-number box reads what is typed with JavaScript's parseInt, so "3e4" becomes 3. A whole-number
      field is drawn as a decimal box showing no decimals (parseFloat reads "3e4" as 30000) and a fraction
      typed into it is refused here.
    """
    kwargs = dict(kwargs)
    kwargs.setdefault("value", None)
    low, high = kwargs.pop("min_value", None), kwargs.pop("max_value", None)
    whole = all(isinstance(v, int) for v in (low, high, kwargs.get("step")) if v is not None)
    if not whole:
        return (low, high, False), to_widget, from_widget, kwargs
    kwargs["step"] = float(kwargs.get("step") or 1)
    kwargs.setdefault("format", "%.0f")
    shown, back = to_widget, from_widget
    return (
        (low, high, True),
        lambda value: None if (v := shown(value)) is None else float(v),
        lambda value: back(None if value is None else int(value)),
        kwargs,
    )


def refusal(label: str, value: Any, limits: tuple | None) -> str | None:
    """The sentence refusing `value` for a number box with `limits` (low, high, whole), or None if it fits."""
    if limits is None or value is None:
        return None
    low, high, whole = limits
    if not math.isfinite(value):
        return _("{label}: type a number.").format(label=label)
    if whole and value != int(value):
        return _("{label} takes a whole number, not {typed}.").format(label=label, typed=number_text(value))
    if low is not None and value < low:
        return _("{label} must be at least {low}, not {typed}.").format(
            label=label, low=number_text(low), typed=number_text(value)
        )
    if high is not None and value > high:
        return _("{label} must be at most {high}, not {typed}.").format(
            label=label, high=number_text(high), typed=number_text(value)
        )
    return None


def _changed(path: str, key: str, label: str, to_widget, from_widget, limits=None) -> None:
    value = st.session_state[key]
    refused = refusal(label, value, limits)
    if refused is not None:
        kept = to_widget(state.read(path))
        st.session_state[state.EDIT_ERROR] = (
            refused
            + " "
            + (
                _("The plan keeps {kept}.").format(kept=number_text(kept))
                if isinstance(kept, (int, float))
                else _("The previous value is kept.")
            )
        )
        st.session_state[key] = kept
        return
    if not state.edit(path, from_widget(value), label):
        if value is None:
            kept = to_widget(state.read(path))
            st.session_state[state.EDIT_ERROR] = (
                _("{label} is empty: type a number. The plan keeps the previous value, {kept}.").format(
                    label=label, kept=number_text(kept)
                )
                if isinstance(kept, (int, float))
                else _("{label} is empty: type a number. The previous value is kept.").format(label=label)
            )
        st.session_state[key] = to_widget(state.read(path))


def whole_number(
    label: str, key: str, kept_key: str, *, low: int, high: int, default: int, step: int = 1, **kwargs: Any
) -> int:
    """A whole-number box for a page setting that is not part of the scenario (the Live page's answer cap and
    calls per option), with the checks `_number_box` gives the scenario's boxes: a value out of range, a
    fraction or an empty box is refused with a sentence and the box shows the value the page keeps using, which
    lives under `kept_key` (a widget's own state is forgotten when its page is left). Returns that value."""
    ss = st.session_state
    kept = ss.setdefault(kept_key, default)
    ss[key] = float(kept)
    st.number_input(
        label,
        key=key,
        value=None,
        step=float(step),
        format="%.0f",
        on_change=_setting_changed,
        args=(label, key, kept_key, (low, high, True)),
        **kwargs,
    )
    return int(ss[kept_key])


def _setting_changed(label: str, key: str, kept_key: str, limits: tuple) -> None:
    value = st.session_state[key]
    kept = st.session_state[kept_key]
    refused = (
        _("{label} is empty: type a number.").format(label=label) if value is None else refusal(label, value, limits)
    )
    if refused is not None:
        st.session_state[state.EDIT_ERROR] = refused + " " + _("The page keeps {kept}.").format(kept=number_text(kept))
        st.session_state[key] = float(kept)
        return
    st.session_state[kept_key] = int(value)


def number(label: str, path: str, *, decimal: bool = False, **kwargs: Any) -> Any:
    """A number input; `decimal=True` for Decimal fields (shown as floats, stored back as exact decimals)."""
    if decimal:
        return bound(st.number_input, label, path, to_widget=to_float, from_widget=to_decimal, **kwargs)
    return bound(st.number_input, label, path, **kwargs)


# --- tables (st.data_editor) ---------------------------------------------------------------------------


def blank(value: Any) -> bool:
    """An empty cell: None, NaN (pandas' empty number) or empty text."""
    return value is None or value == "" or (isinstance(value, float) and pd.isna(value))


def entries(rows: list[dict], fields: dict[str, tuple[str, Callable[[Any], Any]]]) -> list[dict]:
    """Edited table rows as scenario entries: column → (field, conversion). A row left wholly empty is
    dropped; a half-filled one is kept for the scenario's validation to name what is missing."""
    out = []
    for row in rows:
        cells = {column: None if blank(row.get(column)) else row.get(column) for column in fields}
        if any(value is not None for value in cells.values()):
            out.append(
                {
                    field: None if cells[column] is None else convert(cells[column])
                    for column, (field, convert) in fields.items()
                }
            )
    return out


def unfinished(records: list[dict], required: tuple[str, ...], labels: dict[str, str] | None = None) -> str | None:
    """A sentence naming the cells a started row still needs (by their column's `labels`, as the table shows
    them), or None when every started row is complete."""
    needs = []
    for number, row in enumerate(records, start=1):
        missing = [column for column in required if blank(row.get(column))]
        if missing and len(missing) < len(required):
            needs.append(
                _("row {number} needs {cells}").format(
                    number=number, cells=_(" and ").join((labels or {}).get(column, column) for column in missing)
                )
            )
    if not needs:
        return None
    return _("Not applied yet: {needs}. The row is added to the plan once it is complete.").format(
        needs=_("; ").join(needs)
    )


def table(
    label: str,
    path: str,
    rows: Callable[[Any], list[dict]],
    back: Callable[[list[dict]], Any],
    *,
    required: tuple[str, ...] = (),
    **kwargs: Any,
) -> None:
    """An editable table bound to a list in the scenario.

    `rows(value)` turns the scenario's list into table rows, `back(rows)` turns edited rows into the value
    to store. The editor keeps its edits relative to the table it was first drawn with, so that table is
    kept (under "<key>:base") while the editor lives. Its result is applied here, after it is drawn (a
    callback would only see the edit state, and AppTest can set only that), then the app reruns so the
    sidebar's file and link carry the edit. A rejected edit starts a fresh editor (a new key) from the
    unchanged scenario, with the error shown above. A row still missing one of the `required` columns
    is not applied yet (the editor keeps it, and a sentence names the cells to fill), so typing a new
    row's first cell never throws the row away.
    """
    ss = st.session_state
    version_key = f"{state.WIDGET}{path}:version"
    key = f"{state.WIDGET}{path}#{ss.setdefault(version_key, 0)}"
    base_key = key + ":base"
    if key not in ss or base_key not in ss:
        ss[base_key] = rows(state.read(path))
    edited = st.data_editor(pd.DataFrame(ss[base_key]), key=key, **kwargs)
    records = edited.to_dict("records")
    labels = {k: v.get("label") or k for k, v in (kwargs.get("column_config") or {}).items() if isinstance(v, dict)}
    waiting = unfinished(records, required, labels)
    if waiting:
        st.info(waiting)
        return
    wanted = back(records)
    if wanted == back(rows(state.read(path))):
        return
    if not state.edit(path, wanted, label):
        ss[version_key] += 1
        ss.pop(base_key, None)
    st.rerun()
