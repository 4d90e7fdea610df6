"""The engine's answers as plain dataclasses: what the CLI prints, the report renders and the app shows."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class TokenProfile:
    """Tokens one request of an option sends and receives, and where each figure came from."""

    encoding: str
    prompt_tokens: int
    output_tokens: int
    prompt_source: str  # "measured" | "stated" | "estimated" (a family counted by a stated estimate)
    output_source: str


@dataclass(frozen=True)
class Month:
    """One month of one option."""

    month: int  # 1-based
    starts: dt.date
    requests: int
    input_tokens: int
    cached_input_tokens: int
    output_tokens: int
    input_usd: Decimal
    cached_input_usd: Decimal
    output_usd: Decimal
    wrong_answers_usd: Decimal
    one_off_usd: Decimal  # training + labour + pilot, booked in month 1
    served_by: str = ""  # the option that actually served this month (before go-live: the current one)
    hosting_usd: Decimal = Decimal(0)  # hourly fees: always-on deployments, dedicated replicas, model storage
    retrieval_usd: Decimal = Decimal(0)  # retrieved context: query and update embeddings, vector store, upkeep

    @property
    def inference_usd(self) -> Decimal:
        return self.input_usd + self.cached_input_usd + self.output_usd

    @property
    def serving_usd(self) -> Decimal:
        """What serving the month costs: tokens plus hosting (the hourly fee accrues whether called or not)
        plus retrieval's running costs."""
        return self.inference_usd + self.hosting_usd + self.retrieval_usd

    @property
    def with_wrong_answers_usd(self) -> Decimal:
        """Serving plus the expected cost of wrong answers: the month as options are compared (no one-off)."""
        return self.serving_usd + self.wrong_answers_usd

    @property
    def total_usd(self) -> Decimal:
        """Quality-adjusted cost of the month: inference + hosting + retrieval + wrong answers + one-off."""
        return self.inference_usd + self.hosting_usd + self.retrieval_usd + self.wrong_answers_usd + self.one_off_usd


@dataclass(frozen=True)
class OneOff:
    """What a fine-tuned option costs once, before it serves a request."""

    training_tokens_per_epoch: int
    epochs: int
    epochs_estimated: bool
    charged_tokens_per_run: int
    training_usd_per_run: Decimal
    iterations: int
    training_usd: Decimal
    labour_usd: Decimal
    data_prep_usd: Decimal
    pilot_usd: Decimal
    tokens_source: str  # "measured from <file>" | "stated"
    # With `epochs_estimated`: the provider whose documented default gave `epochs` (Together's 1), or None when
    # they are OpenAI's auto rule for the dataset size (the cookbook's rule).
    epochs_default: str | None = None

    @property
    def total_usd(self) -> Decimal:
        return self.training_usd + self.labour_usd + self.data_prep_usd + self.pilot_usd


@dataclass(frozen=True)
class RetrievalCost:
    """What an option's retrieved context costs: once (embedding the corpus, building), per month, per request."""

    embedding_model: str
    price_per_mtok: Decimal
    corpus_tokens: int
    corpus_usd: Decimal  # embedding the whole corpus once
    build_labour_usd: Decimal
    update_tokens_per_month: int
    updates_usd_per_month: Decimal
    vector_store_usd_per_month: Decimal
    maintenance_usd_per_month: Decimal
    query_tokens_per_request: int
    query_usd_per_request: Decimal
    retrieved_tokens_per_request: int  # added to the prompt: priced as input tokens of the option's model

    @property
    def one_off_usd(self) -> Decimal:
        return self.corpus_usd + self.build_labour_usd

    @property
    def monthly_usd(self) -> Decimal:
        """The running costs that do not depend on the number of requests."""
        return self.updates_usd_per_month + self.vector_store_usd_per_month + self.maintenance_usd_per_month


@dataclass(frozen=True)
class RateUsed:
    """One rate behind an option's plan, as the report's rate table shows it: the price (per 1M tokens, or with
    its unit where it is an hourly or monthly fee), the day it took effect, and its source's address."""

    price_per_mtok: str
    effective_from: str
    source: str

    def __getitem__(self, key: str) -> str:
        # The rates were dicts of these three keys; code written against that still reads them by key.
        if key not in ("price_per_mtok", "effective_from", "source"):
            raise KeyError(key)
        return getattr(self, key)


@dataclass(frozen=True)
class OptionPlan:
    name: str
    model: str
    resolved_model: str
    fine_tuned: bool
    accuracy_pct: Decimal
    tokens: TokenProfile
    months: list[Month]  # what the plan pays each month, in order (the timeline)
    steady: Month  # the option's own cost at the first month's volume, as if it served from day one
    one_off: OneOff | None
    rates: dict[str, RateUsed]  # rate name (input, cached_input, output, training, a provider's slice) → rate
    go_live_month: int = 1  # first month the option serves; before it, the current option does
    serves_until: dt.date | None = None  # first day the model is no longer served (OpenAI's shutdown), if known
    switch_month: int | None = None  # the horizon month from which `successor` serves instead (shutdown inside it)
    successor: str | None = None
    feasibility: Any = None  # engine.lifecycle.Feasibility: always ok for a planned option; caveats may apply
    retrieval: RetrievalCost | None = None  # the option's retrieved context, when it has one

    @property
    def monthly_usd(self) -> Decimal:
        """The option's own serving cost at the first month's volume (what price tables compare): inference
        tokens plus any hosting fee."""
        return self.steady.serving_usd

    @property
    def monthly_with_wrong_answers_usd(self) -> Decimal:
        """A month of the option serving on its own at the first month's volume, wrong answers included."""
        return self.steady.with_wrong_answers_usd

    @property
    def one_off_usd(self) -> Decimal:
        """What the option costs once: a fine-tune's training, people and pilot, plus building its retrieval."""
        once = self.one_off.total_usd if self.one_off else Decimal(0)
        return once + (self.retrieval.one_off_usd if self.retrieval else Decimal(0))

    @property
    def cumulative_usd(self) -> list[Decimal]:
        out, running = [], Decimal(0)
        for m in self.months:
            running += m.total_usd
            out.append(running)
        return out

    @property
    def cost_per_correct_usd(self) -> Decimal | None:
        """Inference cost per right answer at the first month's volume (None when nothing is right)."""
        first = self.steady
        correct = Decimal(first.requests) * self.accuracy_pct / 100
        return first.serving_usd / correct if correct else None


@dataclass(frozen=True)
class BreakEven:
    fine_tuned: str
    against: str
    month: int | None  # None: never within the horizon
    savings_at_horizon_usd: Decimal
    roi_pct: Decimal | None  # savings / one-off; None when the one-off is 0


@dataclass(frozen=True)
class PromptSaving:
    fine_tuned: str
    against: str
    tokens_saved_per_request: int
    tokens_saved_first_month: int
    saved_pct: Decimal


@dataclass(frozen=True)
class PilotPlan:
    option: str
    examples: int
    epochs: int
    training_tokens: int
    training_usd: Decimal
    eval_examples: int
    eval_usd: Decimal  # the eval set run through every option
    labour_usd: Decimal  # one iteration of the role table + preparing the pilot's examples
    target_accuracy_pct: Decimal
    break_even_accuracy_pct: Decimal | None  # lowest accuracy at which the fine-tune still pays back in time
    break_even_month_to_beat: int | None
    against: str | None
    project_one_off_usd: Decimal
    assumed_accuracy_pct: Decimal | None = None  # the fine-tune's accuracy the plan assumes

    @property
    def total_usd(self) -> Decimal:
        return self.training_usd + self.eval_usd + self.labour_usd

    @property
    def no_accuracy_pays_back(self) -> bool:
        """True when even 100% right answers would not pay back within the horizon (the break-even accuracy
        is above 100%), or when accuracy does not move the money and the plan does not pay back."""
        if self.break_even_accuracy_pct is None:
            return self.break_even_month_to_beat is None
        return self.break_even_accuracy_pct > 100

    @property
    def share_of_project_pct(self) -> Decimal:
        if not self.project_one_off_usd:
            return Decimal(0)
        return self.total_usd / self.project_one_off_usd * 100

    @property
    def gate_accuracy_pct(self) -> Decimal | None:
        """The accuracy the pilot must reach: the stated target, or more if payback needs more; None when no
        accuracy pays back (a gate above 100% is no gate)."""
        if self.no_accuracy_pays_back:
            return None
        if self.break_even_accuracy_pct is None:
            return self.target_accuracy_pct
        return max(self.target_accuracy_pct, self.break_even_accuracy_pct)


@dataclass(frozen=True)
class Excluded:
    """An option the plan cannot carry out on its date: a model not served, a fine-tune that cannot be done."""

    name: str
    model: str
    fine_tuned: bool
    reasons: tuple[str, ...]  # ftcost.i18n.Notice sentences: English as text, shown in the reader's language


@dataclass(frozen=True)
class Plan:
    scenario: str
    as_of: dt.date
    horizon_months: int
    tier: str
    options: list[OptionPlan]
    break_even: list[BreakEven]
    prompt_savings: list[PromptSaving]
    pilot: PilotPlan | None
    warnings: list[str] = field(default_factory=list)  # Notices (ftcost.i18n): `i18n.text(w, lang)` to show one
    project_weeks: int = 0
    current_option: str = ""
    excluded: list[Excluded] = field(default_factory=list)  # not planned: why, in sentences
    caveats: list[str] = field(default_factory=list)  # what the feasible fine-tunes depend on
    compare_with: str = ""  # the base option the answer and the pilot's gate measure fine-tunes against

    @property
    def infeasible(self) -> list[Excluded]:
        """Fine-tunes that cannot be carried out on this plan's date."""
        return [e for e in self.excluded if e.fine_tuned]

    def option(self, name: str) -> OptionPlan:
        return next(o for o in self.options if o.name == name)


def plain(value: Any) -> Any:
    """A dataclass tree as JSON-ready data: Decimals as strings, dates as ISO text."""
    if hasattr(value, "__dataclass_fields__"):
        value = asdict(value)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value
