"""Provider options in a plan: hosting as its own slice of each month, the team's [[rate]] figures, options
left out with a sentence when a price is absent, and scenarios without providers unchanged."""

import datetime as dt
from decimal import Decimal as D

import pytest

from ftcost import engine
from ftcost.errors import ScenarioError
from ftcost.measure_training import measured_plan
from ftcost.scenario import dump_scenario, gallery, load_scenario, parse_scenario
from ftcost.views.plan import BREAKDOWN_PARTS

DAY = dt.date(2026, 12, 1)

BASE = """schema_version = 1
name = "providers"
as_of = 2026-12-01
horizon_months = 6
[workload]
requests_per_month = 10000
long_prompt_tokens = 1000
short_prompt_tokens = 100
output_tokens_per_request = 50
[[option]]
name = "base"
model = "gpt-4.1-mini-2025-04-14"
prompt = "long"
accuracy_pct = 90
{options}
[training]
planned_examples = 1000
tokens_per_example = 500
epochs = 2
iterations = 1
[labour]
weeks = 1
data_prep_minutes_per_example = 0
{rates}
"""

AZURE = """[[option]]
name = "azure"
provider = "azure"
model = "ft:gpt-4.1-mini-2025-04-14"
deployment = "standard"
existing_customer = true
prompt = "short"
accuracy_pct = 95
"""
TEAM = """[[rate]]
provider = "azure"
kind = "training_mtok"
price = 2
[[rate]]
provider = "azure"
kind = "inference"
input = 1
output = 4
"""
TOGETHER = """[[option]]
name = "together"
provider = "together"
model = "ft:meta-llama/Meta-Llama-3.1-8B-Instruct-Reference"
deployment = "dedicated"
hours_per_month = 720
prompt = "short"
accuracy_pct = 92
"""


def plan_of(options, rates=""):
    return engine.plan(parse_scenario(BASE.format(options=options, rates=rates)), DAY)


def test_azure_hosting_is_its_own_slice_from_go_live():
    p = plan_of(AZURE, TEAM)
    az = p.option("azure")
    # Go-live is month 2 (a 1-week project); month 1 is the current option's.
    assert az.go_live_month == 2 and az.months[0].hosting_usd == 0
    for m in az.months[1:]:
        assert m.hosting_usd == D("1241.00")  # $1.70 × 730 h, one Standard deployment
    # 10,000 requests × 100 prompt tokens × $1 + × 50 output × $4 per 1M (the team's figures) = $1 + $2.
    assert az.steady.inference_usd == D("3")
    assert az.monthly_usd == D("1244.00")
    # The one-off: 500 tokens × 1,000 examples × 2 epochs × $2 per 1M = $2 of training, labour 0.
    assert az.one_off.training_usd == D("2")
    assert any("the team's figure" in w for w in p.warnings)


def test_month_total_includes_hosting():
    m = plan_of(AZURE, TEAM).option("azure").months[2]
    assert m.total_usd == m.inference_usd + m.hosting_usd + m.wrong_answers_usd + m.one_off_usd
    assert BREAKDOWN_PARTS["Hosting and dedicated serving"] == "hosting_usd"


def test_together_dedicated_endpoint_bills_hours_not_tokens():
    t = plan_of(TOGETHER).option("together")
    assert t.steady.inference_usd == 0
    assert t.steady.hosting_usd == D("5.49") * 720  # 30-day month stated in the scenario
    # Together bills 1 epoch by default, but the scenario says 2: 1,000 × 500 × 2 = 1M tokens × $0.48.
    assert t.one_off.training_usd == D("0.48")
    assert t.resolved_model == "together:meta-llama/Meta-Llama-3.1-8B-Instruct-Reference"
    assert t.tokens.encoding == "llama3"  # counted with its own family


def test_azure_without_the_teams_rates_is_left_out_with_a_sentence():
    p = plan_of(AZURE + TOGETHER)
    assert [o.name for o in p.options] == ["base", "together"]
    assert any(w.startswith("azure is left out of the plan") and "[[rate]]" in w for w in p.warnings)


def test_stopped_provider_is_left_out():
    cohere = TOGETHER.replace('provider = "together"', 'provider = "cohere"').replace('name = "together"', 'name = "c"')
    p = plan_of(cohere + TOGETHER)
    assert any("c is left out of the plan" in w for w in p.warnings)


def test_unknown_provider_is_left_out_naming_the_choices():
    bad = TOGETHER.replace('provider = "together"', 'provider = "acme"').replace('name = "together"', 'name = "x"')
    p = plan_of(bad + TOGETHER)
    assert any("unknown provider 'acme'" in w for w in p.warnings)


@pytest.mark.parametrize(
    "rate, message",
    [
        ('[[rate]]\nprovider = "openai"\nkind = "hosting_hour"\nprice = 1', "providers other than openai"),
        ('[[rate]]\nprovider = "azure"\nkind = "inference"\nprice = 1', "input and output"),
        ('[[rate]]\nprovider = "azure"\nkind = "hosting_hour"\ninput = 1', "gives price"),
    ],
)
def test_bad_team_rates_are_refused(rate, message):
    with pytest.raises(ScenarioError, match=message):
        parse_scenario(BASE.format(options=TOGETHER, rates=rate))


def test_scenarios_without_providers_dump_unchanged():
    s = load_scenario(gallery()["airport-2023"])
    assert all(o.provider_id == "openai" for o in s.option)
    text = dump_scenario(s)
    assert "provider" not in text and "rate" not in text.replace("rates", "")


def test_the_default_scenario_offers_the_migration_scenarios_provider_options():
    default, migration = load_scenario(gallery()["airport"]), load_scenario(gallery()["airport-migration"])
    elsewhere = [o for o in migration.option if o.provider_id != "openai"]
    assert elsewhere and all(o in default.option for o in elsewhere)
    assert default.rate == migration.rate  # the team's Azure figures come with the Azure option


def test_migration_gallery_scenario_compares_every_provider_with_hosting():
    s = load_scenario(gallery()["airport-migration"])
    p = measured_plan(s)
    names = {o.name: o for o in p.options}
    assert set(names) == {o.name for o in s.option}  # every option planned on the scenario's date
    assert {o.provider_id for o in s.option} == {"openai", "azure", "together", "fireworks", "self-hosted"}
    for o in p.options:
        if o.fine_tuned:
            assert o.steady.hosting_usd > 0, o.name
    assert names["Azure: fine-tuned GPT-4.1 mini (existing customer)"].steady.hosting_usd == D("1241.00")
    assert names["Fireworks: Llama 3.1 8B LoRA, dedicated deployment"].steady.hosting_usd == D("5840.00")


def test_after_gpt_41_mini_stops_the_migration_answer_still_compares_against_a_base_served():
    s = load_scenario(gallery()["airport-migration"])
    p = measured_plan(s, dt.date(2027, 6, 1))
    bases = [o for o in p.options if not o.fine_tuned]
    assert [o.name for o in bases] == ["GPT-6 luna, long prompt"]
    assert p.break_even and all(b.against == "GPT-6 luna, long prompt" for b in p.break_even)


@pytest.mark.parametrize(
    "day, existing, left_out",
    [
        (dt.date(2021, 1, 1), True, "cannot fine-tune gpt-4.1-mini-2025-04-14 before 2025-04-14"),
        (dt.date(2026, 12, 1), False, "for anyone from 2026-10-14 (existing customers: 2027-04-14)"),
        (dt.date(2026, 12, 1), True, None),
        (dt.date(2027, 4, 14), True, "for existing customers from 2027-04-14"),
    ],
)
def test_a_provider_fine_tune_is_left_out_outside_its_training_window(day, existing, left_out):
    option = AZURE.replace("existing_customer = true", f"existing_customer = {str(existing).lower()}")
    text = BASE.format(options=option, rates=TEAM).replace("as_of = 2026-12-01", f"as_of = {day.isoformat()}")
    scenario = parse_scenario(text)
    warnings: list[str] = []
    from ftcost.engine.providers_plan import provider_option_plan

    result = provider_option_plan(scenario, scenario.option[1], day, go_live=2, current_months=None, warnings=warnings)
    if left_out is None:
        assert result is not None
    else:
        assert result is None and any(left_out in w for w in warnings), warnings


def test_breakdown_shows_hosting_as_its_own_slice():
    from ftcost.views.plan import breakdown_frame

    frame = breakdown_frame(plan_of(AZURE, TEAM))
    hosting = frame[(frame["part"] == "Hosting and dedicated serving") & (frame["option"] == "azure")]
    assert list(hosting["usd_text"])[1:] == ["$1,241.00"] * 5


def test_a_provider_fine_tune_past_its_training_window_cannot_be_done_and_the_answer_says_so():
    """Azure starts no new fine-tuning job on GPT-4.1 mini for new customers from 2026-10-14: on 2026-12-01 that
    fine-tune is infeasible, listed with its reason (in the answer, after the cheapest option and what can still be
    done), not buried among the warnings."""
    from ftcost import report

    option = AZURE.replace("existing_customer = true", "existing_customer = false")
    p = plan_of(option, TEAM)
    (x,) = p.infeasible
    assert x.name == "azure" and x.fine_tuned
    assert x.reasons == (
        "azure is left out of the plan: Azure OpenAI (Microsoft Foundry) starts no new fine-tuning "
        "job on gpt-4.1-mini-2025-04-14 for anyone from 2026-10-14 (existing customers: 2027-04-14).",
    )
    assert not any("azure" in w for w in p.warnings)
    answer = report.headline(p)
    assert answer == [report.stay_sentence(p), x.reasons[0]]  # the cheapest base option to stay on, then why


@pytest.mark.parametrize("lang", ["en", "zh-Hant"])
def test_each_fine_tunes_epochs_say_what_they_rest_on(lang):
    # Together trains one epoch when none is set (its documented default), not OpenAI's auto rule; a provider that
    # documents none is planned on OpenAI's auto rule and says so; the epochs are counted in the reader's grammar.
    from ftcost import i18n, report
    from ftcost.views.plan import training_note

    scenario = load_scenario(gallery()["airport"])
    p = measured_plan(scenario, DAY)
    x = {o.name: o for o in p.options if o.one_off}
    together = x["Together: Llama 3.1 8B LoRA, dedicated endpoint"].one_off
    fireworks = x["Fireworks: Llama 3.1 8B LoRA, dedicated deployment"].one_off
    assert (together.epochs, together.epochs_estimated, together.epochs_default) == (1, True, "Together AI")
    assert (fireworks.epochs_estimated, fireworks.epochs_default) == (True, None)
    with i18n.use(lang):
        text = report.to_markdown(p)
        default = i18n._(" ({provider}'s default when none is set)").format(provider="Together AI")
        auto = i18n._(" (OpenAI's auto rule, estimated)")
        one = i18n.ngettext("{n} epoch", "{n} epochs", 1).format(n=1)
        three = i18n.ngettext("{n} epoch", "{n} epochs", fireworks.epochs).format(n=fireworks.epochs)
    assert f"× {one}{default} =" in text
    assert f"× {three}{auto} =" in text
    assert "OpenAI" not in default and "Together AI" in default
    if lang == "en":
        assert "× 1 epoch (Together AI's default when none is set) =" in text
        assert "1 epochs" not in text
    # The Plan page's training note says the same of the first fine-tune planned.
    note, _ = training_note(p, None, scenario.training.planned_examples)
    first = next(o for o in p.options if o.fine_tuned and o.one_off)
    assert ("OpenAI's auto rule" in note) == (first.one_off.epochs_default is None)


def test_an_openai_price_on_secondary_sources_only_is_warned_of_as_a_providers_is():
    # GPT-6 luna's launch price rests on two public reports of the launch day (verified = false in pricing/): a plan
    # that uses it says so, as it says so of a provider's unverified rate; a verified price is not warned of.
    from ftcost.engine import PLAN_RATES
    from ftcost.i18n import text

    scenario = load_scenario(gallery()["airport"])
    p = measured_plan(scenario, DAY)
    warnings = [text(w) for w in p.warnings]
    luna = next(o for o in scenario.option if o.model == "gpt-6-luna")
    said = [w for w in warnings if w.startswith(f"{luna.name}: unverified rate — ")]
    assert said == [
        f"{luna.name}: unverified rate — Secondary sources only (two public reports of the launch day); "
        "not in the price databases read."
    ]
    mini = next(o for o in scenario.option if o.model == "gpt-4.1-mini-2025-04-14" and not o.fine_tuned)
    assert not [w for w in warnings if w.startswith(f"{mini.name}: unverified")]
    assert "input" in PLAN_RATES
