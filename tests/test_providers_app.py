"""The app with providers: the Prices page per provider with its sources, and the options table naming the
provider before the model (an edit keeps the provider's settings)."""

import datetime as dt

import pytest
from conftest import REPO
from streamlit.testing.v1 import AppTest

#: Every test here runs the app (AppTest): `make test-fast` leaves them to `make test`.
pytestmark = pytest.mark.app

APP = str(REPO / "app.py")
DAY = dt.date(2026, 12, 1)


def start() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    at.date_input(key="w:as_of").set_value(DAY).run()
    assert not at.exception, at.exception
    return at


def test_prices_page_shows_a_provider_with_sources_and_absent_prices():
    at = start()
    at.switch_page("ui/page_prices.py").run()
    at.selectbox(key="prices_provider").select("azure").run()
    assert not at.exception, at.exception
    rates = at.dataframe[0].value
    hosting = rates[rates["Kind"] == "Hosting, per deployment-hour"]
    assert set(hosting["Price"]) == {"$1.70"}
    assert hosting["Source"].str.startswith("https://learn.microsoft.com").all()
    assert "existing customers" in at.info[0].value.lower()
    absent = at.dataframe[2].value
    assert "example purposes only" in " ".join(absent["Why it is not shown"])


def test_prices_page_for_a_stopped_provider_says_when():
    at = start()
    at.switch_page("ui/page_prices.py").run()
    at.selectbox(key="prices_provider").select("cohere").run()
    assert not at.exception
    assert "stopped fine-tuning on 2025-09-15" in at.info[0].value


def test_options_table_names_the_provider_and_an_edit_keeps_its_settings():
    at = start()
    at.sidebar.selectbox(key="gallery_pick").select("airport-migration").run()
    at.date_input(key="w:as_of").set_value(DAY).run()
    assert not at.exception, at.exception
    options = at.session_state["scenario"].option
    azure = next(i for i, o in enumerate(options) if o.provider == "azure")
    at.session_state["w:option#0"] = {
        "edited_rows": {azure: {"Accuracy (%)": 93.0}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    assert not at.exception, at.exception
    edited = at.session_state["scenario"].option[azure]
    assert (edited.provider, edited.deployment, edited.existing_customer, edited.accuracy_pct) == (
        "azure",
        "standard",
        True,
        93,
    )
    assert all(o.provider is None for o in at.session_state["scenario"].option if o.name.startswith("GPT"))
