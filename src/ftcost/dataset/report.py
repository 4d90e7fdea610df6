"""DatasetReport: what `ftcost analyze` found, as one immutable value, and its JSON form."""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ftcost.dataset.categories import ERRORS, WARNINGS
from ftcost.dataset.stats import MIN_EXAMPLES, summarize
from ftcost.dataset.tally import Tally

STATS = ("messages_per_example", "tokens_per_example", "assistant_tokens_per_example")


class LineNumbers(array):
    """1-based line numbers, 4 bytes each (a list of millions of Python ints costs ten times that).

    Compares equal to a list of the same numbers, so it reads like the list it replaces.
    """

    def __new__(cls, values=()):
        return super().__new__(cls, "I", values)

    def __eq__(self, other):
        if isinstance(other, list):
            return len(self) == len(other) and self.tolist() == other
        return array.__eq__(self, other)

    def __ne__(self, other):
        return not self == other

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return repr(self.tolist()) if len(self) <= 20 else f"LineNumbers({len(self):,} lines)"


@dataclass(frozen=True)
class DatasetReport:
    """The analysis of one training file for one model. Token figures follow the cookbook's method."""

    file: str
    model: str
    encoding: str
    format: str  # "chat", "completion", "mixed", or "none" (nothing could be counted)
    lines: int  # physical lines, blank ones included
    examples: int  # non-blank lines that parsed as JSON objects
    counted_examples: int  # examples with a messages list (or a prompt/completion pair)
    errors: dict[str, int]  # category -> occurrences (per message for the per-message checks)
    error_lines: dict[str, LineNumbers]  # category -> 1-based line numbers (empty: the whole file)
    warnings: dict[str, int]
    warning_lines: dict[str, LineNumbers]
    token_limit: int  # tokens per example before OpenAI truncates
    token_limit_published: bool  # False: OpenAI publishes no limit; the context window is used
    over_limit: int  # examples longer than token_limit
    billing_tokens: int  # per epoch: sum over examples of min(token_limit, example tokens)
    epochs: int
    epochs_estimated: bool  # True: from the cookbook's rule (an estimate of OpenAI's "auto")
    charged_tokens: int  # epochs x billing_tokens
    trained_tokens_per_epoch: int  # assistant tokens with weight != 0
    stats: dict[str, dict[str, float | int | None]]
    tokens_per_example: array = field(repr=False)  # a sequence of ints, one per counted example
    notes: tuple[str, ...] = ()
    #: category -> line numbers counted but not listed (only when the analysis capped the lists it keeps)
    lines_not_listed: dict[str, int] = field(default_factory=dict)
    #: the line of each counted example, parallel to tokens_per_example (what a different limit is derived from)
    example_lines: array = field(default_factory=lambda: array("I"), repr=False)
    keep_lines: int | None = None  # the cap the lists were kept under (None: every line)
    tool_examples: int = 0  # counted examples with tool definitions

    def line_count(self, category: str) -> int:
        """How many lines `category` was found on, listed or not."""
        lines = self.error_lines.get(category, self.warning_lines.get(category, ()))
        return len(lines) + self.lines_not_listed.get(category, 0)

    @property
    def valid(self) -> bool:
        """True when OpenAI should accept the file: no errors (warnings allowed)."""
        return not self.errors

    def to_dict(self, training_cost_usd: Decimal | None = None) -> dict[str, Any]:
        """The JSON object `ftcost analyze --json` prints (the keys scripts rely on come first)."""
        return {
            "file": self.file,
            "model": self.model,
            "examples": self.examples,
            "errors": dict(self.errors),
            "error_lines": {k: list(v) for k, v in self.error_lines.items()},
            "warnings": dict(self.warnings),
            "warning_lines": {k: list(v) for k, v in self.warning_lines.items()},
            "token_limit": self.token_limit,
            "over_limit": self.over_limit,
            "billing_tokens": self.billing_tokens,
            "epochs": self.epochs,
            "charged_tokens": self.charged_tokens,
            "stats": {k: dict(v) for k, v in self.stats.items()},
            "training_cost_usd": None if training_cost_usd is None else str(training_cost_usd),
            # ftcost's additions
            "encoding": self.encoding,
            "format": self.format,
            "lines": self.lines,
            "counted_examples": self.counted_examples,
            "token_limit_published": self.token_limit_published,
            "epochs_estimated": self.epochs_estimated,
            "trained_tokens_per_epoch": self.trained_tokens_per_epoch,
            "valid": self.valid,
            "notes": list(self.notes),
        }


def build_report(
    tally: Tally,
    *,
    file: str,
    model: str,
    encoding: str,
    token_limit: int,
    token_limit_published: bool,
    epochs: int,
    epochs_estimated: bool,
    notes: list[str],
) -> DatasetReport:
    """Turn a whole file's tally into the report (adds the file-level too_few_examples check)."""
    errors, error_lines = dict(tally.errors), dict(tally.error_lines)
    if tally.examples < MIN_EXAMPLES:
        errors["too_few_examples"] = 1
        error_lines["too_few_examples"] = array("I")
    counted = len(tally.tokens)
    notes += uncounted_notes(tally.examples, counted)
    kinds = [kind for kind in ("chat", "completion") if tally.kinds.get(kind)]
    return DatasetReport(
        file=file,
        model=model,
        encoding=encoding,
        format=kinds[0] if len(kinds) == 1 else ("mixed" if kinds else "none"),
        lines=tally.lines,
        examples=tally.examples,
        counted_examples=counted,
        errors=_ordered(errors, ERRORS),
        error_lines={k: LineNumbers(v) for k, v in _ordered(error_lines, ERRORS).items()},
        warnings=_ordered(dict(tally.warnings), WARNINGS),
        warning_lines={k: LineNumbers(v) for k, v in _ordered(dict(tally.warning_lines), WARNINGS).items()},
        token_limit=token_limit,
        token_limit_published=token_limit_published,
        over_limit=tally.over_limit,
        billing_tokens=tally.billing,
        epochs=epochs,
        epochs_estimated=epochs_estimated,
        charged_tokens=epochs * tally.billing,
        trained_tokens_per_epoch=tally.trained,
        stats={
            "messages_per_example": summarize(tally.messages),
            "tokens_per_example": summarize(tally.tokens),
            "assistant_tokens_per_example": summarize(tally.assistant),
        },
        tokens_per_example=tally.tokens,
        notes=tuple(notes),
        lines_not_listed=dict(tally.not_listed),
        example_lines=tally.example_lines,
        keep_lines=tally.keep_lines,
        tool_examples=tally.tool_examples,
    )


def uncounted_notes(examples: int, counted: int) -> list[str]:
    if counted >= examples:
        return []
    return [
        f"{examples - counted:,} example(s) have no messages list or prompt/completion to count; "
        "they are left out of the statistics and billing."
    ]


def _ordered(found: dict, table: dict) -> dict:
    """Categories in the table's order (the cookbook's seven first), so output is stable."""
    return {k: found[k] for k in table if k in found}
