"""Model facts: encoding, context window, training-example limit and lifecycle, from pricing/models.toml.

These are data, not code: a model OpenAI adds is a new `[[model]]` entry. The strict schema
(`extra="forbid"`) turns a misspelt key into a message naming the file, the model and the key.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ftcost.data import data_dir, read_toml, validate
from ftcost.errors import PricingDataError, UnknownModelError

Encoding = Literal["cl100k_base", "o200k_base"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ModelFacts(Strict):
    """One model snapshot as ftcost knows it."""

    id: str = Field(description="OpenAI's snapshot id, e.g. gpt-3.5-turbo-0125.")
    family: str = Field(description="Display family, e.g. 'GPT-3.5 Turbo'.")
    encoding: Encoding | None = Field(
        None,
        description="tiktoken encoding the model uses; absent for legacy GPT-3 models (r50k_base is not shipped offline).",
    )
    format: Literal["chat", "completion", "embedding"] = Field(
        "chat", description="Training/inference format: chat messages, legacy prompt/completion, or embeddings."
    )
    context_window: int | None = Field(None, gt=0, description="Max tokens of input+output at inference.")
    max_output: int | None = Field(None, gt=0, description="Max output tokens per request.")
    training_example_limit: int | None = Field(
        None, gt=0, description="Tokens per training example before OpenAI truncates it; absent when unpublished."
    )
    training_example_limit_note: str = Field("", description="Where the limit comes from, or why it is unknown.")
    released: dt.date | None = Field(None, description="First day the model was served.")
    deprecated: dt.date | None = Field(None, description="Day OpenAI announced the deprecation.")
    shutdown: dt.date | None = Field(None, description="First day the model is no longer served (exclusive end).")
    fine_tuning_from: dt.date | None = Field(None, description="First day fine-tuning jobs could be created.")
    fine_tuning_until: dt.date | None = Field(
        None, description="First day no new fine-tuning jobs can be created for this base (exclusive)."
    )
    fine_tuned_shutdown: dt.date | None = Field(
        None, description="First day fine-tuned models of this base stop serving (exclusive)."
    )
    fine_tuned_shutdown_note: str = Field(
        "",
        description="Why fine-tunes stop when they do; required when they outlive their base (OpenAI kept some "
        "fine-tunes serving after the base shut down).",
    )
    replacements: list[str] = Field(
        default_factory=list,
        description="Snapshot ids OpenAI names as replacements (deprecations page), first choice first; "
        "offered in its place once it shuts down.",
    )
    encoding_estimated: bool = Field(
        False,
        description="True when OpenAI/tiktoken do not publish the model's encoding and `encoding` is the closest "
        "known one: every token count for the model is an estimate.",
    )
    encoding_note: str = Field("", description="Why the encoding is what it is (or why it is an estimate).")
    reasoning: bool = Field(
        False, description="A reasoning model: billed output tokens include hidden reasoning tokens."
    )
    output_note: str = Field(
        "", description="What a planner should assume about output tokens (e.g. reasoning tokens billed as output)."
    )
    sources: list[str] = Field(default_factory=list, description="Source keys (see pricing/sources.toml).")
    note: str = ""

    @model_validator(mode="after")
    def _dates_in_order(self) -> ModelFacts:
        if self.deprecated and self.shutdown and self.shutdown < self.deprecated:
            raise ValueError(f"shutdown {self.shutdown} is before deprecated {self.deprecated}")
        if self.released and self.shutdown and self.shutdown <= self.released:
            raise ValueError(f"shutdown {self.shutdown} is not after released {self.released}")
        if self.fine_tuning_from and self.fine_tuning_until and self.fine_tuning_until <= self.fine_tuning_from:
            raise ValueError("fine_tuning_until must be after fine_tuning_from")
        return self

    def serving_end(self, fine_tuned: bool = False) -> dt.date | None:
        """First day the model (or, with `fine_tuned`, fine-tunes of it) is no longer served."""
        return (self.fine_tuned_shutdown or self.shutdown) if fine_tuned else self.shutdown

    def served_on(self, day: dt.date, fine_tuned: bool = False) -> bool:
        end = self.serving_end(fine_tuned)
        return end is None or day < end

    @property
    def fine_tunable(self) -> bool:
        return self.fine_tuning_from is not None

    @property
    def effective_example_limit(self) -> int | None:
        """The cap used for billing tokens: the published training limit, else the context window."""
        return self.training_example_limit or self.context_window


class ModelsFile(Strict):
    schema_version: Literal[1]
    model: list[ModelFacts]

    @model_validator(mode="after")
    def _unique(self) -> ModelsFile:
        seen: set[str] = set()
        for m in self.model:
            if m.id in seen:
                raise ValueError(f"model {m.id} is listed twice")
            seen.add(m.id)
        return self


@functools.cache
def load_models() -> dict[str, ModelFacts]:
    """All model facts keyed by snapshot id (loaded once per process)."""
    path = data_dir("pricing") / "models.toml"
    doc = read_toml(path, PricingDataError)
    parsed: ModelsFile = validate(ModelsFile, doc, str(path.name), PricingDataError)
    return {m.id: m for m in parsed.model}


def get_model(model_id: str) -> ModelFacts:
    """Facts for a snapshot id; an unknown id raises with the list of known ones."""
    models = load_models()
    try:
        return models[model_id]
    except KeyError:
        raise UnknownModelError(f"Unknown model {model_id!r}; known models: {', '.join(sorted(models))}.") from None
