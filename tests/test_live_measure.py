"""`ftcost.live.measure` against the stand-in: usage, the prompt-count comparison, medians, confirmation."""

from __future__ import annotations

import datetime as dt
import json
import statistics
from decimal import Decimal

import pytest
from standin_openai import client_for

from ftcost.errors import ApiError, FtcostError
from ftcost.live.measure import PromptOption, estimate_measure, run_measure
from ftcost.tokens import count

CHAT = "POST /v1/chat/completions"
DAY = dt.date(2026, 11, 21)
LONG = "You are the airline's assistant. Answer in one sentence. Example: Q: Where is gate A? A: Terminal 1."
SHORT = "Airline assistant."
QUESTIONS = ["When does my flight board?", "Can I take a dog on board?"]
OPTIONS = [
    PromptOption("Base, long prompt", "gpt-4o-mini", LONG, encoding="o200k_base"),
    PromptOption("Base, short prompt", "gpt-4o-mini", SHORT, encoding="o200k_base"),
]
# Per-token prices chosen so every cost is checkable by hand: $1 per 1K input, $2 per 1K output, $0.5 per 1K cached.
RATES = (Decimal("0.001"), Decimal("0.002"), Decimal("0.0005"))


def pricer(calls):
    def price(model, input_tokens, output_tokens, cached_input_tokens):
        calls.append((model, input_tokens, output_tokens, cached_input_tokens))
        # as ftcost.pricing.quote: input_tokens counts every prompt token, cached ones included
        return (
            (input_tokens - cached_input_tokens) * RATES[0] + output_tokens * RATES[1] + cached_input_tokens * RATES[2]
        )

    return price


def chat_prompt(system: str, user: str) -> int:
    """OpenAI's documented chat billing, counted by hand: 3 per message + role + content, + 3 for the reply."""
    enc = "o200k_base"
    return (3 + count("system", enc) + count(system, enc)) + (3 + count("user", enc) + count(user, enc)) + 3


def test_estimate_prices_every_prompt_at_the_output_cap_and_sends_nothing(standin):
    seen = []
    estimate = estimate_measure(OPTIONS, QUESTIONS, 3, as_of=DAY, max_output_tokens=100, pricer=pricer(seen))
    long_tokens = chat_prompt(LONG, QUESTIONS[0]) * 2 + chat_prompt(LONG, QUESTIONS[1])  # samples cycle: q0, q1, q0
    short_tokens = chat_prompt(SHORT, QUESTIONS[0]) * 2 + chat_prompt(SHORT, QUESTIONS[1])
    assert [(o.option, o.calls, o.prompt_tokens, o.max_output_tokens) for o in estimate.options] == [
        ("Base, long prompt", 3, long_tokens, 300),
        ("Base, short prompt", 3, short_tokens, 300),
    ]
    assert estimate.total_usd == (long_tokens + short_tokens) * RATES[0] + 600 * RATES[1]
    assert standin.requests == []


def test_run_refuses_without_confirmation_and_sends_nothing(standin):
    for confirmed in (False, None, "yes"):
        with pytest.raises(ApiError, match="^Not confirmed: measuring prompts spends money"):
            run_measure(client_for(standin), OPTIONS, QUESTIONS, 2, confirmed=confirmed, as_of=DAY, pricer=pricer([]))
    assert standin.requests == []


def test_run_records_usage_and_compares_counts(standin):
    answers = {
        QUESTIONS[0]: "Boarding starts at 13:35 at gate B12.",
        QUESTIONS[1]: "Small dogs may travel in a carrier in the cabin for a fee.",
    }
    standin.answer = lambda model, messages: answers[messages[-1]["content"]]
    events = []
    report = run_measure(
        client_for(standin), OPTIONS, QUESTIONS, 3, confirmed=True, as_of=DAY, pricer=pricer([]), progress=events.append
    )
    assert standin.count(CHAT) == 6
    long, short = report.options
    assert [c.call.prompt_tokens for c in long.calls] == [chat_prompt(LONG, q) for q in (QUESTIONS + QUESTIONS)[:3]]
    assert long.difference == 0 and short.difference == 0 and long.difference_pct == Decimal("0.00")
    outputs = [count(answers[q], "o200k_base") for q in (QUESTIONS + QUESTIONS)[:3]]
    assert long.median_output_tokens == Decimal(statistics.median(outputs))
    assert report.suggested_output_tokens() == statistics.median(outputs * 2)
    assert [c.call.answer for c in short.calls] == [answers[q] for q in (QUESTIONS + QUESTIONS)[:3]]
    assert all(c.call.latency_s > 0 for c in long.calls) and long.median_latency_s > 0
    # the measured usage is priced: prompt at the input rate, answers at the output rate (no cache hits here)
    assert long.cost_usd == long.api_prompt_tokens * RATES[0] + sum(outputs) * RATES[1]
    assert [e.done for e in events] == [0, 1, 2, 3, 4, 5, 6] and events[-1].total == 6
    json.dumps(report.to_dict())  # plain data all the way down


def test_miscount_shows_as_difference_and_percent(standin):
    # A counter that forgets the 3 reply-priming tokens: the comparison must expose exactly that.
    from ftcost.dataset import count_messages

    report = run_measure(
        client_for(standin),
        OPTIONS[:1],
        QUESTIONS[:1],
        2,
        confirmed=True,
        as_of=DAY,
        pricer=pricer([]),
        counter=lambda messages, enc: count_messages(messages, enc) - 3,
    )
    (option,) = report.options
    api = chat_prompt(LONG, QUESTIONS[0])
    assert [c.difference for c in option.calls] == [3, 3]
    assert option.difference_pct == (Decimal(6) * 100 / (2 * api)).quantize(Decimal("0.01"))


def test_cached_tokens_from_a_repeated_long_prompt(standin):
    long_prompt = "Policy: " + " ".join(f"rule {i} applies to bags." for i in range(300))
    option = PromptOption("Long", "gpt-4o-mini", long_prompt, encoding="o200k_base")
    seen = []
    report = run_measure(
        client_for(standin), [option], QUESTIONS[:1], 2, confirmed=True, as_of=DAY, pricer=pricer(seen)
    )
    tokens = chat_prompt(long_prompt, QUESTIONS[0])
    assert tokens >= 1024
    # Prompt caching: the second identical prompt is cached in 128-token steps, the first is not.
    assert [c.call.cached_tokens for c in report.options[0].calls] == [0, tokens // 128 * 128]
    # the actual cost separates cached from uncached input
    assert seen[-1][1:] == (2 * tokens, report.options[0].calls[0].call.completion_tokens * 2, tokens // 128 * 128)
    assert report.options[0].cost_usd == (
        (2 * tokens - tokens // 128 * 128) * RATES[0] + seen[-1][2] * RATES[1] + tokens // 128 * 128 * RATES[2]
    )


def test_answers_cut_at_the_cap_are_flagged(standin):
    report = run_measure(
        client_for(standin),
        OPTIONS[:1],
        QUESTIONS[:1],
        2,
        confirmed=True,
        as_of=DAY,
        pricer=pricer([]),
        max_output_tokens=3,
    )
    assert report.options[0].truncated == 2
    assert report.suggested_output_tokens() == 3


def test_failure_midway_keeps_what_was_paid_for(standin):
    def progress(p):
        if p.done == 1 and p.stage == "measure" and p.message != "done":
            standin.fail(CHAT, "server_error", times=3, retry_after="0.01")

    report = run_measure(
        client_for(standin), OPTIONS, QUESTIONS, 2, confirmed=True, as_of=DAY, pricer=pricer([]), progress=progress
    )
    assert report.stopped.startswith("Stopped after 1 of 4 calls: The server failed (HTTP 500)")
    assert [len(o.calls) for o in report.options] == [1]


def test_failure_on_the_first_call_raises(standin):
    standin.fail(CHAT, "insufficient_quota")
    with pytest.raises(ApiError, match="out of quota"):
        run_measure(client_for(standin), OPTIONS, QUESTIONS, 2, confirmed=True, as_of=DAY, pricer=pricer([]))


@pytest.mark.parametrize(
    "options, messages, samples, problem",
    [
        ([], QUESTIONS, 1, "at least one option"),
        (OPTIONS, ["", "  "], 1, "no sample user message"),
        (OPTIONS, QUESTIONS, 0, "samples must be a whole number"),
        (OPTIONS, QUESTIONS, 5000, "samples must be a whole number"),
    ],
)
def test_bad_input_is_one_sentence(options, messages, samples, problem):
    with pytest.raises(FtcostError, match=problem):
        estimate_measure(options, messages, samples, as_of=DAY, pricer=pricer([]))


def test_a_model_ftcost_does_not_know_is_still_measured_with_a_note(standin):
    # e.g. a model on an OpenAI-compatible server: no facts, no price, but answers and latency measure fine
    from standin_openai import ALIASES

    ALIASES["llama-3-8b"] = "gpt-4o-mini-2024-07-18"  # the stand-in serves it under another name
    try:
        option = PromptOption("Local", "llama-3-8b", SHORT)
        estimate = estimate_measure([option], QUESTIONS, 1, as_of=DAY)
        assert estimate.total_usd is None and "o200k_base" in estimate.options[0].note
        report = run_measure(client_for(standin), [option], QUESTIONS, 1, confirmed=True, as_of=DAY)
        (measured,) = report.options
        assert measured.cost_usd is None and "only indicative" in measured.note and len(measured.calls) == 1
    finally:
        del ALIASES["llama-3-8b"]
