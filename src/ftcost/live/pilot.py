"""Run the pilot fine-tune and compare what OpenAI billed with what ftcost predicted.

Steps, each refusing early rather than spending: validate the dataset with ftcost's own checks (a file
with errors is never uploaded), check the fine-tuning job cutoffs in the pricing data (OpenAI's
wind-down ends new jobs for everyone on 2027-01-06), upload the file (`files.create`, purpose
`fine-tune`), create the job with the planned number of epochs (`fine_tuning.jobs.create`, supervised
method), follow its status and events, and when it finishes compare the job's `trained_tokens` with
ftcost's charged-token estimate. A failed or cancelled job comes back with OpenAI's error message.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from ftcost.errors import ApiError, FtcostError, NotOfferedError
from ftcost.i18n import N_, Notice
from ftcost.live.chat import Progress, ProgressFn, no_progress, reason, require_confirmation
from ftcost.live.client import server_text as clean

#: Prices a training run: (model, charged_tokens, as_of) -> USD.
TrainingPricer = Callable[[str, int, dt.date], Decimal]

TERMINAL = ("succeeded", "failed", "cancelled")
DEFAULT_POLL_S = 15.0
DEFAULT_MAX_WAIT_S = 6 * 3600.0  # a pilot of 50 examples usually finishes within an hour or two


@dataclass
class PilotPlan:
    """What will be uploaded and trained, and what ftcost predicts it bills."""

    path: str
    model: str  # as given (sent to OpenAI, which resolves aliases itself)
    snapshot: str  # the base snapshot ftcost priced and checked
    epochs: int
    examples: int
    charged_tokens: int  # ftcost's prediction of the job's trained_tokens
    as_of: dt.date
    estimated_usd: Decimal | None = None
    cutoff_note: str = ""
    cost_note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "model": self.model,
            "snapshot": self.snapshot,
            "epochs": self.epochs,
            "examples": self.examples,
            "charged_tokens": self.charged_tokens,
            "as_of": self.as_of.isoformat(),
            "estimated_usd": None if self.estimated_usd is None else str(self.estimated_usd),
            "cutoff_note": self.cutoff_note,
            "cost_note": self.cost_note,
        }


#: Bytes of a file name most file systems take (255); room is left for the temporary folder's own needs.
_NAME_BYTES = 200


def upload_name(name: str, default: str = "train.jsonl") -> str:
    """A name an uploaded file can be written under (and sent to OpenAI as): no folders, no control
    characters, not "." or "..", and at most 200 UTF-8 bytes, its extension kept when it is cut short
    (a long Chinese name is 3 bytes a character, so 86 characters already exceed the usual 255-byte limit)."""
    base = "".join(ch for ch in str(name).replace("\\", "/").rsplit("/", 1)[-1] if ch.isprintable()).strip()
    if base in ("", ".", ".."):
        return default
    if len(base.encode("utf-8")) <= _NAME_BYTES:
        return base
    stem, dot, ext = base.rpartition(".")
    suffix = f".{ext}" if dot and stem and len(ext.encode("utf-8")) <= 16 else ""
    stem = base[: len(base) - len(suffix)]
    room = _NAME_BYTES - len(suffix.encode("utf-8"))
    cut = stem.encode("utf-8")[:room].decode("utf-8", "ignore")  # never half a character
    return (cut.rstrip() or "train") + suffix


def check_cutoff(model: str, as_of: dt.date, org_history: str | None = None) -> tuple[str, str]:
    """(snapshot, note) if a new fine-tuning job for `model` can be created on `as_of`, else NotOfferedError.

    The rule is the pricing layer's one `can_create_job`."""
    # deferred: ftcost.live loads without pydantic and the pricing tables; only this call needs them
    from ftcost.pricing import can_create_job

    allowed, facts = can_create_job(model, as_of, org_history)
    if not allowed:
        raise NotOfferedError(f"No new fine-tuning job can be started for {model} on {as_of}: {facts.reason}")
    return facts.base, facts.reason


def default_training_pricer() -> TrainingPricer:
    def price(model: str, charged_tokens: int, as_of: dt.date) -> Decimal:
        # deferred: ftcost.live loads without pydantic and the pricing tables; only this call needs them
        from ftcost.pricing import training_cost

        usd, _rate = training_cost(model, charged_tokens, as_of)
        return usd

    return price


def _dataset_errors(path: Path, report: Any) -> Notice:
    """One sentence: which checks failed on which lines (at most three categories named)."""
    from ftcost.views.common import lines_notice  # the CLI's wording and cut rule, so both name the same lines

    parts = tuple(
        # Translators: a failed dataset check by its id (e.g. missing_assistant) and where: "line 3", "lines 3, 7".
        Notice(N_("{category} on {lines}"), category=category, lines=lines_notice(lines, report.line_count(category)))
        for category, lines in list(report.error_lines.items())[:3]
    )
    # The English has always said "kinds", one or more.
    more = Notice(N_(" and {n} more kinds"), n=len(report.errors) - 3) if len(report.errors) > 3 else ""
    return Notice(
        N_(
            "{file} fails ftcost's checks ({failed}{more}), so it is not uploaded; ftcost's analysis of the file "
            "explains each problem and how to fix it."
        ),
        file=path.name,
        failed=parts,
        more=more,
    )


def plan_pilot(
    path: str | Path,
    model: str,
    *,
    as_of: dt.date,
    epochs: int | None = None,
    pricer: TrainingPricer | None = None,
    check_job_cutoff: bool = True,
) -> PilotPlan:
    """Validate the dataset and the job cutoff, and predict the billed tokens; nothing is sent.

    `epochs` None plans OpenAI's "auto" by the cookbook's rule; the job is then created with that
    number explicitly, so OpenAI trains exactly what ftcost priced. `check_job_cutoff=False` is for
    following a job that already exists (its estimate is still wanted after the cutoff).
    """
    # deferred: ftcost.live loads without pydantic and the pricing tables; only this call needs them
    from ftcost.dataset import analyze_file
    from ftcost.pricing import resolve

    path = Path(path)
    if check_job_cutoff:
        snapshot, cutoff_note = check_cutoff(model, as_of)
    else:
        snapshot, cutoff_note = resolve(model, as_of).snapshot, ""
    report = analyze_file(path, snapshot, epochs)
    if not report.valid:
        raise FtcostError(_dataset_errors(path, report), value=path.name, listing="dataset_checks")
    plan = PilotPlan(
        path=str(path),
        model=model,
        snapshot=snapshot,
        epochs=int(report.epochs),
        examples=int(report.examples),
        charged_tokens=int(report.charged_tokens),
        as_of=as_of,
        cutoff_note=cutoff_note,
    )
    try:
        plan.estimated_usd = (pricer or default_training_pricer())(snapshot, plan.charged_tokens, as_of)
    except FtcostError as exc:
        plan.cost_note = reason(exc)  # its Notice: shown in the reader's language
    return plan


@dataclass(frozen=True)
class JobEvent:
    id: str
    created_at: int
    level: str
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "created_at": self.created_at, "level": self.level, "message": self.message}


@dataclass
class PilotResult:
    job_id: str
    status: str
    model: str
    file_id: str | None = None
    fine_tuned_model: str | None = None
    epochs: int | None = None
    trained_tokens: int | None = None
    estimated_tokens: int | None = None
    estimated_usd: Decimal | None = None
    billed_usd: Decimal | None = None
    error_code: str | None = None
    error_message: str | None = None
    note: str = ""
    events: list[JobEvent] = field(default_factory=list)

    @property
    def finished(self) -> bool:
        return self.status in TERMINAL

    @property
    def succeeded(self) -> bool:
        return self.status == "succeeded"

    @property
    def estimate_error_pct(self) -> Decimal | None:
        """(ftcost's estimate − trained_tokens) / trained_tokens × 100: positive means ftcost over-estimated."""
        if not self.trained_tokens or self.estimated_tokens is None:
            return None
        diff = Decimal(self.estimated_tokens - self.trained_tokens) * 100 / self.trained_tokens
        return diff.quantize(Decimal("0.01"), ROUND_HALF_UP)

    def summary(self) -> str:
        if self.status == "succeeded":
            pct = self.estimate_error_pct
            cmp = (
                f"; ftcost predicted {self.estimated_tokens:,} ({pct:+}% error)"
                if pct is not None and self.estimated_tokens is not None
                else ""
            )
            return f"Job {self.job_id} succeeded: {self.fine_tuned_model}, {self.trained_tokens:,} trained tokens{cmp}."
        if self.status in ("failed", "cancelled"):
            why = f": {self.error_message}" if self.error_message else ""
            return f"Job {self.job_id} {self.status}{why}."
        return (
            f"Job {self.job_id} is still {self.status}; it keeps running at OpenAI and can be followed again by its id."
        )

    def to_dict(self) -> dict[str, Any]:
        pct = self.estimate_error_pct
        money = {
            k: (None if v is None else str(v))
            for k, v in (("estimated_usd", self.estimated_usd), ("billed_usd", self.billed_usd))
        }
        return {
            "job_id": self.job_id,
            "file_id": self.file_id,
            "status": self.status,
            "finished": self.finished,
            "model": self.model,
            "fine_tuned_model": self.fine_tuned_model,
            "epochs": self.epochs,
            "trained_tokens": self.trained_tokens,
            "estimated_tokens": self.estimated_tokens,
            "estimate_error_pct": None if pct is None else str(pct),
            **money,
            "error_code": self.error_code,
            "error_message": self.error_message,
            "note": self.note,
            "summary": self.summary(),
            "events": [e.to_dict() for e in self.events],
        }


def run_pilot(
    client: Any,
    plan: PilotPlan,
    *,
    confirmed: bool,
    suffix: str | None = None,
    progress: ProgressFn | None = None,
    poll_interval: float = DEFAULT_POLL_S,
    max_wait: float = DEFAULT_MAX_WAIT_S,
    pricer: TrainingPricer | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> PilotResult:
    """Upload, start the job with `plan.epochs`, and follow it (see `follow_job`). Needs `confirmed=True`."""
    require_confirmation(confirmed, Notice(N_("running the pilot fine-tune")))
    progress = progress or no_progress
    path = Path(plan.path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise FtcostError(
            # Translators: {reason} is the operating system's own words (e.g. "No such file or directory").
            Notice(N_("{path}: cannot be read ({reason})."), path=str(path), reason=str(exc.strerror or exc))
        ) from None
    progress(
        Progress(
            "upload",
            Notice(N_("uploading {name} ({size} bytes)"), name=path.name, size=len(data)),
            kind="uploading",
        )
    )
    # Translators: what was being done, said after "while" in an error sentence ("No answer from … while {action}").
    with client.errors(Notice(N_("uploading {name}"), name=path.name)):
        uploaded = client.sdk.files.create(file=(path.name, data, "application/jsonl"), purpose="fine-tune")
    file_id = clean(client, uploaded.id)
    progress(Progress("upload", Notice(N_("uploaded as {file}"), file=file_id), kind="uploaded"))
    params: dict[str, Any] = {
        "model": plan.model,
        "training_file": uploaded.id,
        "method": {"type": "supervised", "supervised": {"hyperparameters": {"n_epochs": plan.epochs}}},
    }
    if suffix:
        params["suffix"] = suffix
    # Translators: what was being done, said after "while" in an error sentence ("No answer from … while {action}").
    with client.errors(Notice(N_("creating the fine-tuning job")), model=plan.model):
        job = client.sdk.fine_tuning.jobs.create(**params)
    job_id = clean(client, job.id)
    progress(
        Progress(
            "job",
            Notice(
                N_("created {job} ({status}); it keeps running at OpenAI if this is interrupted"),
                job=job_id,
                status=clean(client, job.status),
            ),
            job_id=job_id,
            kind="created",
        )
    )
    return follow_job(
        client,
        job_id,
        plan=plan,
        progress=progress,
        poll_interval=poll_interval,
        max_wait=max_wait,
        pricer=pricer,
        sleep=sleep,
        file_id=file_id,
    )


_JOB_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,127}")


def follow_job(
    client: Any,
    job_id: str,
    *,
    plan: PilotPlan | None = None,
    progress: ProgressFn | None = None,
    poll_interval: float = DEFAULT_POLL_S,
    max_wait: float = DEFAULT_MAX_WAIT_S,
    pricer: TrainingPricer | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    file_id: str | None = None,
) -> PilotResult:
    """Poll the job and report each new event until it finishes or `max_wait` seconds pass.

    Following costs nothing. When the job succeeded, `trained_tokens` is compared with the plan's
    estimate; without a plan (a job started elsewhere) only OpenAI's figures are returned.
    """
    if not (isinstance(job_id, str) and _JOB_ID.fullmatch(job_id)):
        # It becomes part of the request's path: "../files" would read another endpoint with the same key.
        raise FtcostError(
            Notice(N_("That is not a fine-tuning job id: job ids look like ftjob-abc123 (letters, digits, - and _)."))
        )
    progress = progress or no_progress
    seen: set[str] = set()
    events: list[JobEvent] = []
    started = clock()
    status = None
    while True:
        job = _retrieve(client, job_id)
        for event in _new_events(client, job_id, seen):
            events.append(event)
            progress(Progress("job", f"[{event.level}] {event.message}", kind="event"))  # the server's own text
        if job.status != status:
            status = job.status
            said = clean(client, status)
            # Translators: a fine-tuning job's status changed; {status} is OpenAI's word for it (running, succeeded).
            progress(Progress("job", Notice(N_("status: {status}"), status=said), kind="status", status=said))
        if status in TERMINAL or clock() - started >= max_wait:
            break
        sleep(poll_interval)
    return _result(client, job, events, plan, pricer, file_id)


def _retrieve(client: Any, job_id: str) -> Any:
    try:
        # Translators: what was being done, said after "while" in an error sentence ("No answer from … while {action}").
        with client.errors(Notice(N_("checking job {job}"), job=job_id)):
            return client.sdk.fine_tuning.jobs.retrieve(job_id)
    except ApiError as exc:
        reason = exc.args[0] if len(exc.args) == 1 else str(exc)  # its Notice, shown in the same language
        raise ApiError(
            Notice(N_("{reason} The job keeps running at OpenAI and can be followed again by its id."), reason=reason),
            setting=exc.setting,
            job_id=job_id,
        ) from None


def _new_events(client: Any, job_id: str, seen: set[str]) -> list[JobEvent]:
    """Events not reported yet, oldest first (the API lists them newest first)."""
    try:
        # Translators: what was being done, said after "while" in an error sentence ("No answer from … while {action}").
        with client.errors(Notice(N_("reading the events of job {job}"), job=job_id)):
            page = client.sdk.fine_tuning.jobs.list_events(job_id, limit=100)
    except ApiError:
        return []  # events are only progress news; the job's status is what counts
    fresh = [e for e in reversed(page.data) if e.id not in seen]
    seen.update(e.id for e in fresh)
    return [
        JobEvent(clean(client, e.id), e.created_at, clean(client, e.level), clean(client, e.message)) for e in fresh
    ]


def _result(
    client: Any,
    job: Any,
    events: list[JobEvent],
    plan: PilotPlan | None,
    pricer: TrainingPricer | None,
    file_id: str | None,
) -> PilotResult:
    epochs = getattr(getattr(job, "hyperparameters", None), "n_epochs", None)
    result = PilotResult(
        job_id=clean(client, job.id),
        status=clean(client, job.status),
        model=clean(client, job.model),
        file_id=clean(client, file_id or getattr(job, "training_file", None)),
        fine_tuned_model=clean(client, job.fine_tuned_model),
        epochs=epochs if isinstance(epochs, int) else None,
        trained_tokens=job.trained_tokens,
        events=events,
    )
    error = getattr(job, "error", None)
    if error is not None:  # present (and filled) only once a job failed
        result.error_code = clean(client, getattr(error, "code", None) or None)
        result.error_message = clean(client, getattr(error, "message", None) or None)
    if plan is not None:
        result.estimated_tokens = plan.charged_tokens
        result.estimated_usd = plan.estimated_usd
        if result.epochs and result.epochs != plan.epochs:
            # A job started with other epochs (e.g. elsewhere, then followed with --job): compare like with like.
            result.estimated_tokens = plan.charged_tokens // plan.epochs * result.epochs
            result.estimated_usd = None
            result.note = Notice(
                N_("The job ran {ran} epochs, not the planned {planned}; ftcost's estimate is scaled to {ran} epochs."),
                ran=result.epochs,
                planned=plan.epochs,
            )
        if result.trained_tokens:
            with contextlib.suppress(FtcostError):  # no training price for the snapshot: the bill stays unknown
                result.billed_usd = (pricer or default_training_pricer())(
                    plan.snapshot, result.trained_tokens, plan.as_of
                )
    return result
