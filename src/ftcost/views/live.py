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
from ftcost.i18n import N_, _, locale, ngettext, text
from ftcost.live import EvalReport, MeasureReport, PromptOption, SpendEstimate
from ftcost.live import from_scenario as fs
from ftcost.live.serving import OPENAI_API, SERVER_KEY_OFF, Connection
from ftcost.money import Display
from ftcost.scenario import Scenario
from ftcost.text import markdown
from ftcost.views.common import pct, plain, tokens

KEY_ENV = "OPENAI_API_KEY"
DEFAULT_SAMPLES = 5
MAX_SAMPLES = 50  # per option; the library allows more, a page button should not
DEFAULT_ANSWER_CAP = 1024

#: What an API key adds, for the page shown without one (the rest of ftcost needs none). English here; the
#: page shows each through the catalogue (`key_adds`).
WHAT_A_KEY_ADDS = (
    N_(
        "**Measure your prompts**: send the scenario's sample messages to each option's model and record the real "
        "answer lengths, latency and token counts, next to ftcost's own count of the same prompts."
    ),
    N_(
        "**Run the pilot fine-tune**: upload the training file, start the job with the planned epochs, follow it, and "
        "compare the `trained_tokens` OpenAI bills with ftcost's estimate."
    ),
    N_(
        "**Evaluate accuracy**: ask every option the scenario's eval questions and score the answers, giving a measured "
        "accuracy per option instead of a guess."
    ),
)
OFFLINE = N_(
    "Everything else — the plan, the dataset checks, prompts, people and prices — works offline, without a key. "
    "The estimates on this page are free too: nothing is sent until you press a button that says what it "
    "will spend."
)

KEY_SOURCES = {
    "field": N_("the key typed in the field above"),
    "secrets": N_("the server's key from Streamlit secrets ({env}), which its operator lets visitors spend"),
    "environment": N_("the server's key from its environment ({env}), which its operator lets visitors spend"),
}
NEEDS_KEY = N_("Needs an API key (above).")


def key_adds() -> str:
    """The page's box without a key: what a key adds, then what works without one (Markdown)."""
    return (
        _("**What an API key adds**")
        + "\n\n"
        + "\n".join(f"- {_(line)}" for line in WHAT_A_KEY_ADDS)
        + "\n\n"
        + _(OFFLINE)
    )


def _m(money: Display | None) -> Display:
    return money if money is not None else Display(locale=locale())


def _server(url: str) -> str:
    return _("OpenAI (`api.openai.com`)") if url == OPENAI_API else f"`{url}`"


def connection_sentence(conn: Connection) -> str:
    """Which key and which server the page's calls would use, in a sentence (never the key itself).
    Without a usable key it also says that the server's own key is off unless the operator enables it."""
    # With a problem (shown next to this) no call goes anywhere, so no server is named.
    where = (
        ""
        if conn.problem
        else " "
        + (_("Calls would go to {server}.") if conn.source is None else _("Calls go to {server}.")).format(
            server=_server(conn.base_url)
        )
    )
    if conn.source is None:
        return (
            _("No key yet. Estimates below are free; the buttons that spend need a key.")
            + where
            + " "
            + text(SERVER_KEY_OFF)
        )
    return _("Using {source}.").format(source=_(KEY_SOURCES[conn.source]).format(env=KEY_ENV)) + where


def not_ready(conn: Connection) -> str | None:
    """Why the buttons that spend are disabled (their help text), None when they are not."""
    if conn.ready:
        return None
    return text(conn.problem) if conn.problem else _(NEEDS_KEY)


def price_date_note(as_of: dt.date, today: dt.date) -> str | None:
    """A note when the sidebar's price date is not today: estimates use its prices, OpenAI bills today's."""
    if as_of == today:
        return None
    return _(
        "Estimates use the prices and fine-tuning rules of the sidebar's date, {date}; what OpenAI bills for "
        "a call made now follows today's ({today})."
    ).format(date=as_of.isoformat(), today=today.isoformat())


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
        notes.append(
            _(
                "Left out until there is a fine-tuned model to call: {options}. Run the pilot below, or "
                "enter the name of a fine-tune you already have under *Evaluate*, to include it."
            ).format(options=which)
        )
    if elsewhere:
        notes.append(
            _("Served by another provider, so not called here (the live check calls OpenAI): {options}.").format(
                options="; ".join(markdown(s.name) for s in elsewhere)
            )
        )
    if not selection.options:
        raise FtcostError(" ".join([_("There is no option to call yet."), *notes]))
    return selection.options, notes


#: The page's widget for each library input an error can point to (`FtcostError.setting`); inputs the page
#: does not offer (the timeout, retries, an eval limit) have none, and their sentence stands alone.
SETTING_WORDS = {
    "api_key_env": N_("Type your key in the *OpenAI API key* field."),
    "base_url": N_("Check the *Server* field (empty: OpenAI)."),
    "fine_tuned_model": N_("Check the *Fine-tuned model* field under *Evaluate*."),
}


def widget_words(exc: FtcostError) -> str:
    """What to do on this page for the facts `exc` carries (which field to check, which button confirms, where
    the full list is); "" when it carries none the page can act on."""
    setting = SETTING_WORDS.get(exc.setting or "")
    parts = [_(setting) if setting else ""]
    if exc.needs_confirmation == "spend":
        parts.append(_("Press its *Confirm* button to spend it."))
    if exc.job_id:
        parts.append(_("Follow it again with its job id under *Follow an existing job*."))
    if exc.listing == "dataset_checks":
        parts.append(_("The Dataset page explains each problem and how to fix it."))
    elif exc.listing == "models":
        parts.append(_("The Prices page lists every model ftcost knows."))
    elif exc.listing == "served" and exc.as_of is not None:
        parts.append(_("The Prices page lists what is served on {date}.").format(date=exc.as_of.isoformat()))
    elif exc.listing == "alias_history":
        parts.append(_("The Prices page shows which snapshot each name pointed to and when."))
    return " ".join(p for p in parts if p)


def sentence(exc: FtcostError) -> str:
    """An error's own sentence in the page's language: the Notice it was raised with (the live client's), else its
    English text."""
    return text(exc.args[0]) if len(exc.args) == 1 else str(exc)


def error_text(exc: FtcostError) -> str:
    """An ftcost error as the Live page shows it: the library's sentence, then the page's words for its facts."""
    return " ".join(p for p in (sentence(exc), widget_words(exc)) if p)


def stopped_text(report: MeasureReport | EvalReport) -> str:
    """Why a run stopped early, with the page's words for the error behind it; "" when it ran to the end."""
    if not report.stopped:
        return ""
    words = widget_words(report.stopped_by) if report.stopped_by is not None else ""
    return " ".join(p for p in (text(report.stopped), words) if p)


def signature(options: Sequence[PromptOption], questions: Sequence[str]) -> tuple:
    """What a run asked: results are applied to the scenario only while it still asks the same."""
    return tuple((o.name, o.model, o.system_prompt) for o in options), tuple(questions)


# --- spend estimates -----------------------------------------------------------------------------------------


def _cost(usd: Decimal | None, money: Display | None) -> str:
    return _m(money).amount(usd) if usd is not None else _("unknown")


def estimate_frame(estimate: SpendEstimate, money: Display | None = None) -> pd.DataFrame:
    """Per option: calls, ftcost's count of the prompts, the answer-token cap, and the most it can cost (in the
    display currency). A note column only when some option has a note (e.g. no price on the date)."""
    columns = [
        _("Option"),
        _("Model"),
        _("Calls"),
        _("Prompt tokens"),
        _("Answer tokens at most"),
        _("Costs at most"),
        _("Note"),
    ]
    rows = [
        dict(
            zip(
                columns,
                (
                    o.option,
                    o.model,
                    tokens(o.calls),
                    tokens(o.prompt_tokens),
                    tokens(o.max_output_tokens),
                    _cost(o.cost_usd, money),
                    text(o.note),
                ),
                strict=True,
            )
        )
        for o in estimate.options
    ]
    frame = pd.DataFrame(rows, columns=columns)
    return frame if any(o.note for o in estimate.options) else frame.drop(columns=columns[-1])


def spend_text(estimate: SpendEstimate, money: Display | None = None) -> str:
    """`12 calls, at most $0.41` — the words on a confirm button."""
    total = estimate.total_usd
    calls = ngettext("{n} call", "{n} calls", estimate.calls).format(n=tokens(estimate.calls))
    if total is None:
        return _("{calls}, cost unknown (no price for some models)").format(calls=calls)
    return _("{calls}, at most {amount}").format(calls=calls, amount=_m(money).amount(total))


def estimate_sentence(estimate: SpendEstimate, answer_cap: int, money: Display | None = None) -> str:
    return _(
        "Estimate: {spend}, assuming every answer uses the whole {cap}-token cap (real answers are usually "
        "shorter). Nothing is sent until you confirm."
    ).format(spend=spend_text(estimate, money), cap=tokens(answer_cap))


# --- measure -------------------------------------------------------------------------------------------------


def signed(n: int | Decimal, suffix: str = "") -> str:
    """A difference with its sign: "0", "+3", "-2.50%"."""
    return f"0{suffix}" if n == 0 else f"{n:+,}{suffix}"


def measure_frame(report: MeasureReport, money: Display | None = None) -> pd.DataFrame:
    """Per option: ftcost's count of the prompts next to the API's prompt_tokens (over all calls), the
    difference (API minus ftcost), cached prompt tokens, and the medians of answer tokens and latency."""
    rows = []
    for o in report.options:
        diff_pct = o.difference_pct
        difference = signed(o.difference)
        if o.difference and diff_pct is not None:
            difference += f" ({signed(diff_pct, '%')})"
        rows.append(
            {
                _("Option"): o.name,
                _("Calls"): tokens(len(o.calls)),
                _("ftcost's count"): tokens(o.ftcost_prompt_tokens),
                _("API prompt_tokens"): tokens(o.api_prompt_tokens),
                _("Difference"): difference,
                _("Cached"): tokens(o.cached_tokens),
                _("Median answer"): plain(o.median_output_tokens),
                _("Median latency"): _("{seconds} s").format(seconds=f"{o.median_latency_s:.2f}"),
                _("Cost"): _cost(o.cost_usd, money),
            }
        )
    return pd.DataFrame(rows)


def answers_frame(report: MeasureReport) -> pd.DataFrame:
    """Every call: the question, the answer, and its token counts and latency."""
    rows = []
    for o in report.options:
        for c in o.calls:
            rows.append(
                {
                    _("Option"): o.name,
                    _("Question"): c.user_message,
                    _("Answer"): c.call.answer,
                    _("ftcost's count"): tokens(c.ftcost_prompt_tokens),
                    _("API prompt_tokens"): tokens(c.call.prompt_tokens),
                    _("Answer tokens"): tokens(c.call.completion_tokens),
                    _("Cached"): tokens(c.call.cached_tokens),
                    _("Latency"): _("{seconds} s").format(seconds=f"{c.call.latency_s:.2f}"),
                    _("Finished"): _finish(c.call.finish_reason, report.max_output_tokens),
                }
            )
    return pd.DataFrame(rows)


def _finish(reason: str | None, cap: int) -> str:
    return _("cut off at the {cap}-token cap").format(cap=tokens(cap)) if reason == "length" else (reason or "—")


def measure_notes(report: MeasureReport) -> list[str]:
    """What to know before trusting the medians: answers cut off, counts only indicative, a run cut short."""
    notes = [text(o.note) for o in report.options if o.note]
    for o in report.options:
        if o.truncated:
            notes.append(
                _(
                    "{option}: {n} answer(s) hit the {cap}-token cap, so its median answer length is a lower "
                    "bound; raise the cap and measure again."
                ).format(option=markdown(o.name), n=tokens(o.truncated), cap=tokens(report.max_output_tokens))
            )
    if report.stopped:
        notes.append(stopped_text(report) + " " + _("The calls made so far are shown."))
    return notes


def measure_summary(report: MeasureReport, money: Display | None = None) -> str:
    calls = sum(len(o.calls) for o in report.options)
    cost = report.cost_usd
    latency = report.suggested_latency_s()
    median = report.suggested_output_tokens()
    if median is None:
        return _("Nothing was measured.")
    counted = ngettext("{n} call", "{n} calls", calls).format(n=tokens(calls))
    measured = (
        _("Measured {calls}, which cost {amount} at ftcost's prices.").format(
            calls=counted, amount=_m(money).amount(cost)
        )
        if cost is not None
        else _("Measured {calls}.").format(calls=counted)
    )
    return (
        measured
        + " "
        + _("Median answer: {tokens} tokens; median latency {seconds} s.").format(
            tokens=tokens(median), seconds=f"{latency:.2f}"
        )
    )


def output_tokens_change(scenario: Scenario, report: MeasureReport) -> tuple[str, bool] | None:
    """(what applying the measurement changes, whether it changes anything); None when nothing was measured."""
    median = report.suggested_output_tokens()
    if median is None:
        return None
    stated = scenario.workload.output_tokens_per_request
    if stated == median:
        return _("The scenario already plans with the measured median, {tokens} output tokens per request.").format(
            tokens=tokens(median)
        ), False
    before = (
        _("The scenario's output tokens per request are stated as {tokens}.").format(tokens=tokens(stated))
        if stated is not None
        else _("The scenario's output tokens per request are counted from the sample answer.")
    )
    return before + " " + _(
        "Applying sets them to the measured median, {tokens}. (The scenario has no latency "
        "field: the median latency is for your own planning.)"
    ).format(tokens=tokens(median)), True


# --- evaluate ------------------------------------------------------------------------------------------------


def accuracy_frame(scenario: Scenario, report: EvalReport) -> pd.DataFrame:
    """Per option: right answers, measured accuracy, and the accuracy the scenario assumes now."""
    assumed = {o.name: o.accuracy_pct for o in scenario.option}
    columns = [_("Option"), _("Model"), _("Right"), _("Measured accuracy"), _("In the scenario now")]
    rows = [
        dict(
            zip(
                columns,
                (
                    o.name,
                    o.model,
                    _("{right} of {asked}").format(right=tokens(o.correct), asked=tokens(len(o.answers))),
                    pct(o.accuracy_pct),
                    pct(assumed.get(o.name)),
                ),
                strict=True,
            )
        )
        for o in report.options
    ]
    return pd.DataFrame(rows, columns=columns)


def scored_frame(report: EvalReport) -> pd.DataFrame:
    columns = [_("Option"), _("Question"), _("Expected"), _("Answer"), _("Right?"), _("Why not")]
    rows = [
        dict(
            zip(
                columns,
                (o.name, a.input, a.expected, a.answer, _("yes") if a.correct else _("no"), a.reason),
                strict=True,
            )
        )
        for o in report.options
        for a in o.answers
    ]
    return pd.DataFrame(rows, columns=columns)


def accuracy_change(scenario: Scenario, report: EvalReport) -> tuple[str, bool] | None:
    """(what applying the measured accuracy changes, whether it changes anything); None when nothing was scored."""
    measured = report.accuracy()
    if not measured:
        return None
    assumed = {o.name: o.accuracy_pct for o in scenario.option}
    changed = {name: value for name, value in measured.items() if name in assumed and assumed[name] != value}
    if not changed:
        return _("The scenario already plans with the measured accuracy."), False
    parts = [f"{markdown(name)} {pct(assumed[name])} → {pct(value)}" for name, value in changed.items()]
    return _("Applying sets the accuracy the plan uses: {changes}.").format(changes=_("; ").join(parts)), True


def eval_sentence(scenario: Scenario) -> str:
    pilot = scenario.pilot
    how = (
        _("the answer must equal the expected one")
        if pilot.scoring == "exact"
        else _("the answer's JSON fields {fields} must match the expected ones").format(
            fields=", ".join(pilot.json_fields) if pilot.json_fields else _("(all of them)")
        )
    )
    return _("{n} question(s) from the scenario's eval set; scoring: {scoring} ({how}).").format(
        n=tokens(len(pilot.eval_set)), scoring=pilot.scoring, how=how
    )


NO_EVAL_SET = N_(
    "This scenario has no eval set, so there is nothing to score. Add `[[pilot.eval_set]]` entries "
    "(`input` and `expected`) to the scenario file and open it again; the *reviews* example has some."
)
