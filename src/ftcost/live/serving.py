"""Which key may go to which server when ftcost is served to other people (the app's Live page).

A visitor of a served app can type two things: their own key and a server URL. The server may hold a
third thing, the operator's key (OPENAI_API_KEY in its environment or Streamlit secrets). The rules:

* The operator's key is spent for visitors only when the operator says so (FTCOST_ALLOW_SERVER_KEY=1
  in the environment, or FTCOST_ALLOW_SERVER_KEY = true in Streamlit secrets), and it goes only to a
  server the operator configured: OpenAI's API, OPENAI_BASE_URL, or one listed in
  FTCOST_ALLOWED_BASE_URLS (environment, whitespace- or comma-separated; or a list in secrets). A
  visitor-typed URL never receives it.
* A visitor's own key may go to a visitor-typed URL, which is the visitor's business, but the server
  is not made to reach its own network on a visitor's behalf (server-side request forgery): a typed
  URL whose host is, or resolves to, a loopback, private, link-local, shared or reserved address is
  refused unless the operator listed that URL.
* Every URL is checked the same way: http or https, a host, no user:password part, no query or
  fragment.

Nothing here holds a key: callers say only where a key came from.

The refusals are `ftcost.i18n.Notice`s: `str(error)` (and a Connection's `problem`) is the English sentence,
`error.args[0].text(lang)` the same in Chinese. A visitor's address is put in a sentence only after it passed
the spelling check (no backtick, bracket pair or angle bracket can be in it), and always in a code span.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from ftcost.errors import ApiError
from ftcost.i18n import N_, Notice

OPENAI_API = "https://api.openai.com/v1"
KEY_ENV = "OPENAI_API_KEY"
BASE_URL_ENV = "OPENAI_BASE_URL"
ALLOW_SERVER_KEY = "FTCOST_ALLOW_SERVER_KEY"
ALLOWED_SERVERS = "FTCOST_ALLOWED_BASE_URLS"

#: getaddrinfo-shaped: (host, port) -> the addresses the host resolves to.
Resolver = Callable[[str, int], Iterable[str]]

#: Why the server's own key is not used, for a visitor without one (the Live page shows it in their language).
SERVER_KEY_OFF = Notice(
    N_(
        "A key in this server's environment or Streamlit secrets is not offered to visitors unless the "
        "operator enables it ({flag}=1 in the environment, or {flag} = true in secrets); type your own key "
        "to spend on your own account."
    ),
    flag=ALLOW_SERVER_KEY,
)

_URL_CHARS = re.compile(r"[A-Za-z0-9\-._~/%:@\[\]?#=&+]+")
_TRUE = {"1", "true", "yes", "on"}


def _truthy(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() in _TRUE)


def normalize_base_url(url: str, what: str | None = None) -> str:
    """`url` in one canonical spelling (lower-case scheme and host, no default port or trailing slash),
    or ApiError in a sentence when it is not a plain http(s) address. `what` names the address at the start of
    the sentence (a Notice, so it is said in the reader's language; default "The server URL"). The sentence never
    quotes the address itself: it is what failed the check."""
    # Translators: said at the start of a sentence about a typed address ("{what} has no host name.").
    what = what if what is not None else Notice(N_("The server URL"))

    def refused(template: str) -> ApiError:
        return ApiError(Notice(template, what=what))

    text = url.strip()
    if not text or len(text) > 2000 or not text.isprintable() or any(ch.isspace() for ch in text):
        raise refused(N_("{what} must be one http:// or https:// address without spaces."))
    if not _URL_CHARS.fullmatch(text):
        # Pages show the URL (in a code span); a backtick, quote or angle bracket has no place in a base URL.
        raise refused(N_("{what} may contain only letters, digits and the characters - . _ ~ / % : [ ] of an address."))
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        raise refused(N_("{what} is not a valid address (check the host and port).")) from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise refused(N_("{what} is not usable: base_url must start with http:// or https://."))
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise refused(
            N_("{what} must not carry a user name or password (user:password@host); the key goes in the key field.")
        )
    if not parts.hostname:
        raise refused(N_("{what} has no host name."))
    if parts.query or parts.fragment or text.endswith(("?", "#")):
        raise refused(
            N_(
                "{what} must not carry a query (?…) or fragment (#…): give the base URL, e.g. "
                "https://api.openai.com/v1."
            )
        )
    host = parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    default = {"http": 80, "https": 443}[scheme]
    netloc = host if port in (None, default) else f"{host}:{port}"
    return f"{scheme}://{netloc}{parts.path.rstrip('/')}"


@dataclass(frozen=True)
class Policy:
    """What the operator allows visitors, from the operator's configuration only."""

    allow_server_key: bool = False
    allowed: tuple[str, ...] = (OPENAI_API,)  # normalised; the first is where calls go when no URL is typed

    @property
    def default(self) -> str:
        return self.allowed[0]


def _listed(value: Any) -> list[str]:
    if isinstance(value, str):
        return value.replace(",", " ").split()
    if isinstance(value, (list, tuple)):
        return [v for v in value if isinstance(v, str) and v.strip()]
    return []


def policy_from(env: Mapping[str, str], secrets: Mapping[str, Any] | None = None) -> Policy:
    """The operator's policy from the environment and (optionally) Streamlit secrets.

    A misspelt operator setting is an ApiError naming the setting (never a visitor's fault, so it says so)."""
    secrets = secrets or {}
    allow = _truthy(env.get(ALLOW_SERVER_KEY)) or _truthy(secrets.get(ALLOW_SERVER_KEY))
    configured: list[str] = []
    if (env.get(BASE_URL_ENV) or "").strip():
        # Translators: said at the start of a sentence about an address ("{what} has no host name.").
        what = Notice(N_("The operator's {setting}"), setting=BASE_URL_ENV)
        configured.append(normalize_base_url(env[BASE_URL_ENV], what))
    configured.append(OPENAI_API)
    entry = {
        # Translators: said at the start of a sentence about an address ("{what} has no host name.").
        "environment": N_("An entry of {setting} in the operator's environment"),
        # Translators: said at the start of a sentence about an address ("{what} has no host name.").
        "secrets": N_("An entry of {setting} in the operator's secrets"),
    }
    for where, value in (("environment", env.get(ALLOWED_SERVERS)), ("secrets", secrets.get(ALLOWED_SERVERS))):
        for url in _listed(value):
            configured.append(normalize_base_url(url, Notice(entry[where], setting=ALLOWED_SERVERS)))
    return Policy(allow_server_key=allow, allowed=tuple(dict.fromkeys(configured)))


@dataclass(frozen=True)
class Connection:
    """Which key (by where it came from) the page would use, where calls would go, and why not if they cannot."""

    source: str | None  # "field", "secrets", "environment", or None: no key the page may use
    base_url: str
    typed: bool  # the URL is the visitor's own (not the operator's default)
    problem: str | None = None  # one sentence when no call can be made this way (a Notice: `.text(lang)`)

    @property
    def ready(self) -> bool:
        return self.source is not None and self.problem is None


def decide(typed_url: str | None, *, in_field: bool, server_key: str | None, policy: Policy) -> Connection:
    """Where a call with the visitor's field key (`in_field`) or else the server's key (`server_key`: where it
    is, "secrets" or "environment", or None) would go. Checks the URL's spelling and the operator's rules;
    the visitor URL's addresses are checked by `check_reachable` just before connecting."""
    if in_field:
        source = "field"
    elif server_key is not None and policy.allow_server_key:
        source = server_key
    else:
        source = None
    text = (typed_url or "").strip()
    if not text:
        return Connection(source, policy.default, typed=False)
    try:
        url = normalize_base_url(text)
    except ApiError as exc:
        return Connection(source, policy.default, typed=True, problem=exc.args[0])  # its Notice
    if url in policy.allowed:
        return Connection(source, url, typed=False)
    if source in ("secrets", "environment"):
        return Connection(
            source,
            url,
            typed=True,
            problem=Notice(
                N_(
                    "The server's key is sent only to the servers its operator configured ({servers}), not to "
                    "`{url}`; type your own key above to use another server."
                ),
                servers=", ".join(f"`{u}`" for u in policy.allowed),
                url=url,
            ),
        )
    return Connection(source, url, typed=True)


def _resolve(host: str, port: int) -> list[str]:
    return [str(info[4][0]) for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)]


def check_reachable(conn: Connection, policy: Policy, resolve: Resolver | None = None) -> str:
    """The base URL to connect to, after refusing a visitor-typed one whose host is this server's own network.

    Allowed (operator's) URLs are not checked: the operator chose them, loopback included."""
    if conn.problem:
        raise ApiError(conn.problem)
    if conn.source is None:
        raise ApiError(Notice(N_("No API key: type yours in the key field.")))
    if not conn.typed:
        return conn.base_url
    if conn.source != "field":  # decide() already refuses this; never rely on a single check for the key
        raise ApiError(Notice(N_("The server's key is sent only to the servers its operator configured.")))
    parts = urlsplit(conn.base_url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    public_addresses(host, port, resolve)
    return conn.base_url


def public_addresses(host: str, port: int, resolve: Resolver | None = None) -> list[str]:
    """The addresses `host` resolves to, or ApiError when it cannot be found or any of them is the
    server's own network (loopback, private, link-local, shared, reserved, multicast)."""
    not_found = Notice(N_("The server `{host}` cannot be found (its name does not resolve); check the URL."), host=host)
    try:
        addresses = [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        try:
            addresses = [ipaddress.ip_address(a.split("%")[0]) for a in (resolve or _resolve)(host, port)]
        except (OSError, UnicodeError, ValueError):
            raise ApiError(not_found) from None
    if not addresses:
        raise ApiError(not_found)
    for ip in addresses:
        mapped = getattr(ip, "ipv4_mapped", None)
        if not (mapped or ip).is_global or ip.is_multicast:
            raise ApiError(
                Notice(
                    N_(
                        "ftcost does not call `{host}` for visitors: it is a loopback, private, link-local or "
                        "reserved address of this server's network. The operator can allow it by listing the URL "
                        "in {setting}."
                    ),
                    host=host,
                    setting=ALLOWED_SERVERS,
                )
            )
    return [str(ip) for ip in addresses]


def public_only_http_client(timeout: float) -> Any:
    """An HTTP client for the SDK that connects only to public addresses, checked at the moment of connecting
    and then connected to by address. `check_reachable` looked the host up a moment earlier; a DNS server that
    answers differently now (DNS rebinding) must not turn that into a request into this server's network.
    TLS still checks the certificate against the host name. Proxies from the environment are not used: the
    proxy, not ftcost, would choose the address."""
    # optional dependency: the HTTP clients load only when a live call is made
    import httpcore2
    import httpx2
    import openai

    class PublicOnly(httpcore2.NetworkBackend):
        def __init__(self) -> None:
            self.inner = httpcore2.SyncBackend()

        def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):  # noqa: ANN001
            try:
                address = public_addresses(host, port)[0]
            except ApiError as exc:
                raise httpcore2.ConnectError(str(exc)) from None
            return self.inner.connect_tcp(address, port, timeout, local_address, socket_options)

        def connect_unix_socket(self, path, timeout=None, socket_options=None):  # noqa: ANN001
            raise httpcore2.ConnectError(Notice(N_("ftcost does not call local sockets for visitors.")))

        def sleep(self, seconds: float) -> None:
            self.inner.sleep(seconds)

    class Transport(httpx2.HTTPTransport):
        def __init__(self) -> None:
            super().__init__(trust_env=False)
            pool = self._pool
            self._pool = httpcore2.ConnectionPool(ssl_context=pool._ssl_context, network_backend=PublicOnly())

    return openai.DefaultHttpxClient(timeout=timeout, follow_redirects=False, trust_env=False, transport=Transport())
