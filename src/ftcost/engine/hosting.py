"""Cost kinds beyond per-token prices: the functions live in `ftcost.pricing.hosting`, below the provider quotes
that build on them (pricing never imports the engine); this module keeps the engine's name for its callers."""

from ftcost.pricing.hosting import (
    HOURS_IN_30_DAY_MONTH,
    HOURS_IN_AVERAGE_MONTH,
    MonthBasis,
    billable_training_tokens,
    hosting_per_month,
    month_hours,
    serving_per_month,
    storage_per_month,
    training_gpu_hours,
    training_per_gpu_hour,
    training_per_hour,
    training_per_mtok,
    with_minimum,
)

__all__ = [
    "HOURS_IN_30_DAY_MONTH",
    "HOURS_IN_AVERAGE_MONTH",
    "MonthBasis",
    "billable_training_tokens",
    "hosting_per_month",
    "month_hours",
    "serving_per_month",
    "storage_per_month",
    "training_gpu_hours",
    "training_per_gpu_hour",
    "training_per_hour",
    "training_per_mtok",
    "with_minimum",
]
