"""Dataset: is the training file valid, how many tokens does it bill, what does training on it cost."""

from __future__ import annotations

import functools

import streamlit as st

from ftcost import views
from ftcost.i18n import _, ngettext, number
from ftcost.pricing.fx import rate_sentence
from ftcost.text import markdown as md
from ui import cached, charts, inputs, state

UPLOAD = "dataset_upload"
MODEL = "dataset_model"


def _uploaded() -> None:
    upload = st.session_state.get(UPLOAD)
    if upload is not None:
        state.set_dataset(upload.name, upload.getvalue())


def _use_sample() -> None:
    st.session_state.pop(state.DATASET, None)


def _epochs_back(value):
    return "auto" if value is None else int(value)


def _epochs_shown(value):
    return None if value == "auto" else value


scenario = state.current()
MONEY, RATE_FOUND = state.money()
st.title(_("Dataset"))
st.caption(
    _(
        "Checks a fine-tuning file the way OpenAI's cookbook does (with line numbers), counts its tokens with "
        "each model's encoding and limit, and prices training on it. Nothing leaves this machine."
    )
)

st.subheader(_("Training file"))
st.file_uploader(
    # The limit is the server's (.streamlit/config.toml), so the label and the widget's own "per file" say the same.
    _("Upload a training file (JSONL, up to {size} MB)").format(size=st.get_option("server.maxUploadSize")),
    type=["jsonl", "json", "txt"],
    key=UPLOAD,
    on_change=_uploaded,
    help=_(
        'One JSON example per line, in OpenAI\'s chat format ({"messages": [...]}) or prompt/completion for '
        "babbage-002 / davinci-002. An upload replaces the scenario's sample on every page, including the plan."
    ),
)
upload = state.dataset()
sample = state.sample()
if upload:
    st.info(
        _("Using your upload **{name}** ({size} bytes) for the plan.").format(
            name=md(upload["name"]), size=views.tokens(len(upload["data"]))
        )
    )
    st.button(_("Use the scenario's sample instead"), on_click=_use_sample)
elif sample is not None:
    st.info(
        _("Using the scenario's sample **{name}**. Upload your own file above to replace it.").format(
            name=md(scenario.training.dataset)
        )
    )
elif scenario.training.dataset:
    st.info(
        _(
            "This scenario's sample dataset is not one ftcost ships, and a scenario opened from a link or a file "
            "reads no other file on this server: upload the training file above to measure it."
        )
    )
else:
    st.info(_("This scenario states its tokens per example instead of shipping a sample; upload a file to measure."))

st.subheader(_("The full training set"))
c1, c2, c3 = st.columns(3)
with c1:
    inputs.number(
        _("Examples in the full training set"),
        "training.planned_examples",
        min_value=10,
        max_value=10_000_000,
        step=50,
        help=_(
            "The plan scales the sample's average tokens per example to this many. OpenAI's minimum "
            "is 10; it recommends starting with 50-100 good ones."
        ),
    )
with c2:
    inputs.bound(
        st.number_input,
        _("Epochs"),
        "training.epochs",
        to_widget=_epochs_shown,
        from_widget=_epochs_back,
        min_value=1,
        max_value=50,
        step=1,
        placeholder=_("auto (OpenAI's default rule)"),
        help=_(
            "Leave empty for OpenAI's 'auto' rule (the cookbook's estimate: 3, more for small files, "
            "fewer for large ones)."
        ),
    )
with c3:
    inputs.number(
        _("Billing tokens per example (stated)"),
        "training.tokens_per_example",
        min_value=1,
        step=10,
        placeholder=_("measured from the file"),
        help=_("Leave empty to measure the file. An uploaded file is always measured."),
    )

bases = views.fine_tuned_bases(scenario, state.price_date())
if not upload and sample is None:
    st.stop()
if not bases:
    st.warning(_("No fine-tuned option could be priced on this date, so there is no model to check the file for."))
    st.stop()
if st.session_state.get(MODEL) not in bases:
    st.session_state[MODEL] = bases[0]
st.selectbox(
    _("Check the file for"),
    bases,
    key=MODEL,
    help=_("The base model of a fine-tuned option: its encoding, training format and per-example limit apply."),
)

epochs = None if scenario.training.epochs == "auto" else int(scenario.training.epochs)
with state.stop_on_error():
    report = cached.dataset_report(st.session_state[MODEL], epochs)
if report is None:  # no upload and no sample: the page said so above
    st.stop()

summary = views.dataset_summary(report)
m1, m2, m3, m4, m5 = st.columns(5)
m1.metric(_("Examples"), summary.examples)
m2.metric(_("Problems"), summary.problems, help=_("Errors that make OpenAI reject the file (see the table below)."))
m3.metric(
    _("Billing tokens per epoch"),
    summary.billing_tokens,
    help=_("Each example counted up to the model's per-example limit, as OpenAI bills."),
)
m4.metric(summary.epochs_label, summary.epochs)
m5.metric(_("Charged tokens per run"), summary.charged_tokens, help=_("Billing tokens × epochs."))
planned = scenario.training.planned_examples
st.caption(
    ngettext(
        "These figures describe the file ({count} example). The plan prices the full set: **{planned} planned "
        "examples** at this file's average billing tokens per example (*Examples in the full training set* above).",
        "These figures describe the file ({count} examples). The plan prices the full set: **{planned} planned "
        "examples** at this file's average billing tokens per example (*Examples in the full training set* above).",
        report.counted_examples,
    ).format(count=number(report.counted_examples), planned=number(planned))
)


def _upload_is_full_set(count: int, label: str) -> None:
    state.edit("training.planned_examples", count, label)


if upload and report.counted_examples != planned and report.counted_examples >= 10:
    st.button(
        _("This upload is the full training set: plan {count} examples").format(count=number(report.counted_examples)),
        on_click=_upload_is_full_set,
        args=(report.counted_examples, _("Examples in the full training set")),
        key="upload_is_full_set",
        help=_("Sets the planned examples to this file's count, so the plan prices exactly this file."),
    )

problem = views.first_problem(report)
if problem:
    st.error(md(problem))
else:
    st.success(md(views.accepted_sentence(report)))
for note in report.notes:
    st.info(md(note))

issues = views.issue_frame(report)
if not issues.empty:
    st.subheader(_("Errors and warnings"))
    # The sentence, not the category code (invalid_json): the code stays in the line-number CSV, for scripts.
    st.dataframe(
        issues,
        hide_index=True,
        width="stretch",
        column_order=[_("Kind"), _("What it means"), _("Times"), _("Lines"), _("How to fix it")],
        column_config={_("Times"): st.column_config.NumberColumn(_("Times"), format="%d")},
    )
    # Built when the button is clicked, not on every rerun: a file of millions of bad lines makes a long CSV.
    st.download_button(
        _("Download the line numbers (CSV)"),
        functools.partial(views.issue_lines_csv, report),
        file_name="ftcost-dataset-issues.csv",
        mime="text/csv",
        on_click="ignore",
    )

st.subheader(_("Tokens per example"))
if report.counted_examples:
    charts.draw(
        charts.histogram(
            views.token_values(report),
            report.token_limit,
            views.limit_label(report),
            draw_limit=views.limit_in_view(report),
        )
    )
    if not views.limit_in_view(report):
        st.caption(views.limit_sentence(report))
st.dataframe(views.stats_frame(report), hide_index=True, width="stretch")
if report.over_limit:
    st.warning(
        ngettext(
            "{count} example exceeds the {limit}; OpenAI truncates it.",
            "{count} examples exceed the {limit}; OpenAI truncates them.",
            report.over_limit,
        ).format(count=summary.over_limit, limit=views.limit_label(report))
    )

st.subheader(
    _("Training on this file, on every model open for fine-tuning on {date}").format(
        date=state.price_date().isoformat()
    )
)
with state.stop_on_error():
    models = [m.id for m in cached.fine_tunable_models(state.price_date().isoformat()) if m.encoding]
    reports = {
        m: r for m in models if (r := cached.dataset_report(m, epochs)) is not None
    }  # None: no file, stopped above
    st.dataframe(
        views.training_cost_frame(reports, state.price_date(), MONEY),
        hide_index=True,
        width="stretch",
        column_config={_("Accepted?"): st.column_config.TextColumn(_("Accepted?"), width="medium")},
    )
caption = _(
    "Each model counts the file with its own encoding and per-example limit; the epochs are the same for "
    "all (the auto rule depends only on the number of examples). Prices from pricing/, as of the sidebar date."
)
rate = rate_sentence(MONEY, RATE_FOUND, state.price_date(), on_page=True)
st.caption(caption + ("\n\n" + md(rate) if rate else ""))
