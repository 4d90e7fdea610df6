"""ftcost's app: `make run` (streamlit run app.py) opens it offline on the airport scenario.

This file only wires things together: the session's scenario (ui/state.py), the sidebar that loads,
saves and shares it (ui/sidebar.py), and the pages (ui/page_*.py). Every figure comes from the ftcost
library; the pages lay it out.
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

# `ui` sits beside this file; make it importable however the app is started (streamlit run, AppTest).
HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from ftcost import i18n  # noqa: E402
from ftcost.i18n import _  # noqa: E402
from ui import cached, sidebar, state  # noqa: E402

# The tab's icon is a file served by this app: a ":material/…:" page icon makes every browser fetch it from
# fonts.gstatic.com (Streamlit's frontend builds the favicon from Google's CDN), and ftcost runs offline.
ICON = HERE / "ui" / "favicon.png"

state.init()
# Every message this run shows is in the session's language (the scenario's choice, else the browser's).
i18n.set_language(state.language())
st.set_page_config(page_title=_("ftcost — is fine-tuning worth it?"), page_icon=str(ICON), layout="wide")

PAGES = [
    # Material icons ship with Streamlit's frontend (emoji need a system font a server may not have).
    st.Page("ui/page_plan.py", title=_("Plan"), icon=":material/insights:", default=True),
    st.Page("ui/page_dataset.py", title=_("Dataset"), icon=":material/dataset:", url_path="dataset"),
    st.Page("ui/page_prompts.py", title=_("Prompts & volume"), icon=":material/edit_note:", url_path="prompts"),
    st.Page("ui/page_people.py", title=_("People & pilot"), icon=":material/groups:", url_path="people"),
    st.Page("ui/page_live.py", title=_("Live calibration"), icon=":material/science:", url_path="live"),
    st.Page("ui/page_prices.py", title=_("Prices"), icon=":material/sell:", url_path="prices"),
]
page = st.navigation(PAGES)
sidebar.render(page.url_path)
state.show_messages()
page.run()
cached.settle_memory()  # after the first page has loaded what pages use (see its docstring)
