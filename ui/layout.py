"""Small layout helpers shared by the pages."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from ftcost import i18n

T = TypeVar("T")


def rows(items: Sequence[T], most: int) -> list[Sequence[T]]:
    """Split `items` into rows of at most `most`, as evenly as possible (7 → 4 + 3, not 5 + 2)."""
    if not items:
        return []
    count = -(-len(items) // most)  # rows needed
    width = -(-len(items) // count)
    return [items[i : i + width] for i in range(0, len(items), width)]


def on_click(build: Callable[..., T], *args, **kwargs) -> Callable[[], T]:
    """`build(*args, **kwargs)` as a download button's `data`: made when the button is clicked, not on every rerun.
    Streamlit runs it on a thread of its own (outside this run, so outside its language): it is made in the
    language of the run that drew the button."""
    language = i18n.language()

    def made() -> T:
        with i18n.use(language):
            return build(*args, **kwargs)

    return made
