"""An OpenAI client for live calibration, and one-sentence errors for everything the API can say.

The key comes only from an explicit argument (the app passes its password field) or from an
environment variable (`OPENAI_API_KEY` unless the caller names another). It is handed to the `openai`
SDK and nowhere else: `LiveConfig` holds no key, `LiveClient`'s repr masks it, and every error message
is built by ftcost from the status and error code (the API's own 401 text quotes part of the key, so it
is never passed on) and scrubbed of anything that looks like a key.

The sentences are `ftcost.i18n.Notice`s: `str(error)` is the English (what the CLI prints unless `--lang`
says otherwise), `error.args[0].text(lang)` the same sentence in Chinese. The server's and the SDK's own text
is redacted before it becomes a field, so the key is in no language's sentence.

`openai` is imported inside `connect`, so `import ftcost.live` costs nothing and works without it.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import urlsplit

from ftcost.errors import ApiError, FtcostError
from ftcost.i18n import N_, N_plural, Notice
from ftcost.live.serving import normalize_base_url, public_only_http_client

DEFAULT_KEY_ENV = "OPENAI_API_KEY"
#: Seconds per HTTP request (connect + read). A chat answer or a file upload finishes well within it.
DEFAULT_TIMEOUT = 60.0
#: Retries on 408/409/429/5xx and on network errors, with the SDK's exponential backoff; the SDK
#: waits what a `retry-after` header asks (up to two minutes) instead.
DEFAULT_MAX_RETRIES = 2

# OpenAI keys: sk-..., sk-proj-..., sk-svcacct-..., sess-...; anything key-shaped is masked in messages.
_KEY_PATTERN = re.compile(r"\b(?:sk|sess|rk)-[A-Za-z0-9_\-*.]{6,}")


@dataclass(frozen=True)
class LiveConfig:
    """Where and how to call the API. Holds no secret, so it can be shown, logged and saved."""

    api_key_env: str = DEFAULT_KEY_ENV
    base_url: str | None = None  # None: the SDK's default (OPENAI_BASE_URL, else api.openai.com)
    timeout: float = DEFAULT_TIMEOUT
    max_retries: int = DEFAULT_MAX_RETRIES
    #: Connect only to public addresses, checked as each connection is made (a visitor-typed server on a
    #: served app: see ftcost.live.serving). Off for the command line, whose user chose the server.
    public_only: bool = False

    def __post_init__(self) -> None:
        if not (0 < self.timeout <= 3600):
            raise ApiError(f"timeout must be between 0 and 3600 seconds, not {self.timeout!r}.")
        if not (isinstance(self.max_retries, int) and 0 <= self.max_retries <= 10):
            raise ApiError(f"max_retries must be a whole number from 0 to 10, not {self.max_retries!r}.")
        if self.base_url is not None:
            normalize_base_url(self.base_url)  # a sentence for ftp://, user:password@, a query, spaces

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def resolve_key(api_key: str | None = None, api_key_env: str = DEFAULT_KEY_ENV) -> str:
    """The key to use: the explicit one, else the named environment variable; never echoed back."""
    key = (api_key or "").strip() or os.environ.get(api_key_env, "").strip()
    if not key:
        raise ApiError(
            Notice(
                N_(
                    "No OpenAI API key: set {env} in the environment; everything else in ftcost works offline "
                    "without one."
                ),
                env=api_key_env,
            ),
            value=api_key_env,
            setting="api_key_env",
        )
    if any(ch.isspace() for ch in key) or not key.isprintable():
        raise ApiError(
            Notice(N_("The API key in {env} contains spaces or control characters; paste it again."), env=api_key_env)
        )
    return key


class LiveClient:
    """The `openai.OpenAI` client plus the config it was built from. Not serialisable on purpose."""

    def __init__(self, sdk: Any, config: LiveConfig) -> None:
        self.sdk = sdk
        self.config = config

    @property
    def host(self) -> str:
        """The server's host[:port], without any user:password part of the URL."""
        url = urlsplit(str(self.sdk.base_url))
        return url.hostname + (f":{url.port}" if url.port else "") if url.hostname else str(url.netloc)

    def __repr__(self) -> str:
        return (
            f"LiveClient(host={self.host!r}, timeout={self.config.timeout}, "
            f"max_retries={self.config.max_retries}, api_key=<hidden>)"
        )

    def __reduce__(self):  # pickling would carry the SDK client and its key
        raise TypeError("LiveClient holds an API key and cannot be pickled or saved.")

    def errors(self, action: str, model: str | None = None):
        """Context manager: any `openai` exception inside becomes one ApiError sentence."""
        return api_errors(action, model=model, client=self)


def connect(
    api_key: str | None = None,
    config: LiveConfig | None = None,
) -> LiveClient:
    """A ready client: `api_key` if given, else the environment variable `config.api_key_env`."""
    config = config or LiveConfig()
    key = resolve_key(api_key, config.api_key_env)
    try:
        # optional dependency: openai is imported only when a live call is made
        import openai
    except ImportError:  # pragma: no cover - openai is a declared dependency
        raise ApiError(Notice(N_("The openai package is not installed; run `make install`."))) from None

    class _Client(openai.OpenAI):
        # The SDK retries every 429, but `insufficient_quota` (no credit left) never clears by waiting:
        # answer at once instead of after two backoffs. Everything else keeps the SDK's rule.
        def _should_retry(self, response):  # noqa: ANN001 - SDK hook
            if response.status_code == 429 and error_code(_body(response)) == "insufficient_quota":
                return False
            return super()._should_retry(response)

    try:
        sdk = _Client(
            api_key=key,
            base_url=config.base_url,
            timeout=config.timeout,
            max_retries=config.max_retries,
            # No redirects: OpenAI's API never answers with one, and following one would take a request
            # (and its body) to a host nobody chose or checked.
            http_client=_http_client(openai, config),
        )
    except openai.OpenAIError as exc:
        raise ApiError(
            Notice(N_("Could not set up the OpenAI client: {detail}"), detail=redact(str(exc), key))
        ) from None
    if config.public_only:
        # The SDK reads OPENAI_ORG_ID / OPENAI_PROJECT_ID from the environment: the operator's, not for a
        # visitor's own server. None leaves both headers out.
        sdk.organization = None
        sdk.project = None
    return LiveClient(sdk, config)


def _http_client(openai: Any, config: LiveConfig) -> Any:
    if config.public_only:
        return public_only_http_client(config.timeout)
    return openai.DefaultHttpxClient(timeout=config.timeout, follow_redirects=False)


# --- errors -----------------------------------------------------------------------------------------


def redact(text: str, key: str | None = None) -> str:
    """`text` with the key (if known), the environment's OPENAI_API_KEY and anything key-shaped masked.

    The one redaction every server-supplied text goes through before ftcost shows, logs or writes it
    (answers, model names, job ids, statuses, errors, events): a hostile or broken server may echo a key."""
    for secret in (key, os.environ.get(DEFAULT_KEY_ENV, "").strip()):
        if secret and len(secret) >= 8:
            text = text.replace(secret, "sk-…")
    return _KEY_PATTERN.sub("sk-…", text)


def server_text(client: Any, value: Any) -> Any:
    """A server-supplied string, redacted with the client's key; anything else (None, numbers) unchanged."""
    if not isinstance(value, str):
        return value
    return redact(value, getattr(getattr(client, "sdk", None), "api_key", None))


def _body(response: Any) -> Any:
    try:
        return json.loads(response.text)
    except Exception:  # noqa: BLE001 - not JSON, or not read: no code to see
        return None


def error_code(body: Any) -> str | None:
    """OpenAI's machine-readable error code (`insufficient_quota`, `model_not_found`...) from a body."""
    err = body.get("error", body) if isinstance(body, dict) else None
    code = err.get("code") if isinstance(err, dict) else None
    return code if isinstance(code, str) and code else None


#: Quoted server text keeps its words but loses what Markdown or HTML would act on (a link, an image, a tag):
#: the app shows error sentences as Markdown, and a hostile server writes its own error messages.
_INERT = str.maketrans({"[": "(", "]": ")", "<": "‹", ">": "›", "`": "'"})


def _server_message(body: Any, key: str | None) -> str:
    if isinstance(body, dict):
        err = body.get("error", body)
        if isinstance(err, dict) and isinstance(err.get("message"), str):
            text = " ".join(err["message"].split())
            return redact(text[:300], key).translate(_INERT)
    return ""


#: Who OpenAI's wind-down stops (lifecycle.toml's `who`), in the words the Live page uses for them.
_WHO = {
    "organizations that have never fine-tuned": N_("organisations that have never fine-tuned"),
    "organizations with no fine-tuned-model inference in the past 60 days": N_(
        "organisations with no fine-tuned-model inference in the past 60 days"
    ),
}


def _who(who: str) -> str:
    return Notice(_WHO[who]) if who in _WHO else who.replace("organizations", "organisations")


def _listed(items: list[str]) -> str:
    """`a, b, and c` as one Notice, joined in the reader's language (the last item with its "and")."""
    joined = items[0]
    for i, item in enumerate(items[1:], start=2):
        if i == len(items):
            joined = Notice(N_("{first}, and {last}"), first=joined, last=item)
        else:
            joined = Notice(N_("{first}, {next}"), first=joined, next=item)
    return joined


def wind_down() -> str:
    """OpenAI's fine-tuning wind-down in words, from the pricing data's lifecycle events (dates kept in one place):
    a Notice, shown in the reader's language."""
    # deferred: ftcost.live loads without pydantic and the pricing tables; only this call needs them
    from ftcost.pricing import load_pricing

    events = sorted(load_pricing().events, key=lambda e: e.date)
    parts: list[str] = [
        Notice(N_("for {who} from {date}"), who=_who(e.who), date=e.date)
        for e in events
        if e.effect == "fine_tuning_restricted"
    ]
    parts += [Notice(N_("for everyone from {date}"), date=e.date) for e in events if e.effect == "fine_tuning_closed"]
    return Notice(N_("OpenAI is winding down fine-tuning: no new jobs {parts}"), parts=_listed(parts))


def describe(exc: BaseException, action: str, model: str | None = None, client: LiveClient | None = None) -> str:
    """One sentence for an `openai` exception raised while doing `action` (e.g. "calling gpt-4o-mini"): a Notice,
    the English sentence as a `str`, in another language with `.text(lang)`."""
    return api_error(exc, action, model, client).args[0]


def api_error(exc: BaseException, action: str, model: str | None = None, client: LiveClient | None = None) -> ApiError:
    """The ApiError for an `openai` exception raised while doing `action`: its sentence, and as `setting`
    the connection setting that may settle it (the CLI names its flag, a page its field).

    The sentence is a Notice (`ftcost.i18n`): `str(error)` is the English, `error.args[0].text(lang)` the same in
    another language. `action` is a phrase said after "while" (`Notice(N_("calling {model}"), model=...)`; a plain
    string is shown as it is). Every field that comes from the server or the SDK is redacted before it is put in,
    so no language's sentence can carry the key."""
    # optional dependency: openai, as in connect
    import openai

    key = getattr(client.sdk, "api_key", None) if client else None
    fields: dict[str, Any] = {
        "host": client.host if client else Notice(N_("the API server")),
        "action": action,
        "model": model,
    }
    retries = client.config.max_retries if client else 0
    fields["after"] = (
        Notice(N_plural(" (also after {n} retry)", " (also after {n} retries)"), n=retries) if retries else ""
    )

    def error(template: str, setting: str | None = None) -> ApiError:
        return ApiError(Notice(template, **fields), setting=setting)

    if isinstance(exc, openai.APITimeoutError):
        timeout = client.config.timeout if client else None
        if timeout:
            fields["seconds"] = f"{timeout:g}"
            return error(
                N_("No answer from {host} within {seconds} s while {action}{after}; try again later."), "timeout"
            )
        return error(N_("No answer from {host} while {action}{after}; try again later."), "timeout")
    if isinstance(exc, openai.APIConnectionError):
        return error(
            N_(
                "Could not connect to {host} while {action}{after}; check the network, any proxy settings "
                "and the server's address."
            ),
            "base_url",
        )
    if isinstance(exc, openai.APIStatusError):
        status = exc.status_code
        code = error_code(exc.body)
        server = _server_message(exc.body, key)
        fields["status"] = status
        fields["said"] = Notice(N_(" (the server said: {server})"), server=server) if server else ""
        if status == 401:
            # OpenAI's own 401 text quotes the first and last characters of the key: never show it.
            return error(
                N_(
                    "The API key was rejected (401 Unauthorized) while {action}; check that the key is "
                    "current and belongs to this organisation and project."
                )
            )
        if status == 403 and code == "training_not_available":
            fields["reason"] = wind_down()
            return error(N_("OpenAI refused to start the fine-tuning job (403 training_not_available): {reason}."))
        if status == 403:
            if model:
                return error(
                    N_(
                        "Permission denied (403) for model {model} while {action}; this key's project may not have "
                        "access{said}."
                    )
                )
            return error(
                N_(
                    "Permission denied (403) for the request while {action}; this key's project may not have access{said}."
                )
            )
        if status == 404:
            if model:
                return error(
                    N_(
                        "Not found (404) while {action}: model {model} does not exist or this key has no access to "
                        "it{said}."
                    )
                )
            return error(
                N_("Not found (404) while {action}: the request does not exist or this key has no access to it{said}.")
            )
        if status == 429 and code == "insufficient_quota":
            return error(
                N_(
                    "The OpenAI account is out of quota (429 insufficient_quota) while {action}: add credit or "
                    "raise the usage limit in the billing settings; waiting will not help."
                )
            )
        if status == 429:
            return error(
                N_("Rate limited (429) while {action}{after}; wait a minute or send fewer samples."), "max_retries"
            )
        if status >= 500:
            return error(N_("The server failed (HTTP {status}) while {action}{after}; try again later{said}."))
        return error(N_("The API refused the request (HTTP {status}) while {action}{said}."))
    if isinstance(exc, openai.OpenAIError):
        fields["detail"] = redact(str(exc), key)[:300].translate(_INERT)
        return error(N_("The OpenAI client failed while {action}: {detail}"))
    raise TypeError(f"not an openai error: {type(exc).__name__}")


@contextlib.contextmanager
def api_errors(action: str, model: str | None = None, client: LiveClient | None = None) -> Iterator[None]:
    """Turn `openai` exceptions raised inside the block into ApiError (from None: no chained traceback)."""
    # optional dependency: openai, as in connect
    import openai

    try:
        yield
    except openai.OpenAIError as exc:
        raise api_error(exc, action, model, client) from None
    except FtcostError:
        raise
