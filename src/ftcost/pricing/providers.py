"""Fine-tuning providers beyond OpenAI, as data: one TOML file per provider under `pricing/providers/`.

Each file holds the provider (status, the day it stopped, who may still train), its own sources, the models it
tunes (tokenizer family, lifecycle dates), dated rates of the cost kinds managed fine-tuning bills — per 1M training
tokens, per training hour with a per-job cap, per GPU-hour, per deployment-hour of hosting, per month of storage,
a minimum job fee, per-token inference — measured training throughput (self-hosting), and what was looked for and
not found. The schema is as strict as OpenAI's rows (`schema.py`): `extra="forbid"`, exact Decimals, https
sources, a checked date, effective dates, `verified = false` where only secondary sources exist. A price no source
gives is listed under `[[absent]]` with a note, never written as a number.

    load_providers(path=None) / set_providers(data)   validated, cached; injection for tests
    provider(id) -> Provider                           one provider (unknown id → one sentence listing the ids)
    Provider.rates_on(day, kind, ...) -> [RateRow]     rates in force on a day, filtered
    Provider.rate(day, kind, ...) -> RateRow           exactly one, else NotOfferedError naming what is absent

Nothing here reads the clock: every query takes its day.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, WithJsonSchema, model_validator
from pydantic_core import PydanticCustomError

from ftcost import tokenizers as _registry
from ftcost.data import data_dir, read_toml, validate
from ftcost.errors import NotOfferedError, PricingDataError, UnknownModelError
from ftcost.pricing.schema import Date, OptionalDate, OptionalPrice, SourceKey, SourceKeys, Strict, _https_url

Tokenizer = Literal[
    "o200k_base", "cl100k_base", "llama3", "qwen2", "mistral", "deepseek", "gemini-estimate", "nova-estimate"
]
RateKind = Literal[
    "training_mtok",
    "training_hour",
    "gpu_hour",
    "hosting_hour",
    "provisioned_hour",
    "storage_month",
    "minimum_job_fee",
    "inference",
]
Method = Literal["sft", "dpo", "rft", "distillation"]
Adapter = Literal["lora", "full"]
TrainingTier = Literal["standard", "regional", "data_zone", "global", "developer"]
Deployment = Literal["serverless", "dedicated", "standard", "global_standard", "developer", "provisioned"]

UNITS = {
    "training_mtok": "USD per 1M billable training tokens",
    "training_hour": "USD per hour of training",
    "gpu_hour": "USD per GPU-hour",
    "hosting_hour": "USD per deployment-hour",
    "provisioned_hour": "USD per model-unit-hour",
    "storage_month": "USD per model per month",
    "minimum_job_fee": "USD per job (minimum charge)",
    "inference": "USD per 1M tokens",
}
#: The families ftcost counts exactly (`ftcost.tokenizers.EXACT`); every other family is counted with o200k_base
#: and said to be an estimate (Gemini and Nova publish no tokenizer at all).
EXACT_TOKENIZERS = _registry.EXACT
ESTIMATE_NOTE = (
    "{family} tokens are estimated: counted with o200k_base x {factor} (no offline {family} tokenizer in this "
    "installation); the provider's usage figures are the real count."
)

_Url = Annotated[str, BeforeValidator(_https_url), WithJsonSchema({"type": "string", "pattern": "^https://\\S+$"})]
_Params = Annotated[Decimal, Field(gt=0), WithJsonSchema({"type": "number", "exclusiveMinimum": 0})]


class ProviderSource(Strict):
    title: str = Field(min_length=1)
    """What the source is (the page's title)."""
    publisher: str = Field(min_length=1)
    """Who published it: the vendor, or the third party that transcribed it."""
    url: _Url
    """Public address, https only."""
    published: OptionalDate = None
    """Day the source was published or captured, when it is dated."""
    primary: bool
    """True for the vendor's own words (its docs, pricing page or docs repository)."""
    note: str = ""


class Sourced(Strict):
    sources: SourceKeys
    """Keys of this file's [source] table."""
    checked: Date
    """Day it was last compared with its sources."""
    verified: bool
    """False when only secondary sources state it, or they conflict (the note says what)."""
    note: str = ""


class ProviderInfo(Sourced):
    id: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    """Short id used by scenarios and `--provider` (azure, vertex, bedrock, together, fireworks, self-hosted...)."""
    name: str = Field(min_length=1)
    status: Literal["active", "stopped"]
    """active: a new fine-tuning job can be started (perhaps only by some customers, see `access`); stopped: not."""
    stopped_on: OptionalDate = None
    """First day no new job could start, when the provider states it."""
    stopped_by: OptionalDate = None
    """When the day itself is not published: a day by which it had stopped (the checked copy's date)."""
    access: str = ""
    """Who may still train, in words (e.g. existing customers only)."""
    validation_tokens_billed: bool | None = None
    """True when validation passes are billed as training tokens; absent = the provider does not say."""
    billing_rule: str = ""
    """How billable training tokens are counted, in the provider's words."""
    default_epochs: int | None = Field(default=None, gt=0)

    @model_validator(mode="after")
    def _stopped_has_a_day(self):
        if self.status == "stopped" and self.stopped_on is None and self.stopped_by is None:
            raise PydanticCustomError(
                "stopped", "a stopped provider needs `stopped_on` (the day) or `stopped_by` (a day it had stopped by)"
            )
        if self.status == "active" and (self.stopped_on or self.stopped_by):
            raise PydanticCustomError("stopped", "an active provider has no stopped_on / stopped_by")
        return self


class ModelEntry(Sourced):
    id: str = Field(min_length=1)
    """The provider's model name."""
    params_b: _Params | None = None
    """Parameters in billions (what size brackets are matched against); absent when not published."""
    tokenizer: Tokenizer
    """Tokenizer family the provider bills with."""
    methods: list[Method] = Field(min_length=1)
    adapters: list[Adapter] = Field(default_factory=list)
    deployments: list[Deployment] = Field(min_length=1)
    """Where a tuned model can serve."""
    open_weights: bool = False
    """True when the tuned weights can be downloaded and served elsewhere."""
    tuning_from: OptionalDate = None
    training_until: OptionalDate = None
    """First day no new training job can start for everyone (exclusive)."""
    training_until_existing_customers: OptionalDate = None
    """First day existing customers can no longer train (Azure's later date for subscriptions that deployed it)."""
    serving_until: OptionalDate = None
    """First day tuned models stop serving."""
    retires_with_base: bool = False
    """True when the provider says a tuned model retires with its base model."""

    @model_validator(mode="after")
    def _existing_after_general(self):
        a, b = self.training_until, self.training_until_existing_customers
        if a and b and b < a:
            raise PydanticCustomError("dates", "training_until_existing_customers must not be before training_until")
        return self


class RateEntry(Sourced):
    kind: RateKind
    """training_mtok, training_hour, gpu_hour, hosting_hour, provisioned_hour, storage_month, minimum_job_fee, inference."""
    price: OptionalPrice = None
    """USD in the kind's unit (every kind but inference)."""
    input: OptionalPrice = None
    """inference: USD per 1M input tokens."""
    output: OptionalPrice = None
    """inference: USD per 1M output tokens."""
    cap: OptionalPrice = None
    """training_hour: the most one job is billed (USD)."""
    model: str | None = None
    """A model id of this file; absent = every model (or the size bracket below)."""
    params_above_b: _Params | None = None
    """Size bracket: models with more than this many billion parameters (exclusive)."""
    params_up_to_b: _Params | None = None
    """Size bracket: models with at most this many billion parameters (inclusive)."""
    method: Method | None = None
    adapter: Adapter | None = None
    tier: TrainingTier | None = None
    deployment: Deployment | None = None
    gpu: str | None = None
    """GPU type of gpu_hour rates (H100, A100-80GB...)."""
    vendor: str | None = None
    """Who rents the GPU, for self-hosting rows (Modal, Lambda...)."""
    effective_from: Date
    effective_until: OptionalDate = None
    """First day it no longer applies (exclusive)."""

    @model_validator(mode="after")
    def _fits_kind(self):
        if self.kind == "inference":
            if self.input is None or self.price is not None:
                raise PydanticCustomError("price", "an inference rate has `input` (and `output`), not `price`")
        elif self.price is None or self.input is not None or self.output is not None:
            raise PydanticCustomError("price", "this rate has one `price` in its kind's unit; no input / output")
        if self.cap is not None and self.kind != "training_hour":
            raise PydanticCustomError("cap", "only training_hour rates have a per-job `cap`")
        if self.model and (self.params_above_b or self.params_up_to_b):
            raise PydanticCustomError("bracket", "give either `model` or a size bracket, not both")
        lo, hi = self.params_above_b, self.params_up_to_b
        if lo is not None and hi is not None and hi <= lo:
            raise PydanticCustomError("bracket", "params_up_to_b must be above params_above_b")
        if self.effective_until is not None and self.effective_until <= self.effective_from:
            raise PydanticCustomError("period", "effective_until must be after effective_from")
        return self


class ThroughputEntry(Sourced):
    """A measured training throughput, for self-hosted GPU-hours = billable tokens × epochs / (tokens/s × 3600)."""

    id: str = Field(min_length=1)
    model_class: str = Field(min_length=1)
    """What was measured (e.g. Llama-2-70B); plans match it by `params_b`."""
    params_b: _Params
    method: Method
    adapter: Adapter
    gpu: str
    gpus: int = Field(gt=0)
    """GPUs in the measured run; the figure is per GPU."""
    tokens_per_second_per_gpu: int = Field(gt=0)
    setup: str = ""
    """Framework, precision, sequence length: why another stack may be slower."""


class AbsentEntry(Strict):
    """A price that was looked for and not found: ftcost shows it as not offered / unknown, never as 0."""

    what: str = Field(min_length=1)
    note: str = Field(min_length=1)
    looked_in: list[SourceKey] = Field(default_factory=list)
    checked: Date


class ProviderFile(Strict):
    schema_version: Literal[1]
    provider: ProviderInfo
    source: dict[SourceKey, ProviderSource] = Field(min_length=1)
    model: list[ModelEntry] = Field(default_factory=list)
    rate: list[RateEntry] = Field(default_factory=list)
    throughput: list[ThroughputEntry] = Field(default_factory=list)
    absent: list[AbsentEntry] = Field(default_factory=list)

    @model_validator(mode="after")
    def _references(self):
        keys = set(self.source)
        models = {m.id for m in self.model}
        for group in (self.model, self.rate, self.throughput, [self.provider]):
            for entry in group:
                unknown = [k for k in entry.sources if k not in keys]
                if unknown:
                    raise PydanticCustomError("source", "unknown source key {k}", {"k": ", ".join(unknown)})
        for r in self.rate:
            if r.model and r.model not in models:
                raise PydanticCustomError(
                    "model", "rate names model {m}, which this file does not list", {"m": r.model}
                )
        return self


# --- loaded form ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RateRow:
    """One dated rate as loaded, with its sources resolved to (key, url)."""

    provider: str
    entry: RateEntry
    sources: tuple[tuple[str, str], ...]

    def __getattr__(self, name):  # the entry's fields read through (kind, price, cap, gpu ...)
        return getattr(self.entry, name)

    @property
    def unit(self) -> str:
        return UNITS[self.entry.kind]

    def in_force(self, day: dt.date) -> bool:
        e = self.entry
        return e.effective_from <= day and (e.effective_until is None or day < e.effective_until)

    def covers(self, params_b: Decimal | None) -> bool:
        lo, hi = self.entry.params_above_b, self.entry.params_up_to_b
        if lo is None and hi is None:
            return True
        if params_b is None:
            return False
        return (lo is None or params_b > lo) and (hi is None or params_b <= hi)

    def bracket(self) -> str:
        lo, hi = self.entry.params_above_b, self.entry.params_up_to_b
        if lo is None and hi is None:
            return ""
        if lo is None:
            return f"≤{hi}B"
        return f">{lo}B" if hi is None else f">{lo}B–{hi}B"

    def describe(self) -> str:
        e = self.entry
        parts = [e.kind, e.model or self.bracket(), e.method, e.adapter, e.tier, e.deployment, e.gpu, e.vendor]
        return " ".join(p for p in parts if p)


@dataclass(frozen=True)
class Provider:
    info: ProviderInfo
    sources: dict[str, ProviderSource]
    models: tuple[ModelEntry, ...]
    rates: tuple[RateRow, ...]
    throughput: tuple[ThroughputEntry, ...]
    absent: tuple[AbsentEntry, ...]
    file: str

    @property
    def id(self) -> str:
        return self.info.id

    def accepts_jobs_on(self, day: dt.date) -> bool:
        if self.info.status == "active":
            return True
        # Only a published day says when jobs stopped; "stopped by" a day says nothing about the days before it.
        return self.info.stopped_on is not None and day < self.info.stopped_on

    def training_open(self, model_id: str, day: dt.date, existing_customer: bool = False) -> bool:
        """Whether a new job on `model_id` can start on `day` (Azure keeps training open longer for a subscription
        that has deployed the model version: `existing_customer`)."""
        if not self.accepts_jobs_on(day):
            return False
        m = self.model(model_id)
        end = m.training_until
        if existing_customer and m.training_until_existing_customers:
            end = m.training_until_existing_customers
        return (m.tuning_from is None or m.tuning_from <= day) and (end is None or day < end)

    def model(self, model_id: str) -> ModelEntry:
        for m in self.models:
            if m.id == model_id:
                return m
        names = ", ".join(m.id for m in self.models) or "none"
        raise UnknownModelError(f"{self.info.name} has no model {model_id!r}; its models: {names}.")

    def rates_on(
        self,
        day: dt.date,
        kind: str | None = None,
        *,
        model: str | None = None,
        method: str | None = None,
        adapter: str | None = None,
        tier: str | None = None,
        deployment: str | None = None,
        gpu: str | None = None,
        params_b: Decimal | None = None,
    ) -> list[RateRow]:
        """Rates in force on `day`; each filter keeps rows that match it or do not distinguish it.

        `model` matches rows for that model and the size bracket holding its `params_b`; `params_b` alone (a base
        the file does not list) matches size brackets only."""
        params = self.model(model).params_b if model else params_b
        out = []
        for r in self.rates:
            e = r.entry
            if not r.in_force(day) or (kind and e.kind != kind):
                continue
            if model and e.model and e.model != model:
                continue
            if model and not e.model and not r.covers(params):
                continue
            if not model and params_b is not None and (e.model or not r.covers(params)):
                continue
            if any(
                want and have and want != have
                for want, have in (
                    (method, e.method),
                    (adapter, e.adapter),
                    (tier, e.tier),
                    (deployment, e.deployment),
                    (gpu, e.gpu),
                )
            ):
                continue
            out.append(r)
        return out

    def rate(self, day: dt.date, kind: str, **filters) -> RateRow:
        """The one rate of `kind` that fits, the most specific if several do; else one sentence saying it is absent."""
        rows = self.rates_on(day, kind, **filters)
        if not rows:
            said = ", ".join(f"{k}={v}" for k, v in filters.items() if v)
            why = [a.note for a in self.absent if kind in a.what or (filters.get("model") or "~") in a.what]
            tail = f" ({why[0].rstrip('.')})" if why else ""
            raise NotOfferedError(
                f"{self.info.name} has no {kind} rate in force on {day}{' for ' + said if said else ''}{tail}."
            )
        return max(
            rows,
            key=lambda r: (
                r.entry.model is not None,
                r.entry.params_up_to_b is not None or r.entry.params_above_b is not None,
                r.entry.effective_from,
            ),
        )

    def throughput_for(self, params_b: Decimal, adapter: str = "lora") -> ThroughputEntry:
        """The measurement nearest in size (same adapter), the slower one on a tie: NeMo's FP8 figures are a
        ceiling few stacks reach, so a plan should not assume them when a plainer measurement exists."""
        rows = [t for t in self.throughput if t.adapter == adapter]
        if not rows:
            raise NotOfferedError(f"{self.info.name} lists no measured {adapter} throughput.")
        return min(rows, key=lambda t: (abs(t.params_b - params_b), t.tokens_per_second_per_gpu))


@dataclass(frozen=True)
class Providers:
    by_id: dict[str, Provider]

    def __iter__(self):
        return iter(self.by_id.values())

    def get(self, provider_id: str) -> Provider:
        if provider_id in self.by_id:
            return self.by_id[provider_id]
        raise UnknownModelError(
            f"unknown provider {provider_id!r}; choose one of: openai, {', '.join(sorted(self.by_id))}."
        )


def counting_tokenizer(family: str) -> tuple[str, str | None]:
    """(registry family ftcost counts with, estimate note or None) for a model row's tokenizer family.

    Exact families count with their own tokenizer; the *-estimate families with their registry entry (o200k_base
    x the stated factor); a family with no offline counter here with o200k_base, said to be an estimate.
    """
    if family in EXACT_TOKENIZERS:
        return family, None
    shown = family.removesuffix("-estimate").capitalize() if family.endswith("-estimate") else family
    counted = family if family in _registry.ESTIMATED else "o200k_base"
    return counted, ESTIMATE_NOTE.format(family=shown, factor=_registry.ESTIMATE_FACTOR)


# --- loading ----------------------------------------------------------------------------------------------

_INJECTED: Providers | None = None


def load_providers(path: Path | str | None = None) -> Providers:
    """Every `pricing/providers/*.toml` validated (cached for the default directory)."""
    if path is not None:
        return _load(Path(path))
    if _INJECTED is not None:
        return _INJECTED
    return _load_default()


def set_providers(data: Providers | None) -> None:
    global _INJECTED
    _INJECTED = data


def provider(provider_id: str) -> Provider:
    return load_providers().get(provider_id)


@functools.cache
def _load_default() -> Providers:
    return _load(data_dir("pricing") / "providers")


def _load(directory: Path) -> Providers:
    if not directory.is_dir():
        raise PricingDataError(f"{directory}: no providers directory.")
    out: dict[str, Provider] = {}
    for path in sorted(directory.glob("*.toml")):
        label = f"providers/{path.name}"
        doc = read_toml(path, PricingDataError)
        parsed: ProviderFile = validate(ProviderFile, doc, label, PricingDataError)
        pid = parsed.provider.id
        if path.stem != pid:
            raise PricingDataError(f"{label}: provider.id is {pid!r}; name the file {pid}.toml.")
        urls = {k: s.url for k, s in parsed.source.items()}
        rates = tuple(RateRow(pid, r, tuple((k, urls[k]) for k in r.sources)) for r in parsed.rate)
        out[pid] = Provider(
            parsed.provider,
            dict(parsed.source),
            tuple(parsed.model),
            rates,
            tuple(parsed.throughput),
            tuple(parsed.absent),
            label,
        )
    return Providers(out)
