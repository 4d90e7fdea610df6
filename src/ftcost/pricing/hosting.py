"""Cost kinds beyond per-token prices, as pure functions of exact Decimals: no files, no clock, no rounding
except where a provider's bill rounds (Azure rounds RFT hours to two decimals).

    month_hours(basis)                                    720 (a 30-day month) or 730 (8,760 h / 12)
    hosting_per_month(rate_per_hour, deployments, hours)  always-on deployment fee (Azure $1.70/h)
    storage_per_month(rate, models)                       custom-model storage (Bedrock, Mistral)
    with_minimum(charge, minimum)                         a job never bills below its minimum fee
    billable_training_tokens(...)                         tokens × epochs (+ validation passes where billed;
                                                          Together's packing-off rule)
    training_per_mtok(tokens, price)                      per-1M training tokens
    training_gpu_hours(tokens, tokens_per_s_per_gpu)      self-hosting: GPU-hours from measured throughput
    training_per_hour(hours, rate, cap)                   per training hour with a per-job cap (Azure RFT)
    serving_per_month(rate_per_gpu_hour, replicas, ...)   a dedicated replica billed every hour it runs

Month lengths are said explicitly: Azure's own example multiplies $1.70 × 30 × 24 (a 30-day month, 720 h);
cloud calculators use 730 h (365 × 24 / 12). Nothing here assumes one silently.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from ftcost.pricing.costs import token_cost

MonthBasis = Literal["30-day", "730-hour"]
HOURS_IN_30_DAY_MONTH = Decimal(30 * 24)
HOURS_IN_AVERAGE_MONTH = Decimal(730)
_SECONDS_PER_HOUR = Decimal(3600)


def month_hours(basis: MonthBasis) -> Decimal:
    """Hours in a billing month: "30-day" = 720 (Azure's worked example), "730-hour" = 8,760 / 12."""
    if basis == "30-day":
        return HOURS_IN_30_DAY_MONTH
    if basis == "730-hour":
        return HOURS_IN_AVERAGE_MONTH
    raise ValueError(f"month basis must be '30-day' or '730-hour', not {basis!r}")


def hosting_per_month(rate_per_hour: Decimal, deployments: int = 1, hours: Decimal = HOURS_IN_AVERAGE_MONTH) -> Decimal:
    """The hourly hosting fee of `deployments` always-on deployments over `hours` (accrues whether called or not)."""
    _money(rate_per_hour)
    _count(deployments, "deployments")
    _hours(hours)
    return rate_per_hour * hours * deployments


def storage_per_month(rate_per_month: Decimal, models: int = 1) -> Decimal:
    """Monthly storage of `models` custom models."""
    _money(rate_per_month)
    _count(models, "models")
    return rate_per_month * models


def with_minimum(charge: Decimal, minimum: Decimal | None) -> Decimal:
    """A job's bill with its minimum fee applied: the larger of the two (no minimum → the charge itself)."""
    _money(charge)
    if minimum is None:
        return charge
    _money(minimum)
    return max(charge, minimum)


def billable_training_tokens(
    training_tokens: int,
    epochs: int,
    *,
    validation_tokens: int = 0,
    n_evals: int = 0,
    validation_billed: bool = False,
    packing: bool = True,
    examples: int | None = None,
    max_seq_length: int | None = None,
) -> int:
    """Tokens a job is billed for.

    Always `epochs × training tokens`; where the provider bills validation (Together), plus
    `n_evals × validation tokens`. With packing off, Together counts each example as `max_seq_length` tokens:
    training tokens become `examples × max_seq_length`.
    """
    for name, value in (
        ("training_tokens", training_tokens),
        ("validation_tokens", validation_tokens),
        ("n_evals", n_evals),
    ):
        _count(value, name)
    _count(epochs, "epochs", minimum=1)
    if not packing:
        if examples is None or max_seq_length is None:
            raise ValueError("with packing off the bill counts examples × max_seq_length: give both")
        _count(examples, "examples")
        _count(max_seq_length, "max_seq_length", minimum=1)
        training_tokens = examples * max_seq_length
    billed = epochs * training_tokens
    if validation_billed:
        billed += n_evals * validation_tokens
    return billed


def training_per_mtok(billable_tokens: int, price_per_mtok: Decimal) -> Decimal:
    """Billable training tokens × USD per 1M."""
    _count(billable_tokens, "billable_tokens")
    _money(price_per_mtok)
    return token_cost(billable_tokens, price_per_mtok)


def training_gpu_hours(billable_tokens: int, tokens_per_second_per_gpu: int) -> Decimal:
    """GPU-hours to process `billable_tokens` (already × epochs) at a measured per-GPU throughput.

    Per-GPU throughput folds the GPU count in: 8 GPUs at 2,621 tok/s each take 1/8 of the wall time, and the
    GPU-hours are the same.
    """
    _count(billable_tokens, "billable_tokens")
    _count(tokens_per_second_per_gpu, "tokens_per_second_per_gpu", minimum=1)
    return Decimal(billable_tokens) / (Decimal(tokens_per_second_per_gpu) * _SECONDS_PER_HOUR)


def training_per_gpu_hour(gpu_hours: Decimal, rate_per_gpu_hour: Decimal) -> Decimal:
    _hours(gpu_hours)
    _money(rate_per_gpu_hour)
    return gpu_hours * rate_per_gpu_hour


def training_per_hour(
    hours: Decimal, rate_per_hour: Decimal, cap: Decimal | None = None, round_hours_to: int | None = None
) -> Decimal:
    """Hours of training × the hourly rate, at most `cap` per job (Azure RFT: $100/h, hours to 2 decimals, $5,000)."""
    _hours(hours)
    _money(rate_per_hour)
    if round_hours_to is not None:
        hours = hours.quantize(Decimal(1).scaleb(-round_hours_to), rounding=ROUND_HALF_UP)
    cost = hours * rate_per_hour
    if cap is not None:
        _money(cap)
        cost = min(cost, cap)
    return cost


def serving_per_month(
    rate_per_gpu_hour: Decimal, replicas: int = 1, gpus_per_replica: int = 1, hours: Decimal = HOURS_IN_AVERAGE_MONTH
) -> Decimal:
    """Dedicated serving: every replica bills every hour it runs, idle or not (Together, Fireworks, self-hosting)."""
    _money(rate_per_gpu_hour)
    _count(replicas, "replicas")
    _count(gpus_per_replica, "gpus_per_replica", minimum=1)
    _hours(hours)
    return rate_per_gpu_hour * gpus_per_replica * replicas * hours


# --- argument checks: a wrong type here is a programming error, so plain TypeError / ValueError ------------


def _money(value) -> None:
    if not isinstance(value, Decimal) or not value.is_finite() or value < 0:
        raise TypeError(f"money must be a finite, non-negative Decimal, got {value!r}")


def _hours(value) -> None:
    if not isinstance(value, Decimal) or not value.is_finite() or value < 0:
        raise TypeError(f"hours must be a finite, non-negative Decimal, got {value!r}")


def _count(value, name: str, minimum: int = 0) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"{name} must be a whole number ≥ {minimum}, got {value!r}")
