"""The Live calibration page's pilot: job cutoffs, the plan, progress while a job runs, and the billed tokens
against ftcost's estimate. No Streamlit here."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

from ftcost.live import PilotPlan, PilotResult, Progress
from ftcost.money import format_usd
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
    from ftcost.pricing import can_create_job

    allowed, facts = can_create_job(model, as_of, org_history)
    snapshot, until = facts.base, facts.fine_tuning_until
    if not allowed:
        if facts.rule == "closed":
            who = " from anyone" if facts.event_id else ""
            return JobCutoff(False, (
                f"New fine-tuning jobs are no longer possible for {snapshot}: OpenAI accepts none{who} from "
                f"{until}, and the price date is {as_of.isoformat()}. Nothing can be started here; "
                "a job started earlier can still be followed below."))
        return JobCutoff(False, f"No new fine-tuning job can be started for {snapshot}: {facts.reason}")
    limits = [f"since {e.date.isoformat()}, organisations {e.who.removeprefix('organizations ')}"
              for e in facts.possible_restrictions]
    if not limits:
        return JobCutoff(True, "")
    end = f" From {until.isoformat()} nobody can start new jobs." if until is not None else ""
    return JobCutoff(True, (
        "OpenAI is winding down fine-tuning and no longer starts jobs for some organisations: "
        + "; ".join(limits) + f".{end} ftcost cannot tell whether yours is one of them; if it is, OpenAI refuses "
        "the job (403) before anything is billed."))


@dataclass(frozen=True)
class PilotPlanView:
    file: str
    examples: str
    epochs: str
    charged_tokens: str
    cost: str
    button: str  # the confirm button's words
    cost_note: str


def pilot_plan_view(plan: PilotPlan) -> PilotPlanView:
    cost = format_usd(plan.estimated_usd) if plan.estimated_usd is not None else "not offered"
    return PilotPlanView(
        file=plan.path.rsplit("/", 1)[-1],
        examples=tokens(plan.examples),
        epochs=str(plan.epochs),
        charged_tokens=tokens(plan.charged_tokens),
        cost=cost,
        button=f"Upload and fine-tune {plan.model} ({tokens(plan.charged_tokens)} tokens, about {cost})",
        cost_note=plan.cost_note,
    )


#: How far along a job is when it reaches each status (the share of the bar; training fills the rest).
_STATUS_SHARE = {"validating_files": 0.2, "queued": 0.3, "running": 0.4, "succeeded": 1.0, "failed": 1.0,
                 "cancelled": 1.0}
_STEP = re.compile(r"Step (\d+)/(\d+)")


def inert(text: str | None) -> str:
    """Server-supplied text (job errors, events, model names) made inert for Markdown: no link, image, HTML
    or code span can come out of it, whatever a hostile server sends. It is already redacted of keys.
    The escaping is ftcost.text's, the one every page uses for text it did not write."""
    return markdown(text or "")


class JobProgress:
    """Turns the pilot's progress reports into a progress bar's fraction and text and a line for the job's log.
    The fraction never goes backwards; `job_id` is known as soon as the job exists (to follow it after an
    interruption)."""

    def __init__(self) -> None:
        self.fraction = 0.0
        self.status = "starting"
        self.job_id: str | None = None

    def update(self, p: Progress) -> tuple[float, str, str]:
        share, line = None, p.message
        if p.stage == "upload":
            share = 0.05 if p.message.startswith("uploading") else 0.1
        elif p.job_id:  # the report that the job was created
            self.job_id, share = p.job_id, 0.15
            line = (f"Created job {self.job_id}. If this page is closed or interrupted, the job keeps running at "
                    "OpenAI: follow it again with its id under *Follow an existing job*.")
        elif p.message.startswith("status: "):
            self.status = p.message.removeprefix("status: ")
            share = _STATUS_SHARE.get(self.status)
        elif step := _STEP.search(p.message):
            done, total = int(step[1]), int(step[2])
            share = 0.4 + 0.55 * done / total if total else None
        if share is not None:
            self.fraction = max(self.fraction, min(share, 1.0))
        return self.fraction, inert(f"{self.status.replace('_', ' ')} · {p.message}"), inert(line)


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


def pilot_result_view(result: PilotResult) -> PilotResultView:
    err = result.estimate_error_pct
    if err is None:
        error_pct, help_ = "—", "No estimate to compare with (a job followed without this page's dataset)."
    else:
        error_pct = signed(err, "%")
        direction = "over-estimated" if err > 0 else "under-estimated" if err < 0 else "matched"
        help_ = (f"(ftcost's estimate − trained tokens) ÷ trained tokens: ftcost {direction} the bill"
                 + (f" by {tokens(abs(int(result.estimated_tokens or 0) - int(result.trained_tokens or 0)))} tokens."
                    if err else " exactly."))
    job, status = inert(result.job_id), inert(result.status)
    state: Literal["complete", "error", "running"]
    if result.succeeded:
        headline, state = f"Job {job} succeeded: {inert(result.fine_tuned_model)}.", "complete"
    elif result.finished:
        why = f": {inert(result.error_message)}" if result.error_message else ""
        headline, state = f"Job {job} {status}{why}", "error"
    else:
        headline, state = (f"Job {job} is still {status.replace('_', ' ')}; it keeps running at "
                           "OpenAI. Follow it again below with its job id."), "running"
    return PilotResultView(
        headline=headline,
        log_label=f"Job {job}: {status.replace('_', ' ')} · {len(result.events):,} event(s) from OpenAI",
        state=state,
        trained_tokens=tokens(result.trained_tokens) if result.trained_tokens is not None else "—",
        estimated_tokens=tokens(result.estimated_tokens) if result.estimated_tokens is not None else "—",
        error_pct=error_pct,
        error_help=help_,
        billed=format_usd(result.billed_usd) if result.billed_usd is not None else "—",
        estimated_usd=format_usd(result.estimated_usd) if result.estimated_usd is not None else "—",
        note=result.note,
    )
