"""Issue 6 item 6: two concurrent app sessions with different scenarios and uploads never see each other's data.

tests/test_app.py already shows that an edit in one session leaves another's scenario alone. Here two sessions
open different scenarios, upload different training files in interleaved steps, and one of them types an API
key and measures on the Live page; each must show only its own scenario, file, figures and results. The same
file uploaded under two names (a shared cache entry) must not carry one session's file name into the other.
A real-browser variant drives two separate browser contexts against one served app.
"""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import REPO, downloaded, metric_value, ok
from standin_openai import FAKE_KEY
from streamlit.testing.v1 import AppTest
from test_secrets import page_text, session_values

from ftcost.measure_training import measured_plan
from ftcost.money import format_usd
from ftcost.scenario import dataset_path, default_scenario, gallery, load_scenario
from ftcost.share import PARAM, encode_link

APP = str(REPO / "app.py")
DAY = dt.date(2026, 10, 1)  # a day every default option is served and its fine-tunes can still be carried out
AIRPORT = default_scenario()
REVIEWS = load_scenario(gallery()["reviews"])
#: Different files for the two sessions: 11 airport examples, 10 review examples.
FILE_A = ("airport-a.jsonl", b"\n".join(dataset_path(AIRPORT).read_bytes().splitlines()[:11]) + b"\n")
FILE_B = ("reviews-b.jsonl", b"\n".join(dataset_path(REVIEWS).read_bytes().splitlines()[:10]) + b"\n")


def uploaded(name: str, data: bytes) -> AppTest:
    """A new session on DAY whose Dataset page has had `data` uploaded as `name`."""
    at = ok(AppTest.from_file(APP, default_timeout=60).run())
    ok(at.date_input(key="w:as_of").set_value(DAY).run())
    ok(at.switch_page("ui/page_dataset.py").run())
    at.file_uploader(key="dataset_upload").upload(name, data, "application/jsonl")
    return ok(at.run())


def one_off(scenario, day, upload) -> str:
    """The first fine-tune's one-off cost, from the engine, with this upload."""
    plan = measured_plan(scenario, day, upload=upload)
    return format_usd(next(o for o in plan.options if o.fine_tuned).one_off_usd)


def plan_one_offs(at: AppTest) -> list[str]:
    return [m.value for m in at.metric if m.label == "One-off cost"]


@pytest.mark.app
def test_two_sessions_with_different_scenarios_and_uploads_stay_apart(standin):
    a = ok(AppTest.from_file(APP, default_timeout=60).run())
    b = ok(AppTest.from_file(APP, default_timeout=60).run())
    ok(a.date_input(key="w:as_of").set_value(DAY).run())
    ok(b.sidebar.selectbox(key="gallery_pick").select("reviews").run())
    # interleaved: both open the Dataset page, A uploads, B uploads, then each runs again
    ok(a.switch_page("ui/page_dataset.py").run())
    ok(b.switch_page("ui/page_dataset.py").run())
    a.file_uploader(key="dataset_upload").upload(*FILE_A, "application/jsonl")
    ok(a.run())
    b.file_uploader(key="dataset_upload").upload(*FILE_B, "application/jsonl")
    ok(b.run())
    ok(a.run())

    assert metric_value(a, "Examples") == "11" and metric_value(b, "Examples") == "10"
    for mine, theirs, at in ((FILE_A[0], FILE_B[0], a), (FILE_B[0], FILE_A[0], b)):
        text = page_text(at)
        assert f"Using your upload **{mine}**" in text and theirs not in text

    ok(a.switch_page("ui/page_plan.py").run())
    ok(b.switch_page("ui/page_plan.py").run())
    assert a.title[0].value == AIRPORT.name and b.title[0].value == REVIEWS.name
    # One-off cards follow the plan's options (an option not served on the day has none).
    ft_a = next(i for i, o in enumerate(measured_plan(AIRPORT, DAY).options) if o.fine_tuned)
    ft_b = next(i for i, o in enumerate(REVIEWS.option) if o.fine_tuned)
    assert plan_one_offs(a)[ft_a] == one_off(AIRPORT, DAY, FILE_A)
    assert plan_one_offs(b)[ft_b] == one_off(REVIEWS, REVIEWS.as_of, FILE_B)
    assert a.session_state["dataset"]["name"] == FILE_A[0] and b.session_state["dataset"]["name"] == FILE_B[0]

    # A types a key and measures on the Live page; B sees neither the key nor A's results.
    ok(a.switch_page("ui/page_live.py").run())
    ok(a.text_input(key="live_base_url").input(standin.base_url).run())
    ok(a.text_input(key="live_api_key").input(FAKE_KEY).run())
    ok(a.number_input(key="live_samples").set_value(1).run())
    ok(a.button(key="live_measure_go").click().run())
    assert any(d.value.columns.tolist()[:2] == ["Option", "Calls"] for d in a.dataframe), [e.value for e in a.error]
    ok(b.switch_page("ui/page_live.py").run())
    assert b.text_input(key="live_api_key").value == ""
    assert "What an API key adds" in page_text(b)
    assert "live:measured" not in b.session_state and "live:measured" in a.session_state
    for key, value in session_values(b).items():
        assert FAKE_KEY not in repr(value), key
    assert FAKE_KEY not in page_text(b)


@pytest.mark.app
def test_the_same_file_under_two_names_keeps_each_sessions_name():
    """Identical bytes share the cached analysis and plan; the name each session gave stays its own."""
    data = FILE_A[1]
    sessions = {}
    for name in ("alpha-private.jsonl", "beta-private.jsonl"):
        sessions[name] = uploaded(name, data)
    for name, at in sessions.items():
        other = next(n for n in sessions if n != name)
        for page in ("ui/page_dataset.py", "ui/page_plan.py", "ui/page_live.py"):
            ok(at.switch_page(page).run())
            text = page_text(at)
            assert other not in text, (name, page)
        assert other not in repr(session_values(at))


# --- two real browsers ----------------------------------------------------------------------------------------

from served_app import CHROMIUM, FLAGS  # noqa: E402 - only the browser variant below needs them


@pytest.mark.browser
def test_two_browser_contexts_keep_their_own_scenario_upload_and_key(served, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    files = {}
    for name, data in (FILE_A, FILE_B):
        files[name] = tmp_path / name
        files[name].write_bytes(data)
    pinned = AIRPORT.model_copy(update={"as_of": DAY})

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        try:
            pages = {}
            for who, scenario in (("a", pinned), ("b", REVIEWS)):
                page = browser.new_context(viewport={"width": 1280, "height": 1400}).new_page()
                page.goto(f"{served}/dataset?{PARAM}={encode_link(scenario)}", timeout=120_000)
                expect(page.get_by_text("Upload a training file")).to_be_visible(timeout=120_000)
                pages[who] = page
            # interleaved uploads, one per context
            for who, (name, _) in (("a", FILE_A), ("b", FILE_B)):
                pages[who].locator(
                    '[data-testid="stMain"] [data-testid="stFileUploaderDropzoneInput"]'
                ).set_input_files(str(files[name]))
            for who, (mine, theirs, examples) in {
                "a": (FILE_A[0], FILE_B[0], "11"),
                "b": (FILE_B[0], FILE_A[0], "10"),
            }.items():
                page = pages[who]
                expect(page.get_by_text(f"Using your upload {mine}")).to_be_visible(timeout=60_000)
                examples_metric = page.locator('[data-testid="stMetric"]').filter(has_text="Examples").first
                expect(examples_metric.locator('[data-testid="stMetricValue"]')).to_have_text(examples)
                assert theirs not in page.content()
            # each context's Plan page names its own scenario (in-app navigation keeps the session)
            for who, scenario in (("a", pinned), ("b", REVIEWS)):
                pages[who].get_by_role("link", name="Plan").click()
                expect(pages[who].get_by_role("heading", name=scenario.name)).to_be_visible(timeout=60_000)
            # A types a key on the Live page; B's Live page has none
            for page in pages.values():
                page.get_by_role("link", name="Live calibration").click()
                expect(page.get_by_text("Live calibration").first).to_be_visible(timeout=60_000)
            key_a = pages["a"].locator('input[aria-label="OpenAI API key"]')
            key_a.fill(FAKE_KEY)
            key_a.press("Enter")
            expect(pages["a"].get_by_text("Using the key typed in the field above")).to_be_visible(timeout=60_000)
            # a new run of B's page (not a reload, which would start a new session) still has no key
            calls = pages["b"].locator('input[aria-label="Calls per option"]')
            calls.fill("2")
            calls.press("Enter")
            bases_b = sum(1 for o in REVIEWS.option if not o.fine_tuned)
            expect(pages["b"].get_by_text(f"Estimate: {2 * bases_b} calls").first).to_be_visible(timeout=60_000)
            expect(pages["b"].get_by_text("What an API key adds")).to_be_visible()
            assert pages["b"].locator('input[aria-label="OpenAI API key"]').input_value() == ""
            assert FAKE_KEY not in pages["b"].content()
        finally:
            browser.close()


@pytest.mark.app
def test_the_downloaded_report_names_only_this_sessions_file(downloads):
    """The plan is cached by the scenario's text, the date and the measured inputs, whose source names the file:
    session B, uploading session A's bytes under its own name, never gets A's name in its report."""
    data = FILE_A[1]
    reports = {}
    for name in ("acme-secret-customers.jsonl", "session-b.jsonl"):
        at = uploaded(name, data)
        ok(at.switch_page("ui/page_plan.py").run())
        button = next(b for b in at.get("download_button") if "Markdown" in b.proto.label)
        reports[name] = downloaded(downloads, button).decode("utf-8")
    assert "measured on acme-secret-customers.jsonl" in reports["acme-secret-customers.jsonl"]
    assert "measured on session-b.jsonl" in reports["session-b.jsonl"]
    assert "acme-secret" not in reports["session-b.jsonl"]
