"""The live client against the local stand-in: keys, timeouts, retries and one-sentence errors."""

from __future__ import annotations

import pickle
import re
import socket

import pytest
from standin_openai import FAKE_KEY, client_for

from ftcost.errors import ApiError
from ftcost.live.chat import chat_once
from ftcost.live.client import LiveConfig, connect, redact, resolve_key

CHAT = "POST /v1/chat/completions"
HELLO = [{"role": "user", "content": "Hello"}]


def call(client, model="gpt-4o-mini"):
    return chat_once(client, model, HELLO, max_output_tokens=50)


# --- the key ------------------------------------------------------------------------------------------


def test_no_key_is_one_sentence_naming_the_variable(monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    with pytest.raises(ApiError, match=r"^No OpenAI API key: set OPENAI_API_KEY "):
        connect()
    monkeypatch.setenv("TEAM_KEY", "  ")
    with pytest.raises(ApiError, match="set TEAM_KEY"):
        connect(config=LiveConfig(api_key_env="TEAM_KEY"))


def test_key_from_explicit_argument_wins_over_environment(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-environment-000")
    assert resolve_key(FAKE_KEY) == FAKE_KEY
    assert resolve_key(None) == "sk-from-environment-000"
    monkeypatch.setenv("OTHER", FAKE_KEY)
    assert resolve_key(None, "OTHER") == FAKE_KEY


def test_key_with_whitespace_inside_is_refused_without_echoing_it():
    with pytest.raises(ApiError) as err:
        resolve_key("sk-abc def-FTCOSTSECRET")
    assert "FTCOSTSECRET" not in str(err.value)


def test_client_shows_no_key_and_cannot_be_pickled(standin):
    client = client_for(standin)
    assert FAKE_KEY not in repr(client) and "<hidden>" in repr(client)
    assert FAKE_KEY not in repr(client.config) and FAKE_KEY not in str(client.config.to_dict())
    with pytest.raises(TypeError):
        pickle.dumps(client)


def test_redact_masks_key_shaped_text():
    assert redact(f"bad key {FAKE_KEY} here") == "bad key sk-… here"
    assert redact("Incorrect API key provided: sk-proj-abc*****wxyz.") == "Incorrect API key provided: sk-…"
    assert redact("secret-value", key="secret-value") == "sk-…"


def test_redact_masks_the_environments_key_even_when_it_is_not_key_shaped(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "company-gateway-token-9f8e7d")
    assert redact("echo: company-gateway-token-9f8e7d!") == "echo: sk-…!"


def test_a_hostile_servers_answer_and_model_name_are_redacted(standin):
    leaked = "sk-svcacct-SERVERSAYS0123456789"
    standin.answer = lambda model, messages: f"my key is {FAKE_KEY}; theirs {leaked}"
    standin.served_model_name = f"gpt-4o-mini/{FAKE_KEY}"
    call = chat_once(
        connect(FAKE_KEY, LiveConfig(base_url=standin.base_url, timeout=5.0)),
        "gpt-4o-mini",
        [{"role": "user", "content": "hi"}],
        max_output_tokens=64,
    )
    assert call.answer == "my key is sk-…; theirs sk-…"
    assert call.served_model == "gpt-4o-mini/sk-…"
    assert FAKE_KEY not in repr(call.to_dict()) and leaked not in repr(call.to_dict())


def test_the_client_follows_no_redirect(listener):
    """A 3xx answer is reported, not followed to wherever it points."""
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    class Redirect(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's name
            self.rfile.read(int(self.headers.get("content-length") or 0))
            self.send_response(307)
            self.send_header("location", listener.url + "/chat/completions")
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Redirect)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        client = connect(
            FAKE_KEY, LiveConfig(base_url=f"http://127.0.0.1:{server.server_port}/v1", timeout=5.0, max_retries=0)
        )
        with pytest.raises(ApiError, match="HTTP 307"):
            chat_once(client, "gpt-4o-mini", [{"role": "user", "content": "hi"}], max_output_tokens=8)
    finally:
        server.shutdown()
        server.server_close()
    assert listener.connections == 0


@pytest.mark.parametrize(
    "config, problem",
    [
        ({"timeout": 0}, "timeout"),
        ({"max_retries": -1}, "max_retries"),
        ({"base_url": "ftp://x"}, "base_url"),
        ({"base_url": "https://user:pw@example.org/v1"}, "user name or password"),
    ],
)
def test_bad_config_is_one_sentence(config, problem):
    with pytest.raises(ApiError, match=problem):
        LiveConfig(**config)


# --- retries and backoff --------------------------------------------------------------------------------


def test_429_then_200_succeeds_after_one_retry(standin):
    standin.fail(CHAT, "rate_limit_exceeded", retry_after="0.01")
    result = call(client_for(standin))
    assert result.retries == 1
    assert [s for _, r, s in standin.requests if r == CHAT] == [429, 200]


def test_rate_limit_beyond_max_retries_says_so(standin):
    standin.fail(CHAT, "rate_limit_exceeded", times=3, retry_after="0.01")
    with pytest.raises(ApiError) as err:
        call(client_for(standin, max_retries=2))
    assert str(err.value).startswith("Rate limited (429) while calling gpt-4o-mini (also after 2 retries)")
    assert standin.count(CHAT) == 3  # first try + 2 retries


def test_insufficient_quota_is_not_retried_and_is_told_apart_from_rate_limits(standin):
    standin.fail(CHAT, "insufficient_quota", times=3)
    with pytest.raises(ApiError) as err:
        call(client_for(standin, max_retries=2))
    assert "out of quota (429 insufficient_quota)" in str(err.value)
    assert "Rate limited" not in str(err.value)
    assert standin.count(CHAT) == 1


def test_500_is_retried_then_reported(standin):
    standin.fail(CHAT, "server_error", retry_after="0.01")
    assert call(client_for(standin)).retries == 1
    standin.fail(CHAT, "server_error", times=2, retry_after="0.01")
    with pytest.raises(
        ApiError, match=r"The server failed \(HTTP 500\) while calling gpt-4o-mini \(also after 1 retry\)"
    ):
        call(client_for(standin, max_retries=1))
    assert standin.count(CHAT) == 2 + 2


# --- one sentence per failure ---------------------------------------------------------------------------


def test_wrong_key_is_401_sentence_without_any_part_of_the_key(standin):
    wrong = "sk-test-WRONGKEY-FTCOSTSECRET-zz91"
    client = connect(wrong, LiveConfig(base_url=standin.base_url, timeout=5))
    with pytest.raises(ApiError) as err:
        call(client)
    message = str(err.value)
    assert message.startswith("The API key was rejected (401 Unauthorized) while calling gpt-4o-mini")
    # the stand-in, like OpenAI, quotes the key's first and last characters in its 401 body
    assert "FTCOSTSECRET" not in message and "zz91" not in message and "sk-test" not in message
    assert standin.count(CHAT) == 1  # a 401 is not retried


def test_unknown_model_is_404_naming_the_model(standin):
    with pytest.raises(ApiError) as err:
        call(client_for(standin), model="gpt-9-imaginary")
    assert str(err.value).startswith(
        "Not found (404) while calling gpt-9-imaginary: model gpt-9-imaginary does not exist"
    )


def test_training_not_available_explains_the_wind_down(standin):
    standin.fail("POST /v1/fine_tuning/jobs", "training_not_available")
    client = client_for(standin)
    with pytest.raises(ApiError) as err, client.errors("creating the fine-tuning job", model="gpt-4o-mini"):
        client.sdk.fine_tuning.jobs.create(model="gpt-4o-mini", training_file="file-x")
    message = str(err.value)
    assert "403 training_not_available" in message and "2027-01-06" in message and "2026-05-07" in message


def test_timeout_names_the_host_and_the_limit(standin):
    standin.delay[CHAT] = 1.0
    client = client_for(standin, timeout=0.2, max_retries=0)
    with pytest.raises(ApiError) as err:
        call(client)
    host = standin.base_url.split("//")[1].split("/")[0]
    assert str(err.value) == f"No answer from {host} within 0.2 s while calling gpt-4o-mini; try again later."
    assert err.value.setting == "timeout"  # the setting that helps: the CLI names --timeout, the page has none


def test_connection_refused_is_one_sentence():
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    client = connect(FAKE_KEY, LiveConfig(base_url=f"http://127.0.0.1:{port}/v1", timeout=2, max_retries=0))
    with pytest.raises(ApiError, match=rf"^Could not connect to 127.0.0.1:{port} while calling gpt-4o-mini; check"):
        call(client)


def test_usage_fields_come_from_the_response(standin):
    standin.answer = lambda model, messages: "Gate B12."
    result = call(client_for(standin))
    # Hand count (o200k_base): user message = 3 + "user" 1 + "Hello" 1; reply priming 3 → 8.
    assert result.prompt_tokens == 8
    assert result.answer == "Gate B12." and result.finish_reason == "stop"
    assert result.served_model == "gpt-4o-mini-2024-07-18"
    assert result.latency_s >= 0


def test_nothing_imports_openai_until_a_client_is_built(repo):
    # Offline use (and `ftcost --help`) must not pay for, or depend on, the SDK import.
    import subprocess
    import sys

    code = (
        "import sys, ftcost.live, ftcost.live.from_scenario, ftcost.cli; ftcost.cli.build_parser(); "
        "assert 'openai' not in sys.modules, 'openai imported'"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=repo, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


def test_a_servers_error_message_is_quoted_redacted_and_inert(standin):
    from standin_openai import Scripted

    hostile = f"Re-enter your key [here](http://evil.example) ![t](http://evil.example/t.png) <b>{FAKE_KEY}</b>"
    standin.scripted["POST /v1/chat/completions"] = [Scripted(403, "forbidden", hostile, "invalid_request_error")]
    with pytest.raises(ApiError) as err:
        call(client_for(standin, max_retries=0))
    message = str(err.value)
    assert "the server said: Re-enter your key (here)(http://evil.example) !(t)(http://evil.example/t.png)" in message
    for active in ("[", "]", "<b>", FAKE_KEY):
        assert active not in message


# --- the same sentences in Chinese -------------------------------------------------------------------------

HOST = "127.0.0.1:9"
MODEL = "gpt-4o-mini"


def _offline_client(max_retries=2):
    """A client for a port nobody listens on; no request is made, the errors are built directly below."""
    return connect(FAKE_KEY, LiveConfig(base_url=f"http://{HOST}/v1", timeout=60, max_retries=max_retries))


def _status(code, error_code=None, message=None):
    import httpx2
    import openai

    body = {"error": {"code": error_code, "message": message}} if error_code or message else None
    request = httpx2.Request("POST", f"http://{HOST}/v1/chat/completions")
    return openai.APIStatusError("status", response=httpx2.Response(code, request=request), body=body)


def _failure(kind):
    import httpx2
    import openai

    request = httpx2.Request("POST", f"http://{HOST}/v1/chat/completions")
    return {
        "timeout": lambda: openai.APITimeoutError(request=request),
        "connection": lambda: openai.APIConnectionError(request=request),
        "client": lambda: openai.OpenAIError("boom"),
    }[kind]()


#: Each failure, the code it names, and its English sentence exactly as ftcost has always written it.
SENTENCES = [
    (
        lambda: _failure("timeout"),
        None,
        "No answer from 127.0.0.1:9 within 60 s while calling gpt-4o-mini (also after 2 retries); try again later.",
    ),
    (
        lambda: _failure("connection"),
        None,
        "Could not connect to 127.0.0.1:9 while calling gpt-4o-mini (also after 2 retries); check the network, any "
        "proxy settings and the server's address.",
    ),
    (
        lambda: _status(401, "invalid_api_key"),
        None,
        "The API key was rejected (401 Unauthorized) while calling gpt-4o-mini; check that the key is current and "
        "belongs to this organisation and project.",
    ),
    (
        lambda: _status(403, "training_not_available"),
        "training_not_available",
        "OpenAI refused to start the fine-tuning job (403 training_not_available): OpenAI is winding down "
        "fine-tuning: no new jobs for organisations that have never fine-tuned from 2026-05-07, for organisations "
        "with no fine-tuned-model inference in the past 60 days from 2026-07-02, and for everyone from 2027-01-06.",
    ),
    (
        lambda: _status(403),
        None,
        "Permission denied (403) for model gpt-4o-mini while calling gpt-4o-mini; this key's project may not have "
        "access.",
    ),
    (
        lambda: _status(404, "model_not_found"),
        None,
        "Not found (404) while calling gpt-4o-mini: model gpt-4o-mini does not exist or this key has no access to it.",
    ),
    (
        lambda: _status(429, "insufficient_quota"),
        "insufficient_quota",
        "The OpenAI account is out of quota (429 insufficient_quota) while calling gpt-4o-mini: add credit or raise "
        "the usage limit in the billing settings; waiting will not help.",
    ),
    (
        lambda: _status(429, "rate_limit_exceeded"),
        None,
        "Rate limited (429) while calling gpt-4o-mini (also after 2 retries); wait a minute or send fewer samples.",
    ),
    (
        lambda: _status(503),
        None,
        "The server failed (HTTP 503) while calling gpt-4o-mini (also after 2 retries); try again later.",
    ),
    (lambda: _status(418), None, "The API refused the request (HTTP 418) while calling gpt-4o-mini."),
    (lambda: _failure("client"), None, "The OpenAI client failed while calling gpt-4o-mini: boom"),
]


def _english_left(text: str, *names: str) -> list[str]:
    """The ASCII words left once the names a sentence quotes (host, model, error code, the SDK's own text, and
    the proper names OpenAI, API, HTTP) are taken out: an English sentence or fragment, if any."""
    for name in sorted({*names, "OpenAI", "API", "HTTP"}, key=len, reverse=True):
        text = text.replace(name, " ")
    return re.findall(r"[A-Za-z]+", text)


@pytest.mark.parametrize(
    "failure, code, english",
    SENTENCES,
    ids=["timeout", "connection", "401", "403-training", "403", "404", "429-quota", "429", "5xx", "418", "client"],
)
def test_every_api_error_reads_in_simplified_chinese_and_the_english_is_unchanged(failure, code, english):
    from ftcost.i18n import N_, Notice, text
    from ftcost.live.client import api_error

    err = api_error(failure(), Notice(N_("calling {model}"), model=MODEL), MODEL, _offline_client())
    assert str(err) == english
    chinese = text(err.args[0], "zh-Hans")
    assert re.search(r"[\u4e00-\u9fff]", chinese), chinese
    assert _english_left(chinese, HOST, MODEL, *([code] if code else []), "boom") == [], chinese
    if HOST in english:
        assert HOST in chinese
    # one retry is said in the singular in English, and in the same words in Chinese
    once = api_error(failure(), Notice(N_("calling {model}"), model=MODEL), MODEL, _offline_client(max_retries=1))
    assert str(once) == english.replace("2 retries", "1 retry")
    assert _english_left(text(once.args[0], "zh-Hans"), HOST, MODEL, *([code] if code else []), "boom") == []


def test_the_key_and_the_servers_markup_stay_out_of_the_traditional_chinese_sentence(standin):
    from standin_openai import Scripted

    from ftcost.i18n import text

    hostile = f"Re-enter your key [here](http://evil.example) <b>{FAKE_KEY}</b>"
    standin.scripted[CHAT] = [Scripted(403, "forbidden", hostile, "invalid_request_error")]
    with pytest.raises(ApiError) as err:
        call(client_for(standin, max_retries=0))
    chinese = text(err.value.args[0], "zh-Hant")
    assert chinese.startswith("呼叫 gpt-4o-mini 時存取模型 gpt-4o-mini 遭拒（403）")
    assert "（伺服器回應：Re-enter your key (here)(http://evil.example)" in chinese
    for active in ("[", "]", "<b>", FAKE_KEY, "FTCOSTSECRET"):
        assert active not in chinese

    wrong = "sk-test-WRONGKEY-FTCOSTSECRET-zz91"  # the stand-in, like OpenAI, quotes parts of a rejected key
    with pytest.raises(ApiError) as err:
        call(connect(wrong, LiveConfig(base_url=standin.base_url, timeout=5)))
    chinese = text(err.value.args[0], "zh-Hant")
    assert chinese.startswith("呼叫 gpt-4o-mini 時 API 金鑰遭拒（401 未授權）")
    assert "FTCOSTSECRET" not in chinese and "zz91" not in chinese and "sk-test" not in chinese


def test_no_key_reads_in_chinese_naming_the_variable(monkeypatch):
    from ftcost.i18n import text

    monkeypatch.delenv("TEAM_KEY", raising=False)
    with pytest.raises(ApiError) as err:
        connect(config=LiveConfig(api_key_env="TEAM_KEY"))
    assert str(err.value).startswith("No OpenAI API key: set TEAM_KEY in the environment")
    assert text(err.value.args[0], "zh-Hant").startswith("沒有 OpenAI API 金鑰：請在環境變數中設定 TEAM_KEY")
    with pytest.raises(ApiError) as err:
        resolve_key("sk-abc def-FTCOSTSECRET", "TEAM_KEY")
    chinese = text(err.value.args[0], "zh-Hans")
    assert chinese == "TEAM_KEY 中的 API 密钥含有空格或控制字符；请重新粘贴。" and "FTCOSTSECRET" not in chinese


def test_a_run_stopped_by_an_error_says_so_in_chinese(standin):
    """run_calls' progress and its reason for stopping, the estimate's summary and the confirmation it needs."""
    import datetime as dt

    from ftcost.i18n import text
    from ftcost.live.chat import PlannedCall, estimate_calls, require_confirmation, run_calls

    planned = [PlannedCall("Base", MODEL, HELLO, 8), PlannedCall("Base", MODEL, HELLO, 8)]
    seen = []

    def progress(p):  # the first call succeeds; the stand-in fails the second
        seen.append(p.message)
        if p.done == 1 and p.message != "done":
            standin.fail(CHAT, "server_error")

    results, stopped, by = run_calls(
        client_for(standin, max_retries=0), planned, stage="measure", max_output_tokens=8, progress=progress
    )
    assert len(results) == 1 and by is not None
    assert stopped.startswith("Stopped after 1 of 2 calls: The server failed (HTTP 500) while calling gpt-4o-mini")
    assert text(stopped, "zh-Hant").startswith(
        "2 次呼叫中完成 1 次後停止：呼叫 gpt-4o-mini 時伺服器發生錯誤（HTTP 500）"
    )
    assert [text(m, "zh-Hans") for m in seen] == ["Base：正在调用 gpt-4o-mini", "Base：正在调用 gpt-4o-mini", "完成"]
    assert seen[0] == "Base: calling gpt-4o-mini" and seen[-1] == "done"

    estimate = estimate_calls(planned, max_output_tokens=8, pricer=None, as_of=dt.date(2026, 11, 21))
    summary = estimate.summary()
    assert summary == "2 API call(s) costing an unknown amount (no price for some models)"
    assert text(summary, "zh-Hant") == "2 次 API 呼叫，花費未知（部分模型沒有價格）"
    with pytest.raises(ApiError) as err:
        require_confirmation(False, "x")
    assert str(err.value).startswith("Not confirmed: x spends money on the API")
