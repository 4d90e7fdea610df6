"""Per-request tokens and per-month volume: the inputs every cost figure multiplies."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from ftcost import tokenizers, tokens
from ftcost.dataset import count_messages
from ftcost.engine.results import TokenProfile
from ftcost.scenario import Option, Workload


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` moved by whole calendar months, clamped to the month's last day (Jan 31 + 1 → Feb 28/29)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, d))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def requests_in_month(workload: Workload, month: int) -> int:
    """Requests in 1-based `month`: the first month's volume compounded by the monthly growth."""
    factor = (1 + workload.monthly_growth_pct / 100) ** (month - 1)
    return int((Decimal(workload.requests_per_month) * factor).to_integral_value(ROUND_HALF_UP))


def prompt_messages(workload: Workload, option: Option) -> list[dict]:
    """The chat messages one request of `option` sends: its system prompt (if any) and the user message."""
    system = workload.long_prompt if option.prompt == "long" else workload.short_prompt
    messages = []
    if system:
        messages.append({"role": "system", "content": system})
    messages.append({"role": "user", "content": workload.user_message})
    return messages


def token_profile(workload: Workload, option: Option, encoding: str) -> TokenProfile:
    """Prompt and output tokens per request for `option`, stated or measured with its own tokenizer.

    `encoding` is an OpenAI encoding or any family of `ftcost.tokenizers` ("llama3", "qwen2", "gemini-estimate"):
    a family's prompt counts its own chat template; an estimated family's measured figures say "estimated".
    """
    openai = encoding in tokens.ENCODINGS
    measured = "measured" if openai or tokenizers.family(encoding).exact else "estimated"
    stated = workload.long_prompt_tokens if option.prompt == "long" else workload.short_prompt_tokens
    if stated is not None:
        prompt, prompt_source = stated, "stated"
    elif openai:
        # the option's model picks per-model rules (gpt-3.5-turbo-0301's 4 tokens per message)
        prompt = count_messages(prompt_messages(workload, option), encoding, model=option.model)
        prompt_source = measured
    else:
        prompt, prompt_source = tokenizers.prompt_tokens(prompt_messages(workload, option), encoding), measured
    if workload.output_tokens_per_request is not None:
        output, output_source = workload.output_tokens_per_request, "stated"
    else:
        output, output_source = tokenizers.count(workload.sample_answer, encoding), measured
    return TokenProfile(encoding, prompt, output, prompt_source, output_source)


def cached_tokens(prompt_tokens: int, share_pct: Decimal) -> int:
    """Prompt tokens served from cache: the stated share, rounded down (never more than the prompt)."""
    return int(Decimal(prompt_tokens) * share_pct / 100)
