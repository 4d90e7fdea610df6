"""Evaluate: ask each option the pilot's eval questions and score the answers → measured accuracy.

The base options get their long prompt, the fine-tuned option its short prompt (that is the trade the
fine-tune buys). An answer is right when it equals the expected answer (`exact`, surrounding whitespace
ignored) or when the JSON fields named by the scenario match (`json_fields`; strings compared without
case and surrounding spaces, a ```json fence around the answer tolerated). The accuracy per option is
what the engine's quality-adjusted cost needs.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

from ftcost.errors import ApiError, FtcostError, InputError
from ftcost.i18n import N_, Notice
from ftcost.live.chat import (
    DEFAULT_MAX_OUTPUT_TOKENS,
    Pricer,
    ProgressFn,
    SpendEstimate,
    default_pricer,
    estimate_calls,
    require_confirmation,
    run_calls,
)
from ftcost.live.measure import Counter, PromptOption, plan_calls

#: The most eval items one run asks: the scenario schema's limit on `pilot.eval_set` (a test keeps them equal).
MAX_EVAL_ITEMS = 10_000

Scoring = Literal["exact", "json_fields"]
_FENCE = re.compile(r"^```(?:json)?\s*(.*?)\s*```$", re.DOTALL | re.IGNORECASE)


@dataclass(frozen=True)
class EvalItem:
    input: str
    expected: str


def _parse_object(text: str) -> dict | None:
    text = text.strip()
    fenced = _FENCE.match(text)
    if fenced:
        text = fenced.group(1)
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


_MISSING = object()


def _lookup(obj: dict, path: str) -> Any:
    value: Any = obj
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return _MISSING
        value = value[part]
    return value


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return a.strip().casefold() == b.strip().casefold()
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    return a == b


def score(answer: str, expected: str, scoring: Scoring = "exact", fields: Sequence[str] = ()) -> tuple[bool, str]:
    """(right?, why not) for one answer."""
    if scoring == "exact":
        ok = answer.strip() == expected.strip()
        return ok, "" if ok else "differs from the expected answer"
    if scoring != "json_fields":
        raise FtcostError(Notice(N_("Unknown scoring {scoring}; use 'exact' or 'json_fields'."), scoring=repr(scoring)))
    want = _parse_object(expected)
    if want is None:
        raise FtcostError(
            Notice(N_("The expected answer is not a JSON object, so it cannot be scored by JSON fields."))
        )
    got = _parse_object(answer)
    if got is None:
        return False, "the answer is not a JSON object"
    wrong = [f for f in (fields or list(want)) if not _same(_lookup(got, f), _lookup(want, f))]
    return (not wrong), (f"field(s) differ: {', '.join(wrong)}" if wrong else "")


def check_eval_set(items: Sequence[EvalItem], scoring: Scoring, fields: Sequence[str]) -> None:
    """Refuse, before any money is spent, an eval set that cannot be scored."""
    if not items:
        raise FtcostError(
            Notice(N_("The pilot has no eval set: add [[pilot.eval_set]] entries with input and expected."))
        )
    if len(items) > MAX_EVAL_ITEMS:
        raise InputError(
            Notice(
                N_(
                    "The eval set has {n} items; ftcost evaluates at most {limit} (the scenario file's limit). "
                    "Use fewer items."
                ),
                n=len(items),
                limit=MAX_EVAL_ITEMS,
            ),
            value=str(len(items)),
            setting="limit",
        )
    if scoring not in ("exact", "json_fields"):
        raise FtcostError(Notice(N_("Unknown scoring {scoring}; use 'exact' or 'json_fields'."), scoring=repr(scoring)))
    for n, item in enumerate(items, 1):
        if not item.input.strip():
            raise FtcostError(Notice(N_("eval item {item}: the input is empty."), item=str(n)))
        if scoring == "json_fields":
            want = _parse_object(item.expected)
            if want is None:
                raise FtcostError(
                    Notice(
                        N_("eval item {item}: expected is not a JSON object, but scoring is json_fields."), item=str(n)
                    )
                )
            missing = [f for f in fields if _lookup(want, f) is _MISSING]
            if missing:
                raise FtcostError(
                    Notice(
                        N_("eval item {item}: expected has no field(s) {fields} to compare."),
                        item=str(n),
                        fields=", ".join(missing),
                    )
                )


def estimate_evaluate(
    options: Sequence[PromptOption],
    items: Sequence[EvalItem],
    *,
    as_of: dt.date,
    scoring: Scoring = "exact",
    fields: Sequence[str] = (),
    max_output_tokens: int = DEFAULT_MAX_OUTPUT_TOKENS,
    pricer: Pricer | None = None,
    counter: Counter | None = None,
) -> SpendEstimate:
    """The most evaluating every option on every item can cost; nothing is sent."""
    check_eval_set(items, scoring, fields)
    planned = plan_calls(
        options, [i.input for i in items], len(items), as_of=as_of, counter=counter, limit=MAX_EVAL_ITEMS
    )
    return estimate_calls(
        planned, max_output_tokens=max_output_tokens, pricer=pricer or default_pricer(as_of), as_of=as_of
    )


@dataclass(frozen=True)
class ScoredAnswer:
    input: str
    expected: str
    answer: str
    correct: bool
    reason: str
    prompt_tokens: int
    completion_tokens: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class OptionScore:
    name: str
    model: str
    answers: list[ScoredAnswer] = field(default_factory=list)

    @property
    def correct(self) -> int:
        return sum(a.correct for a in self.answers)

    @property
    def accuracy_pct(self) -> Decimal | None:
        if not self.answers:
            return None
        return (Decimal(self.correct) * 100 / len(self.answers)).quantize(Decimal("0.1"), ROUND_HALF_UP)

    def to_dict(self) -> dict[str, Any]:
        acc = self.accuracy_pct
        return {
            "name": self.name,
            "model": self.model,
            "correct": self.correct,
            "total": len(self.answers),
            "accuracy_pct": None if acc is None else str(acc),
            "answers": [a.to_dict() for a in self.answers],
        }


@dataclass
class EvalReport:
    scoring: str
    fields: list[str]
    estimate: SpendEstimate
    options: list[OptionScore] = field(default_factory=list)
    stopped: str = ""
    stopped_by: ApiError | None = field(default=None, repr=False, compare=False)  # the error behind `stopped`

    def accuracy(self) -> dict[str, Decimal]:
        """Measured accuracy (%) per option name, for the scenario's `accuracy_pct`."""
        return {o.name: o.accuracy_pct for o in self.options if o.accuracy_pct is not None}

    def to_dict(self) -> dict[str, Any]:
        return {
            "scoring": self.scoring,
            "fields": list(self.fields),
            "estimate": self.estimate.to_dict(),
            "stopped": self.stopped,
            "accuracy_pct": {k: str(v) for k, v in self.accuracy().items()},
            "options": [o.to_dict() for o in self.options],
        }


def run_evaluate(
    client: Any,
    options: Sequence[PromptOption],
    items: Sequence[EvalItem],
    *,
    confirmed: bool,
    as_of: dt.date,
    scoring: Scoring = "exact",
    fields: Sequence[str] = (),
    max_output_tokens: int = DEFAULT_MAX_OUTPUT_TOKENS,
    pricer: Pricer | None = None,
    counter: Counter | None = None,
    temperature: float | None = None,
    progress: ProgressFn | None = None,
) -> EvalReport:
    """Ask every option every eval question and score the answers. Needs `confirmed=True`."""
    require_confirmation(confirmed, Notice(N_("evaluating the options")))
    check_eval_set(items, scoring, fields)
    pricer = pricer or default_pricer(as_of)
    planned = plan_calls(
        options, [i.input for i in items], len(items), as_of=as_of, counter=counter, limit=MAX_EVAL_ITEMS
    )
    report = EvalReport(
        scoring, list(fields), estimate_calls(planned, max_output_tokens=max_output_tokens, pricer=pricer, as_of=as_of)
    )
    results, report.stopped, report.stopped_by = run_calls(
        client,
        planned,
        stage="evaluate",
        max_output_tokens=max_output_tokens,
        temperature=temperature,
        progress=progress,
    )
    scores: dict[str, OptionScore] = {}
    for index, plan, call in results:
        item = items[index % len(items)]
        if plan.option not in scores:
            scores[plan.option] = OptionScore(plan.option, plan.model)
            report.options.append(scores[plan.option])
        ok, why = score(call.answer, item.expected, scoring, fields)
        scores[plan.option].answers.append(
            ScoredAnswer(item.input, item.expected, call.answer, ok, why, call.prompt_tokens, call.completion_tokens)
        )
    return report
