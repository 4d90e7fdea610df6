"""Distribution summaries and the cookbook's epochs rule (pure arithmetic, no numpy)."""

from __future__ import annotations

import math
from collections.abc import Sequence

# The cookbook notebook's rule of thumb for OpenAI's "auto" epochs.
TARGET_EPOCHS = 3
MIN_TARGET_EXAMPLES = 100
MAX_TARGET_EXAMPLES = 25_000
MIN_DEFAULT_EPOCHS = 1
MAX_DEFAULT_EPOCHS = 25
MIN_EXAMPLES = 10  # OpenAI rejects a training file with fewer examples

STAT_KEYS = ("min", "max", "mean", "median", "p10", "p90")


def default_epochs(n_examples: int) -> int:
    """Epochs by the cookbook's rule: an estimate of what OpenAI's "auto" picks, not a promise.

    3 epochs, raised so that small datasets are seen about 100 times in total (at most 25 epochs),
    lowered so that huge ones are seen at most about 25,000 times (at least 1 epoch).
    With no examples the rule's limit, 25, is returned (100 // n grows without bound as n -> 0).
    """
    if n_examples < 0:
        raise ValueError("the number of examples cannot be negative")
    if n_examples == 0:
        return MAX_DEFAULT_EPOCHS
    epochs = TARGET_EPOCHS
    if n_examples * TARGET_EPOCHS < MIN_TARGET_EXAMPLES:
        epochs = min(MAX_DEFAULT_EPOCHS, MIN_TARGET_EXAMPLES // n_examples)
    elif n_examples * TARGET_EPOCHS > MAX_TARGET_EXAMPLES:
        epochs = max(MIN_DEFAULT_EPOCHS, MAX_TARGET_EXAMPLES // n_examples)
    return epochs


def percentile(ordered: Sequence[float], q: float) -> float:
    """The q-th percentile (0..100) of sorted values by linear interpolation, as numpy's default does."""
    if not ordered:
        raise ValueError("percentile of no values")
    position = (len(ordered) - 1) * q / 100
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    fraction = position - low
    a, b = ordered[low], ordered[high]
    # numpy's lerp: from the nearer end, so the result is exact at both ends and monotonic.
    return b - (b - a) * (1 - fraction) if fraction >= 0.5 else a + (b - a) * fraction


def summarize(values: Sequence[int]) -> dict[str, float | int | None]:
    """min, max, mean, median, p10, p90 of `values` (all None when there are none)."""
    if not len(values):
        return dict.fromkeys(STAT_KEYS)
    ordered = sorted(values)
    return {
        "min": ordered[0],
        "max": ordered[-1],
        "mean": sum(ordered) / len(ordered),
        "median": percentile(ordered, 50),
        "p10": percentile(ordered, 10),
        "p90": percentile(ordered, 90),
    }
