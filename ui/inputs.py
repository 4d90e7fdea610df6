"""Inputs bound to a field of the scenario.

Each input has the key "w:<path>". Before it is drawn, its value is set from the scenario — on every run,
because Streamlit ties a widget's state to the page that drew it: the same input on another page (requests
per month is on two) would otherwise start from its default. Its on_change callback writes the new value
back through `state.edit`, so the scenario carries every edit across pages, and a rejected value snaps back.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pandas as pd
import streamlit as st

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
    st.session_state[key] = to_widget(state.read(path))
    if widget is st.number_input:
        # Without value=None Streamlit's number box cannot be emptied: clearing it silently puts back its default,
        # the minimum. With it, an emptied box arrives here as None, and `_changed` says so in a sentence (or,
        # for a field where empty means "measure it", stores exactly that).
        kwargs.setdefault("value", None)
    return widget(label, key=key, on_change=_changed, args=(path, key, label, to_widget, from_widget), **kwargs)


def _changed(path: str, key: str, label: str, to_widget, from_widget) -> None:
    value = st.session_state[key]
    if not state.edit(path, from_widget(value), label):
        if value is None:
            kept = to_widget(state.read(path))
            st.session_state[state.EDIT_ERROR] = (
                f"{label} is empty: type a number. The plan keeps the previous value, {kept:,}."
                if isinstance(kept, (int, float)) else f"{label} is empty: type a number. The previous value is kept."
            )
        st.session_state[key] = to_widget(state.read(path))


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
            out.append({field: None if cells[column] is None else convert(cells[column])
                        for column, (field, convert) in fields.items()})
    return out


def unfinished(records: list[dict], required: tuple[str, ...]) -> str | None:
    """A sentence naming the cells a started row still needs, or None when every started row is complete."""
    needs = []
    for number, row in enumerate(records, start=1):
        missing = [column for column in required if blank(row.get(column))]
        if missing and len(missing) < len(required):
            needs.append(f"row {number} needs {' and '.join(missing)}")
    if not needs:
        return None
    return "Not applied yet: " + "; ".join(needs) + ". The row is added to the plan once it is complete."


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
    waiting = unfinished(records, required)
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
