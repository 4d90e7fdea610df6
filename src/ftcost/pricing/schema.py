"""The schema of the pricing files under `pricing/`: one strict pydantic model per file.

`extra="forbid"` everywhere, so a misspelt key is an error naming the file, the entry and the key.
Prices are exact TOML numbers (read as Decimal by `ftcost.data.read_toml`), never strings, never 0: a price
that was not offered is left out. Dates are TOML dates (unquoted). Cross-file rules (known models and
sources, no overlapping periods, lifecycle agreement) are in `checks.py`.

Run `python -m ftcost.pricing` (`schema_export.py`) to regenerate the JSON Schemas in `pricing/schema/` that editors
(Taplo / Even Better TOML) use through each file's `#:schema` line; a test fails while they are stale.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema, model_validator
from pydantic_core import PydanticCustomError

Kind = Literal["base", "fine_tuned", "training", "training_hour"]
Tier = Literal["standard", "batch", "data_sharing", "batch_data_sharing", "flex", "priority"]
INFERENCE_KINDS = ("base", "fine_tuned")
TRAINING_KINDS = ("training", "training_hour")
COMPONENTS = ("input", "cached_input", "output")


#: Far above any price OpenAI has published (o1-pro's output, $600 per 1M tokens; reinforcement fine-tuning,
#: $100 an hour): a value beyond it is a typo (1e30), and would overflow exact arithmetic downstream.
MAX_PRICE = Decimal(10_000)


def _exact_price(value: Any) -> Decimal:
    if isinstance(value, (bool, float)):
        raise PydanticCustomError("price_type", "write the price as a TOML number such as 1.50 (read exactly)")
    if isinstance(value, str):
        raise PydanticCustomError("price_type", 'write the price as a number, not a quoted string: 1.50, not "1.50"')
    if isinstance(value, int):
        value = Decimal(value)
    if not isinstance(value, Decimal) or not value.is_finite():
        raise PydanticCustomError("price_type", "a price must be a finite number of USD")
    if value <= 0:
        raise PydanticCustomError(
            "price_value",
            "{value} is not a price; leave the key out when the price was not offered",
            {"value": str(value)},
        )
    if value > MAX_PRICE:
        raise PydanticCustomError(
            "price_value",
            "{value} USD is not a plausible price; ftcost accepts at most {most} USD per 1M tokens (or per hour)",
            {"value": str(value), "most": f"{MAX_PRICE:,}"},
        )
    return value


def _https_url(value: Any) -> str:
    if not isinstance(value, str) or not value.startswith("https://") or any(c.isspace() for c in value):
        raise PydanticCustomError("url", "write the source's full public address starting with https://")
    return value


def _toml_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        raise PydanticCustomError("date_type", "write a date without a time, e.g. 2024-10-01")
    if isinstance(value, str):
        raise PydanticCustomError("date_type", "write the date unquoted, as a TOML date: 2024-10-01")
    if not isinstance(value, dt.date):
        raise PydanticCustomError("date_type", "expected a TOML date such as 2024-10-01")
    return value


def _optional(check):
    # TOML has no null: an absent key is None. Checking None here (not with `X | None`) keeps pydantic from
    # reporting a second, confusing "should be None" error next to the real one.
    return lambda value: None if value is None else check(value)


_PRICE_SCHEMA = WithJsonSchema({"type": "number", "exclusiveMinimum": 0, "maximum": int(MAX_PRICE)})
_DATE_SCHEMA = WithJsonSchema({"type": "string", "format": "date"})
Price = Annotated[Decimal, BeforeValidator(_exact_price), _PRICE_SCHEMA]
OptionalPrice = Annotated[Decimal | None, BeforeValidator(_optional(_exact_price)), _PRICE_SCHEMA]
Date = Annotated[dt.date, BeforeValidator(_toml_date), _DATE_SCHEMA]
OptionalDate = Annotated[dt.date | None, BeforeValidator(_optional(_toml_date)), _DATE_SCHEMA]
SourceKey = Annotated[str, Field(pattern=r"^[A-Z][A-Z0-9]*$")]


def _unique_keys(keys: list[str]) -> list[str]:
    twice = sorted({k for k in keys if keys.count(k) > 1})
    if twice:
        raise PydanticCustomError(
            "sources_repeated", "{keys} listed more than once; name each source once", {"keys": ", ".join(twice)}
        )
    return keys


SourceKeys = Annotated[
    list[SourceKey], Field(min_length=1, json_schema_extra={"uniqueItems": True}), AfterValidator(_unique_keys)
]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


# --- sources.toml -------------------------------------------------------------------------------------


class SourceEntry(Strict):
    title: str = Field(min_length=1)
    """What the source is, e.g. the blog post's title."""
    publisher: str = Field(min_length=1)
    """Who published it (OpenAI, or the repository / site)."""
    url: Annotated[str, BeforeValidator(_https_url), WithJsonSchema({"type": "string", "pattern": "^https://\\S+$"})]
    """Public address, https only."""
    published: OptionalDate = None
    """Day the source was published, when it is dated."""
    primary: bool
    """True for OpenAI's own words; conflicts are settled in favour of primary sources."""
    note: str = ""


class SourcesFile(Strict):
    schema_version: Literal[1]
    source: dict[SourceKey, SourceEntry]
    """Sources by key (S* = OpenAI, R* = price databases, X* = further sources)."""


# --- prices/*.toml ------------------------------------------------------------------------------------


class DatedEntry(Strict):
    """The fields every dated, sourced entry shares (price rows and alias periods)."""

    effective_from: Date
    """First day it applies (inclusive)."""
    effective_until: OptionalDate = None
    """First day it no longer applies (exclusive); absent = until the next entry or the model's lifecycle end."""
    sources: SourceKeys
    """Keys of sources.toml that state it."""
    checked: Date
    """Day it was last compared with its sources."""
    verified: bool
    """False when a source is uncertain about it or its dates (the note says what)."""
    note: str = ""

    @model_validator(mode="after")
    def _period(self):
        if self.effective_until is not None and self.effective_until <= self.effective_from:
            raise PydanticCustomError(
                "period",
                "effective_until must be after effective_from (it is the first day the entry no longer applies)",
            )
        return self


class PriceEntry(DatedEntry):
    """One price period of one (model, kind, tier)."""

    model: str = Field(min_length=1)
    """Snapshot id from models.toml (aliases are in aliases.toml)."""
    kind: Kind
    """base = base-model inference; fine_tuned = inference on a fine-tune of `model`;
    training = per 1M training tokens (tokens in file × epochs); training_hour = per hour (RFT)."""
    tier: Tier
    """standard, batch, data_sharing, batch_data_sharing, flex (slower, cheaper processing) or priority (faster,
    dearer). Training kinds are always standard."""
    input: OptionalPrice = None
    """USD per 1M input tokens (inference kinds; required for them)."""
    cached_input: OptionalPrice = None
    """USD per 1M cached input tokens; absent = not offered (e.g. before 2024-10-01)."""
    output: OptionalPrice = None
    """USD per 1M output tokens; absent for embeddings."""
    price: OptionalPrice = None
    """USD per 1M training tokens (training) or per hour (training_hour)."""

    @model_validator(mode="after")
    def _fields_fit_kind(self) -> PriceEntry:
        if self.kind in INFERENCE_KINDS:
            if self.input is None:
                raise PydanticCustomError("price_missing", "an inference row needs `input` (USD per 1M input tokens)")
            if self.price is not None:
                raise PydanticCustomError(
                    "price_misplaced", "`price` is for training rows; use input / cached_input / output here"
                )
            if self.cached_input is not None and self.cached_input >= self.input:
                raise PydanticCustomError(
                    "price_order", "cached_input must be below input (it is a discount); check the two figures"
                )
        else:
            if self.price is None:
                raise PydanticCustomError("price_missing", "a training row needs `price`")
            if any(getattr(self, c) is not None for c in COMPONENTS):
                raise PydanticCustomError(
                    "price_misplaced", "a training row has only `price`; remove input / cached_input / output"
                )
            if self.tier != "standard":
                raise PydanticCustomError(
                    "tier", 'training has one price: use tier = "standard" (Batch lists the same training price)'
                )
        return self


class PricesFile(Strict):
    schema_version: Literal[1]
    price: list[PriceEntry] = Field(min_length=1)


# --- aliases.toml -------------------------------------------------------------------------------------


class AliasEntry(DatedEntry):
    """One period during which an undated name pointed to one snapshot (an open one ends at its shutdown)."""

    alias: str = Field(min_length=1)
    snapshot: str = Field(min_length=1)
    """Snapshot id from models.toml."""


class AliasesFile(Strict):
    schema_version: Literal[1]
    alias: list[AliasEntry] = Field(min_length=1)


# --- lifecycle.toml -----------------------------------------------------------------------------------

FeatureId = Literal["batch_api", "batch_embeddings", "batch_fine_tuned", "prompt_caching", "reinforcement_fine_tuning"]


class FeatureEntry(Strict):
    """A launch before which no price of that sort can exist (checked against every price row)."""

    id: FeatureId
    date: Date
    sources: SourceKeys
    note: str = ""


OrgHistory = Literal["never", "inactive", "active"]
"""An organization's fine-tuning history, as OpenAI's wind-down tells them apart: never fine-tuned; fine-tuned
but no fine-tuned-model inference in the past 60 days; fine-tuned inference within the past 60 days."""


class EventEntry(Strict):
    """A dated lifecycle event that applies to many models."""

    id: str = Field(min_length=1)
    date: Date
    effect: Literal["fine_tuning_restricted", "fine_tuning_closed", "shutdown", "service_read_only", "service_shutdown"]
    """fine_tuning_restricted: some organizations can no longer start jobs; fine_tuning_closed: nobody can;
    shutdown: the listed models stop serving; service_read_only / service_shutdown: a platform service
    (`service`, e.g. OpenAI Evals) becomes read-only / stops."""
    orgs: list[Literal["never", "inactive"]] = Field(default_factory=list)
    """For fine_tuning_restricted: the organization histories it stops (never = never fine-tuned; inactive = no
    fine-tuned-model inference in the past 60 days)."""
    service: str = ""
    """For service events: the service's name."""
    checked: OptionalDate = None
    """Day the event was last compared with its sources."""
    verified: bool = True
    """False when only secondary sources state it (the note says which, and where sources disagree)."""
    who: str = Field(min_length=1)
    """Who is affected, in words."""
    models: list[str] = Field(default_factory=list)
    """Snapshot ids (shutdown events); empty = every fine-tunable model."""
    fine_tuned_too: bool = False
    """For shutdown events: their fine-tuned models stop serving the same day."""
    sources: SourceKeys
    note: str = ""

    @model_validator(mode="after")
    def _models_for_shutdown(self) -> EventEntry:
        if self.effect == "shutdown" and not self.models:
            raise PydanticCustomError("models", "a shutdown event must list the `models` it shuts down")
        if self.effect == "fine_tuning_restricted" and not self.orgs:
            raise PydanticCustomError(
                "orgs", 'a fine_tuning_restricted event must list the `orgs` it stops ("never", "inactive")'
            )
        if self.effect.startswith("service_") and not self.service:
            raise PydanticCustomError("service", 'a service event must name its `service`, e.g. "OpenAI Evals"')
        return self


class LifecycleFile(Strict):
    schema_version: Literal[1]
    feature: list[FeatureEntry] = Field(default_factory=list)
    event: list[EventEntry] = Field(default_factory=list)


# --- promotions.toml ----------------------------------------------------------------------------------


class PromotionEntry(Strict):
    """Free training tokens per day during a window (applied only when asked)."""

    id: str = Field(min_length=1)
    models: list[str] = Field(min_length=1)
    free_training_tokens_per_day: int = Field(gt=0)
    effective_from: Date
    effective_until: Date
    """Exclusive."""
    sources: SourceKeys
    checked: Date
    verified: bool
    note: str = ""

    @model_validator(mode="after")
    def _period(self) -> PromotionEntry:
        if self.effective_until <= self.effective_from:
            raise PydanticCustomError("period", "effective_until must be after effective_from")
        return self


class PromotionsFile(Strict):
    schema_version: Literal[1]
    promotion: list[PromotionEntry] = Field(default_factory=list)
