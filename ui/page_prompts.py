"""Prompts & volume: what each request sends and receives, and how many requests there are."""

from __future__ import annotations

import streamlit as st

from ftcost import i18n, views
from ftcost.i18n import N_, _
from ftcost.text import markdown as md
from ftcost.tokens import ENCODINGS
from ui import cached, inputs, layout, state

LANG = i18n.language()  # bound into format functions, which AppTest calls outside the run
TIERS = {"standard": N_("Standard"), "batch": N_("Batch API (half price, answers within 24 hours)")}


def _load_text(path: str, upload_key: str, label: str) -> None:
    upload = state.uploaded_text(upload_key, _("upload a plain-text file"))
    if upload is not None:
        state.edit(
            path, upload[1], i18n.gettext(label, LANG)
        )  # a callback runs before app.py sets the language  # the text area shows it on the rerun (ui.inputs seeds from the scenario)


#: (label, scenario field, height, where it comes from)
TEXTS = [
    (
        N_("Long prompt"),
        "workload.long_prompt",
        300,
        N_("The system prompt base models need: instructions plus few-shot examples."),
    ),
    (
        N_("Short prompt"),
        "workload.short_prompt",
        300,
        N_("The system prompt the fine-tuned model needs once the behaviour is trained in."),
    ),
    (N_("User message"), "workload.user_message", 120, N_("A typical user message; it is sent with either prompt.")),
    (
        N_("Sample answer"),
        "workload.sample_answer",
        120,
        N_("A typical answer; its length sets the output tokens per request unless stated above."),
    ),
]


st.title(_("Prompts & volume"))
st.caption(
    _(
        "Base models need the long prompt (instructions and worked examples); the fine-tune has learnt "
        "them and needs only the short one. Tokens are counted offline with tiktoken."
    )
)

st.subheader(_("Volume"))
c1, c2, c3 = st.columns(3)
with c1:
    inputs.number(
        _("Requests per month"),
        "workload.requests_per_month",
        min_value=1,
        step=1000,
        help=_("Requests in the first month. Default from the scenario file."),
    )
    inputs.number(
        _("Monthly growth (%)"),
        "workload.monthly_growth_pct",
        decimal=True,
        min_value=-50.0,
        max_value=100.0,
        step=1.0,
        format="%.1f",
        help=_("Compounding growth of requests per month."),
    )
with c2:
    inputs.bound(
        st.selectbox,
        _("Price tier"),
        "workload.tier",
        options=list(TIERS),
        format_func=lambda t: i18n.gettext(TIERS[t], LANG),
        help=_(
            "OpenAI's Batch API costs half for models that offer it; a model without a batch price "
            "is left out of the plan with a note."
        ),
    )
    inputs.number(
        _("Cached share of prompt tokens (%)"),
        "workload.cached_share_pct",
        decimal=True,
        min_value=0.0,
        max_value=100.0,
        step=5.0,
        format="%.0f",
        help=_(
            "Share of prompt tokens OpenAI serves from its prompt cache at the cached-input price "
            "(repeated prompt prefixes of 1,024+ tokens). 0 unless you have measured it."
        ),
    )
with c3:
    inputs.number(
        _("Output tokens per request (stated)"),
        "workload.output_tokens_per_request",
        min_value=0,
        step=10,
        placeholder=_("measured from the sample answer"),
        help=_("Leave empty to measure the sample answer below with each model's encoding."),
    )
    inputs.number(
        _("Prompt tokens per request, base models (stated)"),
        "workload.long_prompt_tokens",
        min_value=0,
        step=10,
        placeholder=_("measured from the long prompt"),
        help=_("Leave empty to measure the long prompt + user message below."),
    )
    inputs.number(
        _("Prompt tokens per request, fine-tuned (stated)"),
        "workload.short_prompt_tokens",
        min_value=0,
        step=10,
        placeholder=_("measured from the short prompt"),
        help=_("Leave empty to measure the short prompt + user message below."),
    )

with state.stop_on_error():
    plan = cached.plan()
volume = views.volume_view(plan)
if volume is not None:
    m1, m2, m3, m4 = st.columns(4)
    m1.metric(_("Requests in month 1"), volume.first_month)
    m2.metric(volume.last_label, volume.last_month, help=_("After the monthly growth."))
    m3.metric(_("Prompt tokens saved per request"), volume.saving, help=volume.saving_label)
    m4.metric(_("Prompt tokens saved in month 1"), volume.saved_first_month)

st.subheader(_("Prompts"))
for row in layout.rows(TEXTS, 2):
    for column, (label, path, height, help) in zip(st.columns(2), row, strict=False):
        with column:
            inputs.bound(st.text_area, _(label), path, help=_(help), height=height)
with st.expander(_("Load any of these from a text file")):
    for label, path, _height, _help in TEXTS:
        upload_key = f"upload:{path}"
        st.file_uploader(
            _(label),
            type=["txt", "md"],
            key=upload_key,
            max_upload_size=1,
            on_change=_load_text,
            args=(path, upload_key, label),
            help=_("A UTF-8 text file; its text replaces the box above."),
        )

st.subheader(_("Measured tokens"))
st.caption(
    _(
        "Each text counted with both of OpenAI's current encodings; a request adds the chat format's overhead "
        "(a few tokens per message), as the plan counts it."
    )
)
with state.stop_on_error():
    frame = views.prompt_token_frame(state.current().workload, count=cached.count)
st.dataframe(
    frame,
    hide_index=True,
    width="stretch",
    column_config={
        e: st.column_config.TextColumn(e, help=_("Counted with tiktoken's {encoding}").format(encoding=e))
        for e in ENCODINGS
    },
)
for encoding, names in views.encodings_used(plan).items():
    st.caption(_("**{encoding}** counts for: {options}.").format(encoding=encoding, options=md(", ".join(names))))
