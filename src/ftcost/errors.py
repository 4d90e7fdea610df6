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
