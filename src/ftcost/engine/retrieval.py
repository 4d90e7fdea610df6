"""Retrieved context ("GPT-4 with embeddings"): what an option's retrieval costs, and its months.

    once        corpus tokens × embedding price + build hours × hourly            (booked in month 1)
    each month  updated share × corpus tokens × embedding price + vector store + upkeep hours × hourly
    per request query tokens × embedding price;  the retrieved tokens are added to the prompt, so the option's
                own input price bills them

Embedding prices come from pricing/prices/embeddings.toml through `pricing.quote`, like every other price: one
that does not exist on the plan's date leaves the option out with a warning, never at $0.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

from ftcost import pricing, tokens
from ftcost.engine.results import Month, RetrievalCost, TokenProfile
from ftcost.scenario import Option, Retrieval, Scenario

MTOK = Decimal(1_000_000)


def retrieval_cost(scenario: Scenario, retrieval: Retrieval, as_of: dt.date) -> RetrievalCost:
    """The costs of `retrieval` on `as_of` (raises NotOfferedError when its embedding model has no price then)."""
    r = retrieval
    price = pricing.quote(r.embedding_model, input_tokens=1_000_000, as_of=as_of).input_usd  # USD per 1M tokens
    corpus = r.documents * r.tokens_per_document
    updates = int(Decimal(corpus) * r.updated_pct_per_month / 100)
    if r.query_tokens_per_request is not None:
        query = r.query_tokens_per_request
    else:
        encoding = pricing.resolve(r.embedding_model, as_of).model.encoding or "cl100k_base"
        query = tokens.count(scenario.workload.user_message, encoding) if scenario.workload.user_message else 0
    return RetrievalCost(
        embedding_model=r.embedding_model,
        price_per_mtok=price,
        corpus_tokens=corpus,
        corpus_usd=corpus * price / MTOK,
        build_labour_usd=r.build_hours * r.hourly_usd,
        update_tokens_per_month=updates,
        updates_usd_per_month=updates * price / MTOK,
        vector_store_usd_per_month=r.vector_store_usd_per_month,
        maintenance_usd_per_month=r.maintain_hours_per_month * r.hourly_usd,
        query_tokens_per_request=query,
        query_usd_per_request=query * price / MTOK,
        retrieved_tokens_per_request=r.retrieved_tokens_per_request,
    )


def with_retrieved_tokens(profile: TokenProfile, option: Option) -> TokenProfile:
    """The option's prompt with its retrieved passages added (they are billed as the model's input tokens)."""
    if option.retrieval is None:
        return profile
    return replace(profile, prompt_tokens=profile.prompt_tokens + option.retrieval.retrieved_tokens_per_request)


def with_retrieval(months: list[Month], cost: RetrievalCost) -> list[Month]:
    """The option's own months with retrieval's running costs: the monthly ones plus each request's query."""
    return [replace(m, retrieval_usd=cost.monthly_usd + m.requests * cost.query_usd_per_request) for m in months]
