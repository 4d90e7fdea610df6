"""One-off costs of a fine-tune — training runs, people, data preparation — and the pilot plan."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from ftcost import pricing
from ftcost.dataset import default_epochs
from ftcost.engine.results import OneOff, OptionPlan, PilotPlan, TokenProfile
from ftcost.engine.roi import break_even_accuracy, break_even_month
from ftcost.errors import ScenarioError
from ftcost.i18n import N_, N_plural, Notice
from ftcost.scenario import Scenario

MINIMUM_EXAMPLES = 10  # OpenAI rejects a training file with fewer


@dataclass(frozen=True)
class TrainingInputs:
    """Billing tokens per training example for one base model, and where that figure came from.

    Measured ones are made at the edge (`ftcost.measure_training`) from a counted file: `billing_tokens`
    over `counted_examples`, on the file `name`. The engine only computes with them.
    """

    tokens_per_example: Decimal
    source: str
    billing_tokens: int | None = None
    counted_examples: int | None = None
    name: str | None = None

    @classmethod
    def measured(cls, billing_tokens: int, counted_examples: int, name: str) -> TrainingInputs:
        # Billing tokens come only from examples that could be counted (a line with no messages list has
        # none), so the mean is over those, not over every JSON object read.
        if not counted_examples:
            raise ScenarioError(f"The sample dataset {name} has no examples to measure training tokens on.")
        return cls(
            Decimal(billing_tokens) / counted_examples,
            Notice(
                N_plural("measured on {name} ({count} example)", "measured on {name} ({count} examples)"),
                name=name,
                count=str(counted_examples),
                n=counted_examples,
            ),
            billing_tokens,
            counted_examples,
            name,
        )


#: Measured training inputs by base snapshot (what `ftcost.measure_training` returns).
Training = Mapping[str, TrainingInputs]


def training_inputs(scenario: Scenario, base_model: str, training: Training | None = None) -> TrainingInputs:
    """The measured inputs for `base_model` if given, else the scenario's stated tokens per example."""
    if training and base_model in training:
        return training[base_model]
    stated = scenario.training.tokens_per_example
    if stated is not None:
        return TrainingInputs(Decimal(stated), Notice(N_("stated")))
    if not scenario.training.dataset:
        raise ScenarioError("The scenario has no sample dataset and no stated tokens_per_example.")
    raise ScenarioError(
        f"The sample dataset {scenario.training.dataset} has not been measured for {base_model}, and the "
        "scenario states no tokens_per_example."
    )


def epochs_for(scenario: Scenario, examples: int) -> tuple[int, bool]:
    """(epochs, estimated): the stated epochs, or the auto rule for `examples`."""
    if scenario.training.epochs == "auto":
        return default_epochs(examples), True
    return int(scenario.training.epochs), False


def _training_run(option_model: str, tokens_per_example: Decimal, examples: int, epochs: int, as_of: dt.date):
    per_epoch = int((tokens_per_example * examples).to_integral_value(ROUND_HALF_UP))
    usd, _rate = pricing.training_cost(option_model, per_epoch * epochs, as_of)
    return per_epoch, usd


def role_per_iteration(role) -> Decimal:
    """What one role's hours cost in one iteration."""
    return role.hourly_usd * role.hours_per_iteration


def labour_per_iteration(scenario: Scenario) -> Decimal:
    return sum((role_per_iteration(r) for r in scenario.labour.role), Decimal(0))


def data_prep_hours(scenario: Scenario, examples: int) -> Decimal:
    """Hours of preparing `examples` examples, once."""
    return Decimal(examples) * scenario.labour.data_prep_minutes_per_example / 60


def data_prep_usd(scenario: Scenario, examples: int) -> Decimal:
    labour = scenario.labour
    rate = next((r.hourly_usd for r in labour.role if r.role == labour.data_prep_role), Decimal(0))
    return data_prep_hours(scenario, examples) * rate


def one_off(
    scenario: Scenario, option_model: str, inputs: TrainingInputs, as_of: dt.date, pilot_usd: Decimal
) -> OneOff:
    """Training × iterations + labour × iterations + data preparation + the pilot."""
    t = scenario.training
    epochs, estimated = epochs_for(scenario, t.planned_examples)
    per_epoch, run_usd = _training_run(option_model, inputs.tokens_per_example, t.planned_examples, epochs, as_of)
    return priced_one_off(scenario, per_epoch, (epochs, estimated), run_usd, pilot_usd, inputs.source)


def priced_one_off(
    scenario: Scenario,
    per_epoch: int,
    epochs: tuple[int, bool],
    run_usd: Decimal,
    pilot_usd: Decimal,
    tokens_source: str,
    epochs_default: str | None = None,
) -> OneOff:
    """The one-off costs of a fine-tune whose training run is priced (`run_usd` for `per_epoch` tokens × epochs):
    the run × iterations, labour × iterations, data preparation for the planned examples, and the pilot.

    `epochs` is (epochs, estimated); `epochs_default` names the provider whose documented default they are (else an
    estimate is OpenAI's auto rule). OpenAI's one-off (`one_off`) and a provider's (`providers_plan`) differ only
    in how the run is priced.
    """
    t = scenario.training
    count, estimated = epochs
    return OneOff(
        training_tokens_per_epoch=per_epoch,
        epochs=count,
        epochs_estimated=estimated,
        charged_tokens_per_run=per_epoch * count,
        training_usd_per_run=run_usd,
        iterations=t.iterations,
        training_usd=run_usd * t.iterations,
        labour_usd=labour_per_iteration(scenario) * t.iterations,
        data_prep_usd=data_prep_usd(scenario, t.planned_examples),
        pilot_usd=pilot_usd,
        tokens_source=tokens_source,
        epochs_default=epochs_default,
    )


def request_cost(model: str, profile: TokenProfile, requests: int, scenario: Scenario, as_of: dt.date) -> Decimal:
    """Inference cost of `requests` requests of one option (used for the pilot's evaluation run)."""
    q = pricing.quote(
        model,
        input_tokens=profile.prompt_tokens * requests,
        output_tokens=profile.output_tokens * requests,
        as_of=as_of,
        tier=scenario.workload.tier,
    )
    return q.input_usd + q.cached_input_usd + q.output_usd


@dataclass(frozen=True)
class PilotCost:
    examples: int
    epochs: int
    training_tokens: int
    training_usd: Decimal
    eval_usd: Decimal
    labour_usd: Decimal

    @property
    def total_usd(self) -> Decimal:
        return self.training_usd + self.eval_usd + self.labour_usd


def pilot_cost(
    scenario: Scenario, option_model: str, inputs: TrainingInputs, profiles: dict[str, TokenProfile], as_of: dt.date
) -> PilotCost:
    """A small first fine-tune (default 50 examples, never below 10), evaluated on every option."""
    p = scenario.pilot
    examples = max(MINIMUM_EXAMPLES, p.examples)
    epochs, _ = epochs_for(scenario, examples)
    per_epoch, usd = _training_run(option_model, inputs.tokens_per_example, examples, epochs, as_of)
    eval_usd = sum(
        (request_cost(model, prof, p.eval_examples, scenario, as_of) for model, prof in profiles.items()), Decimal(0)
    )
    labour = labour_per_iteration(scenario) + data_prep_usd(scenario, examples)
    return PilotCost(examples, epochs, per_epoch * epochs, usd, eval_usd, labour)


def comparison(scenario: Scenario, bases: list[OptionPlan]) -> OptionPlan:
    """The base option fine-tunes are measured against: the scenario's `compare_with` when it is planned,
    else the first base option planned (the one the answer and every delta on the Plan page use)."""
    return next((b for b in bases if b.name == scenario.compare_with), bases[0])


def pilot_plan(scenario: Scenario, ft: OptionPlan, bases: list[OptionPlan], cost: PilotCost) -> PilotPlan:
    """The pilot with its go/no-go gate: the accuracy to reach and the break-even month to beat, measured
    against the comparison the answer uses (`comparison`), so the gate and the headline never disagree."""
    against = comparison(scenario, bases)
    return PilotPlan(
        option=ft.name,
        examples=cost.examples,
        epochs=cost.epochs,
        training_tokens=cost.training_tokens,
        training_usd=cost.training_usd,
        eval_examples=scenario.pilot.eval_examples,
        eval_usd=cost.eval_usd,
        labour_usd=cost.labour_usd,
        target_accuracy_pct=scenario.pilot.target_accuracy_pct,
        break_even_accuracy_pct=break_even_accuracy(ft, against, scenario.quality.cost_per_wrong_answer_usd),
        break_even_month_to_beat=break_even_month(ft, against),
        against=against.name,
        project_one_off_usd=ft.one_off_usd,
        assumed_accuracy_pct=ft.accuracy_pct,
    )


def ceil_pct(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.1"), rounding=ROUND_CEILING)
