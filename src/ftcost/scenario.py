"""Scenarios: what a team plans, as a versioned, strict TOML file (see scenarios/*.toml).

A scenario is self-contained data: prompt texts are inline, a sample dataset is referenced by a path
relative to the scenario file (or summarised as stated token counts so that a share link carries
everything). Only data is parsed — TOML, never code or pickle — and every number has a range, so a
typo such as 10^15 requests is answered with the key and the accepted range.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import types
import typing
from decimal import Decimal
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Annotated, Any, ClassVar, Literal

import tomli_w
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from ftcost.data import data_dir, parse_toml, validate
from ftcost.dataset.reading import read_guarded
from ftcost.errors import DatasetFileError, ScenarioError
from ftcost.i18n import gettext

SCHEMA_VERSION = 1
#: The latest price date a plan may start on: a plan runs up to 120 months and a 104-week project past
#: it, and Python's dates end in 9999; no dated price table reaches anywhere near this.
LATEST_AS_OF = dt.date(2999, 12, 31)
#: A scenario file larger than this is refused before parsing (a real one is a few KB).
MAX_SCENARIO_BYTES = 256 * 1024

Pct = Annotated[Decimal, Field(ge=0, le=100)]
Money = Annotated[Decimal, Field(ge=0, le=Decimal("1e9"))]


#: No month of a plan may serve more requests than this (growth compounds: 100 % a month for 120 months
#: would be 10^35 requests, which no product serves and which overflows the engine's exact decimals).
MAX_REQUESTS_IN_A_MONTH = 10**12
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


#: No number in a scenario comes near 10^1000 (every whole-number field is capped at 10^12 or less, and the fields'
#: own bounds refuse what is merely too big, saying the bound). A larger one is refused before anything turns it into
#: an integer: `int(Decimal("1e999999999"))` would build a billion-digit
#: integer and hold a server thread for minutes, and a share link can carry it in a dozen bytes.
MAX_MAGNITUDE_DIGITS = 1000


def _too_large(value: Any) -> bool:
    """Whether `value` (a number or a number's text) is 10^1000 or larger in magnitude; cheap for any size."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return value.bit_length() > 3300
    try:
        d = (
            value
            if isinstance(value, Decimal)
            else Decimal(str(value).strip())
            if isinstance(value, str | float)
            else None
        )
    except ArithmeticError:  # not a number's text: the field's own check says so
        return False
    return d is not None and d.is_finite() and d.adjusted() >= MAX_MAGNITUDE_DIGITS


def _refuse_too_large(value: Any, name: str | None = None) -> None:
    if _too_large(value):
        shown = str(value)[:40] + ("…" if len(str(value)) > 40 else "")
        raise PydanticCustomError(
            "number_size",
            ("{name}: " if name else "") + "{shown} is far too large for a scenario (its numbers stay below 10^1000)",
            {"name": name, "shown": shown},
        )


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    @field_validator("*", mode="before")
    @classmethod
    def _plain_numbers(cls, value, info: ValidationInfo):
        """A number key refuses true/false (pydantic would read `true` as 1) and a number written with a unit
        or a word ("30k", "3%", "24h"), saying what to write instead of pydantic's "a valid integer"."""
        assert info.field_name is not None  # a field validator always runs for a named field
        kind, choices = _number_kind(cls.model_fields[info.field_name].annotation)
        if kind is None or value in choices:
            return value
        _refuse_too_large(value)  # (the error names the key)
        if isinstance(value, bool) or (isinstance(value, str) and not _PLAIN_NUMBER.fullmatch(value.strip())):
            shown = str(value).lower() if isinstance(value, bool) else repr(value)
            raise PydanticCustomError(
                "number_form", "should be {kind} without units or words, not {shown}", {"kind": kind, "shown": shown}
            )
        return value


def _number_kind(annotation) -> tuple[str | None, tuple]:
    """("a whole number" | "a number" | None, the literal words also accepted) for a field's annotation."""
    union = typing.get_origin(annotation) in (typing.Union, types.UnionType)
    args = typing.get_args(annotation) if union else (annotation,)
    choices = tuple(v for a in args if typing.get_origin(a) is Literal for v in typing.get_args(a))
    kind = "a whole number" if int in args else "a number" if Decimal in args else None
    if kind and choices:
        kind = " or ".join(repr(c) for c in choices) + f" or {kind}"
    return kind, choices


# --- ranges: an assumption given as low / likely / high ------------------------------------------------------
#
# Any numeric assumption a plan hangs on may be written as a range instead of a point:
#     accuracy_pct = { low = 88, likely = 92, high = 96 }                  # triangular (the default)
#     cost_per_wrong_answer_usd = { low = 0.5, likely = 2, high = 4, dist = "pert" }
#     monthly_growth_pct = { low = 0, high = 6, dist = "uniform" }        # likely: the midpoint
# The field keeps the likely value (every point figure — the plan, the app, the report — uses it); the range's
# ends and distribution live beside it in the model's `ranges`, and dump_scenario writes them back inline.


class Range(BaseModel):
    """The ends of one assumption's range and how values between them are drawn (the likely value is the field)."""

    model_config = ConfigDict(extra="forbid")
    low: Decimal
    high: Decimal
    dist: Literal["triangular", "uniform", "pert"] = "triangular"

    @field_validator("low", "high", mode="before")
    @classmethod
    def _not_huge(cls, value, info: ValidationInfo):
        _refuse_too_large(value)
        return value


RANGE_KEYS = ("low", "likely", "high", "dist")


class Rangeable(Strict):
    """A section whose numeric assumptions (`RANGEABLE`) may each be a range."""

    RANGEABLE: ClassVar[tuple[str, ...]] = ()
    ranges: dict[str, Range] | None = Field(
        None, description="Ranges of this section's assumptions (written inline as { low, likely, high } in a file)."
    )

    @model_validator(mode="before")
    @classmethod
    def _inline_ranges(cls, data: Any) -> Any:
        """`name = { low, likely, high, dist }` becomes the likely value in `name` and the ends in `ranges`."""
        if not isinstance(data, dict) or not any(isinstance(data.get(n), dict) for n in cls.RANGEABLE):
            return data
        data = dict(data)
        ranges = dict(data.get("ranges") or {})
        for name in cls.RANGEABLE:
            value = data.get(name)
            if not isinstance(value, dict):
                continue
            unknown = sorted(set(value) - set(RANGE_KEYS))
            if unknown:
                raise PydanticCustomError(
                    "range_form",
                    "{name}: a range has the keys low, likely, high and dist, not {unknown}",
                    {"name": name, "unknown": ", ".join(unknown)},
                )
            if "low" not in value or "high" not in value:
                raise PydanticCustomError(
                    "range_form",
                    "{name}: a range needs low and high (e.g. {{ low = 88, likely = 92, high = 96 }})",
                    {"name": name},
                )
            for end in ("low", "likely", "high"):  # before the midpoint below makes an integer of them
                _refuse_too_large(value.get(end), f"{name}'s {end}")
            likely = value.get("likely")
            if likely is None:
                if value.get("dist", "triangular") != "uniform":
                    raise PydanticCustomError(
                        "range_form",
                        "{name}: give the likely value (only a uniform range may leave it out)",
                        {"name": name},
                    )
                try:
                    likely = (Decimal(str(value["low"])) + Decimal(str(value["high"]))) / 2
                except Exception:  # noqa: BLE001 - the ends' own check below names the problem
                    likely = value["low"]
                if int in _args(cls.model_fields[name].annotation) and isinstance(likely, Decimal):
                    likely = int(likely.to_integral_value())
            try:
                ordered = Decimal(str(value["low"])) <= Decimal(str(likely)) <= Decimal(str(value["high"]))
            except Exception:  # noqa: BLE001 - not numbers: the fields' own checks name the problem
                ordered = True
            if not ordered:
                raise PydanticCustomError(
                    "range_order",
                    "{name}: the range should read low ≤ likely ≤ high, not {low} / {likely} / {high}",
                    {"name": name, "low": str(value["low"]), "likely": str(likely), "high": str(value["high"])},
                )
            data[name] = likely
            ranges[name] = {k: v for k, v in value.items() if k != "likely"}
        data["ranges"] = ranges
        return data

    @model_validator(mode="after")
    def _ranges_fit(self):
        for name, r in (self.ranges or {}).items():
            if name not in self.RANGEABLE:
                allowed = ", ".join(self.RANGEABLE) or "none"
                raise PydanticCustomError(
                    "range_key", "{name} cannot be a range here (ranges: {allowed})", {"name": name, "allowed": allowed}
                )
            likely = getattr(self, name)
            if likely is None:
                raise PydanticCustomError("range_key", "{name}: a range needs its likely value", {"name": name})
            field = type(self).model_fields[name]
            check = TypeAdapter(Annotated[tuple([field.annotation, *field.metadata])])
            for end in ("low", "high"):
                value = getattr(r, end)
                whole = int in _args(field.annotation)
                if whole and value != value.to_integral_value():
                    raise PydanticCustomError(
                        "range_end",
                        "{name}: the range's {end} ({value}) should be a whole number",
                        {"name": name, "end": end, "value": str(value)},
                    )
                try:
                    check.validate_python(int(value) if whole else value)
                except ValidationError as exc:  # pydantic's sentence for the field's bounds
                    reason = exc.errors()[0]["msg"]
                    raise PydanticCustomError(
                        "range_end",
                        "{name}: the range's {end} ({value}): {reason}",
                        {"name": name, "end": end, "value": str(value), "reason": reason},
                    ) from None
            if not r.low <= Decimal(likely) <= r.high:
                # A point set outside its range (an edit of the likely value in the app, or a `ranges` table that
                # disagrees with its field): the point is what the plan uses, so the range stretches to include it.
                # A range written inline says all three at once and is refused above instead.
                assert self.ranges is not None
                self.ranges[name] = Range(
                    low=min(r.low, Decimal(likely)), high=max(r.high, Decimal(likely)), dist=r.dist
                )
        return self

    def range_of(self, name: str) -> Range | None:
        return (self.ranges or {}).get(name)


def _args(annotation) -> tuple:
    union = typing.get_origin(annotation) in (typing.Union, types.UnionType)
    return typing.get_args(annotation) if union else (annotation,)


class Simulation(Strict):
    """The Monte Carlo over the ranges: its seed (the same seed gives the same draws) and how many draws."""

    seed: int = Field(2026, ge=0, le=2**32 - 1, description="Seed of the draws: the same seed gives the same answer.")
    draws: int = Field(10_000, ge=100, le=200_000, description="Draws of the ranged assumptions.")


class Workload(Rangeable):
    """How the product uses the model each month, and the prompts each option needs."""

    RANGEABLE = ("requests_per_month", "monthly_growth_pct", "output_tokens_per_request")

    requests_per_month: int = Field(ge=1, le=10**10, description="Requests in the first month.")
    monthly_growth_pct: Decimal = Field(
        Decimal(0), ge=-50, le=100, description="Growth of requests per month, compounding (%)."
    )
    tier: Literal["standard", "batch"] = Field("standard", description="Standard or Batch API prices.")
    cached_share_pct: Pct = Field(
        Decimal(0), description="Share of prompt tokens served from OpenAI's prompt cache (%)."
    )
    long_prompt: str = Field(
        "", max_length=200_000, description="System prompt the base models need: instructions + few-shot examples."
    )
    short_prompt: str = Field(
        "", max_length=200_000, description="System prompt the fine-tuned model needs once the behaviour is trained in."
    )
    user_message: str = Field("", max_length=200_000, description="A typical user message (sample).")
    sample_answer: str = Field("", max_length=200_000, description="A typical answer (sample) for output length.")
    long_prompt_tokens: int | None = Field(
        None, ge=0, le=2_000_000, description="Stated prompt tokens per request for base options (overrides measuring)."
    )
    short_prompt_tokens: int | None = Field(
        None, ge=0, le=2_000_000, description="Stated prompt tokens per request for fine-tuned options."
    )
    output_tokens_per_request: int | None = Field(
        None, ge=0, le=1_000_000, description="Stated output tokens per request (overrides the sample answer)."
    )

    @model_validator(mode="after")
    def _measurable(self) -> Workload:
        if self.long_prompt_tokens is None and not (self.long_prompt or self.user_message):
            raise ValueError("give long_prompt (and user_message) text to measure, or state long_prompt_tokens")
        if self.output_tokens_per_request is None and not self.sample_answer:
            raise ValueError("give a sample_answer to measure, or state output_tokens_per_request")
        return self


class Retrieval(Strict):
    """Retrieved context ("embeddings"): the option sends the passages nearest each question with the request.

    OpenAI's fine-tuning guide and the article “What is fine-tuning? How to fine-tune GPT-3.5 Model?” weigh it against fine-tuning — retrieval for knowledge that changes,
    fine-tuning for behaviour — and "the two are not in conflict": an option may be a base model or a fine-tune
    with retrieval. Its costs: embedding the corpus once and its updates each month, embedding each question,
    the retrieved tokens added to every prompt, a vector store, and the people who build and keep it.
    """

    documents: int = Field(ge=1, le=100_000_000, description="Documents in the corpus.")
    tokens_per_document: int = Field(ge=1, le=10_000_000, description="Mean tokens of one document (as embedded).")
    updated_pct_per_month: Decimal = Field(
        Decimal(0), ge=0, le=100, description="Share of the corpus changed and re-embedded each month (%)."
    )
    embedding_model: str = Field(
        "text-embedding-3-small",
        min_length=1,
        max_length=200,
        description="OpenAI embedding model (prices in pricing/prices/embeddings.toml).",
    )
    retrieved_tokens_per_request: int = Field(ge=0, le=2_000_000, description="Retrieved tokens added to each prompt.")
    query_tokens_per_request: int | None = Field(
        None, ge=0, le=2_000_000, description="Tokens embedded per question (default: the user message, measured)."
    )
    vector_store_usd_per_month: Money = Field(Decimal(0), description="The vector store's monthly bill, as stated.")
    hourly_usd: Money = Field(Decimal(0), description="Loaded hourly cost of who builds and maintains it.")
    build_hours: Decimal = Field(Decimal(0), ge=0, le=100_000, description="Hours to build the retrieval pipeline.")
    maintain_hours_per_month: Decimal = Field(Decimal(0), ge=0, le=10_000, description="Hours a month to keep it up.")


class Option(Rangeable):
    """One way of serving the product: a model with the prompt it needs."""

    RANGEABLE = ("accuracy_pct",)

    name: str = Field(min_length=1, max_length=80)
    model: str = Field(
        min_length=1, max_length=200, description="Model name: snapshot, alias or ft:BASE[:org:suffix:id]."
    )
    prompt: Literal["long", "short"] = Field(description="Which prompt this option sends.")
    accuracy_pct: Pct = Field(description="Share of answers that are right (%), measured or expected.")
    successor: str | None = Field(
        None,
        min_length=1,
        max_length=80,
        description="The option that takes over this option's months when its model stops serving inside the "
        "horizon (default: the current option, or the first other option still serving).",
    )
    provider: str | None = Field(
        None,
        pattern=r"^[a-z][a-z0-9-]*$",
        max_length=40,
        description="Who trains and serves it: openai (when absent), azure, vertex, bedrock, together, fireworks, self-hosted.",
    )
    deployment: Literal["serverless", "dedicated", "standard", "global_standard", "developer", "provisioned"] | None = (
        Field(
            None,
            description="How the provider serves it (default: the model's first deployment in pricing/providers/).",
        )
    )
    deployments: int | None = Field(None, ge=1, le=100, description="Always-on deployments, or dedicated replicas.")
    hours_per_month: Decimal | None = Field(
        None,
        ge=0,
        le=744,
        description="Hours a month a deployment or dedicated replica runs (default 730 = 8,760 / 12).",
    )
    gpus_per_replica: int | None = Field(
        None, ge=1, le=64, description="GPUs per dedicated replica (self-hosted, Together, Fireworks)."
    )
    method: Literal["sft", "dpo"] | None = Field(None, description="Training method at the provider (default sft).")
    adapter: Literal["lora", "full"] | None = Field(None, description="LoRA or full fine-tuning (default lora).")
    existing_customer: bool | None = Field(
        None,
        description="Azure: the subscription has deployed this model version, so training stays open longer.",
    )
    retrieval: Retrieval | None = Field(
        None, description="Retrieved context sent with each request ([option.retrieval])."
    )

    @property
    def fine_tuned(self) -> bool:
        return self.model.startswith("ft:")

    @property
    def provider_id(self) -> str:
        """The provider, "openai" when the option does not name one (files written before providers existed)."""
        return self.provider or "openai"


class Organization(Strict):
    """Who is asking: OpenAI's fine-tuning wind-down closes new jobs to some organizations earlier than to others."""

    fine_tuning_history: Literal["never", "inactive", "active"] | None = Field(
        None,
        description="never: the organization has never fine-tuned (no new jobs from 2026-05-07); inactive: no "
        "fine-tuned-model inference in the past 60 days (none from 2026-07-02); active: fine-tuned inference in the "
        "past 60 days (jobs until fine-tuning closes for everyone). Absent: unknown, and the plan says so.",
    )


class Training(Rangeable):
    """The fine-tune: dataset size, epochs, iterations."""

    RANGEABLE = ("planned_examples", "iterations")

    dataset: str | None = Field(
        None, max_length=500, description="Sample training JSONL, relative to the scenario file."
    )
    planned_examples: int = Field(
        ge=10, le=10_000_000, description="Examples in the full training set (OpenAI's minimum is 10)."
    )
    epochs: int | Literal["auto"] = Field(
        "auto", description="Epochs per training run, or 'auto' (OpenAI's default rule)."
    )
    iterations: int = Field(3, ge=1, le=50, description="Fine-tuning rounds until the result is good enough.")
    tokens_per_example: int | None = Field(
        None,
        ge=1,
        le=2_000_000,
        description="Stated billing tokens per example (overrides measuring the sample dataset).",
    )

    @field_validator("dataset")
    @classmethod
    def _relative_name(cls, v):
        # The name is read relative to the scenario's own folder, so it may not leave it: a scenario file or a
        # share link is someone else's text, and must not make the server read /etc/passwd or ../other/x.jsonl.
        # The value is not echoed (it may be a server path the sender is probing for).
        if v is not None:
            problem = dataset_name_problem(v)
            if problem:
                raise PydanticCustomError("dataset_path", problem)
        return v

    @field_validator("epochs")
    @classmethod
    def _epochs_range(cls, v):
        if isinstance(v, int) and not 1 <= v <= 50:
            raise ValueError("epochs must be 'auto' or a whole number from 1 to 50")
        return v

    @model_validator(mode="after")
    def _measurable(self) -> Training:
        if self.dataset is None and self.tokens_per_example is None:
            raise ValueError("give a sample dataset path or state tokens_per_example")
        return self


class TeamRate(Strict):
    """The team's negotiated rate for one provider: it replaces the published row of the same kind (and fills a
    price no public source gives). Plans label it as the team's figure."""

    provider: str = Field(pattern=r"^[a-z][a-z0-9-]*$", max_length=40)
    kind: Literal[
        "training_mtok", "training_hour", "gpu_hour", "hosting_hour", "storage_month", "minimum_job_fee", "inference"
    ]
    price: Money | None = Field(None, description="USD in the kind's unit (all kinds but inference).")
    input: Money | None = Field(None, description="inference: USD per 1M input tokens.")
    output: Money | None = Field(None, description="inference: USD per 1M output tokens.")
    cap: Money | None = Field(None, description="training_hour: the most one job is billed.")
    note: str = Field("", max_length=500)

    @model_validator(mode="after")
    def _fits_kind(self) -> TeamRate:
        if self.provider == "openai":
            raise ValueError("[[rate]] is for providers other than openai (OpenAI's prices are in pricing/prices/)")
        if self.kind == "inference":
            if self.input is None or self.output is None or self.price is not None:
                raise ValueError("an inference [[rate]] gives input and output (USD per 1M tokens), not price")
        elif self.price is None or self.input is not None or self.output is not None:
            raise ValueError(f"a {self.kind} [[rate]] gives price (in its unit), not input / output")
        return self


class Role(Rangeable):
    RANGEABLE = ("hourly_usd", "hours_per_iteration")
    role: str = Field(min_length=1, max_length=80)
    hourly_usd: Money = Field(description="Loaded hourly cost of the person (USD).")
    hours_per_iteration: Decimal = Field(ge=0, le=2000, description="Hours this role spends per fine-tuning iteration.")


class Labour(Rangeable):
    """The people cost of iterating on a fine-tune (the roles and weeks of “What is fine-tuning? How to fine-tune GPT-3.5 Model?”)."""

    RANGEABLE = ("weeks", "data_prep_minutes_per_example")

    weeks: int = Field(8, ge=1, le=104, description="Project start to production (a month at best, often a quarter).")
    data_prep_minutes_per_example: Decimal = Field(
        Decimal(3), ge=0, le=600, description="Minutes a reviewer spends writing or checking one training example."
    )
    data_prep_role: str = Field("Senior domain reviewer", description="The role (from the table) that prepares data.")
    role: list[Role] = Field(default_factory=list, max_length=30)

    @model_validator(mode="after")
    def _prep_role_exists(self) -> Labour:
        names = [r.role for r in self.role]
        if len(set(names)) != len(names):
            raise ValueError("each role may appear once")
        if self.data_prep_minutes_per_example > 0 and self.role and self.data_prep_role not in names:
            raise ValueError(f"data_prep_role {self.data_prep_role!r} is not in the role table ({', '.join(names)})")
        return self


class Quality(Rangeable):
    RANGEABLE = ("cost_per_wrong_answer_usd",)

    cost_per_wrong_answer_usd: Money = Field(
        Decimal(0), description="What a wrong answer costs the business (escalation, refund, rework)."
    )


class EvalItem(Strict):
    input: str = Field(max_length=100_000)
    expected: str = Field(max_length=100_000)


class Pilot(Strict):
    """The small pilot OpenAI advises running first."""

    examples: int = Field(
        50, ge=10, le=100_000, description="OpenAI recommends starting with 50 examples (minimum 10)."
    )
    eval_examples: int = Field(100, ge=1, le=100_000, description="Held-out examples each option is evaluated on.")
    target_accuracy_pct: Pct = Field(Decimal(90), description="Accuracy the fine-tuned model must reach to go ahead.")
    scoring: Literal["exact", "json_fields"] = Field(
        "exact", description="How answers are scored against expected ones."
    )
    json_fields: list[str] = Field(default_factory=list, max_length=50)
    eval_set: list[EvalItem] = Field(default_factory=list, max_length=10_000)


#: The languages a scenario may ask to be shown in (ftcost.i18n.LANGUAGES; kept here as data, no import).
LANGUAGE_TAGS = ("en", "zh-Hant", "zh-Hans")


class LocalName(Strict):
    """The scenario's name and description in another language (the gallery's are in all three)."""

    name: str = Field(min_length=1, max_length=120)
    description: str = Field("", max_length=5000)


class DisplaySettings(Strict):
    """How the scenario is shown: language and currency (the engine always computes in USD)."""

    language: Literal["en", "zh-Hant", "zh-Hans"] | None = Field(None, description="en, zh-Hant or zh-Hans.")
    currency: str | None = Field(
        None,
        pattern=r"^[A-Z]{3}$",
        description="ISO 4217 code amounts are shown in (USD, TWD, CNY, EUR, JPY, or any with a rate).",
    )
    rate: Decimal | None = Field(
        None,
        gt=0,
        le=Decimal("1e7"),
        description="Units of the currency per US dollar. Stated here it wins over pricing/fx.toml, and the report names it.",
    )
    rate_date: dt.date | None = Field(None, description="The day the stated rate is for.")
    rate_source: str = Field("", max_length=300, description="Who published the stated rate (named in the report).")
    names: dict[Literal["en", "zh-Hant", "zh-Hans"], LocalName] | None = Field(
        None,
        description="The name and description in other languages ([display.names.zh-Hant]).",
    )

    @model_validator(mode="after")
    def _rate_needs_currency(self) -> DisplaySettings:
        if self.rate is not None and self.currency in (None, "USD"):
            raise ValueError('a stated rate needs the currency it converts to (currency = "TWD", rate = 32.1)')
        if self.rate_date is not None and self.rate is None:
            raise ValueError("rate_date goes with a stated rate (rate = units per US dollar)")
        return self


class Scenario(Strict):
    """A what-if plan: the workload, the options compared, the fine-tune, its people, its pilot."""

    schema_version: Literal[1] = Field(description="Scenario file format version.")
    name: str = Field(min_length=1, max_length=120)
    description: str = Field("", max_length=5000)
    as_of: dt.date | None = Field(None, description="Price date; absent means today.")
    horizon_months: int = Field(12, ge=1, le=120, description="Months the plan looks ahead.")
    workload: Workload
    option: list[Option] = Field(min_length=2, max_length=12)
    current_option: str | None = Field(
        None,
        description="The base option the product runs on until a fine-tune goes live (default: the first base option).",
    )
    compare_with: str | None = Field(
        None,
        max_length=120,
        description="The base option each fine-tune is measured against in the answer and the pilot's gate "
        "(default: the first base option planned). Kept in the file and the share link so every reader reads the "
        "same answer.",
    )
    training: Training
    organization: Organization = Field(default_factory=Organization)  # type: ignore[arg-type]  # mypy cannot infer Field's type from a model class as the factory
    labour: Labour = Field(default_factory=Labour)  # type: ignore[arg-type]  # mypy cannot infer Field's type from a model class as the factory
    quality: Quality = Field(default_factory=Quality)  # type: ignore[arg-type]  # mypy cannot infer Field's type from a model class as the factory
    pilot: Pilot = Field(default_factory=Pilot)  # type: ignore[arg-type]  # mypy cannot infer Field's type from a model class as the factory
    rate: list[TeamRate] | None = Field(None, max_length=50, description="The team's negotiated rates ([[rate]]).")
    display: DisplaySettings | None = Field(None, description="Language and currency it is shown in ([display]).")
    simulation: Simulation | None = Field(None, description="Seed and draws of the Monte Carlo over the ranges.")

    @field_validator("as_of", mode="before")
    @classmethod
    def _iso_date(cls, value):
        # TOML has dates (as_of = 2024-06-01); a quoted ISO date is accepted too. Anything else — a number,
        # which pydantic would read as seconds since 1970, a date with a time, 01/06/2024 — is refused.
        if value is None or (isinstance(value, dt.date) and not isinstance(value, dt.datetime)):
            return value
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                pass
        raise PydanticCustomError(
            "date_form",
            "should be a date written YYYY-MM-DD (e.g. as_of = 2024-06-01), not {shown}",
            {"shown": repr(value) if isinstance(value, str) else str(value)},
        )

    @field_validator("as_of", mode="after")
    @classmethod
    def _bounded(cls, value):
        return value if value is None else _bounded_date(value)

    @model_validator(mode="after")
    def _volume(self) -> Scenario:
        w = self.workload
        requests, growth = Decimal(w.requests_per_month), w.monthly_growth_pct
        if (r := w.range_of("requests_per_month")) is not None:
            requests = r.high  # the range's top must stay possible too
        if (r := w.range_of("monthly_growth_pct")) is not None:
            growth = r.high
        last = requests * (1 + growth / 100) ** (self.horizon_months - 1)
        if last > MAX_REQUESTS_IN_A_MONTH:
            raise PydanticCustomError(
                "volume",
                "workload.monthly_growth_pct = {growth} compounds to about {last} requests in month {months} "
                "(horizon_months); keep every month at or under 10^12 requests by lowering the growth, the "
                "horizon or requests_per_month",
                {"growth": str(growth), "last": f"{last:.1E}", "months": self.horizon_months},
            )
        return self

    @model_validator(mode="after")
    def _options(self) -> Scenario:
        names = [o.name for o in self.option]
        if len(set(names)) != len(names):
            raise ValueError("option names must be unique")
        if not any(o.fine_tuned for o in self.option):
            raise ValueError("at least one option must be a fine-tuned model (model = 'ft:BASE')")
        if all(o.fine_tuned for o in self.option):
            raise ValueError("at least one option must be a base model to compare the fine-tune against")
        bases = [o.name for o in self.option if not o.fine_tuned]
        if self.current_option is not None and self.current_option not in bases:
            raise ValueError(f"current_option {self.current_option!r} must name a base option ({', '.join(bases)})")
        if self.compare_with is not None and self.compare_with not in bases:
            raise ValueError(f"compare_with {self.compare_with!r} must name a base option ({', '.join(bases)})")
        successors = {o.name: o.successor for o in self.option if o.successor is not None}
        for name, successor in successors.items():
            if successor == name:
                raise ValueError(f"option {name!r} names itself as its successor; name another option")
            if successor not in names:
                raise ValueError(
                    f"option {name!r} has successor {successor!r}, which is not an option ({', '.join(names)})"
                )
        for start in successors:
            seen, name = [start], successors[start]
            while name in successors:
                if name in seen:
                    chain = " -> ".join(seen[seen.index(name) :] + [name])
                    raise ValueError(f"successors go round in a circle ({chain}); one option in it must have none")
                seen.append(name)
                name = successors[name]
        return self

    def title(self, lang: str | None = None) -> str:
        """The name in `lang`: the scenario's own ([display.names]), else the catalogue's (the gallery's names are
        translated there), else as written."""
        names = self.display.names if self.display and self.display.names else {}
        if lang in names:
            return names[lang].name

        return gettext(self.name, lang) if lang else self.name

    def summary(self, lang: str | None = None) -> str:
        """The description in `lang` when the scenario gives one, else as written."""
        names = self.display.names if self.display and self.display.names else {}
        if lang in names and names[lang].description:
            return names[lang].description

        return gettext(self.description, lang) if lang and self.description else self.description

    @property
    def current(self) -> Option:
        """The base option serving until a fine-tune goes live."""
        name = self.current_option or next(o.name for o in self.option if not o.fine_tuned)
        return next(o for o in self.option if o.name == name)


def price_date_problem(day: dt.date) -> str | None:
    """Why a plan cannot start on `day`, or None."""
    if day > LATEST_AS_OF:
        return f"a price date after {LATEST_AS_OF.isoformat()} is past every dated price table; choose an earlier one"
    return None


def _bounded_date(day: dt.date) -> dt.date:
    problem = price_date_problem(day)
    if problem:
        raise PydanticCustomError("date_range", problem)
    return day


# --- reading and writing -----------------------------------------------------------------------------


def parse_scenario(text: str, label: str = "scenario") -> Scenario:
    """A Scenario from TOML text; every problem is one ScenarioError naming the key."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_SCENARIO_BYTES:
        raise ScenarioError(
            f"{label}: larger than {MAX_SCENARIO_BYTES // 1024} KB; a scenario file is a few KB of TOML."
        )
    doc = parse_toml(text, label, ScenarioError)
    version = doc.get("schema_version")
    if version != SCHEMA_VERSION:
        raise ScenarioError(
            f"{label}: schema_version is {version!r}; this ftcost reads scenario files of schema_version = {SCHEMA_VERSION}."
        )
    return validate(Scenario, doc, label, ScenarioError)


def load_scenario(path: str | Path) -> Scenario:
    """Read a scenario file (size-checked, UTF-8 TOML) through the file guard `ftcost analyze` uses."""
    path = Path(path)
    data = read_guarded(path, MAX_SCENARIO_BYTES, "give a scenario .toml file", ScenarioError, "scenario file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ScenarioError(f"{path.name}: not UTF-8 text; a scenario is a TOML file.") from None
    return parse_scenario(text, path.name)


def dump_scenario(scenario: Scenario) -> str:
    """TOML text that `parse_scenario` reads back to an equal Scenario."""
    doc = _inline(scenario.model_dump(mode="python", exclude_none=True))
    # Long prompts read best as multi-line strings, but tomli_w writes those with "\n" line ends and drops
    # the "\r" of a Windows "\r\n": text that has one is written as escaped one-line strings instead.
    return tomli_w.dumps(doc, multiline_strings=not any("\r\n" in text for text in _strings(doc)))


def _inline(value):
    """Each section's `ranges` written back beside its fields, as { low, likely, high[, dist] }."""
    if isinstance(value, list):
        return [_inline(v) for v in value]
    if not isinstance(value, dict):
        return value
    out = {k: _inline(v) for k, v in value.items() if k != "ranges"}
    for name, r in (value.get("ranges") or {}).items():
        inline = {"low": r["low"], "likely": out[name], "high": r["high"]}
        if r.get("dist", "triangular") != "triangular":
            inline["dist"] = r["dist"]
        out[name] = inline
    return out


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for inner in value.values():
            yield from _strings(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _strings(inner)


def dataset_name_problem(name: str) -> str | None:
    """Why `name` cannot be a sample dataset's name (a path inside the scenario's folder), or None."""
    if "\x00" in name:
        return "should be a file name inside the scenario's folder, and contains a NUL byte"
    parts = PurePosixPath(name.replace("\\", "/")).parts
    if not parts or PurePosixPath(name).is_absolute() or PureWindowsPath(name).drive or name.startswith(("/", "\\")):
        return "should be a relative path inside the scenario's folder (e.g. airport/train.jsonl), not an absolute path"
    if ".." in parts:
        return "should be a path inside the scenario's folder (e.g. airport/train.jsonl), without '..'"
    return None


def dataset_path(scenario: Scenario, base: str | Path | None = None) -> Path | None:
    """The sample dataset's path inside `base` (the scenario file's folder), or None when it names none.

    Without `base` (a gallery scenario, a link, an uploaded scenario: nothing on this server is its folder)
    only the names of the samples ftcost ships resolve, so such a scenario never names a path at all.
    A name that leaves its folder (through a symlink, say) or that is not shipped raises DatasetFileError
    in one sentence that names no server path.
    """
    name = scenario.training.dataset
    if not name:
        return None
    if base is None:
        shipped = shipped_samples().get(name)
        if shipped is None:
            raise DatasetFileError(
                f"The sample dataset {name} is not one ftcost ships, and a scenario opened from a link or an "
                "uploaded file cannot read other files on this server."
            )
        return shipped
    problem = dataset_name_problem(name)
    if problem:
        raise DatasetFileError(f"The scenario's sample dataset {problem}.")
    root = Path(base).resolve()
    try:
        path = (root / name).resolve()
    except (OSError, RuntimeError, ValueError):  # a symlink loop, a name too long for the system
        raise DatasetFileError(
            "The scenario's sample dataset cannot be resolved inside the scenario's folder."
        ) from None
    if not path.is_relative_to(root):
        raise DatasetFileError(
            "The scenario's sample dataset leaves the scenario's folder (through a link); it must be a file inside it."
        )
    if not path.exists() and root != data_dir("scenarios").resolve():
        # A scenario downloaded from the app names a shipped sample (airport/train.jsonl) relative to ftcost's
        # own scenarios folder: saved anywhere else, the name still means that sample. A file of that name
        # beside the scenario wins; the checks above still refuse absolute paths, '..' and links out.
        shipped = shipped_samples().get(name)
        if shipped is not None:
            return shipped
    return path


@functools.cache
def _shipped_samples() -> tuple[tuple[str, Path], ...]:
    root = data_dir("scenarios")
    out: list[tuple[str, Path]] = []
    for path in sorted(root.glob("*.toml")):
        scenario = load_scenario(path)
        sample = dataset_path(scenario, root)
        if scenario.training.dataset and sample is not None:
            out.append((scenario.training.dataset, sample))
    return tuple(out)


def shipped_samples() -> dict[str, Path]:
    """The sample datasets of the shipped scenarios, by the name their scenarios give (airport/train.jsonl)."""
    return dict(_shipped_samples())


def gallery() -> dict[str, Path]:
    """The shipped scenarios, by file stem, in name order."""
    return {p.stem: p for p in sorted(data_dir("scenarios").glob("*.toml"))}


DEFAULT_SCENARIO = "airport"


def default_scenario() -> Scenario:
    """The embedded default the app opens on: the airport customer-service bot of “What is fine-tuning? How to fine-tune GPT-3.5 Model?”."""
    return load_scenario(gallery()[DEFAULT_SCENARIO])
