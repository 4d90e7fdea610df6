"""Live calibration: measure real prompts, run the pilot fine-tune, evaluate accuracy — with an API key.

The key comes only from the password field, or — when the operator enables it (FTCOST_ALLOW_SERVER_KEY)
— from Streamlit secrets or the environment (OPENAI_API_KEY); ftcost.live.serving decides which key may go
to which server (the operator's key never to a visitor-typed URL). A typed key lives in the password
widget's own state (forgotten when the page is left) and is handed straight to `ftcost.live.connect` when
a button that spends is pressed; the client is built for that run and dropped. No key is passed to a cached function, put in the scenario, the link, a download or a log.
Every figure comes from ftcost.live and ftcost.views.live; this page lays them out.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import streamlit as st

from ftcost import i18n, live
from ftcost.errors import FtcostError
from ftcost.i18n import _
from ftcost.live import from_scenario as fs
from ftcost.live import serving
from ftcost.live.client import redact
from ftcost.pricing.fx import rate_sentence
from ftcost.text import markdown as md
from ftcost.views import fine_tuned_bases
from ftcost.views import live as lv
from ftcost.views import live_pilot as lp
from ui import inputs, state

KEY = "live_api_key"  # the password widget; its state is the only place the typed key is held
BASE_URL, CAP, SAMPLES, FT_MODEL = "live_base_url", "live_answer_cap", "live_samples", "live_ft_model"
PILOT_MODEL, JOB_ID, COMPARE = "live_pilot_model", "live_job_id", "live_compare"
KEPT = "live:"  # results and non-secret inputs kept across page switches: "live:measured", "live:live_base_url"…
MEASURED, EVALUATED, PILOT, APPLIED = KEPT + "measured", KEPT + "evaluated", KEPT + "pilot", KEPT + "applied"


# --- the key and the client ----------------------------------------------------------------------------------


def _secret_setting(name: str) -> Any:
    """A value from Streamlit secrets, or None when there is no secrets file (secrets are optional)."""
    try:
        return st.secrets.get(name)
    except (FileNotFoundError, KeyError):  # no secrets file, or an unreadable one
        return None


def _secret() -> str | None:
    """OPENAI_API_KEY from Streamlit secrets, if there is a secrets file that holds one."""
    value = _secret_setting(lv.KEY_ENV)
    return value.strip() if isinstance(value, str) and value.strip() else None


def _connection() -> tuple[serving.Connection, serving.Policy | None]:
    """Which key the page may use and where its calls go, by the operator's rules (ftcost.live.serving)."""
    typed = bool((st.session_state.get(KEY) or "").strip())
    server_key = "secrets" if _secret() else "environment" if os.environ.get(lv.KEY_ENV, "").strip() else None
    try:
        policy = serving.policy_from(
            os.environ, {name: _secret_setting(name) for name in (serving.ALLOW_SERVER_KEY, serving.ALLOWED_SERVERS)}
        )
    except FtcostError as exc:  # the operator's settings are wrong: no call until they are fixed
        return serving.Connection(
            None, serving.OPENAI_API, typed=False, problem=exc.args[0] if len(exc.args) == 1 else str(exc)
        ), None
    return serving.decide(st.session_state.get(BASE_URL), in_field=typed, server_key=server_key, policy=policy), policy


def _client() -> live.LiveClient:
    """A client for this run only, with the key its source holds (never None: connect would read the
    environment on its own) and a server the rules allow for that key."""
    conn, policy = _connection()
    if policy is None:
        raise FtcostError(conn.problem or _("The operator's settings for the Live page are not valid."))
    base_url = serving.check_reachable(conn, policy)
    key = {
        "field": (st.session_state.get(KEY) or "").strip(),
        "secrets": _secret(),
        "environment": os.environ.get(lv.KEY_ENV, "").strip(),
    }.get(conn.source or "")
    if not key:
        raise FtcostError(_("No API key: type yours in the key field."))
    # A visitor's own server is connected to by checked public address only (no DNS rebinding into this network).
    return live.connect(api_key=key, config=live.LiveConfig(base_url=base_url, public_only=conn.typed))


@contextmanager
def errors_shown() -> Iterator[None]:
    """An ftcost error becomes its sentence on the page (masked of anything key-shaped); the page goes on."""
    try:
        yield
    except FtcostError as exc:
        st.error(redact(lv.error_text(exc)))


def _kept(widget: Callable[..., Any], label: str, key: str, **kwargs: Any) -> Any:
    """A non-secret input that survives a page switch (Streamlit forgets widgets a run does not draw)."""
    st.session_state[key] = st.session_state.get(KEPT + key, "")
    return widget(label, key=key, on_change=_keep, args=(key,), **kwargs)


def _keep(key: str) -> None:
    st.session_state[KEPT + key] = st.session_state[key]


def _confirmed_run(
    estimate: live.SpendEstimate,
    notes: list[str],
    cap: int,
    key: str,
    run: Callable[[Callable[[live.Progress], None]], Any],
) -> Any:
    """Show what a run will spend; only when its confirm button is pressed, run it with a progress bar.
    Returns the run's result, or None when the button was not pressed (or there is no key to press it with)."""
    for line in notes:
        st.caption(line)
    st.dataframe(lv.estimate_frame(estimate, MONEY), hide_index=True, width="stretch")
    st.caption(lv.estimate_sentence(estimate, cap, MONEY))
    conn, _unused = _connection()
    if not st.button(
        _("Confirm: send {amount}").format(amount=lv.spend_text(estimate, MONEY)),
        key=key,
        type="primary",
        disabled=not conn.ready,
        help=None if conn.ready else lv.not_ready(conn),
    ):
        return None
    slot = st.empty()
    bar = slot.progress(0.0, text=_("starting"))
    try:

        def show(p: live.Progress) -> None:
            bar.progress(p.fraction or 0.0, text=i18n.text(p.message))

        return run(show)
    finally:
        slot.empty()


# --- applying results to the scenario (button callbacks, so the sidebar's file and link follow) -------------


def _apply(make: Callable[[Any], Any], what: str) -> None:
    try:
        st.session_state[state.SCENARIO] = make(state.current())
        st.session_state[APPLIED] = _(
            "Applied {what} to the scenario: every page, the file and the link use it now."
        ).format(what=what)
    except FtcostError as exc:
        st.session_state[state.EDIT_ERROR] = lv.sentence(exc)  # in the reader's language


def _apply_measured() -> None:
    report, _unused = st.session_state[MEASURED]
    _apply(lambda s: fs.with_measurements(s, report), _("the measured output tokens per request"))


def _apply_accuracy() -> None:
    report, _unused = st.session_state[EVALUATED]
    _apply(lambda s: fs.with_accuracy(s, report.accuracy()), _("the measured accuracy"))


def _offer_apply(change: tuple[str, bool] | None, fresh: bool, on_click: Callable[[], None], key: str) -> None:
    if not fresh:
        st.caption(
            _(
                "These results were measured for other prompts, options or questions than the scenario has "
                "now; run again to apply them."
            )
        )
    elif change is not None:
        sentence, changes = change
        st.caption(sentence)
        if changes:
            st.button(_("Apply to the scenario"), key=key, on_click=on_click, icon=":material/check:")


# --- the pilot's training file --------------------------------------------------------------------------------


@st.cache_data(max_entries=32, show_spinner=_("Checking the training file…"))
def _pilot_plan(content: str, name: str, model: str, epochs: int | None, as_of: str, _data: bytes | None) -> Any:
    """plan_pilot for the shipped sample (`content` is its path) or an upload (its digest, bytes in `_data`)."""
    if _data is None:
        return live.plan_pilot(
            content, model, as_of=dt.date.fromisoformat(as_of), epochs=epochs, check_job_cutoff=False
        )
    with _written(name, _data) as path:
        return live.plan_pilot(path, model, as_of=dt.date.fromisoformat(as_of), epochs=epochs, check_job_cutoff=False)


@contextmanager
def _written(name: str, data: bytes) -> Iterator[Path]:
    """An upload as a file for as long as the library needs one, in a private temporary folder, then removed."""
    with tempfile.TemporaryDirectory(prefix="ftcost-pilot-") as folder:
        path = Path(folder) / live.pilot.upload_name(name)  # a 300-byte name would be "File name too long"
        path.write_bytes(data)
        yield path


def _training_file() -> tuple[str, str, bytes | None] | None:
    """(content key, file name, bytes of an upload or None for the sample) of the file the pilot trains on."""
    upload = state.dataset()
    if upload:
        return upload["digest"], upload["name"], upload["data"]
    sample = state.sample()  # only a shipped sample: a link's dataset name is never a server path
    return (str(sample), sample.name, None) if sample is not None else None


def _follow(start: Callable[[live.chat.ProgressFn], live.PilotResult], label: str) -> None:
    """Run or follow a job inside a status box whose bar the progress reports drive; keep the result."""
    tracker = lp.JobProgress()
    with st.status(label, expanded=True) as box:
        bar = st.progress(0.0, text=_("starting"))

        def progress(p: live.Progress) -> None:
            fraction, text, line = tracker.update(p)
            bar.progress(fraction, text=text)
            st.write(line)
            if tracker.job_id:  # kept at once: a run cut short (page closed, rerun) can follow the job again
                st.session_state[KEPT + JOB_ID] = tracker.job_id

        try:
            result = start(progress)
        except FtcostError:
            box.update(label=_("{job}: stopped").format(job=label), state="error", expanded=False)
            raise
        view = lp.pilot_result_view(result, MONEY)
        box.update(label=view.log_label, state=view.state, expanded=False)
    st.session_state[PILOT] = result
    st.session_state[KEPT + JOB_ID] = result.job_id
    if result.succeeded and result.fine_tuned_model:
        st.session_state[KEPT + FT_MODEL] = result.fine_tuned_model  # evaluate and measure it next


def _pilot_result() -> None:
    result = st.session_state.get(PILOT)
    if result is None:
        return
    view = lp.pilot_result_view(result, MONEY)
    {"complete": st.success, "error": st.error}.get(view.state, st.info)(view.headline)
    m1, m2, m3, m4 = st.columns(4)
    m1.metric(_("Trained tokens (billed)"), view.trained_tokens, help=_("The job's trained_tokens: what OpenAI bills."))
    m2.metric(_("ftcost's estimate"), view.estimated_tokens, help=_("Charged tokens ftcost predicted before the job."))
    m3.metric(_("Estimate error"), view.error_pct, help=view.error_help)
    m4.metric(
        _("Training cost at ftcost's prices"),
        view.billed,
        help=_("Estimated beforehand: {amount}.").format(amount=view.estimated_usd),
    )
    if view.note:
        st.caption(view.note)


# --- the page --------------------------------------------------------------------------------------------------

scenario = state.current()
as_of = state.price_date()
ss = st.session_state
MONEY, RATE_FOUND = state.money()

st.title(_("Live calibration"))
st.caption(
    _(
        "Replace ftcost's two weakest guesses with measurements: how long the model's answers are, and what the "
        "training job really bills. Uses the OpenAI API or any OpenAI-compatible server. Every step shows what it "
        "will spend, and sends nothing until you confirm."
    )
)

connection, _unused = _connection()
source = connection.source
with st.container(border=True):
    c1, c2, c3 = st.columns([3, 3, 2])
    c1.text_input(
        _("OpenAI API key"),
        type="password",
        key=KEY,
        placeholder=_("sk-…"),
        autocomplete="off",
        help=_(
            "Used for this page's calls only and never saved: not in the scenario, the share link, "
            "downloads or logs. It is forgotten when you leave this page. A key in the server's environment or "
            "Streamlit secrets (OPENAI_API_KEY) is used instead only when its operator sets "
            "FTCOST_ALLOW_SERVER_KEY."
        ),
    )
    with c2:
        _kept(
            st.text_input,
            _("Server (optional)"),
            BASE_URL,
            placeholder=_("https://api.openai.com/v1"),
            help=_(
                "The base URL of an OpenAI-compatible server (with your own key; the server's key goes only "
                "to servers its operator configured). Empty: OpenAI, or the operator's OPENAI_BASE_URL."
            ),
        )
    with c3:
        cap = inputs.whole_number(
            _("Longest answer (tokens)"),
            CAP,
            KEPT + CAP,
            low=16,
            high=16_384,
            default=lv.DEFAULT_ANSWER_CAP,
            step=256,
            help=_("Each call's answer is cut off here; it bounds every estimate on this page."),
        )
    st.caption(lv.connection_sentence(connection))
    if connection.problem:
        st.warning(i18n.text(connection.problem))
if source is None:
    st.info(lv.key_adds(), icon=":material/key:")
if note := lv.price_date_note(as_of, state.today()):
    st.caption(note)
if rate := rate_sentence(MONEY, RATE_FOUND, as_of, on_page=True):  # once per page, as on the Plan page
    st.caption(md(rate))
if applied := ss.pop(APPLIED, None):
    st.success(applied)
ready = connection.ready
needs_key = None if ready else lv.not_ready(connection)

# --- 1. measure ------------------------------------------------------------------------------------------------
st.subheader(_("1 · Measure prompts"))
st.caption(
    _(
        "Sends the scenario's sample user message to each option's model — base models with the long prompt, "
        "fine-tunes with the short one — and records OpenAI's token counts, the latency and the answer."
    )
)
with st.columns([1, 3])[0]:
    samples = inputs.whole_number(
        _("Calls per option"),
        SAMPLES,
        KEPT + SAMPLES,
        low=1,
        high=lv.MAX_SAMPLES,
        default=lv.DEFAULT_SAMPLES,
        help=_("More calls give steadier medians and cost more. The sample user message is sent each time."),
    )
with errors_shown():
    options, notes = lv.call_options(scenario, ss.get(KEPT + FT_MODEL))
    messages = fs.user_messages(scenario)
    estimate = live.estimate_measure(options, messages, int(samples), as_of=as_of, max_output_tokens=int(cap))
    report = _confirmed_run(
        estimate,
        notes,
        int(cap),
        "live_measure_go",
        lambda progress: live.run_measure(
            _client(),
            options,
            messages,
            int(samples),
            confirmed=True,
            as_of=as_of,
            max_output_tokens=int(cap),
            progress=progress,
        ),
    )
    if report is not None:
        ss[MEASURED] = (report, lv.signature(options, messages))
    if MEASURED in ss:
        report, asked = ss[MEASURED]
        st.success(lv.measure_summary(report, MONEY))
        st.dataframe(lv.measure_frame(report, MONEY), hide_index=True, width="stretch")
        st.caption(
            _(
                "Prompt tokens over all calls: ftcost's own count next to what the API billed "
                "(prompt_tokens); the difference is the API's minus ftcost's. Cached: prompt tokens served from "
                "OpenAI's prompt cache."
            )
        )
        for line in lv.measure_notes(report):
            st.warning(line)
        with st.expander(_("Every answer")):
            st.dataframe(lv.answers_frame(report), hide_index=True, width="stretch")
        _offer_apply(
            lv.output_tokens_change(scenario, report),
            asked == lv.signature(options, messages),
            _apply_measured,
            "live_measure_apply",
        )

# --- 2. the pilot ----------------------------------------------------------------------------------------------
st.subheader(_("2 · Run the pilot fine-tune"))
st.caption(
    _(
        "Checks the training file with ftcost's own checks, uploads it, starts a job with the planned epochs and "
        "follows it. When it finishes, the tokens OpenAI bills (trained_tokens) are compared with ftcost's estimate."
    )
)
bases = fine_tuned_bases(scenario, as_of)
training = _training_file()
plan, can_start = None, False
if not bases:
    st.info(
        _(
            "No fine-tuned option of this scenario can be resolved on {date}, so there is no model to fine-tune. "
            "Choose another price date in the sidebar."
        ).format(date=as_of.isoformat())
    )
elif training is None:
    st.info(_("This scenario has no training file: upload one on the Dataset page to run the pilot on it."))
else:
    if ss.get(PILOT_MODEL) not in bases:
        ss[PILOT_MODEL] = bases[0]
    model = st.columns([2, 3])[0].selectbox(
        _("Base model to fine-tune"),
        bases,
        key=PILOT_MODEL,
        help=_("The base model of one of the scenario's fine-tuned options."),
    )
    content, name, data = training
    epochs = None if scenario.training.epochs == "auto" else int(scenario.training.epochs)
    with errors_shown():
        cutoff = lp.job_cutoff(model, as_of)
        plan = _pilot_plan(content, name, model, epochs, as_of.isoformat(), _data=data)
        view = lp.pilot_plan_view(plan, MONEY)
        st.caption(
            (
                _("Training file: **{file}** — your upload from the Dataset page.")
                if data is not None
                else _("Training file: **{file}** — the scenario's sample (upload your own on the Dataset page).")
            ).format(file=md(view.file))
        )
        m1, m2, m3 = st.columns(3)
        m1.metric(
            _("Examples × epochs"),
            f"{view.examples} × {view.epochs}",
            help=_(
                "The whole file is trained, with the scenario's epochs (OpenAI's auto rule is worked out and "
                "sent explicitly, so OpenAI trains exactly what is priced here)."
            ),
        )
        m2.metric(
            _("Charged tokens (ftcost's estimate)"),
            view.charged_tokens,
            help=_("What ftcost expects the job's trained_tokens to be: billing tokens per epoch × epochs."),
        )
        m3.metric(_("Training cost (estimate)"), view.cost, help=view.cost_note or _("At the sidebar date's price."))
        can_start = cutoff.allowed
        if not cutoff.allowed:
            st.error(cutoff.message)
        else:
            if cutoff.message:
                st.warning(cutoff.message)
            if st.button(
                _("Confirm: {action}").format(action=view.button),
                key="live_pilot_go",
                type="primary",
                disabled=not ready,
                help=needs_key,
            ):

                def start(progress, plan=plan):
                    if data is None:
                        return live.run_pilot(
                            _client(),
                            plan,
                            confirmed=True,
                            progress=progress,
                            poll_interval=lp.POLL_SECONDS,
                            max_wait=lp.MAX_WAIT_SECONDS,
                        )
                    with _written(name, data) as path:
                        return live.run_pilot(
                            _client(),
                            dataclasses.replace(plan, path=str(path)),
                            confirmed=True,
                            progress=progress,
                            poll_interval=lp.POLL_SECONDS,
                            max_wait=lp.MAX_WAIT_SECONDS,
                        )

                _follow(start, _("Fine-tuning {model}").format(model=model))

result_slot = st.container()  # the job's outcome, above the follow form, whichever of the two ran
with st.expander(_("Follow an existing job"), expanded=not can_start):
    st.caption(_("Following costs nothing: it reads the job's status and events until it finishes."))
    f1, f2 = st.columns([3, 2], vertical_alignment="bottom")
    with f1:
        _kept(st.text_input, _("Job id"), JOB_ID, placeholder=_("ftjob-…"))
    compare = f2.checkbox(
        _("It trained the file above (compare with ftcost's estimate)"), value=True, key=COMPARE, disabled=plan is None
    )
    job_id = (ss.get(JOB_ID) or "").strip()
    if st.button(_("Follow this job"), key="live_follow_go", disabled=not (ready and job_id), help=needs_key):
        with errors_shown():
            _follow(
                lambda progress: live.follow_job(
                    _client(),
                    job_id,
                    plan=plan if compare else None,
                    progress=progress,
                    poll_interval=lp.POLL_SECONDS,
                    max_wait=lp.MAX_WAIT_SECONDS,
                ),
                _("Following {job}").format(job=job_id),
            )
with result_slot:
    _pilot_result()

# --- 3. evaluate -----------------------------------------------------------------------------------------------
st.subheader(_("3 · Evaluate accuracy"))
st.caption(
    _(
        "Asks every option each question of the scenario's eval set and scores the answers. The measured "
        "accuracy can replace the assumed one, which drives the cost of wrong answers in the plan."
    )
)
_kept(
    st.text_input,
    _("Fine-tuned model"),
    FT_MODEL,
    placeholder=_("ft:gpt-4o-mini-2024-07-18:your-org::abc123"),
    help=_(
        "The model your pilot produced (filled in when the pilot above succeeds). Empty: planned fine-tunes are "
        "left out of measuring and evaluating."
    ),
)
if not scenario.pilot.eval_set:
    st.info(_(lv.NO_EVAL_SET))
else:
    st.caption(lv.eval_sentence(scenario))
    with errors_shown():
        items, scoring, fields = fs.eval_set(scenario)
        options, notes = lv.call_options(scenario, ss.get(KEPT + FT_MODEL))
        estimate = live.estimate_evaluate(
            options, items, as_of=as_of, scoring=scoring, fields=fields, max_output_tokens=int(cap)
        )
        questions = [i.input for i in items]
        result = _confirmed_run(
            estimate,
            notes,
            int(cap),
            "live_eval_go",
            lambda progress: live.run_evaluate(
                _client(),
                options,
                items,
                confirmed=True,
                as_of=as_of,
                scoring=scoring,
                fields=fields,
                max_output_tokens=int(cap),
                progress=progress,
            ),
        )
        if result is not None:
            ss[EVALUATED] = (result, lv.signature(options, questions))
        if EVALUATED in ss:
            result, asked = ss[EVALUATED]
            st.dataframe(lv.accuracy_frame(scenario, result), hide_index=True, width="stretch")
            if result.stopped:
                st.warning(lv.stopped_text(result))
            with st.expander(_("Every answer, scored")):
                st.dataframe(lv.scored_frame(result), hide_index=True, width="stretch")
            _offer_apply(
                lv.accuracy_change(scenario, result),
                asked == lv.signature(options, questions),
                _apply_accuracy,
                "live_eval_apply",
            )
