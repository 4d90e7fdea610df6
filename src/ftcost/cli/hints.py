"""The command line's words for the facts ftcost's errors and notes carry: flags and commands.

The library never names a flag (see `ftcost.errors`): an error says what happened and carries, as fields,
what would settle it — the input that changes the outcome (`setting`), what needs confirming, a job to
follow, where the full list is. This module is the one place that turns those facts into `--flag` and
`ftcost COMMAND` hints; the app words the same facts as its widgets (`ftcost.views.live.error_text`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ftcost import i18n
from ftcost.errors import FtcostError
from ftcost.i18n import N_, _

if TYPE_CHECKING:  # only for the annotation: the analyze and prices commands need not import the live package
    from ftcost.live.from_scenario import Skipped

#: The flag that sets each library input a message can point to (`FtcostError.setting`), and what to do with it
#: (English; shown through the catalogue in the command's language).
SETTING_HINTS = {
    "api_key_env": N_("Or name another variable that holds it with --api-key-env."),
    "timeout": N_("Raise --timeout to wait longer."),
    "base_url": N_("Check --base-url."),
    "max_retries": N_("Raising --max-retries retries longer."),
    "fine_tuned_model": N_("Check --fine-tuned-model."),
    "names": N_("Check --option."),
    "limit": N_("--limit N evaluates the first N."),
}


def _listing(exc: FtcostError) -> str:
    value, as_of = exc.value, exc.as_of
    if exc.listing == "models":
        return _("`ftcost prices --history` lists every model ftcost knows.")
    if exc.listing == "served" and as_of is not None:
        return _("`ftcost prices --as-of {date}` lists what is served.").format(date=as_of)
    if exc.listing == "alias_history" and value:
        return _("`ftcost prices --model {value} --history` lists the snapshots it pointed to.").format(value=value)
    if exc.listing == "dataset_checks" and value:
        return _("`ftcost analyze {value}` explains each problem and how to fix it.").format(value=value)
    return ""


def hint(exc: FtcostError) -> str:
    """What to type next, for the facts `exc` carries ("" when it carries none the command line can act on)."""
    setting = SETTING_HINTS.get(exc.setting or "")
    parts = [_(setting) if setting else "", _listing(exc)]
    if exc.needs_confirmation == "spend":
        parts.append(_("Run the command again with --yes to spend it."))
    if exc.job_id:
        parts.append(_("Follow it again with `ftcost pilot --job {job}`.").format(job=exc.job_id))
    return " ".join(p for p in parts if p)


def sentence(exc: FtcostError) -> str:
    """The error's own sentence in the current language: the Notice it was raised with, else its English text."""
    return i18n.text(exc.args[0]) if len(exc.args) == 1 else str(exc)


def message(exc: FtcostError) -> str:
    """The error's sentence followed by the command line's hint, as `ftcost:` prints it."""
    extra = hint(exc)
    return f"{sentence(exc)} {extra}" if extra else sentence(exc)


def stopped(text: str, error: FtcostError | None) -> str:
    """Why a run stopped early (a measure or evaluate report's `stopped`), with the hint for the error behind it."""
    extra = hint(error) if error is not None else ""
    shown = i18n.text(text)
    return f"{shown} {extra}" if extra else shown


def note(skipped: Skipped) -> str:
    """A skipped option's sentence, with the flag that includes it when one does."""
    if skipped.reason == "no_model":
        return f"{skipped} Run the pilot and pass its model with --fine-tuned-model to include it."
    return str(skipped)


def progress_line(message_: str, job_id: str | None) -> str:
    """A progress report's text; the one that created a job also says how to follow it after an interruption."""
    shown = i18n.text(message_)
    return f"{shown}; follow it with --job {job_id}" if job_id else shown


def still_running(job_id: str) -> str:
    """After the summary of a job that has not finished: how to follow it again."""
    return f"Follow it again later with `ftcost pilot --job {job_id}`."
