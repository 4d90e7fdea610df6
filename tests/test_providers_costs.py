"""The cost kinds beyond per-token prices (ftcost.engine.hosting), each checked against a hand-derived figure or a
provider's own worked example (Azure's cost-management page, Together's billable-token formula)."""

from decimal import Decimal as D

import pytest

from ftcost.engine import hosting as H
from ftcost.pricing import token_cost

# --- hosting per hour: the month length is said, never assumed ---------------------------------------------


def test_month_hours_are_explicit():
    assert H.month_hours("30-day") == 720
    assert H.month_hours("730-hour") == 730
    with pytest.raises(ValueError):
        H.month_hours("month")


@pytest.mark.parametrize(
    "basis, deployments, expected",
    [
        ("30-day", 1, D("1224.00")),  # 1.70 × 24 × 30
        ("730-hour", 1, D("1241.00")),  # 1.70 × 730
        ("730-hour", 2, D("2482.00")),
        ("30-day", 0, D("0")),
    ],
)
def test_azure_hosting_fee_per_month(basis, deployments, expected):
    assert H.hosting_per_month(D("1.70"), deployments, H.month_hours(basis)) == expected


def test_azure_cost_management_monthly_example():
    # Azure's page: o4-mini tuned chatbot, 20M input tokens at $1.10, 40M output at $4.40 (its example figures),
    # hosting $1.70 × 30 × 24: total $1,422.00.
    hosting = H.hosting_per_month(D("1.70"), 1, H.month_hours("30-day"))
    tokens = token_cost(20_000_000, D("1.10")) + token_cost(40_000_000, D("4.40"))
    assert (hosting, tokens, hosting + tokens) == (D("1224.00"), D("198.00"), D("1422.00"))


# --- training per 1M tokens, validation where billed, packing ------------------------------------------------


def test_azure_sft_worked_example_ignores_the_validation_file():
    # 1M training tokens, 2 epochs (the default), a 40K-token validation file, global training at the example's
    # $2 per 1M: $4. Azure bills training tokens × epochs only.
    billed = H.billable_training_tokens(1_000_000, 2, validation_tokens=40_000, n_evals=1, validation_billed=False)
    assert billed == 2_000_000
    assert H.training_per_mtok(billed, D("2")) == D("4")


def test_together_billable_token_formula_with_validation():
    # Together's doc example: context 8,192 × batch 8 × 1,000 steps × 1 epoch ≈ 65.5M training tokens; a 1M-token
    # validation file with n_evals = 10 adds 10M.
    billed = H.billable_training_tokens(
        8192 * 8 * 1000, 1, validation_tokens=1_000_000, n_evals=10, validation_billed=True
    )
    assert billed == 65_536_000 + 10_000_000
    assert H.training_per_mtok(billed, D("0.48")) == D("36.25728")


def test_together_packing_off_counts_every_example_at_max_seq_length():
    billed = H.billable_training_tokens(123_456, 3, packing=False, examples=1000, max_seq_length=2048)
    assert billed == 3 * 1000 * 2048
    with pytest.raises(ValueError):
        H.billable_training_tokens(10, 1, packing=False)


def test_validation_is_free_unless_billed():
    assert H.billable_training_tokens(100, 3, validation_tokens=50, n_evals=4) == 300
    assert H.billable_training_tokens(100, 3, validation_tokens=50, n_evals=4, validation_billed=True) == 500


# --- minimum job fee, storage --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "charge, minimum, expected",
    [
        (D("1.00"), D("4"), D("4")),  # Mistral's legacy $4 minimum lifts a $1 job
        (D("4.00"), D("4"), D("4.00")),  # at the boundary the charge stands
        (D("10.00"), D("4"), D("10.00")),
        (D("1.00"), None, D("1.00")),
    ],
)
def test_minimum_job_fee(charge, minimum, expected):
    assert H.with_minimum(charge, minimum) == expected


def test_storage_per_month():
    assert H.storage_per_month(D("1.95"), 3) == D("5.85")  # three Bedrock custom models
    assert H.storage_per_month(D("2"), 0) == 0


# --- training per training-hour with a cap (Azure RFT) -------------------------------------------------------


@pytest.mark.parametrize(
    "hours, expected",
    [
        (D("4"), D("400")),  # Azure's RFT example: 4 hours × $100
        (D("49.99"), D("4999")),  # just under the cap
        (D("50"), D("5000")),  # exactly the cap
        (D("60"), D("5000")),  # capped
    ],
)
def test_rft_hours_with_per_job_cap(hours, expected):
    assert H.training_per_hour(hours, D("100"), cap=D("5000")) == expected


def test_rft_hours_round_to_two_decimals():
    assert H.training_per_hour(D("1.255"), D("100"), round_hours_to=2) == D("126.00")
    assert H.training_per_hour(D("1.254"), D("100"), round_hours_to=2) == D("125.00")


# --- self-hosting: GPU-hours from measured throughput, serving replicas ---------------------------------------


def test_gpu_hours_from_per_gpu_throughput():
    # 2,621 tok/s per GPU (NeMo, Llama-2-70B LoRA) = 9,435,600 tokens per GPU-hour; 8 GPU-hours of work.
    assert H.training_gpu_hours(9_435_600 * 8, 2621) == 8
    assert H.training_per_gpu_hour(D(8), D("3.95")) == D("31.60")


def test_reference_worked_example_8b_lora():
    # 10M-token file × 3 epochs = 30M tokens at 4,000 tok/s on one $4 H100: 30e6 / 14.4e6 = 2.083… h ≈ $8.33.
    hours = H.training_gpu_hours(H.billable_training_tokens(10_000_000, 3), 4000)
    assert hours.quantize(D("0.001")) == D("2.083")
    assert H.training_per_gpu_hour(hours, D("4")).quantize(D("0.01")) == D("8.33")


@pytest.mark.parametrize(
    "rate, replicas, gpus, basis, expected",
    [
        (D("3.95"), 1, 1, "730-hour", D("2883.50")),
        (D("3.95"), 1, 1, "30-day", D("2844.00")),
        (D("8.00"), 2, 1, "730-hour", D("11680.00")),  # two Fireworks H100 replicas
        (D("5.49"), 1, 2, "30-day", D("7905.60")),  # one Together endpoint on 2 H100s
    ],
)
def test_serving_replica_per_month(rate, replicas, gpus, basis, expected):
    assert H.serving_per_month(rate, replicas, gpus, H.month_hours(basis)) == expected


def test_bad_arguments_are_programming_errors():
    with pytest.raises(TypeError):
        H.hosting_per_month(1.7)
    with pytest.raises(ValueError):
        H.billable_training_tokens(10, 0)
    with pytest.raises(ValueError):
        H.training_gpu_hours(10, 0)
