"""The Live calibration page: what a key adds, what a run will spend, and what it measured. No Streamlit here.

The page hands the API key from its widget straight to `ftcost.live.connect`; nothing in this module
ever sees a key (`ftcost.live.serving.decide` is told only where one is). Everything else the page
shows — spend estimates, the measured-vs-counted table, accuracy, the pilot's billed tokens against
ftcost's estimate — is composed and formatted here from the live library's plain results; the pilot's
part is in `ftcost.views.live_pilot`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

import pandas as pd

from ftcost.errors import FtcostError
from ftcost.live import EvalReport, MeasureReport, PromptOption, SpendEstimate
from ftcost.live import from_scenario as fs
from ftcost.live.serving import OPENAI_API, SERVER_KEY_OFF, Connection
from ftcost.money import format_usd
from ftcost.scenario import Scenario
from ftcost.text import markdown
from ftcost.views.common import pct, plain, tokens

KEY_ENV = "OPENAI_API_KEY"
DEFAULT_SAMPLES = 5
MAX_SAMPLES = 50  # per option; the library allows more, a page button should not
DEFAULT_ANSWER_CAP = 1024

#: What an API key adds, for the page shown without one (the rest of ftcost needs none).
WHAT_A_KEY_ADDS = (
    "**Measure your prompts**: send the scenario's sample messages to each option's model and record the real "
    "answer lengths, latency and token counts, next to ftcost's own count of the same prompts.",
    "**Run the pilot fine-tune**: upload the training file, start the job with the planned epochs, follow it, and "
    "compare the `trained_tokens` OpenAI bills with ftcost's estimate.",
    "**Evaluate accuracy**: ask every option the scenario's eval questions and score the answers, giving a measured "
    "accuracy per option instead of a guess.",
)
OFFLINE = ("Everything else — the plan, the dataset checks, prompts, people and prices — works offline, without a key. "
           "The estimates on this page are free too: nothing is sent until you press a button that says what it "
           "will spend.")

KEY_SOURCES = {
    "field": "the key typed in the field above",
    "secrets": f"the server's key from Streamlit secrets ({KEY_ENV}), which its operator lets visitors spend",
    "environment": f"the server's key from its environment ({KEY_ENV}), which its operator lets visitors spend",
}
NEEDS_KEY = "Needs an API key (above)."


def _server(url: str) -> str:
    return "OpenAI (`api.openai.com`)" if url == OPENAI_API else f"`{url}`"


def connection_sentence(conn: Connection) -> str:
    """Which key and which server the page's calls would use, in a sentence (never the key itself).
    Without a usable key it also says that the server's own key is off unless the operator enables it."""
    # With a problem (shown next to this) no call goes anywhere, so no server is named.
    where = "" if conn.problem else f" Calls {'would go' if conn.source is None else 'go'} to {_server(conn.base_url)}."
    if conn.source is None:
        return f"No key yet. Estimates below are free; the buttons that spend need a key.{where} {SERVER_KEY_OFF}"
    return f"Using {KEY_SOURCES[conn.source]}.{where}"


def not_ready(conn: Connection) -> str | None:
    """Why the buttons that spend are disabled (their help text), None when they are not."""
    if conn.ready:
        return None
    return conn.problem or NEEDS_KEY


def price_date_note(as_of: dt.date, today: dt.date) -> str | None:
    """A note when the sidebar's price date is not today: estimates use its prices, OpenAI bills today's."""
    if as_of == today:
        return None
    return (f"Estimates use the prices and fine-tuning rules of the sidebar's date, {as_of.isoformat()}; "
            f"what OpenAI bills for a call made now follows today's ({today.isoformat()}).")


# --- which options are called (measure and evaluate) ---------------------------------------------------------


def call_options(scenario: Scenario, fine_tuned_model: str | None) -> tuple[list[PromptOption], list[str]]:
    """(options to call, notes on the ones skipped), in the app's words.

    Which options are called, with which model and prompt, is the library's rule (`select_options`, the
    CLI's too); this says the skipped ones as the page's notes (Markdown) and points to the page's widgets.
    """
    selection = fs.select_options(scenario, fine_tuned_model=fine_tuned_model)
    waiting = [s for s in selection.skipped if s.reason in ("no_model", "other_base")]
    elsewhere = [s for s in selection.skipped if s.reason == "provider"]
    notes = []
    if waiting:
        which = "; ".join(f"{markdown(s.name)} ({markdown(s.model)})" for s in waiting)  # shown as Markdown
        notes.append(f"Left out until there is a fine-tuned model to call: {which}. Run the pilot below, or enter "
                     "the name of a fine-tune you already have under *Evaluate*, to include it.")
    if elsewhere:
        notes.append("Served by another provider, so not called here (the live check calls OpenAI): "
                     + "; ".join(markdown(s.name) for s in elsewhere) + ".")
    if not selection.options:
        raise FtcostError("There is no option to call yet. " + " ".join(notes))
    return selection.options, notes


#: The page's widget for each library input an error can point to (`FtcostError.setting`); inputs the page
#: does not offer (the timeout, retries, an eval limit) have none, and their sentence stands alone.
SETTING_WORDS = {
    "api_key_env": "Type your key in the *OpenAI API key* field.",
    "base_url": "Check the *Server* field (empty: OpenAI).",
    "fine_tuned_model": "Check the *Fine-tuned model* field under *Evaluate*.",
}


def widget_words(exc: FtcostError) -> str:
    """What to do on this page for the facts `exc` carries (which field to check, which button confirms, where
    the full list is); "" when it carries none the page can act on."""
    parts = [SETTING_WORDS.get(exc.setting or "", "")]
    if exc.needs_confirmation == "spend":
        parts.append("Press its *Confirm* button to spend it.")
    if exc.job_id:
        parts.append("Follow it again with its job id under *Follow an existing job*.")
    if exc.listing == "dataset_checks":
        parts.append("The Dataset page explains each problem and how to fix it.")
    elif exc.listing == "models":
        parts.append("The Prices page lists every model ftcost knows.")
    elif exc.listing == "served" and exc.as_of is not None:
        parts.append(f"The Prices page lists what is served on {exc.as_of.isoformat()}.")
    elif exc.listing == "alias_history":
        parts.append("The Prices page shows which snapshot each name pointed to and when.")
    return " ".join(p for p in parts if p)


def error_text(exc: FtcostError) -> str:
    """An ftcost error as the Live page shows it: the library's sentence, then the page's words for its facts."""
    return " ".join(p for p in (str(exc), widget_words(exc)) if p)


def stopped_text(report: MeasureReport | EvalReport) -> str:
    """Why a run stopped early, with the page's words for the error behind it; "" when it ran to the end."""
    if not report.stopped:
        return ""
    words = widget_words(report.stopped_by) if report.stopped_by is not None else ""
    return " ".join(p for p in (report.stopped, words) if p)


def signature(options: Sequence[PromptOption], questions: Sequence[str]) -> tuple:
    """What a run asked: results are applied to the scenario only while it still asks the same."""
    return tuple((o.name, o.model, o.system_prompt) for o in options), tuple(questions)


# --- spend estimates -----------------------------------------------------------------------------------------


def estimate_frame(estimate: SpendEstimate) -> pd.DataFrame:
    """Per option: calls, ftcost's count of the prompts, the answer-token cap, and the most it can cost.
    A note column only when some option has a note (e.g. no price on the date)."""
    rows = [{
        "Option": o.option, "Model": o.model, "Calls": tokens(o.calls), "Prompt tokens": tokens(o.prompt_tokens),
        "Answer tokens at most": tokens(o.max_output_tokens),
        "Costs at most": format_usd(o.cost_usd) if o.cost_usd is not None else "unknown",
        "Note": o.note,
    } for o in estimate.options]
    frame = pd.DataFrame(rows, columns=["Option", "Model", "Calls", "Prompt tokens", "Answer tokens at most",
                                        "Costs at most", "Note"])
    return frame if any(o.note for o in estimate.options) else frame.drop(columns="Note")


def spend_text(estimate: SpendEstimate) -> str:
    """`12 calls, at most $0.41` — the words on a confirm button."""
    total = estimate.total_usd
    cost = f"at most {format_usd(total)}" if total is not None else "cost unknown (no price for some models)"
    return f"{estimate.calls:,} call{'s' if estimate.calls != 1 else ''}, {cost}"


def estimate_sentence(estimate: SpendEstimate, answer_cap: int) -> str:
    return (f"Estimate: {spend_text(estimate)}, assuming every answer uses the whole {answer_cap:,}-token cap "
            "(real answers are usually shorter). Nothing is sent until you confirm.")


# --- measure -------------------------------------------------------------------------------------------------


def signed(n: int | Decimal, suffix: str = "") -> str:
    """A difference with its sign: "0", "+3", "-2.50%"."""
    return f"0{suffix}" if n == 0 else f"{n:+,}{suffix}"


def measure_frame(report: MeasureReport) -> pd.DataFrame:
    """Per option: ftcost's count of the prompts next to the API's prompt_tokens (over all calls), the
    difference (API minus ftcost), cached prompt tokens, and the medians of answer tokens and latency."""
    rows = []
    for o in report.options:
        diff_pct = o.difference_pct
        difference = signed(o.difference)
        if o.difference and diff_pct is not None:
            difference += f" ({signed(diff_pct, '%')})"
        rows.append({
            "Option": o.name, "Calls": tokens(len(o.calls)),
            "ftcost's count": tokens(o.ftcost_prompt_tokens),
            "API prompt_tokens": tokens(o.api_prompt_tokens),
            "Difference": difference,
            "Cached": tokens(o.cached_tokens),
            "Median answer": plain(o.median_output_tokens),
            "Median latency": f"{o.median_latency_s:.2f} s",
            "Cost": format_usd(o.cost_usd) if o.cost_usd is not None else "unknown",
        })
    return pd.DataFrame(rows)


def answers_frame(report: MeasureReport) -> pd.DataFrame:
    """Every call: the question, the answer, and its token counts and latency."""
    rows = []
    for o in report.options:
        for c in o.calls:
            rows.append({
                "Option": o.name, "Question": c.user_message, "Answer": c.call.answer,
                "ftcost's count": tokens(c.ftcost_prompt_tokens),
                "API prompt_tokens": tokens(c.call.prompt_tokens),
                "Answer tokens": tokens(c.call.completion_tokens), "Cached": tokens(c.call.cached_tokens),
                "Latency": f"{c.call.latency_s:.2f} s", "Finished": _finish(c.call.finish_reason, report.max_output_tokens),
            })
    return pd.DataFrame(rows)


def _finish(reason: str | None, cap: int) -> str:
    return f"cut off at the {cap:,}-token cap" if reason == "length" else (reason or "—")


def measure_notes(report: MeasureReport) -> list[str]:
    """What to know before trusting the medians: answers cut off, counts only indicative, a run cut short."""
    notes = [o.note for o in report.options if o.note]
    for o in report.options:
        if o.truncated:
            notes.append(f"{markdown(o.name)}: {o.truncated} answer(s) hit the {report.max_output_tokens:,}-token cap, so its "
                         "median answer length is a lower bound; raise the cap and measure again.")
    if report.stopped:
        notes.append(stopped_text(report) + " The calls made so far are shown.")
    return notes


def measure_summary(report: MeasureReport) -> str:
    calls = sum(len(o.calls) for o in report.options)
    cost = report.cost_usd
    spent = f", which cost {format_usd(cost)} at ftcost's prices" if cost is not None else ""
    latency = report.suggested_latency_s()
    median = report.suggested_output_tokens()
    if median is None:
        return "Nothing was measured."
    return (f"Measured {calls:,} call{'s' if calls != 1 else ''}{spent}. Median answer: {median:,} tokens; "
            f"median latency {latency:.2f} s.")


def output_tokens_change(scenario: Scenario, report: MeasureReport) -> tuple[str, bool] | None:
    """(what applying the measurement changes, whether it changes anything); None when nothing was measured."""
    median = report.suggested_output_tokens()
    if median is None:
        return None
    stated = scenario.workload.output_tokens_per_request
    if stated == median:
        return f"The scenario already plans with the measured median, {median:,} output tokens per request.", False
    before = f"stated as {stated:,}" if stated is not None else "counted from the sample answer"
    return (f"The scenario's output tokens per request are {before}; applying sets them to the measured median, "
            f"{median:,}. (The scenario has no latency field: the median latency is for your own planning.)"), True


# --- evaluate ------------------------------------------------------------------------------------------------


def accuracy_frame(scenario: Scenario, report: EvalReport) -> pd.DataFrame:
    """Per option: right answers, measured accuracy, and the accuracy the scenario assumes now."""
    assumed = {o.name: o.accuracy_pct for o in scenario.option}
    rows = [{
        "Option": o.name, "Model": o.model, "Right": f"{o.correct:,} of {len(o.answers):,}",
        "Measured accuracy": pct(o.accuracy_pct), "In the scenario now": pct(assumed.get(o.name)),
    } for o in report.options]
    return pd.DataFrame(rows, columns=["Option", "Model", "Right", "Measured accuracy", "In the scenario now"])


def scored_frame(report: EvalReport) -> pd.DataFrame:
    rows = [{
        "Option": o.name, "Question": a.input, "Expected": a.expected, "Answer": a.answer,
        "Right?": "yes" if a.correct else "no", "Why not": a.reason,
    } for o in report.options for a in o.answers]
    return pd.DataFrame(rows, columns=["Option", "Question", "Expected", "Answer", "Right?", "Why not"])


def accuracy_change(scenario: Scenario, report: EvalReport) -> tuple[str, bool] | None:
    """(what applying the measured accuracy changes, whether it changes anything); None when nothing was scored."""
    measured = report.accuracy()
    if not measured:
        return None
    assumed = {o.name: o.accuracy_pct for o in scenario.option}
    changed = {name: value for name, value in measured.items() if name in assumed and assumed[name] != value}
    if not changed:
        return "The scenario already plans with the measured accuracy.", False
    parts = [f"{markdown(name)} {pct(assumed[name])} → {pct(value)}" for name, value in changed.items()]
    return "Applying sets the accuracy the plan uses: " + "; ".join(parts) + ".", True


def eval_sentence(scenario: Scenario) -> str:
    pilot = scenario.pilot
    how = ("the answer must equal the expected one" if pilot.scoring == "exact" else
           "the answer's JSON fields " + (", ".join(pilot.json_fields) if pilot.json_fields else "(all of them)")
           + " must match the expected ones")
    return f"{len(pilot.eval_set):,} question(s) from the scenario's eval set; scoring: {pilot.scoring} ({how})."


NO_EVAL_SET = ("This scenario has no eval set, so there is nothing to score. Add `[[pilot.eval_set]]` entries "
               "(`input` and `expected`) to the scenario file and open it again; the *reviews* example has some.")
