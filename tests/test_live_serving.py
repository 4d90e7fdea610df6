"""ftcost.live.serving: the operator's key goes only where the operator said, and only when the operator said;
a visitor's URL is checked for spelling and refused when it points into the server's own network.

Library-level; tests/test_app_live.py drives the same rules through the page and a served app.
"""

from __future__ import annotations

import re

import pytest

from ftcost.errors import ApiError
from ftcost.live import serving
from ftcost.live.serving import OPENAI_API, Connection, check_reachable, decide, normalize_base_url, policy_from

OPERATOR = {"FTCOST_ALLOWED_BASE_URLS": "http://127.0.0.1:8000/v1, https://llm.internal.example/v1"}


def public(host, port):  # a resolver for which every name is a public address
    return ["93.184.215.14"]


@pytest.mark.parametrize(
    "url, expected",
    [
        ("https://api.openai.com/v1", OPENAI_API),
        ("HTTPS://API.OpenAI.com:443/v1/", OPENAI_API),
        ("http://localhost:80/v1", "http://localhost/v1"),
        ("http://[::1]:8000/v1", "http://[::1]:8000/v1"),
    ],
)
def test_urls_are_compared_in_one_spelling(url, expected):
    assert normalize_base_url(url) == expected


@pytest.mark.parametrize(
    "url, words",
    [
        ("ftp://example.org/v1", "must start with http:// or https://"),
        ("file:///etc/passwd", "must start with http:// or https://"),
        ("https://user:pass@example.org/v1", "user name or password"),
        ("https://sk-abc@example.org/v1", "user name or password"),
        ("https://example.org/v1?x=1", "query"),
        ("https://example.org/v1#top", "fragment"),
        ("https:///v1", "no host"),
        ("https://example.org:99999/v1", "not a valid address"),
        ("https://exa mple.org/v1", "without spaces"),
        ("https://example.org/\nv1", "without spaces"),
        ("https://example.org/v1`![t](http://x/t.png)`", "only letters, digits"),
        ("https://example.org/<img>", "only letters, digits"),
    ],
)
def test_a_malformed_url_is_one_sentence(url, words):
    with pytest.raises(ApiError, match=words.replace("?", r"\?").replace("(", r"\(")):
        normalize_base_url(url)


def test_the_operators_policy_comes_from_the_environment_and_secrets_only():
    assert policy_from({}) == serving.Policy(allow_server_key=False, allowed=(OPENAI_API,))
    for value in ("0", "", "no", "false", "maybe"):
        assert not policy_from({"FTCOST_ALLOW_SERVER_KEY": value}).allow_server_key
    for value in ("1", "true", "YES"):
        assert policy_from({"FTCOST_ALLOW_SERVER_KEY": value}).allow_server_key
    assert policy_from({}, {"FTCOST_ALLOW_SERVER_KEY": True}).allow_server_key
    policy = policy_from(
        {"OPENAI_BASE_URL": "http://gateway:4000/v1/", **OPERATOR},
        {"FTCOST_ALLOWED_BASE_URLS": ["https://other.example/v1"]},
    )
    assert policy.default == "http://gateway:4000/v1"  # where calls go when the visitor types no URL
    assert policy.allowed == (
        "http://gateway:4000/v1",
        OPENAI_API,
        "http://127.0.0.1:8000/v1",
        "https://llm.internal.example/v1",
        "https://other.example/v1",
    )
    with pytest.raises(ApiError, match="FTCOST_ALLOWED_BASE_URLS in the operator's environment"):
        policy_from({"FTCOST_ALLOWED_BASE_URLS": "ftp://x"})


@pytest.mark.parametrize("server_key", ["environment", "secrets"])
def test_the_servers_key_is_off_unless_the_operator_enables_it(server_key):
    off = decide("", in_field=False, server_key=server_key, policy=policy_from({}))
    assert off.source is None and not off.ready
    with pytest.raises(ApiError):
        check_reachable(off, policy_from({}))
    on = decide("", in_field=False, server_key=server_key, policy=policy_from({"FTCOST_ALLOW_SERVER_KEY": "1"}))
    assert on.ready and on.base_url == OPENAI_API


@pytest.mark.parametrize(
    "typed",
    [
        "http://127.0.0.1:9999/v1",  # a visitor's listener
        "https://attacker.example/v1",
        "https://api.openai.com.attacker.example/v1",
        "https://api.openai.com/v1/../../steal",  # not the operator's URL, whatever its path says
    ],
)
def test_the_servers_key_never_goes_to_a_visitor_typed_url(typed):
    policy = policy_from({"FTCOST_ALLOW_SERVER_KEY": "1", **OPERATOR})
    conn = decide(typed, in_field=False, server_key="environment", policy=policy)
    assert not conn.ready and "type your own key" in conn.problem
    with pytest.raises(ApiError, match="only to the servers its operator configured"):
        check_reachable(conn, policy, resolve=public)
    # Even a Connection built by hand (a page that skipped decide) is refused by the last check.
    forged = Connection("environment", normalize_base_url(typed), typed=True)
    with pytest.raises(ApiError, match="only to the servers its operator configured"):
        check_reachable(forged, policy, resolve=public)


def test_the_servers_key_goes_to_the_servers_the_operator_listed():
    policy = policy_from({"FTCOST_ALLOW_SERVER_KEY": "1", **OPERATOR})
    for typed in ("", "https://api.openai.com/v1/", "http://127.0.0.1:8000/v1", "https://llm.internal.example/v1"):
        conn = decide(typed, in_field=False, server_key="secrets", policy=policy)
        assert conn.ready, typed
        # The operator's own servers are not resolved or checked: loopback is fine when the operator chose it.
        assert check_reachable(conn, policy, resolve=lambda h, p: pytest.fail("resolved")) == conn.base_url


@pytest.mark.parametrize(
    "typed, resolves_to",
    [
        ("http://127.0.0.1:8080/v1", None),
        ("http://localhost:8080/v1", ["127.0.0.1"]),
        ("http://[::1]:8080/v1", None),
        ("http://169.254.169.254/latest", None),  # cloud metadata
        ("http://10.1.2.3/v1", None),
        ("http://192.168.1.1/v1", None),
        ("http://100.64.0.1/v1", None),
        ("http://0.0.0.0:8501/v1", None),
        ("http://[::ffff:127.0.0.1]/v1", None),
        ("http://[fe80::1]/v1", None),
        ("https://rebind.example/v1", ["93.184.215.14", "10.0.0.5"]),  # any private address is enough
    ],
)
def test_a_visitor_url_into_the_servers_own_network_is_refused_even_with_the_visitors_key(typed, resolves_to):
    policy = policy_from(OPERATOR)
    conn = decide(typed, in_field=True, server_key=None, policy=policy)
    assert conn.source == "field" and conn.problem is None
    with pytest.raises(ApiError, match="does not call `.*` for visitors: it is a loopback, private"):
        check_reachable(conn, policy, resolve=lambda h, p: resolves_to or pytest.fail("literal address resolved"))


def test_a_visitor_url_with_the_visitors_key_to_a_public_host_is_the_visitors_business():
    policy = policy_from({})
    conn = decide("https://my-gateway.example:8443/v1/", in_field=True, server_key="environment", policy=policy)
    assert check_reachable(conn, policy, resolve=public) == "https://my-gateway.example:8443/v1"


def test_a_name_that_does_not_resolve_is_one_sentence():
    def fails(host, port):
        raise OSError("Name or service not known")

    conn = decide("https://nowhere.invalid/v1", in_field=True, server_key=None, policy=policy_from({}))
    with pytest.raises(ApiError, match="cannot be found"):
        check_reachable(conn, policy_from({}), resolve=fails)


def test_make_run_and_the_streamlit_config_serve_on_loopback_unless_told_otherwise(repo):
    import shutil
    import subprocess
    import tomllib

    assert tomllib.loads((repo / ".streamlit" / "config.toml").read_text())["server"]["address"] == "127.0.0.1"
    if shutil.which("make") is None:
        pytest.skip("make is not installed")

    def run_line(*args: str) -> str:
        out = subprocess.run(["make", "-n", "-s", "run", *args], cwd=repo, capture_output=True, text=True, check=True)
        return next(line for line in out.stdout.splitlines() if "streamlit run app.py" in line)

    assert "--server.address 127.0.0.1" in run_line()
    assert "--server.address 0.0.0.0" in run_line("ADDRESS=0.0.0.0")


def test_a_name_that_resolves_elsewhere_when_connecting_is_still_refused(listener, monkeypatch):
    """DNS rebinding: the host looked public when checked, and resolves to this machine a moment later. The
    client connects only to addresses it checked at that moment, so nothing reaches the listener."""
    from ftcost.live.chat import chat_once
    from ftcost.live.client import LiveConfig, connect

    port = int(listener.url.rsplit(":", 1)[1].split("/")[0])
    url = f"http://rebind.example:{port}/v1"
    policy = policy_from({})
    conn = decide(url, in_field=True, server_key=None, policy=policy)
    import socket

    real = socket.getaddrinfo
    answers = iter(["93.184.215.14"])  # the first look-up (the check) is public, every later one this machine

    def rebinding(host, *args, **kwargs):
        if host == "rebind.example":
            ip = next(answers, "127.0.0.1")
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, args[0] if args else port))]
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    assert check_reachable(conn, policy) == url
    hi = [{"role": "user", "content": "hi"}]
    client = connect("sk-test-visitor-000000", LiveConfig(base_url=url, timeout=5.0, max_retries=0, public_only=True))
    with pytest.raises(ApiError, match="Could not connect to rebind.example"):
        chat_once(client, "gpt-4o-mini", hi, max_output_tokens=8)
    assert listener.connections == 0
    # Without the check at connect time the same name does reach the listener: the test has teeth.
    plain = connect("sk-test-visitor-000000", LiveConfig(base_url=url, timeout=5.0, max_retries=0))
    with pytest.raises(ApiError):
        chat_once(plain, "gpt-4o-mini", hi, max_output_tokens=8)
    assert listener.connections >= 1


def test_a_public_only_client_still_talks_to_a_public_address(monkeypatch):
    """The connection is made to the checked address: here a name that resolves (publicly) to an address whose
    connection this test intercepts, to see which address was dialled."""
    import socket

    from ftcost.live.chat import chat_once
    from ftcost.live.client import LiveConfig, connect

    dialled = []

    def fake_create_connection(address, *args, **kwargs):
        dialled.append(address)
        raise OSError("not really")

    monkeypatch.setattr(serving, "_resolve", lambda host, p: ["93.184.215.14"])
    monkeypatch.setattr(socket, "create_connection", fake_create_connection)
    client = connect(
        "sk-test-visitor-000000",
        LiveConfig(base_url="https://public.example/v1", timeout=5.0, max_retries=0, public_only=True),
    )
    with pytest.raises(ApiError, match="Could not connect"):
        chat_once(client, "gpt-4o-mini", [{"role": "user", "content": "hi"}], max_output_tokens=8)
    assert dialled == [("93.184.215.14", 443)]


def test_a_visitors_server_is_not_told_the_operators_organisation_or_project(monkeypatch):
    from ftcost.live.client import LiveConfig, connect

    monkeypatch.setenv("OPENAI_ORG_ID", "org-OPERATORS")
    monkeypatch.setenv("OPENAI_PROJECT_ID", "proj_OPERATORS")
    headers = connect(
        "sk-test-visitor-000000", LiveConfig(base_url="https://public.example/v1", public_only=True)
    ).sdk.default_headers
    assert not any("OPERATORS" in str(v) for v in headers.values())
    operator = connect("sk-test-operator-000000", LiveConfig()).sdk.default_headers
    assert operator["OpenAI-Organization"] == "org-OPERATORS"  # the operator's own calls keep them


# --- the same sentences in Chinese ------------------------------------------------------------------------------

ALL_SERVERS = "`https://api.openai.com/v1`, `http://127.0.0.1:8000/v1`, `https://llm.internal.example/v1`"


def _refusal(make) -> ApiError:
    with pytest.raises(ApiError) as err:
        make()
    return err.value


def _not_found(host, port):
    raise OSError("Name or service not known")


def _server_key_elsewhere():
    policy = policy_from({"FTCOST_ALLOW_SERVER_KEY": "1", **OPERATOR})
    conn = decide("https://elsewhere.example/v1", in_field=False, server_key="environment", policy=policy)
    check_reachable(conn, policy, resolve=public)


#: Every refusal of ftcost.live.serving, its English sentence word for word, and the names it may quote.
REFUSALS = [
    (
        lambda: normalize_base_url("https://exa mple.org/v1"),
        "The server URL must be one http:// or https:// address without spaces.",
        ["http://", "https://"],
    ),
    (
        lambda: normalize_base_url("https://example.org/<img>"),
        "The server URL may contain only letters, digits and the characters - . _ ~ / % : [ ] of an address.",
        [],
    ),
    (
        lambda: normalize_base_url("https://example.org:99999/v1"),
        "The server URL is not a valid address (check the host and port).",
        [],
    ),
    (
        lambda: normalize_base_url("ftp://example.org/v1"),
        "The server URL is not usable: base_url must start with http:// or https://.",
        ["base_url", "http://", "https://"],
    ),
    (
        lambda: normalize_base_url("https://user:pass@example.org/v1"),
        "The server URL must not carry a user name or password (user:password@host); the key goes in the key field.",
        ["user:password@host"],
    ),
    (lambda: normalize_base_url("https:///v1"), "The server URL has no host name.", []),
    (
        lambda: normalize_base_url("https://example.org/v1?x=1"),
        "The server URL must not carry a query (?…) or fragment (#…): give the base URL, e.g. "
        "https://api.openai.com/v1.",
        ["https://api.openai.com/v1", "URL"],
    ),
    (
        lambda: policy_from({"OPENAI_BASE_URL": "https:///v1"}),
        "The operator's OPENAI_BASE_URL has no host name.",
        ["OPENAI_BASE_URL"],
    ),
    (
        lambda: policy_from({"FTCOST_ALLOWED_BASE_URLS": "ftp://x"}),
        "An entry of FTCOST_ALLOWED_BASE_URLS in the operator's environment is not usable: base_url must start with "
        "http:// or https://.",
        ["FTCOST_ALLOWED_BASE_URLS", "base_url", "http://", "https://"],
    ),
    (
        lambda: policy_from({}, {"FTCOST_ALLOWED_BASE_URLS": ["https://a.example/v1#x"]}),
        "An entry of FTCOST_ALLOWED_BASE_URLS in the operator's secrets must not carry a query (?…) or fragment "
        "(#…): give the base URL, e.g. https://api.openai.com/v1.",
        ["FTCOST_ALLOWED_BASE_URLS", "https://api.openai.com/v1", "URL", "secrets"],
    ),
    (
        lambda: check_reachable(decide("", in_field=False, server_key=None, policy=policy_from({})), policy_from({})),
        "No API key: type yours in the key field.",
        ["API"],
    ),
    (
        _server_key_elsewhere,
        f"The server's key is sent only to the servers its operator configured ({ALL_SERVERS}), not to "
        "`https://elsewhere.example/v1`; type your own key above to use another server.",
        [ALL_SERVERS, "`https://elsewhere.example/v1`"],
    ),
    (
        lambda: check_reachable(
            Connection("environment", "https://elsewhere.example/v1", typed=True), policy_from(OPERATOR)
        ),
        "The server's key is sent only to the servers its operator configured.",
        [],
    ),
    (
        lambda: check_reachable(
            decide("https://nowhere.invalid/v1", in_field=True, server_key=None, policy=policy_from({})),
            policy_from({}),
            resolve=_not_found,
        ),
        "The server `nowhere.invalid` cannot be found (its name does not resolve); check the URL.",
        ["`nowhere.invalid`", "URL"],
    ),
    (
        lambda: serving.public_addresses("empty.example", 443, resolve=lambda h, p: []),
        "The server `empty.example` cannot be found (its name does not resolve); check the URL.",
        ["`empty.example`", "URL"],
    ),
    (
        lambda: check_reachable(
            decide("http://169.254.169.254/latest", in_field=True, server_key=None, policy=policy_from({})),
            policy_from({}),
        ),
        "ftcost does not call `169.254.169.254` for visitors: it is a loopback, private, link-local or reserved "
        "address of this server's network. The operator can allow it by listing the URL in FTCOST_ALLOWED_BASE_URLS.",
        ["`169.254.169.254`", "FTCOST_ALLOWED_BASE_URLS", "URL"],
    ),
]


@pytest.mark.parametrize("make, english, names", REFUSALS, ids=[f"refusal-{i}" for i in range(len(REFUSALS))])
@pytest.mark.parametrize("lang", ["zh-Hant", "zh-Hans"])
def test_every_refusal_reads_in_chinese_and_the_english_is_unchanged(make, english, names, lang):
    from test_live_client import _english_left

    from ftcost.i18n import text

    err = _refusal(make)
    assert str(err) == english
    chinese = text(err.args[0], lang)
    assert re.search(r"[\u4e00-\u9fff]", chinese), chinese
    assert _english_left(chinese, "ftcost", *names) == [], chinese
    for name in names:  # what it quotes (an address, a host, a setting) is quoted as it is, in its code span
        if name.startswith("`") or (name.isupper() and "_" in name):
            assert name in chinese, (name, chinese)


def test_a_refused_address_stays_a_code_span_and_no_markup_comes_from_it():
    """The only visitor-typed text a refusal quotes is an address that passed the spelling check, in backticks;
    a typed address with markup is refused by a sentence that does not quote it, in every language."""
    from ftcost.i18n import text

    for typed in ("https://example.org/v1`![t](http://127.0.0.1:9/t.png)`", "https://example.org/<img src=x>"):
        conn = decide(typed, in_field=True, server_key=None, policy=policy_from({}))
        for lang in ("en", "zh-Hant", "zh-Hans"):
            shown = text(conn.problem, lang)
            assert "example.org" not in shown and "<img" not in shown and "![t]" not in shown, shown
    policy = policy_from({"FTCOST_ALLOW_SERVER_KEY": "1"})
    conn = decide("https://elsewhere.example/v1", in_field=False, server_key="secrets", policy=policy)
    for lang in ("zh-Hant", "zh-Hans"):
        shown = text(conn.problem, lang)
        assert shown.count("`") == 4 and "`https://elsewhere.example/v1`" in shown, shown


def test_the_local_socket_refusal_reads_in_chinese():
    from ftcost.i18n import text

    client = serving.public_only_http_client(5.0)
    backend = client._transport._pool._network_backend
    import httpcore2

    with pytest.raises(httpcore2.ConnectError) as err:
        backend.connect_unix_socket("/var/run/docker.sock")
    assert str(err.value) == "ftcost does not call local sockets for visitors."
    assert text(err.value.args[0], "zh-Hant") == "ftcost 不會替訪客呼叫本機通訊端。"
