"""The Streamlit app through AppTest: every page renders, inputs move the engine's numbers, files and links
round-trip, bad input is one sentence on the page. Expected figures come from ftcost's library called
directly (engine.plan, format_usd), never from copies of the app's output.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from decimal import Decimal

import pytest
from conftest import REPO
from streamlit.testing.v1 import AppTest

from ftcost import views
from ftcost.dataset import analyze_bytes
from ftcost.measure_training import measured_plan
from ftcost.money import format_usd
from ftcost.scenario import dataset_path, default_scenario, gallery, load_scenario, parse_scenario
from ftcost.share import PARAM, decode_link, encode_link
from ftcost.text import markdown

APP = str(REPO / "app.py")
PAGES = [
    "ui/page_plan.py",
    "ui/page_dataset.py",
    "ui/page_prompts.py",
    "ui/page_people.py",
    "ui/page_live.py",
    "ui/page_prices.py",
]
TITLES = ["Airport customer-service bot", "Dataset", "Prompts & volume", "People & pilot", "Live calibration", "Prices"]
#: The tests pin the price date: the app defaults to today, the assertions must not. On this day every option of
#: the default scenario is priced (gpt-6-luna from 2026-09-22) and its fine-tunes can still be carried out (from
#: 2026-11-19 an 8-week project no longer goes live before they stop serving on 2027-01-14); they serve one month
#: and hand the rest to their successor.
DAY = dt.date(2026, 10, 1)
REQUESTS = "w:workload.requests_per_month"


def start(query: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    if query:
        at.query_params.update(query)
    at.run()
    assert not at.exception, at.exception
    return at


def pin_date(at: AppTest, day: dt.date = DAY) -> AppTest:
    at.date_input(key="w:as_of").set_value(day).run()
    assert not at.exception, at.exception
    return at


def metric(at: AppTest, label: str) -> list:
    return [m for m in at.metric if m.label == label]


def scenario(at: AppTest):
    return at.session_state["scenario"]


# --- every page ------------------------------------------------------------------------------------------


@pytest.mark.app
@pytest.mark.parametrize("page, title", list(zip(PAGES, TITLES, strict=True)))
def test_every_page_renders_without_error(page, title):
    at = pin_date(start())
    at.switch_page(page).run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert at.title[0].value == title


@pytest.mark.app
@pytest.mark.parametrize("stem", sorted(gallery()))
def test_every_gallery_scenario_renders_on_every_page(stem):
    at = start()
    at.sidebar.selectbox(key="gallery_pick").select(stem).run()
    pin_date(at, load_scenario(gallery()[stem]).as_of or DAY)
    for page in PAGES:
        at.switch_page(page).run()
        assert not at.exception, (page, at.exception)
        assert not at.error, (page, [e.value for e in at.error])


@pytest.mark.app
@pytest.mark.parametrize("day", [dt.date(2020, 1, 1), dt.date(2023, 9, 1), dt.date(2030, 1, 1)])
def test_every_page_survives_any_price_date(day):
    """Before the models existed, in the seed's September 2023, after fine-tuning closed: sentences, never a crash."""
    at = pin_date(start(), day)
    for page in PAGES:
        at.switch_page(page).run()
        assert not at.exception, (page, at.exception)


@pytest.mark.app
def test_the_app_opens_on_the_default_scenario_with_its_answer():
    at = pin_date(start())
    assert scenario(at).name == default_scenario().name
    plan = measured_plan(default_scenario(), DAY)
    first_base = views.base_options(plan)[0]
    text = " ".join(m.value for m in at.markdown)
    # The answer box shows the library's headline sentences for the first base option (as Markdown that shows
    # them as written: `$` escaped, so two amounts are not read as a formula).
    for sentence in views.answer(plan, first_base)[0]:
        assert markdown(sentence) in text
    be = next(b for b in plan.break_even if b.against == first_base)
    assert metric(at, "Break-even")[0].value == (f"Month {be.month}" if be.month else "No")
    # Lifecycle warnings are on the page, in the engine's words.
    warning = " ".join(w.value for w in at.warning)
    assert all(markdown(w) in warning for w in plan.warnings)


# --- what if ---------------------------------------------------------------------------------------------


@pytest.mark.app
def test_changing_requests_per_month_moves_the_fine_tune_by_the_engines_amount():
    at = pin_date(start())
    base = default_scenario()
    ft_index = next(i for i, o in enumerate(measured_plan(base, DAY).options) if o.fine_tuned)
    before = measured_plan(base, DAY).options[ft_index]
    assert metric(at, "of which API cost")[ft_index].value == format_usd(before.monthly_usd)

    at.number_input(key=REQUESTS).set_value(90_000).run()
    assert not at.exception

    changed = base.model_copy(deep=True)
    changed.workload.requests_per_month = 90_000
    after = measured_plan(changed, DAY).options[ft_index]
    assert after.monthly_usd != before.monthly_usd
    assert metric(at, "of which API cost")[ft_index].value == format_usd(after.monthly_usd)
    with_wrong = after.monthly_with_wrong_answers_usd  # the engine's figure: tests copy no arithmetic
    assert metric(at, "Monthly cost, wrong answers included")[ft_index].value == format_usd(with_wrong)
    assert scenario(at).workload.requests_per_month == 90_000


@pytest.mark.app
def test_an_edit_survives_page_switches_and_shows_on_every_page():
    at = pin_date(start())
    at.number_input(key=REQUESTS).set_value(45_000).run()
    at.switch_page("ui/page_prompts.py").run()
    assert at.number_input(key=REQUESTS).value == 45_000
    at.switch_page("ui/page_people.py").run()
    at.switch_page("ui/page_plan.py").run()
    assert at.number_input(key=REQUESTS).value == 45_000
    assert scenario(at).workload.requests_per_month == 45_000


@pytest.mark.app
def test_two_sessions_do_not_share_a_scenario():
    one, two = pin_date(start()), pin_date(start())
    one.number_input(key=REQUESTS).set_value(77_000).run()
    two.run()
    assert scenario(one).workload.requests_per_month == 77_000
    assert scenario(two).workload.requests_per_month == default_scenario().workload.requests_per_month


@pytest.mark.app
def test_an_invalid_edit_is_one_sentence_and_keeps_the_previous_value():
    at = pin_date(start())
    at.switch_page("ui/page_prompts.py").run()
    answer = scenario(at).workload.sample_answer
    # With no stated output tokens, the sample answer is what output is measured from: it may not be empty.
    at.text_area(key="w:workload.sample_answer").set_value("").run()
    assert not at.exception
    errors = [e.value for e in at.error]
    assert any("sample_answer" in e and "previous value is kept" in e for e in errors), errors
    assert scenario(at).workload.sample_answer == answer
    assert at.text_area(key="w:workload.sample_answer").value == answer


@pytest.mark.app
def test_the_roles_table_edits_the_scenario():
    at = pin_date(start())
    at.switch_page("ui/page_people.py").run()
    # AppTest cannot type into st.data_editor; it accepts the editor's edit state set before a run, which is
    # what the browser sends. The row index is the table's as drawn (ML engineer first).
    key = "w:labour.role#0"
    at.session_state[key] = {"edited_rows": {0: {"Hours per iteration": 40.0}}, "added_rows": [], "deleted_rows": []}
    at.run()
    assert not at.exception
    roles = {r.role: r for r in scenario(at).labour.role}
    assert roles["ML engineer"].hours_per_iteration == 40
    # The labour table and the plan follow: 40 h × $95 for the ML engineer.
    labour = at.dataframe[1].value
    assert labour.loc[labour["Who"] == "ML engineer", "Per iteration"].item() == format_usd(Decimal(40 * 95))

    # Deleting the role that prepares the data breaks a rule of the scenario: one sentence, nothing changes.
    names = [r.role for r in scenario(at).labour.role]
    at.session_state[key] = {
        "edited_rows": {},
        "added_rows": [],
        "deleted_rows": [names.index(scenario(at).labour.data_prep_role)],
    }
    at.run()
    assert not at.exception
    assert any("data_prep_role" in e.value for e in at.error), [e.value for e in at.error]
    assert [r.role for r in scenario(at).labour.role] == names


@pytest.mark.app
def test_a_new_role_typed_name_first_waits_for_its_numbers_instead_of_vanishing():
    # In the browser a person clicks the empty row, types the Role and presses Enter before the numbers:
    # the row must stay in the editor with a sentence naming what it needs, and the scenario stays as it was.
    at = pin_date(start())
    at.switch_page("ui/page_people.py").run()
    names = [r.role for r in scenario(at).labour.role]
    key = "w:labour.role#0"
    at.session_state[key] = {"edited_rows": {}, "added_rows": [{"Role": "QA lead"}], "deleted_rows": []}
    at.run()
    assert not at.exception
    assert not at.error, [e.value for e in at.error]
    waiting = " ".join(i.value for i in at.info)
    # The cells are named as the table's headers name them (in the reader's currency and language).
    assert "Hourly cost (USD)" in waiting and "Hours per iteration" in waiting, waiting
    assert [r.role for r in scenario(at).labour.role] == names
    assert key in at.session_state  # the same editor: the typed row is not thrown away

    # Once the numbers are in, the role joins the plan.
    at.session_state[key] = {
        "edited_rows": {},
        "deleted_rows": [],
        "added_rows": [{"Role": "QA lead", "Hourly cost ($)": 50.0, "Hours per iteration": 4.0}],
    }
    at.run()
    assert not at.exception
    roles = {r.role: r for r in scenario(at).labour.role}
    assert roles["QA lead"].hourly_usd == 50 and roles["QA lead"].hours_per_iteration == 4


# --- datasets ----------------------------------------------------------------------------------------------


def _sample_lines() -> list[bytes]:
    return dataset_path(default_scenario()).read_bytes().splitlines()


@pytest.mark.app
def test_a_malformed_upload_names_the_line_and_still_counts_the_rest():
    lines = _sample_lines()
    bad = b"\n".join([*lines[:2], b'{"messages": [{"role": "user", "content": "unclosed"', *lines[2:]]) + b"\n"
    at = pin_date(start())
    at.switch_page("ui/page_dataset.py").run()
    at.file_uploader(key="dataset_upload").upload("bad.jsonl", bad, "application/jsonl")
    at.run()
    assert not at.exception, at.exception
    errors = " ".join(e.value for e in at.error)
    assert "bad.jsonl" in errors and "line 3" in errors and "invalid_json" in errors
    issues = at.dataframe[0].value
    assert issues.loc[issues["Problem"] == "invalid_json", "Lines"].item() == "3"
    assert metric(at, "Examples")[0].value == f"{len(lines):,}"


@pytest.mark.app
def test_a_second_session_uploading_the_same_file_reuses_the_analysis():
    data = b"\n".join(_sample_lines()[:11]) + b"\n"
    for _ in range(2):  # the second run is a cache hit: Streamlit replays the progress bar, which removes itself
        at = pin_date(start())
        at.switch_page("ui/page_dataset.py").run()
        at.file_uploader(key="dataset_upload").upload("same.jsonl", data, "application/jsonl").run()
        assert not at.exception, at.exception
        assert metric(at, "Examples")[0].value == "11"
        assert not at.get("progress")


@pytest.mark.app
def test_an_uploaded_dataset_feeds_the_plan():
    # Only the first six examples, repeated: a different mean of tokens per example than the full sample.
    data = b"\n".join(_sample_lines()[:6] * 2) + b"\n"
    at = pin_date(start())
    at.switch_page("ui/page_dataset.py").run()
    at.file_uploader(key="dataset_upload").upload("mine.jsonl", data, "application/jsonl").run()
    at.switch_page("ui/page_plan.py").run()
    assert not at.exception
    plan = measured_plan(default_scenario(), DAY, upload=("mine.jsonl", data))
    default = measured_plan(default_scenario(), DAY)
    ft_index = next(i for i, o in enumerate(plan.options) if o.fine_tuned)
    assert plan.options[ft_index].one_off_usd != default.options[ft_index].one_off_usd
    assert metric(at, "One-off cost")[ft_index].value == format_usd(plan.options[ft_index].one_off_usd)


@pytest.mark.app
def test_the_dataset_page_prices_training_on_every_fine_tunable_model():
    at = pin_date(start())
    at.switch_page("ui/page_dataset.py").run()
    table = at.dataframe[-1].value
    data = dataset_path(default_scenario()).read_bytes()
    from ftcost import pricing

    row = table[table["Model"] == "gpt-4o-mini-2024-07-18"].iloc[0]
    report = analyze_bytes(data, "train.jsonl", model="gpt-4o-mini-2024-07-18")
    usd, _ = pricing.training_cost("gpt-4o-mini-2024-07-18", report.charged_tokens, DAY)
    assert row["Cost of one run"] == format_usd(usd)
    assert row["Charged tokens"] == f"{report.charged_tokens:,}"


# --- files and links ------------------------------------------------------------------------------------------


@pytest.mark.app
def test_a_share_link_opens_the_same_scenario():
    shared = load_scenario(gallery()["reviews"]).model_copy(deep=True)
    shared.workload.requests_per_month = 12_345
    at = start({PARAM: encode_link(shared)})
    assert scenario(at) == shared
    assert at.title[0].value == shared.name
    assert at.number_input(key=REQUESTS).value == 12_345
    # The address bar keeps carrying it.
    assert decode_link(at.query_params[PARAM]) == shared


@pytest.mark.app
@pytest.mark.parametrize("payload", ["1.not-base64!!", "2.abc", "1." + "A" * 9000])
def test_a_broken_link_says_why_and_falls_back_to_the_default(payload):
    at = start({PARAM: payload})
    with pytest.raises(Exception) as raised:
        decode_link(payload)
    errors = " ".join(e.value for e in at.error)
    assert str(raised.value) in errors and "default scenario" in errors
    assert scenario(at) == default_scenario()


@pytest.mark.app
def test_the_downloaded_scenario_parses_back_to_the_same_scenario(downloads):
    at = pin_date(start())
    at.number_input(key=REQUESTS).set_value(55_000).run()
    button = next(b for b in at.get("download_button") if b.proto.id.endswith("download_scenario"))
    text = downloads[button.proto.url].decode("utf-8")
    parsed = parse_scenario(text)
    assert parsed == scenario(at).model_copy(update={"as_of": DAY})
    assert parsed.workload.requests_per_month == 55_000


@pytest.mark.app
def test_opening_a_scenario_file_replaces_the_scenario():
    text = (gallery()["marv"]).read_text(encoding="utf-8")
    at = pin_date(start())
    at.sidebar.file_uploader(key="scenario_upload").upload("marv.toml", text.encode(), "application/toml").run()
    assert not at.exception
    assert scenario(at) == parse_scenario(text)
    at.sidebar.file_uploader(key="scenario_upload").upload("broken.toml", b"schema_version = 1\nname = ", "text/plain")
    at.run()
    assert not at.exception
    assert any("broken.toml" in e.value for e in at.error)


@pytest.mark.app
def test_a_scenario_too_big_for_a_link_says_so_and_still_downloads():
    big = default_scenario().model_copy(update={"as_of": DAY}, deep=True)
    # Random-looking text does not compress: a link to it would be far over the limit.
    big.workload.long_prompt = " ".join(f"{(i * 7919) % 100003:x}" for i in range(20_000))
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["scenario"] = big
    at.run()
    assert not at.exception
    with pytest.raises(Exception) as raised:
        encode_link(big)
    assert str(raised.value) in [i.value for i in at.sidebar.info]
    assert PARAM not in at.query_params
    assert any(b.proto.id.endswith("download_scenario") for b in at.get("download_button"))


@pytest.mark.app
def test_a_scenario_whose_sample_is_elsewhere_asks_for_the_file():
    elsewhere = default_scenario().model_copy(update={"as_of": DAY}, deep=True)  # a day a fine-tune needs its data
    elsewhere.training.dataset = "not-here/train.jsonl"
    at = start({PARAM: encode_link(elsewhere)})
    assert not at.exception
    errors = " ".join(e.value for e in at.error)
    assert "not-here/train.jsonl" in errors and "Upload the training file on the Dataset page" in errors
    # Uploading the file makes the plan whole again.
    at.switch_page("ui/page_dataset.py").run()
    at.file_uploader(key="dataset_upload").upload("train.jsonl", dataset_path(default_scenario()).read_bytes()).run()
    at.switch_page("ui/page_plan.py").run()
    assert not at.exception and not at.error
    assert metric(at, "Break-even")


@pytest.mark.app
def test_picking_a_gallery_scenario_loads_it():
    at = start()
    at.sidebar.selectbox(key="gallery_pick").select("reviews").run()
    assert not at.exception
    assert scenario(at) == load_scenario(gallery()["reviews"])
    assert at.title[0].value == load_scenario(gallery()["reviews"]).name


# --- layering ---------------------------------------------------------------------------------------------


def test_the_views_library_does_not_import_streamlit():
    # The star import loads every page module (ftcost.views itself loads them on first use).
    code = "import sys; from ftcost.views import *; sys.exit('streamlit' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], cwd=REPO).returncode == 0


@pytest.mark.app
def test_the_options_table_changes_what_is_compared():
    at = pin_date(start())
    key = "w:option#0"
    names = [o.name for o in scenario(at).option]
    ft = next(i for i, o in enumerate(scenario(at).option) if o.fine_tuned)
    at.session_state[key] = {"edited_rows": {ft: {"Accuracy (%)": 80.0}}, "added_rows": [], "deleted_rows": []}
    at.run()
    assert not at.exception
    assert scenario(at).option[ft].accuracy_pct == 80
    changed = default_scenario().model_copy(deep=True)
    changed.option[ft].accuracy_pct = Decimal(80)
    plan = measured_plan(changed, DAY)
    # Cards follow the plan's options (an option not served on the day has none): find the edited one by name.
    card = [o.name for o in plan.options].index(changed.option[ft].name)
    cost = plan.options[card].monthly_with_wrong_answers_usd
    assert metric(at, "Monthly cost, wrong answers included")[card].value == format_usd(cost)

    # Deleting every fine-tune leaves nothing to plan: the scenario's rule, in one sentence, and no change.
    fine_tuned = [i for i, o in enumerate(scenario(at).option) if o.fine_tuned]
    at.session_state[key] = {"edited_rows": {}, "added_rows": [], "deleted_rows": fine_tuned}
    at.run()
    assert not at.exception
    assert any("fine-tuned" in e.value for e in at.error), [e.value for e in at.error]
    assert [o.name for o in scenario(at).option] == names


# --- today's truth ---------------------------------------------------------------------------------------


@pytest.mark.app
def test_the_default_plan_today_leads_with_the_cheapest_and_then_says_what_cannot_be_done():
    day = dt.date(2026, 12, 1)
    at = pin_date(start(), day)
    plan = measured_plan(default_scenario(), day)
    main, _ = views.answer(plan, views.base_options(plan)[0])
    answer = [m.value for m in at.markdown if m.value.startswith("- ")][0]
    # The answer box's first sentence is the option cheapest over the horizon; then what a team can still do:
    # the fine-tunes of the providers that still offer it, each compared, and the pilot of the best; and last,
    # each infeasible fine-tune and why.
    cheapest = min(plan.options, key=lambda o: o.cumulative_usd[-1])
    assert main[0].startswith(f"Cheapest over 12 months: {cheapest.name}")
    assert answer.startswith("- " + markdown(main[0]))
    cannot = next(i for i, s in enumerate(main) if s.startswith("Fine-tuned GPT-4.1 mini cannot be carried out"))
    assert cannot > next(i for i, s in enumerate(main) if s.startswith("Run the pilot first"))
    assert all(markdown(s) in answer for s in main)
    elsewhere = {o.name for o in default_scenario().option if o.provider_id != "openai"}
    doable = [o.name for o in plan.options if o.fine_tuned and o.name in elsewhere]
    assert doable
    page = "\n".join(m.value for m in at.markdown)
    assert all(name in page for name in doable)
    assert plan.pilot is not None and "stay on a base model" not in answer
    # The rest of the page still works: the options left, the what-if inputs, the downloads.
    assert metric(at, "Monthly cost, wrong answers included")
    assert at.number_input(key=REQUESTS).value == default_scenario().workload.requests_per_month
    assert len(at.get("download_button")) >= 3


@pytest.mark.app
def test_prices_as_of_says_when_the_scenario_pins_its_date():
    at = start()
    at.sidebar.selectbox(key="gallery_pick").select("reviews").run()
    assert at.date_input(key="w:as_of").value == dt.date(2023, 9, 1)
    assert any("Pinned in the scenario (as_of = 2023-09-01)" in c.value for c in at.sidebar.caption)
    assert "(the scenario's own date)" in at.caption[0].value


@pytest.mark.app
def test_a_plan_error_keeps_the_inputs_on_the_page():
    # A fine-tune that needs its dataset, on a day it can be carried out, with the file missing.
    elsewhere = default_scenario().model_copy(update={"as_of": DAY}, deep=True)
    elsewhere.training.dataset = "not-here/train.jsonl"
    at = start({PARAM: encode_link(elsewhere)})
    assert any("not-here/train.jsonl" in e.value for e in at.error)
    at.number_input(key=REQUESTS).set_value(45_000).run()  # the what-if inputs are still there and still work
    assert not at.exception and scenario(at).workload.requests_per_month == 45_000


@pytest.mark.app
def test_a_plan_that_cannot_be_made_keeps_the_title_in_the_readers_language():
    # The title is shown before the plan is worked out (a first visit sees it above the spinners), so a plan
    # that fails keeps the same title as one that works: the scenario's name in the reader's language.
    from ftcost.scenario import DisplaySettings

    elsewhere = default_scenario().model_copy(
        update={"as_of": DAY, "display": DisplaySettings(language="zh-Hant")}, deep=True
    )
    elsewhere.training.dataset = "not-here/train.jsonl"
    at = start({PARAM: encode_link(elsewhere)})
    assert not at.exception and at.error
    assert [t.value for t in at.title] == ["機場客服機器人"]


@pytest.mark.app
def test_the_app_counts_without_loading_tiktoken_when_the_fast_counter_serves():
    # tiktoken's vocabularies (~0.9 s and ~46 MB each) are loaded only for a string the fast counter must leave to
    # it; the default scenario has none, so a fresh server's first visit loads neither.
    import streamlit as st

    from ftcost import tokens

    if tokens.counter_name("o200k_base") != "toktok-rs":
        pytest.skip("the fast counter is unavailable here: tiktoken is what counts")
    st.cache_data.clear()
    st.cache_resource.clear()
    tokens.get_encoding.cache_clear()
    tokens.counter.cache_clear()
    try:
        at = start()
        assert not at.exception
        assert metric(at, "Break-even")  # the plan was worked out: its prompts and sample were counted
        assert tokens.get_encoding.cache_info().currsize == 0
    finally:
        tokens.counter.cache_clear()
