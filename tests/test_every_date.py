"""A page never goes blank: every gallery scenario through the app and `ftcost report`, on the first day of every
month from 2026-12 to 2028-12 and on each lifecycle date in that span (and the day after), whatever OpenAI has
shut down by then. The dates come from pricing/, so a shutdown added there is swept too.

`ftcost report` runs on every date in every run. The page sweeps (the Plan page on every date, every page on the
lifecycle dates, every page on every date) take several seconds to most of a minute each, so they are marked slow:
`make test` runs them, `make test-fast` does not.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io

import pytest
from conftest import REPO
from streamlit.testing.v1 import AppTest

from ftcost.cli import main
from ftcost.measure_training import measured_plan
from ftcost.pricing import load_pricing
from ftcost.scenario import gallery, load_scenario

APP = str(REPO / "app.py")
PAGES = [
    "ui/page_plan.py",
    "ui/page_dataset.py",
    "ui/page_prompts.py",
    "ui/page_people.py",
    "ui/page_live.py",
    "ui/page_prices.py",
]
FIRST, LAST = dt.date(2026, 12, 1), dt.date(2028, 12, 31)
STEMS = sorted(gallery())


def month_starts() -> list[dt.date]:
    return [dt.date(y, m, 1) for y in (2026, 2027, 2028) for m in range(1, 13) if FIRST <= dt.date(y, m, 1) <= LAST]


def lifecycle_days() -> list[dt.date]:
    """Every shutdown, job cutoff and wind-down event in the span, and the day after each."""
    data = load_pricing()
    days = {e.date for e in data.events}
    for m in data.models.values():
        days |= {d for d in (m.shutdown, m.fine_tuning_until, m.fine_tuned_shutdown) if d}
    days = {d + dt.timedelta(days=k) for d in days for k in (0, 1)}
    return sorted(d for d in days if FIRST <= d <= LAST)


DATES = sorted(set(month_starts()) | set(lifecycle_days()))


def answer_shown(at: AppTest) -> bool:
    """The Plan page's answer box has at least one sentence, or the page says in one sentence what to change."""
    text = [m.value for m in at.markdown]
    if any(t.startswith("#### The answer") for t in text):
        after = text[[t.startswith("#### The answer") for t in text].index(True) + 1 :]
        return any(t.startswith("- ") and len(t) > 20 for t in after)
    return bool(at.error)


def open_scenario(stem: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.sidebar.selectbox(key="gallery_pick").select(stem).run()
    assert not at.exception, at.exception
    return at


def sweep(stem: str, days: list[dt.date], pages: list[str]) -> None:
    at = open_scenario(stem)  # one AppTest per scenario: a new date is one widget change, not a new session
    current = PAGES[0]
    for day in days:
        for i, page in enumerate(pages):
            if i == 0 and page == current:  # the sidebar's date is on every page: changing it reruns this one
                at.date_input(key="w:as_of").set_value(day).run()
            elif i == 0:
                at.date_input(key="w:as_of").set_value(day)
                at.switch_page(page).run()
            else:
                at.switch_page(page).run()
            current = page
            if i == 0:
                assert at.session_state["scenario"].as_of == day, (stem, day, "the date did not reach the plan")
            assert not at.exception, (stem, day, page, at.exception)
            assert at.title, (stem, day, page, "no title: the page stopped before it began")
            if page == PAGES[0]:
                assert answer_shown(at), (stem, day, [m.value for m in at.markdown][:5], [e.value for e in at.error])


def test_the_sweep_covers_the_lifecycle_dates():
    # The wind-down's last day for new jobs and the day the 4o / 4.1 families stop serving, with the days after.
    for day in ("2027-01-06", "2027-01-07", "2027-01-14", "2027-01-15"):
        assert dt.date.fromisoformat(day) in DATES
    assert len(month_starts()) == 25


@pytest.mark.app
@pytest.mark.slow
@pytest.mark.parametrize("stem", STEMS)
def test_the_plan_page_answers_on_every_date(stem):
    sweep(stem, DATES, PAGES[:1])


@pytest.mark.app
@pytest.mark.slow
@pytest.mark.parametrize("stem", STEMS)
def test_every_page_opens_on_the_lifecycle_dates(stem):
    sweep(stem, [FIRST, *lifecycle_days(), LAST], PAGES)


@pytest.mark.app
@pytest.mark.slow
@pytest.mark.parametrize("stem", STEMS)
def test_every_page_opens_on_every_date(stem):
    sweep(stem, DATES, PAGES)


@pytest.mark.parametrize("stem", STEMS)
def test_report_never_fails_on_any_date(stem):
    scenario = load_scenario(gallery()[stem])
    for day in DATES:
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["report", stem, "--as-of", day.isoformat()])  # a traceback would raise out of here
        if code != 0:  # allowed only when nothing in the scenario is served on the day
            plan = measured_plan(scenario, day, folder=gallery()[stem].parent)
            assert not plan.options, (stem, day, code, err.getvalue())
        assert "Traceback" not in err.getvalue()
        if code == 0:
            assert "## The answer\n\n- " in out.getvalue(), (stem, day)
