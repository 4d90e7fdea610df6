"""Measure real prompts: what the API bills for each option's prompt, how long answers are and take.

Each option (a model with the system prompt it needs) is sent `samples` of the scenario's sample user
messages through `chat.completions`. For every call ftcost records OpenAI's `usage` (prompt, completion
and cached tokens), the latency and the answer, and compares its own count of the prompt (the option's
encoding, OpenAI's chat overheads) with the `prompt_tokens` OpenAI billed. The medians are what a
scenario should use for output tokens per request and latency.

Spending is two steps: `estimate_measure` prices the run (nothing is sent), `run_measure` requires
`confirmed=True`.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ftcost.errors import ApiError, FtcostError
from ftcost.i18n import N_, Notice
from ftcost.live.chat import (
    DEFAULT_MAX_OUTPUT_TOKENS,
    ChatCall,
    Messages,
    PlannedCall,
    Pricer,
    ProgressFn,
    SpendEstimate,
    default_pricer,
    encoding_for,
    estimate_calls,
    joined,
    reason,
    require_confirmation,
    run_calls,
)

Counter = Callable[[Messages, str], int]
MAX_SAMPLES = 1000
FALLBACK_ENCODING = "o200k_base"


@dataclass(frozen=True)
class PromptOption:
    """A model and the system prompt it is sent with (empty: none). `encoding` None: from model facts."""

    name: str
    model: str
    system_prompt: str = ""
    encoding: str | None = None


def build_messages(system_prompt: str, user_message: str) -> Messages:
    messages: Messages = [{"role": "system", "content": system_prompt}] if system_prompt else []
    messages.append({"role": "user", "content": user_message})
    return messages


def _ftcost_counter() -> Counter:
    # deferred: ftcost.live loads without pydantic and the pricing tables; only this call needs them
    from ftcost.dataset import count_messages

    return count_messages


def plan_calls(
    options: Sequence[PromptOption],
    user_messages: Sequence[str],
    samples: int,
    *,
    as_of: dt.date,
    counter: Counter | None = None,
    limit: int = MAX_SAMPLES,
) -> list[PlannedCall]:
    """The calls a measurement makes: `samples` per option, cycling through the user messages.
    `limit` bounds `samples` (evaluate sends each of its items once and has its own, larger limit)."""
    if not options:
        raise FtcostError(Notice(N_("Nothing to measure: give at least one option (a model and its prompt).")))
    messages_in = [m for m in user_messages if m and m.strip()]
    if not messages_in:
        raise FtcostError(Notice(N_("Nothing to measure: the scenario has no sample user message.")))
    if not (isinstance(samples, int) and 1 <= samples <= limit):
        raise FtcostError(
            Notice(
                N_("samples must be a whole number from 1 to {limit}, not {value}."), limit=limit, value=repr(samples)
            )
        )
    counter = counter or _ftcost_counter()
    planned = []
    for option in options:
        encoding, note = option.encoding, ""
        if not encoding:
            try:
                encoding = encoding_for(option.model, as_of)
            except FtcostError as exc:
                # e.g. a model on an OpenAI-compatible server: answers and latency still measure fine
                encoding = FALLBACK_ENCODING
                note = joined(
                    [
                        reason(exc),
                        Notice(
                            N_("Its prompts are counted with {encoding}, so ftcost's count is only indicative."),
                            encoding=FALLBACK_ENCODING,
                        ),
                    ]
                )
        for i in range(samples):
            messages = build_messages(option.system_prompt, messages_in[i % len(messages_in)])
            planned.append(PlannedCall(option.name, option.model, messages, counter(messages, encoding), note))
    return planned


def estimate_measure(
    options: Sequence[PromptOption],
    user_messages: Sequence[str],
    samples: int,
    *,
    as_of: dt.date,
    max_output_tokens: int = DEFAULT_MAX_OUTPUT_TOKENS,
    pricer: Pricer | None = None,
    counter: Counter | None = None,
) -> SpendEstimate:
    """The most the measurement can cost (no API call is made); show it and ask before `run_measure`."""
    planned = plan_calls(options, user_messages, samples, as_of=as_of, counter=counter)
    return estimate_calls(
        planned, max_output_tokens=max_output_tokens, pricer=pricer or default_pricer(as_of), as_of=as_of
    )


@dataclass(frozen=True)
class MeasuredCall:
    """One call: OpenAI's usage next to ftcost's own count of the same prompt."""

    user_message: str
    ftcost_prompt_tokens: int
    call: ChatCall

    @property
    def difference(self) -> int:
        """API's prompt_tokens minus ftcost's count (positive: ftcost under-counted)."""
        return self.call.prompt_tokens - self.ftcost_prompt_tokens

    def to_dict(self) -> dict[str, Any]:
        return {
            "user_message": self.user_message,
            "ftcost_prompt_tokens": self.ftcost_prompt_tokens,
            "difference": self.difference,
            **self.call.to_dict(),
        }


def _median(values: Sequence[float]) -> Decimal:
    return Decimal(str(statistics.median(values))) if values else Decimal(0)


@dataclass
class OptionMeasurement:
    name: str
    model: str
    calls: list[MeasuredCall] = field(default_factory=list)
    cost_usd: Decimal | None = None  # what the measured usage cost at ftcost's prices
    note: str = ""

    @property
    def api_prompt_tokens(self) -> int:
        return sum(c.call.prompt_tokens for c in self.calls)

    @property
    def ftcost_prompt_tokens(self) -> int:
        return sum(c.ftcost_prompt_tokens for c in self.calls)

    @property
    def difference(self) -> int:
        return self.api_prompt_tokens - self.ftcost_prompt_tokens

    @property
    def difference_pct(self) -> Decimal | None:
        """ftcost's error relative to the API's count, in % (2 decimals)."""
        if not self.api_prompt_tokens:
            return None
        return (Decimal(self.difference) * 100 / self.api_prompt_tokens).quantize(Decimal("0.01"), ROUND_HALF_UP)

    @property
    def cached_tokens(self) -> int:
        return sum(c.call.cached_tokens for c in self.calls)

    @property
    def median_prompt_tokens(self) -> Decimal:
        return _median([c.call.prompt_tokens for c in self.calls])

    @property
    def median_output_tokens(self) -> Decimal:
        return _median([c.call.completion_tokens for c in self.calls])

    @property
    def median_latency_s(self) -> Decimal:
        return _median([c.call.latency_s for c in self.calls])

    @property
    def truncated(self) -> int:
        """Answers cut off at the output cap: the median output is then a lower bound."""
        return sum(1 for c in self.calls if c.call.finish_reason == "length")

    def to_dict(self) -> dict[str, Any]:
        pct = self.difference_pct
        return {
            "name": self.name,
            "model": self.model,
            "calls": len(self.calls),
            "api_prompt_tokens": self.api_prompt_tokens,
            "ftcost_prompt_tokens": self.ftcost_prompt_tokens,
            "difference": self.difference,
            "difference_pct": None if pct is None else str(pct),
            "cached_tokens": self.cached_tokens,
            "median_prompt_tokens": str(self.median_prompt_tokens),
            "median_output_tokens": str(self.median_output_tokens),
            "median_latency_s": str(self.median_latency_s),
            "truncated_answers": self.truncated,
            "cost_usd": None if self.cost_usd is None else str(self.cost_usd),
            "note": self.note,
            "samples": [c.to_dict() for c in self.calls],
        }


@dataclass
class MeasureReport:
    as_of: dt.date
    max_output_tokens: int
    estimate: SpendEstimate
    options: list[OptionMeasurement] = field(default_factory=list)
    stopped: str = ""  # why the run stopped before every call was made
    stopped_by: ApiError | None = field(default=None, repr=False, compare=False)  # the error behind `stopped`

    @property
    def cost_usd(self) -> Decimal | None:
        costs = [o.cost_usd for o in self.options]
        known = [c for c in costs if c is not None]
        return None if len(known) < len(costs) else sum(known, Decimal(0))

    def suggested_output_tokens(self) -> int | None:
        """Output tokens per request for the scenario: the median over every measured answer, rounded up."""
        values = [c.call.completion_tokens for o in self.options for c in o.calls]
        return math.ceil(statistics.median(values)) if values else None

    def suggested_latency_s(self) -> Decimal | None:
        values = [c.call.latency_s for o in self.options for c in o.calls]
        return _median(values) if values else None

    def to_dict(self) -> dict[str, Any]:
        cost = self.cost_usd
        latency = self.suggested_latency_s()
        return {
            "as_of": self.as_of.isoformat(),
            "max_output_tokens": self.max_output_tokens,
            "estimate": self.estimate.to_dict(),
            "cost_usd": None if cost is None else str(cost),
            "suggested_output_tokens_per_request": self.suggested_output_tokens(),
            "suggested_latency_s": None if latency is None else str(latency),
            "stopped": self.stopped,
            "options": [o.to_dict() for o in self.options],
        }


def run_measure(
    client: Any,
    options: Sequence[PromptOption],
    user_messages: Sequence[str],
    samples: int,
    *,
    confirmed: bool,
    as_of: dt.date,
    max_output_tokens: int = DEFAULT_MAX_OUTPUT_TOKENS,
    pricer: Pricer | None = None,
    counter: Counter | None = None,
    temperature: float | None = None,
    progress: ProgressFn | None = None,
) -> MeasureReport:
    """Make the calls `estimate_measure` priced. Needs `confirmed=True`.

    A failure after some calls succeeded stops the run and returns what was measured, with the reason
    in `stopped`; a failure on the first call raises ApiError.
    """
    require_confirmation(confirmed, Notice(N_("measuring prompts")))
    pricer = pricer or default_pricer(as_of)
    planned = plan_calls(options, user_messages, samples, as_of=as_of, counter=counter)
    report = MeasureReport(
        as_of,
        max_output_tokens,
        estimate_calls(planned, max_output_tokens=max_output_tokens, pricer=pricer, as_of=as_of),
    )
    results, report.stopped, report.stopped_by = run_calls(
        client,
        planned,
        stage="measure",
        max_output_tokens=max_output_tokens,
        temperature=temperature,
        progress=progress,
    )
    by_name: dict[str, OptionMeasurement] = {}
    for _, plan, call in results:
        if plan.option not in by_name:
            by_name[plan.option] = OptionMeasurement(plan.option, plan.model, note=plan.note)
            report.options.append(by_name[plan.option])
        by_name[plan.option].calls.append(MeasuredCall(plan.messages[-1]["content"], plan.prompt_tokens, call))
    for option in report.options:
        _price_usage(option, pricer)
    return report


def _price_usage(option: OptionMeasurement, pricer: Pricer) -> None:
    try:
        option.cost_usd = pricer(
            option.model,
            option.api_prompt_tokens,
            sum(c.call.completion_tokens for c in option.calls),
            option.cached_tokens,
        )
    except FtcostError as exc:
        option.note = joined([option.note, reason(exc)])
