"""Inputs bound to a field of the scenario.

Each input has the key "w:<path>". Its value is seeded from the scenario whenever the key is missing
(first view, after a page switch — Streamlit forgets widgets that were not drawn — or after a new
scenario loads), and its on_change callback writes the new value back through `state.edit`. The
scenario therefore carries every edit across pages, and a rejected value snaps the input back.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Callable

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
    if key not in st.session_state:
        st.session_state[key] = to_widget(state.read(path))
    return widget(label, key=key, on_change=_changed, args=(path, key, label, to_widget, from_widget), **kwargs)


def _changed(path: str, key: str, label: str, to_widget, from_widget) -> None:
    if not state.edit(path, from_widget(st.session_state[key]), label):
        st.session_state[key] = to_widget(state.read(path))


def number(label: str, path: str, *, decimal: bool = False, **kwargs: Any) -> Any:
    """A number input; `decimal=True` for Decimal fields (shown as floats, stored back as exact decimals)."""
    if decimal:
        return bound(st.number_input, label, path, to_widget=to_float, from_widget=to_decimal, **kwargs)
    return bound(st.number_input, label, path, **kwargs)


# --- tables (st.data_editor) ---------------------------------------------------------------------------


def table(
    label: str,
    path: str,
    rows: Callable[[Any], list[dict]],
    back: Callable[[list[dict]], Any],
    **kwargs: Any,
) -> None:
    """An editable table bound to a list in the scenario.

    `rows(value)` turns the scenario's list into table rows, `back(rows)` turns edited rows into the
    value to store. The editor keeps its edits relative to the table it was first drawn with, so that
    table is kept (under "<key>:base") until the editor is re-seeded.
    """
    key = state.WIDGET + path
    base_key = key + ":base"
    if key not in st.session_state or base_key not in st.session_state:
        st.session_state.pop(key, None)
        st.session_state[base_key] = rows(state.read(path))
    st.data_editor(
        pd.DataFrame(st.session_state[base_key]),
        key=key,
        on_change=_table_changed,
        args=(path, key, base_key, label, back),
        **kwargs,
    )


def _table_changed(path: str, key: str, base_key: str, label: str, back) -> None:
    edited = apply_edits(st.session_state[base_key], st.session_state[key])
    if not state.edit(path, back(edited), label):
        # Start the editor again from the scenario's (unchanged) value.
        del st.session_state[base_key]


def apply_edits(base: list[dict], edits: dict) -> list[dict]:
    """The rows after a data_editor's edit state ({edited_rows, added_rows, deleted_rows}) is applied."""
    rows = [dict(r) for r in base]
    for index, changes in (edits.get("edited_rows") or {}).items():
        rows[int(index)].update(changes)
    deleted = {int(i) for i in edits.get("deleted_rows") or ()}
    rows = [r for i, r in enumerate(rows) if i not in deleted]
    rows += [dict(r) for r in edits.get("added_rows") or ()]
    return rows
