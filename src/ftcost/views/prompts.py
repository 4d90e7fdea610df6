"""The Prompts & volume page: measured tokens per text and encoding, volume over the horizon."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pandas as pd

from ftcost.dataset import count_messages
from ftcost.engine.results import Plan
from ftcost.engine.workload import prompt_messages
from ftcost.i18n import N_, _
from ftcost.scenario import Workload
from ftcost.tokens import ENCODINGS
from ftcost.tokens import count as tokens_count
from ftcost.views.common import pct, tokens

PROMPT_TEXTS = {
    N_("Long prompt (base models)"): "long_prompt",
    N_("Short prompt (fine-tuned)"): "short_prompt",
    N_("User message"): "user_message",
    N_("Sample answer"): "sample_answer",
}


def prompt_token_frame(workload: Workload, count: Callable[[str, str], int] = tokens_count) -> pd.DataFrame:
    """Tokens of each text and of one whole request, per encoding, and how much shorter the fine-tune's is.

    A request is counted the way the engine counts it: system prompt + user message as chat messages,
    with the per-message overheads. `count` is injectable so the app can cache it.
    """
    table: dict[str, dict[str, str]] = {_(label): {} for label in PROMPT_TEXTS}
    long_label = _("One base-model request (long prompt + message)")
    short_label = _("One fine-tuned request (short prompt + message)")
    shorter = _("Fine-tuned request is shorter by")
    table[long_label], table[short_label], table[shorter] = {}, {}, {}
    for encoding in ENCODINGS:
        for label, field in PROMPT_TEXTS.items():
            table[_(label)][encoding] = tokens(count(getattr(workload, field), encoding))
        long_n = count_messages(prompt_messages(workload, _LONG), encoding)
        short_n = count_messages(prompt_messages(workload, _SHORT), encoding)
        table[long_label][encoding] = tokens(long_n)
        table[short_label][encoding] = tokens(short_n)
        table[shorter][encoding] = pct(Decimal(long_n - short_n) / long_n * 100 if long_n else None)
    frame = pd.DataFrame.from_dict(table, orient="index")
    frame.index.name = _("Tokens")
    return frame.reset_index()


# prompt_messages only asks an option which prompt it sends.
# Stand-ins for an Option: prompt_messages reads only its `prompt`.
_LONG: Any = SimpleNamespace(prompt="long")
_SHORT: Any = SimpleNamespace(prompt="short")


@dataclass(frozen=True)
class VolumeView:
    first_month: str  # requests
    last_month: str
    last_label: str  # "Requests in month 12"
    saving: str  # "498 tokens (92.6%)": the first fine-tune's prompt against the first base option's
    saving_label: str  # a sentence, with its full stop (the metric's help)
    saved_first_month: str


def volume_view(plan: Plan) -> VolumeView | None:
    """None when no option could be priced on the plan's date."""
    if not plan.options:
        return None
    months = plan.options[0].months
    first = plan.prompt_savings[0] if plan.prompt_savings else None
    return VolumeView(
        first_month=tokens(months[0].requests),
        last_month=tokens(months[-1].requests),
        last_label=_("Requests in month {month}").format(month=months[-1].month),
        saving=f"{tokens(first.tokens_saved_per_request)} ({pct(first.saved_pct)})" if first else "—",
        saving_label=_("Prompt tokens saved per request: {fine_tune} vs {against}.").format(
            fine_tune=first.fine_tuned, against=first.against
        )
        if first
        else _("Prompt tokens saved per request."),
        saved_first_month=tokens(first.tokens_saved_first_month) if first else "—",
    )


def encodings_used(plan: Plan) -> dict[str, list[str]]:
    """Which options each encoding counts for (the plan counts every option with its own model's)."""
    out: dict[str, list[str]] = {}
    for o in plan.options:
        out.setdefault(o.tokens.encoding, []).append(o.name)
    return out
