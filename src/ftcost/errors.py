"""ftcost's one error family.

Every failure a user can cause (a bad file, an unknown model, a date with no price) is raised as a
subclass of `FtcostError` whose message is one plain sentence that names the file, line, key or model
and says what is expected. The CLI prints it and exits 2; app pages show it with `st.error`.
Anything else escaping ftcost is a bug.
"""

from __future__ import annotations


class FtcostError(ValueError):
    """Base class: a problem with the user's input or with ftcost's data, said in one sentence."""


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


class ApiError(FtcostError):
    """A call to the OpenAI API (or a compatible server) that failed: auth, quota, network, timeout."""


class ShutDownError(NotOfferedError):
    """A model (or fine-tunes of it) asked about on or after the day OpenAI stopped serving it.

    Like a price that does not exist, it is not offered; the fields let a caller (a plan, a page) say what
    happened and move on to what is still served instead of failing.
    """

    def __init__(self, message: str, *, model: str, shutdown, source: str, source_url: str = "",
                 still_served: tuple[str, ...] = (), as_of=None, fine_tuned: bool = False,
                 alias: str | None = None) -> None:
        super().__init__(message)
        self.model = model  # the snapshot id that shut down (an alias is resolved to it)
        self.shutdown = shutdown  # datetime.date: the first day it was not served
        self.source = source  # source key (pricing/sources.toml)
        self.source_url = source_url
        self.still_served = tuple(still_served)  # snapshot ids OpenAI serves on `as_of` in its place
        self.as_of = as_of
        self.fine_tuned = fine_tuned
        self.alias = alias

    def __reduce__(self):  # keep the fields across pickling (multiprocessing, Streamlit caches)
        return (_rebuild_shutdown, (self.args[0], self.__dict__))


def _rebuild_shutdown(message: str, fields: dict) -> ShutDownError:
    err = ShutDownError.__new__(ShutDownError)
    ValueError.__init__(err, message)
    err.__dict__.update(fields)
    return err
