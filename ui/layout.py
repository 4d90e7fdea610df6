"""Small layout helpers shared by the pages."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")


def rows(items: Sequence[T], most: int) -> list[Sequence[T]]:
    """Split `items` into rows of at most `most`, as evenly as possible (7 → 4 + 3, not 5 + 2)."""
    if not items:
        return []
    count = -(-len(items) // most)  # rows needed
    width = -(-len(items) // count)
    return [items[i : i + width] for i in range(0, len(items), width)]
