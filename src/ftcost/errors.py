"""ftcost's one error family.

Every failure a user can cause (a bad file, an unknown model, a date with no price) is raised as a
subclass of `FtcostError` whose message is one plain sentence that names the file, line, key or model
and says what is expected. The CLI prints it and exits 2; app pages show it with `st.error`.
Anything else escaping ftcost is a bug.

The library speaks in facts, not in any one interface's words: a message never names a command-line flag
or a page's widget. What would settle the problem travels as fields instead (the value given, near
matches, the date, the input that changes the outcome, what needs confirming, where the full list is),
and each edge words them for its reader: the CLI as a flag (`ftcost.cli.hints`), the app as a widget
(`ftcost.views.live.error_text`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any


class FtcostError(ValueError):
    """Base class: a problem with the user's input or with ftcost's data, said in one sentence.

    The keyword fields are optional facts an edge turns into its own hint; `str()` is the sentence alone.
    """

    #: The input as given (a model name, a fine-tuned model, a file name), when the problem is about one.
    value: str | None = None
    #: Near matches, or the values that would fit ("did you mean", the bases a fine-tune must have).
    near: tuple[str, ...] = ()
    #: The date asked about, when the answer depends on it.
    as_of: dt.date | None = None
    #: The caller's input that changes the outcome, by the library's parameter name: "api_key_env",
    #: "timeout", "base_url", "max_retries", "fine_tuned_model", "names" (which options), "limit".
    setting: str | None = None
    #: What has to be confirmed before the call goes ahead: "spend" (it costs money on the API).
    needs_confirmation: str | None = None
    #: A fine-tuning job that keeps running at OpenAI and can be followed again by this id.
    job_id: str | None = None
    #: Where the full answer is listed: "models" (every model ftcost knows), "served" (what is served on
    #: `as_of`), "alias_history" (the snapshots alias `value` pointed to), "dataset_checks" (the analysis of
    #: the file named `value`).
    listing: str | None = None

    def __init__(
        self,
        message: str = "",
        *,
        value: str | None = None,
        near: tuple[str, ...] | list[str] = (),
        as_of: dt.date | None = None,
        setting: str | None = None,
        needs_confirmation: str | None = None,
        job_id: str | None = None,
        listing: str | None = None,
    ) -> None:
        super().__init__(message)
        # Only facts that are given become instance fields: the class defaults answer the rest, and a
        # subclass's own fields (ShutDownError's as_of) are not overwritten with None.
        given = {
            "value": value,
            "near": tuple(near),
            "as_of": as_of,
            "setting": setting,
            "needs_confirmation": needs_confirmation,
            "job_id": job_id,
            "listing": listing,
        }
        for name, fact in given.items():
            if fact is not None and fact != ():
                setattr(self, name, fact)

    def __reduce__(self):  # keep the fields across pickling (multiprocessing, Streamlit caches)
        return (_rebuild, (type(self), self.args[0] if self.args else "", self.__dict__))


def _rebuild(cls: type[FtcostError], message: str, fields: dict[str, Any]) -> FtcostError:
    err = cls.__new__(cls)
    ValueError.__init__(err, message)
    err.__dict__.update(fields)
    return err


class TokenizerError(FtcostError):
    """The offline tokenizer vocabulary is missing or does not match tiktoken's expected hash."""


class UnknownModelError(FtcostError):
    """A model name ftcost has no facts or prices for."""


class DatasetFileError(FtcostError):
    """A training file that cannot be read as JSONL at all (missing, binary, empty, a JSON array...)."""


class PricingDataError(FtcostError):
    """A pricing table under pricing/ that fails its schema or consistency checks."""


class NotOfferedError(FtcostError):
    """A price, model or fine-tuning job that was not offered on the date asked about."""


class ScenarioError(FtcostError):
    """A scenario file or share link that fails its schema."""


class InputError(FtcostError):
    """A value given for one of a call's inputs (named by `setting`) that does not fit, e.g. a fine-tuned
    model of another base than the planned fine-tunes', or more eval items than ftcost evaluates."""


class ApiError(FtcostError):
    """A call to the OpenAI API (or a compatible server) that failed: auth, quota, network, timeout."""


class ShutDownError(NotOfferedError):
    """A model (or fine-tunes of it) asked about on or after the day OpenAI stopped serving it.

    Like a price that does not exist, it is not offered; the fields let a caller (a plan, a page) say what
    happened and move on to what is still served instead of failing.
    """

    def __init__(
        self,
        message: str,
        *,
        model: str,
        shutdown,
        source: str,
        source_url: str = "",
        still_served: tuple[str, ...] = (),
        as_of=None,
        fine_tuned: bool = False,
        alias: str | None = None,
    ) -> None:
        # With nothing served in its place, the full list of what is served that day is the answer.
        super().__init__(message, as_of=as_of, value=alias or model, listing=None if still_served else "served")
        self.model = model  # the snapshot id that shut down (an alias is resolved to it)
        self.shutdown = shutdown  # datetime.date: the first day it was not served
        self.source = source  # source key (pricing/sources.toml)
        self.source_url = source_url
        self.still_served = tuple(still_served)  # snapshot ids OpenAI serves on `as_of` in its place
        self.as_of = as_of
        self.fine_tuned = fine_tuned
        self.alias = alias
