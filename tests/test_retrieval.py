"""The retrieval option ("base model + retrieved context", alone or with a fine-tune): its costs by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from ftcost.engine import uncertainty as u
from ftcost.measure_training import measured_plan
from ftcost.scenario import dump_scenario, gallery, load_scenario, parse_scenario

# Prices on 2024-09-01 (pricing/prices/): text-embedding-3-small $0.02 / 1M tokens; gpt-4o-mini $0.15 input and
# $0.60 output per 1M; its fine-tune $0.30 / $1.20.
CASE = """
schema_version = 1
name = "retrieval by hand"
as_of = 2024-09-01
horizon_months = 3
[workload]
requests_per_month = 10000
long_prompt_tokens = 2000
short_prompt_tokens = 100
output_tokens_per_request = 100
[[option]]
name = "long prompt"
model = "gpt-4o-mini-2024-07-18"
prompt = "long"
accuracy_pct = 80
[[option]]
name = "retrieval"
model = "gpt-4o-mini-2024-07-18"
prompt = "short"
accuracy_pct = 90
[option.retrieval]
documents = 1000
tokens_per_document = 500
updated_pct_per_month = 20
embedding_model = "text-embedding-3-small"
retrieved_tokens_per_request = 1000
query_tokens_per_request = 20
vector_store_usd_per_month = 50
hourly_usd = 100
build_hours = 10
maintain_hours_per_month = 2
[[option]]
name = "both"
model = "ft:gpt-4o-mini-2024-07-18"
prompt = "short"
accuracy_pct = 95
[option.retrieval]
documents = 1000
tokens_per_document = 500
updated_pct_per_month = 20
retrieved_tokens_per_request = 1000
query_tokens_per_request = 20
vector_store_usd_per_month = 50
hourly_usd = 100
build_hours = 10
maintain_hours_per_month = 2
[training]
planned_examples = 100
tokens_per_example = 500
iterations = 1
epochs = 3
[labour]
weeks = 4
data_prep_minutes_per_example = 0
[quality]
cost_per_wrong_answer_usd = 1
"""


def test_a_retrieval_options_costs_by_hand():
    plan = measured_plan(parse_scenario(CASE))
    r = plan.option("retrieval")
    cost = r.retrieval
    assert cost.price_per_mtok == Decimal("0.02")
    assert cost.corpus_tokens == 500_000 and cost.corpus_usd == Decimal("0.01")  # 500k × $0.02 / 1M
    assert cost.one_off_usd == Decimal("1000.01")  # + 10 build hours × $100
    assert cost.update_tokens_per_month == 100_000 and cost.updates_usd_per_month == Decimal("0.002")
    assert cost.monthly_usd == Decimal("250.002")  # updates + $50 store + 2 h × $100
    assert cost.query_usd_per_request == Decimal("0.0000004")  # 20 tokens × $0.02 / 1M
    first = r.months[0]
    assert r.tokens.prompt_tokens == 1100  # the short prompt + 1,000 retrieved tokens
    assert first.input_usd == Decimal("1.65")  # 10,000 × 1,100 × $0.15 / 1M
    assert first.output_usd == Decimal("0.6")  # 10,000 × 100 × $0.60 / 1M
    assert first.retrieval_usd == Decimal("250.006")  # monthly + 10,000 queries × $0.0000004
    assert first.one_off_usd == Decimal("1000.01")
    assert first.wrong_answers_usd == Decimal("1000")  # 10 % of 10,000 × $1
    assert first.total_usd == Decimal("1.65") + Decimal("0.6") + Decimal("250.006") + Decimal("1000") + Decimal(
        "1000.01"
    )
    assert r.months[1].one_off_usd == 0 and r.months[1].retrieval_usd == Decimal("250.006")
    assert r.go_live_month == 1  # retrieval is a base option: it serves from month 1


def test_a_fine_tune_with_retrieval_pays_both_one_offs_and_retrieves_once_live():
    plan = measured_plan(parse_scenario(CASE))
    both = plan.option("both")
    assert both.fine_tuned and both.go_live_month == 2
    assert both.months[0].served_by == "long prompt" and both.months[0].retrieval_usd == 0
    assert both.months[0].one_off_usd == both.one_off.total_usd + Decimal("1000.01")
    assert both.months[1].retrieval_usd == Decimal("250.006")
    # fine-tuned input at $0.30 / 1M: 10,000 × 1,100 tokens
    assert both.months[1].input_usd == Decimal("3.30")
    # it is compared against the retrieval option as against any base option
    assert any(b.fine_tuned == "both" and b.against == "retrieval" for b in plan.break_even)


def test_an_embedding_model_not_offered_on_the_date_leaves_the_option_out():
    plan = measured_plan(
        parse_scenario(
            CASE.replace("as_of = 2024-09-01", "as_of = 2023-12-01").replace(
                "gpt-4o-mini-2024-07-18", "gpt-3.5-turbo-1106"
            )
        )
    )
    assert "retrieval" not in [o.name for o in plan.options]
    assert any(w.startswith("retrieval is left out of the plan: its retrieval's embeddings") for w in plan.warnings)


def test_retrieval_round_trips_and_the_simulation_reproduces_it():
    scenario = parse_scenario(CASE)
    assert parse_scenario(dump_scenario(scenario)) == scenario
    plan = measured_plan(scenario)
    model = u.linear_model(scenario, plan)
    cum = u.cumulative(model, model.likely(1))
    for o in plan.options:
        assert [float(x) for x in o.cumulative_usd] == pytest.approx(list(cum[o.name][0]), abs=0.01)


def test_the_rules_change_gallery_compares_fine_tune_retrieval_and_both():
    scenario = load_scenario(gallery()["airport-rules-change"])
    plan = measured_plan(scenario)
    names = [o.name for o in plan.options]
    assert names == [
        "GPT-4o mini, rules in the prompt",
        "Fine-tuned GPT-4o mini",
        "GPT-4o mini + retrieval",
        "Fine-tuned GPT-4o mini + retrieval",
    ]
    assert plan.option("GPT-4o mini + retrieval").retrieval is not None
    assert not plan.warnings
    sim = u.simulate(scenario, plan)
    assert 0 < sim.odds_for("Fine-tuned GPT-4o mini + retrieval", "GPT-4o mini, rules in the prompt").p_pays_back <= 1
    assert plan.as_of == dt.date(2025, 6, 1)


def test_a_retrieval_options_one_off_is_its_build_and_the_report_shows_it():
    from ftcost import report

    plan = measured_plan(parse_scenario(CASE))
    assert plan.option("retrieval").one_off_usd == Decimal("1000.01")
    both = plan.option("both")
    assert both.one_off_usd == both.one_off.total_usd + Decimal("1000.01")
    data = report.to_dict(plan)
    assert data["options"][1]["retrieval"]["one_off_usd"] == "1000.01"
    text = report.to_markdown(plan)
    assert "## Retrieved context" in text and "| retrieval | 500,000 tokens | $0.01 | $1,000.00 |" in text
    assert report.to_csv(plan).splitlines()[0].endswith(",retrieval_usd")
