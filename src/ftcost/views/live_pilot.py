"""The Live calibration page's pilot: job cutoffs, the plan, progress while a job runs, and the billed tokens
against ftcost's estimate. No Streamlit here."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

from ftcost.i18n import N_, _, locale, text
from ftcost.live import PilotPlan, PilotResult, Progress
from ftcost.money import Display
from ftcost.pricing import can_create_job
from ftcost.text import markdown
from ftcost.views.common import tokens
from ftcost.views.live import signed

#: Seconds between job status checks while the page follows a fine-tuning job (the CLI's default too).
POLL_SECONDS = 15.0
#: The page follows a job for at most this long; the job keeps running at OpenAI and can be followed again.
MAX_WAIT_SECONDS = 3600.0


@dataclass(frozen=True)
class JobCutoff:
    allowed: bool
    message: str  # "" when a job can be started with no caveat


def job_cutoff(model: str, as_of: dt.date, org_history: str | None = None) -> JobCutoff:
    """Whether a new fine-tuning job on `model` can start on `as_of`: the pricing layer's `can_create_job`, in words."""
    allowed, facts = can_create_job(model, as_of, org_history)
    snapshot, until = facts.base, facts.fine_tuning_until
    if not allowed:
        if facts.rule == "closed":
            closed = (
                _(
                    "New fine-tuning jobs are no longer possible for {model}: OpenAI accepts none from anyone from "
                    "{until}, and the price date is {date}."
                )
                if facts.event_id
                else _(
                    "New fine-tuning jobs are no longer possible for {model}: OpenAI accepts none from {until}, "
                    "and the price date is {date}."
                )
            )
            return JobCutoff(
                False,
                closed.format(model=snapshot, until=until, date=as_of.isoformat())
                + " "
                + _("Nothing can be started here; a job started earlier can still be followed below."),
            )
        return JobCutoff(
            False,
            _("No new fine-tuning job can be started for {model}: {reason}").format(
                model=snapshot, reason=facts.reason
            ),
        )
    limits = [
        _("since {date}, {who}").format(date=e.date.isoformat(), who=_who(e.who)) for e in facts.possible_restrictions
    ]
    if not limits:
        return JobCutoff(True, "")
    end = (
        (" " + _("From {date} nobody can start new jobs.").format(date=until.isoformat())) if until is not None else ""
    )
    return JobCutoff(
        True,
        _("OpenAI is winding down fine-tuning and no longer starts jobs for some organisations: {limits}.").format(
            limits=_("; ").join(limits)
        )
        + end
        + " "
        + _(
            "ftcost cannot tell whether yours is one of them; if it is, OpenAI refuses the job (403) before anything is "
            "billed."
        ),
    )


#: Who OpenAI's wind-down notices stop (lifecycle.toml's `who` of its organisation limits), as the page says it.
_WHO = {
    "organizations that have never fine-tuned": N_("organisations that have never fine-tuned"),
    "organizations with no fine-tuned-model inference in the past 60 days": N_(
        "organisations with no fine-tuned-model inference in the past 60 days"
    ),
}


def _who(who: str) -> str:
    """A lifecycle event's `who` in the page's words: the known groups translated, another one as given."""
    if who in _WHO:
        return _(_WHO[who])
    rest = who.removeprefix("organizations ")
    return _("organisations {who}").format(who=rest)


@dataclass(frozen=True)
class PilotPlanView:
    file: str
    examples: str
    epochs: str
    charged_tokens: str
    cost: str
    button: str  # the confirm button's words
    cost_note: str


def _m(money: Display | None) -> Display:
    return money if money is not None else Display(locale=locale())


def pilot_plan_view(plan: PilotPlan, money: Display | None = None) -> PilotPlanView:
    cost = _m(money).amount(plan.estimated_usd) if plan.estimated_usd is not None else _("not offered")
    return PilotPlanView(
        file=plan.path.rsplit("/", 1)[-1],
        examples=tokens(plan.examples),
        epochs=str(plan.epochs),
        charged_tokens=tokens(plan.charged_tokens),
        cost=cost,
        button=_("Upload and fine-tune {model} ({tokens} tokens, about {amount})").format(
            model=plan.model, tokens=tokens(plan.charged_tokens), amount=cost
        ),
        cost_note=text(plan.cost_note),
    )


#: How far along a job is when it reaches each status (the share of the bar; training fills the rest).
_STATUS_SHARE = {
    "validating_files": 0.2,
    "queued": 0.3,
    "running": 0.4,
    "succeeded": 1.0,
    "failed": 1.0,
    "cancelled": 1.0,
}
_STEP = re.compile(r"Step (\d+)/(\d+)")


def inert(text: str | None) -> str:
    """Server-supplied text (job errors, events, model names) made inert for Markdown: no link, image, HTML
    or code span can come out of it, whatever a hostile server sends. It is already redacted of keys.
    The escaping is ftcost.text's, the one every page uses for text it did not write."""
    return markdown(text or "")


class JobProgress:
    """Turns the pilot's progress reports into a progress bar's fraction and text and a line for the job's log,
    in the page's language. What a report is comes from its `kind` (and a status report's `status`), never from
    its wording, which is the reader's language; only a job event's own text (the server's) is read, for its
    "Step 21/42". The fraction never goes backwards; `job_id` is known as soon as the job exists (to follow it
    after an interruption)."""

    def __init__(self) -> None:
        self.fraction = 0.0
        self.status = "starting"
        self.job_id: str | None = None

    def update(self, p: Progress) -> tuple[float, str, str]:
        share, message = None, text(p.message)
        line = message
        if p.kind == "uploading":
            share = 0.05
        elif p.kind == "uploaded":
            share = 0.1
        elif p.kind == "created" or p.job_id:  # the report that the job was created
            self.job_id, share = p.job_id or self.job_id, 0.15
            line = _(
                "Created job {job}. If this page is closed or interrupted, the job keeps running at OpenAI: "
                "follow it again with its id under *Follow an existing job*."
            ).format(job=self.job_id)
        elif p.kind == "status" and p.status:
            self.status = p.status
            share = _STATUS_SHARE.get(self.status)
        elif p.kind == "event" and (step := _STEP.search(p.message)):
            done, total = int(step[1]), int(step[2])
            share = 0.4 + 0.55 * done / total if total else None
        if share is not None:
            self.fraction = max(self.fraction, min(share, 1.0))
        return self.fraction, inert(f"{status_word(self.status)} · {message}"), inert(line)


#: A fine-tuning job's status (OpenAI's word) as the page says it; another status is shown as OpenAI wrote it.
JOB_STATUS = {
    "starting": N_("starting"),
    "validating_files": N_("validating files"),
    "queued": N_("queued"),
    "running": N_("running"),
    "succeeded": N_("succeeded"),
    "failed": N_("failed"),
    "cancelled": N_("cancelled"),
}


def status_word(status: str) -> str:
    """`validating_files` → "validating files", in the page's language."""
    return _(JOB_STATUS[status]) if status in JOB_STATUS else status.replace("_", " ")


@dataclass(frozen=True)
class PilotResultView:
    headline: str
    log_label: str  # the status box holding the job's events
    state: Literal["complete", "error", "running"]  # st.status states
    trained_tokens: str
    estimated_tokens: str
    error_pct: str  # "+1.25%": positive means ftcost over-estimated
    error_help: str
    billed: str
    estimated_usd: str
    note: str


def pilot_result_view(result: PilotResult, money: Display | None = None) -> PilotResultView:
    err = result.estimate_error_pct
    if err is None:
        error_pct, help_ = "—", _("No estimate to compare with (a job followed without this page's dataset).")
    else:
        error_pct = signed(err, "%")
        apart = tokens(abs(int(result.estimated_tokens or 0) - int(result.trained_tokens or 0)))
        help_ = (
            _(
                "(ftcost's estimate − trained tokens) ÷ trained tokens: ftcost over-estimated the bill by {tokens} "
                "tokens."
            )
            if err > 0
            else _(
                "(ftcost's estimate − trained tokens) ÷ trained tokens: ftcost under-estimated the bill by {tokens} "
                "tokens."
            )
            if err < 0
            else _("(ftcost's estimate − trained tokens) ÷ trained tokens: ftcost matched the bill exactly.")
        )
        help_ = help_.format(tokens=apart)
    job = inert(result.job_id)
    # OpenAI's word for a status the page knows, in the page's language; another one as the server wrote it (inert)
    known = result.status in JOB_STATUS
    status = status_word(result.status) if known else inert(result.status)
    spaced = status if known else status.replace("_", " ")
    state: Literal["complete", "error", "running"]
    if result.succeeded:
        headline, state = (
            _("Job {job} succeeded: {model}.").format(job=job, model=inert(result.fine_tuned_model)),
            "complete",
        )
    elif result.finished:
        headline = (
            _("Job {job} {status}: {why}").format(job=job, status=status, why=inert(result.error_message))
            if result.error_message
            else _("Job {job} {status}").format(job=job, status=status)
        )
        state = "error"
    else:
        headline, state = (
            _("Job {job} is still {status}; it keeps running at OpenAI. Follow it again below with its job id.").format(
                job=job, status=spaced
            ),
            "running",
        )
    return PilotResultView(
        headline=headline,
        log_label=_("Job {job}: {status} · {n} event(s) from OpenAI").format(
            job=job, status=spaced, n=tokens(len(result.events))
        ),
        state=state,
        trained_tokens=tokens(result.trained_tokens) if result.trained_tokens is not None else "—",
        estimated_tokens=tokens(result.estimated_tokens) if result.estimated_tokens is not None else "—",
        error_pct=error_pct,
        error_help=help_,
        billed=_m(money).amount(result.billed_usd) if result.billed_usd is not None else "—",
        estimated_usd=_m(money).amount(result.estimated_usd) if result.estimated_usd is not None else "—",
        note=text(result.note),
    )
