"""What measuring and evaluating share: one timed chat call, pre-spend estimates, progress reports.

Both `measure` and `evaluate` send known messages to known models, so what a run will cost can be
priced before anything is sent: ftcost counts each prompt with the model's own encoding and assumes
every answer uses the whole output cap (the most it can cost). The run itself refuses to start unless
the caller says the estimate was confirmed.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from ftcost.errors import ApiError, FtcostError
from ftcost.i18n import N_, Notice
from ftcost.live.client import server_text as clean
from ftcost.money import format_usd

Messages = list[dict[str, Any]]
#: Prices calls: (model, input_tokens, output_tokens, cached_input_tokens) -> USD, where input_tokens is
#: every prompt token (OpenAI's `prompt_tokens`) and cached_input_tokens the part of it served from the
#: cache, as `ftcost.pricing.quote` takes them. Raises FtcostError (e.g. NotOfferedError) when the model
#: has no price on the date.
Pricer = Callable[[str, int, int, int], Decimal]

#: Default cap on answer length per call; it bounds the cost estimate. Answers that hit it are counted.
DEFAULT_MAX_OUTPUT_TOKENS = 1024


@dataclass(frozen=True)
class Progress:
    """A progress report for a CLI line or a Streamlit progress bar (done of total, with a message).

    `message` is a Notice (English as a `str`, `.text(lang)` in the reader's language) or, for a job's event, the
    server's own text. What a report *is* is said by `kind`, never by the message's wording."""

    stage: str
    message: str
    done: int = 0
    total: int | None = None
    #: Set on the report that a fine-tuning job was created: the id to follow it by if the run is cut short.
    job_id: str | None = None
    #: The pilot's reports: "uploading", "uploaded", "created" (the job exists), "event" (one of the job's events,
    #: `message` is the server's text), "status" (the job's status changed); "" for a call's progress.
    kind: str = ""
    #: On a "status" report: the job's status, OpenAI's word ("validating_files", "running", "succeeded").
    status: str | None = None

    @property
    def fraction(self) -> float | None:
        return self.done / self.total if self.total else None


ProgressFn = Callable[[Progress], None]


def no_progress(_: Progress) -> None:
    pass


@dataclass(frozen=True)
class ChatCall:
    """One chat completion as measured: OpenAI's usage, the answer, and how long the answer took."""

    model: str
    answer: str
    prompt_tokens: int
    completion_tokens: int
    cached_tokens: int
    latency_s: float
    finish_reason: str | None
    retries: int = 0
    served_model: str | None = None  # the snapshot the server says answered

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def chat_once(
    client: Any, model: str, messages: Messages, *, max_output_tokens: int, temperature: float | None = None
) -> ChatCall:
    """Send one chat completion and return its usage, answer and latency (the final attempt's)."""
    params: dict[str, Any] = {"model": model, "messages": messages, "max_completion_tokens": max_output_tokens}
    if temperature is not None:
        params["temperature"] = temperature
    started = time.perf_counter()
    # Translators: what was being done, said after "while" in an error sentence ("No answer from … while {action}").
    with client.errors(Notice(N_("calling {model}"), model=model), model=model):
        raw = client.sdk.chat.completions.with_raw_response.create(**params)
        completion = raw.parse()
    try:
        latency = raw.elapsed.total_seconds()
    except (AttributeError, RuntimeError):  # elapsed is only known once the body was read
        latency = time.perf_counter() - started
    usage = completion.usage
    if usage is None:
        raise ApiError(
            Notice(N_("The server's answer for {model} carried no `usage`, so nothing can be measured."), model=model)
        )
    details = usage.prompt_tokens_details
    choice = completion.choices[0] if completion.choices else None
    return ChatCall(
        model=model,
        answer=clean(client, (choice.message.content or "") if choice else ""),
        prompt_tokens=usage.prompt_tokens,
        completion_tokens=usage.completion_tokens,
        cached_tokens=(details.cached_tokens or 0) if details else 0,
        latency_s=round(latency, 4),
        finish_reason=clean(client, choice.finish_reason) if choice else None,
        retries=getattr(raw, "retries_taken", 0),
        served_model=clean(client, completion.model),
    )


# --- model facts and prices, looked up lazily (pricing is built alongside this package) -------------


def encoding_for(model: str, as_of: dt.date) -> str:
    """The tiktoken encoding of `model` (alias, snapshot or ft: name) from ftcost's model facts."""
    # deferred: ftcost.live loads without pydantic and the pricing tables; only this call needs them
    from ftcost.models import get_model
    from ftcost.pricing import resolve

    facts = get_model(resolve(model, as_of).snapshot)
    if not facts.encoding:
        raise FtcostError(
            Notice(N_("ftcost cannot count tokens for {model}: its vocabulary is not shipped offline."), model=model)
        )
    return facts.encoding


def default_pricer(as_of: dt.date, tier: str = "standard") -> Pricer:
    """Prices from ftcost's pricing tables as of `as_of`."""

    def price(model: str, input_tokens: int, output_tokens: int, cached_input_tokens: int) -> Decimal:
        # deferred: ftcost.live loads without pydantic and the pricing tables; only this call needs them
        from ftcost.pricing import quote

        return quote(
            model,
            input_tokens=input_tokens,
            output_tokens=output_tokens,
            cached_input_tokens=cached_input_tokens,
            as_of=as_of,
            tier=tier,
        ).total_usd

    return price


@dataclass(frozen=True)
class PlannedCall:
    """A call a run will make: which option, model and messages, and ftcost's count of its prompt."""

    option: str
    model: str
    messages: Messages
    prompt_tokens: int
    note: str = ""  # e.g. why the count is only indicative


@dataclass
class OptionEstimate:
    option: str
    model: str
    calls: int
    prompt_tokens: int
    max_output_tokens: int
    cost_usd: Decimal | None
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["cost_usd"] = None if self.cost_usd is None else str(self.cost_usd)
        return d


@dataclass
class SpendEstimate:
    """The most a run can cost, per option and in total; `total_usd` is None if any price is unknown."""

    options: list[OptionEstimate] = field(default_factory=list)
    as_of: dt.date | None = None

    @property
    def calls(self) -> int:
        return sum(o.calls for o in self.options)

    @property
    def total_usd(self) -> Decimal | None:
        costs = [o.cost_usd for o in self.options]
        known = [c for c in costs if c is not None]
        return None if len(known) < len(costs) else sum(known, Decimal(0))

    def summary(self) -> str:
        """`3 API call(s) costing at most $0.0123`: a Notice (the English as a `str`, `.text(lang)` translated)."""
        total = self.total_usd
        if total is None:
            return Notice(
                N_("{calls} API call(s) costing an unknown amount (no price for some models)"), calls=self.calls
            )
        return Notice(
            N_("{calls} API call(s) costing at most {amount}"), calls=self.calls, amount=format_usd(total, places=4)
        )

    def to_dict(self) -> dict[str, Any]:
        total = self.total_usd
        return {
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "calls": self.calls,
            "total_usd": None if total is None else str(total),
            "options": [o.to_dict() for o in self.options],
        }


def estimate_calls(
    planned: Sequence[PlannedCall], *, max_output_tokens: int, pricer: Pricer | None, as_of: dt.date
) -> SpendEstimate:
    """Price the planned calls as if every answer used the whole `max_output_tokens`."""
    estimate = SpendEstimate(as_of=as_of)
    by_option: dict[str, list[PlannedCall]] = {}
    for call in planned:
        by_option.setdefault(call.option, []).append(call)
    for name, calls in by_option.items():
        model = calls[0].model
        prompt = sum(c.prompt_tokens for c in calls)
        output = max_output_tokens * len(calls)
        cost, notes = None, [calls[0].note] if calls[0].note else []
        if pricer is None:
            notes.append(Notice(N_("no pricing available")))
        else:
            try:
                cost = pricer(model, prompt, output, 0)
            except FtcostError as exc:
                notes.append(reason(exc))
        estimate.options.append(OptionEstimate(name, model, len(calls), prompt, output, cost, joined(notes)))
    return estimate


def reason(exc: FtcostError) -> str:
    """An error's sentence as it was raised: its Notice (shown in the reader's language), else its English text."""
    return exc.args[0] if len(exc.args) == 1 and isinstance(exc.args[0], str) else str(exc)


def joined(notes: Sequence[str]) -> str:
    """Notes about one thing, one after the other: "" for none, one note as itself, more as one Notice (each in the
    reader's language; the English as " ".join always wrote it)."""
    shown = [n for n in notes if n]
    if not shown:
        return ""
    together = shown[0]
    for note in shown[1:]:
        # Translators: two notes about one option, one after the other (each is a sentence or a short phrase).
        together = Notice(N_("{first} {next}"), first=together, next=note)
    return together


def require_confirmation(confirmed: bool, what: str) -> None:
    """Refuse a run that spends unless it was confirmed; `what` is the run (a Notice: "measuring prompts")."""
    if confirmed is not True:
        raise ApiError(
            Notice(
                N_(
                    "Not confirmed: {what} spends money on the API; show the estimate and call again with confirmed=True."
                ),
                what=what,
            ),
            needs_confirmation="spend",
        )


def run_calls(
    client: Any,
    planned: Sequence[PlannedCall],
    *,
    stage: str,
    max_output_tokens: int,
    temperature: float | None = None,
    progress: ProgressFn | None = None,
) -> tuple[list[tuple[int, PlannedCall, ChatCall]], str, ApiError | None]:
    """Make the planned calls in order → ([(index, plan, call)], why it stopped early or "", the error that
    stopped it, whose facts an edge words as its own hint). The progress messages and why it stopped are Notices
    (English as a `str`, `.text(lang)` in the reader's language).

    A failure after some calls succeeded stops the run and keeps what was measured (those calls were
    paid for); a failure on the first call raises ApiError.
    """
    progress = progress or no_progress
    results: list[tuple[int, PlannedCall, ChatCall]] = []
    stopped, stopped_by = "", None
    for done, plan in enumerate(planned):
        progress(
            Progress(
                stage, Notice(N_("{option}: calling {model}"), option=plan.option, model=plan.model), done, len(planned)
            )
        )
        try:
            call = chat_once(
                client, plan.model, plan.messages, max_output_tokens=max_output_tokens, temperature=temperature
            )
        except ApiError as exc:
            if not results:
                raise
            stopped = Notice(
                N_("Stopped after {done} of {total} calls: {reason}"),
                done=done,
                total=len(planned),
                reason=reason(exc),  # its Notice, shown in the same language
            )
            stopped_by = exc
            break
        results.append((done, plan, call))
    progress(Progress(stage, Notice(N_("done")), len(results), len(planned)))
    return results, stopped, stopped_by
