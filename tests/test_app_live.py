"""The Live calibration page through AppTest, against the local OpenAI stand-in (tests/standin_openai.py).

Expected figures come from the stand-in's own token counts (which follow OpenAI's documented chat
billing, independently of ftcost's dataset module), from the stand-in's job records, and from ftcost's
library called directly — never from copies of what the page printed.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import ROUND_HALF_UP, Decimal

import pytest
from conftest import REPO, metric_value, ok
from standin_openai import FAKE_KEY, chat_tokens, encoding_of
from streamlit.testing.v1 import AppTest

from ftcost.live import plan_pilot
from ftcost.scenario import EvalItem, dataset_path, default_scenario, gallery, load_scenario
from ftcost.tokens import count

APP = str(REPO / "app.py")
PAGE = "ui/page_live.py"
DAY = dt.date(2026, 11, 21)
CHAT = "POST /v1/chat/completions"
ANSWER = "Pork products need a quarantine certificate; declare them at the red channel."
FT_BASE = "gpt-4o-mini-2024-07-18"


def open_page(scenario=None, day: dt.date = DAY) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    if scenario is not None:
        at.session_state["scenario"] = scenario
    ok(at.run())
    ok(at.date_input(key="w:as_of").set_value(day).run())
    return ok(at.switch_page(PAGE).run())


def connect(at: AppTest, server, key: str | None = FAKE_KEY) -> AppTest:
    """Point the page at the stand-in and (unless None) type the key into the password field."""
    ok(at.text_input(key="live_base_url").input(server.base_url).run())
    if key is not None:
        ok(at.text_input(key="live_api_key").input(key).run())
    return at


def texts(elements) -> str:
    return " ".join(str(e.value) for e in elements)


def errors(at: AppTest) -> str:
    # ftcost.text.markdown puts a zero-width space inside "://" so an address in a message is never a link.
    return texts(at.error).replace("\u200b", "")


def frame(at: AppTest, column: str):
    """The first dataframe on the page with this column."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def with_eval_set():
    """The default scenario with a two-question eval set, scored by exact match."""
    scenario = default_scenario().model_copy(deep=True)
    scenario.pilot.eval_set = [
        EvalItem(input="Can I bring pork products into the country?", expected="Only with a quarantine certificate."),
        EvalItem(input="Where is lost and found?", expected="Terminal 1 arrivals hall, counter 3."),
    ]
    return scenario


# --- without a key -----------------------------------------------------------------------------------------


@pytest.mark.app
def test_without_a_key_the_page_says_what_a_key_adds_and_spends_nothing(standin):
    at = connect(open_page(), standin, key=None)
    info = texts(at.info)
    assert "What an API key adds" in info
    for promise in (
        "answer lengths, latency and token counts",
        "trained_tokens",
        "accuracy per option",
        "works offline",
    ):
        assert promise in info, promise
    assert not at.error, errors(at)
    # Estimates are shown, and every button that would call the API is disabled.
    assert "Nothing is sent until you confirm" in texts(at.caption)
    assert all(b.disabled for b in at.button if b.key in ("live_measure_go", "live_pilot_go", "live_follow_go"))
    assert standin.requests == []


@pytest.mark.app
@pytest.mark.parametrize("stem", sorted(gallery()))
def test_every_gallery_scenario_renders_the_page(stem):
    at = AppTest.from_file(APP, default_timeout=60)
    ok(at.run())
    ok(at.sidebar.selectbox(key="gallery_pick").select(stem).run())
    ok(at.date_input(key="w:as_of").set_value(load_scenario(gallery()[stem]).as_of or DAY).run())
    ok(at.switch_page(PAGE).run())
    assert at.title[0].value == "Live calibration"
    assert not at.error, errors(at)


@pytest.mark.app
@pytest.mark.parametrize("day", [dt.date(2020, 1, 1), dt.date(2030, 1, 1)])
def test_any_price_date_gives_sentences_not_a_crash(day):
    at = open_page(day=day)
    assert at.title[0].value == "Live calibration"
    for message in at.error:
        assert "Traceback" not in message.value and message.value.endswith((".", ")"))


# --- measure -------------------------------------------------------------------------------------------------


@pytest.mark.app
def test_measure_shows_the_estimate_sends_nothing_before_confirm_then_matches_the_api(standin):
    standin.answer = lambda model, messages: ANSWER
    at = connect(open_page(), standin)
    ok(at.number_input(key="live_samples").set_value(2).run())
    scenario = default_scenario()
    bases = [o for o in scenario.option if not o.fine_tuned]  # the planned fine-tunes have no model yet
    assert f"Estimate: {2 * len(bases)} calls" in texts(at.caption)
    assert "Left out until there is a fine-tuned model to call: Fine-tuned GPT-4.1 mini" in texts(at.caption)
    assert standin.requests == []  # the key and the estimate alone send nothing

    ok(at.button(key="live_measure_go").click().run())
    assert standin.count(CHAT) == 2 * len(bases)
    table = frame(at, "API prompt_tokens")
    assert list(table["Option"]) == [o.name for o in bases]
    assert set(table["Difference"]) == {"0"}
    # The API's figure is the stand-in's own count of the messages it was sent (OpenAI's documented rule).
    user = scenario.workload.user_message
    for option in bases:
        messages = [{"role": "system", "content": scenario.workload.long_prompt}, {"role": "user", "content": user}]
        billed = 2 * chat_tokens(messages, encoding_of(option.model))
        row = table[table["Option"] == option.name].iloc[0]
        assert row["API prompt_tokens"] == f"{billed:,}" == row["ftcost's count"]
        assert row["Median answer"] == str(count(ANSWER, encoding_of(option.model)))
    answers = frame(at, "Answer")
    assert set(answers["Answer"]) == {ANSWER} and len(answers) == 2 * len(bases)

    # Applying the medians is a separate, explicit step.
    assert at.session_state["scenario"].workload.output_tokens_per_request is None
    ok(at.button(key="live_measure_apply").click().run())
    # Median over every answer, each base model's answer counted with its own encoding.
    encodings = sorted(count(ANSWER, encoding_of(o.model)) for o in bases for _ in range(2))
    median = math.ceil((encodings[len(encodings) // 2 - 1] + encodings[len(encodings) // 2]) / 2)
    assert at.session_state["scenario"].workload.output_tokens_per_request == median
    assert "Applied the measured output tokens" in texts(at.success)
    assert "already plans with the measured median" in texts(at.caption)
    assert standin.count(CHAT) == 2 * len(bases)  # applying sends nothing


@pytest.mark.app
def test_the_key_from_the_environment_is_used_when_the_operator_enables_it(standin, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", FAKE_KEY)
    monkeypatch.setenv("FTCOST_ALLOW_SERVER_KEY", "1")
    at = connect(open_page(), standin, key=None)
    assert "What an API key adds" not in texts(at.info)
    assert "Using the server's key from its environment (OPENAI_API_KEY)" in texts(at.caption)
    ok(at.number_input(key="live_samples").set_value(1).run())
    ok(at.button(key="live_measure_go").click().run())
    assert not at.error, errors(at)
    assert standin.count(CHAT) == 3


@pytest.mark.app
def test_the_key_from_streamlit_secrets_is_used_when_the_secrets_enable_it(standin):
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["OPENAI_API_KEY"] = FAKE_KEY
    at.secrets["FTCOST_ALLOW_SERVER_KEY"] = True
    ok(at.run())
    ok(at.date_input(key="w:as_of").set_value(DAY).run())
    ok(at.switch_page(PAGE).run())
    connect(at, standin, key=None)
    assert "Using the server's key from Streamlit secrets" in texts(at.caption)
    ok(at.number_input(key="live_samples").set_value(1).run())
    ok(at.button(key="live_measure_go").click().run())
    assert standin.count(CHAT) == 3 and not at.error


# --- errors --------------------------------------------------------------------------------------------------


@pytest.mark.app
@pytest.mark.parametrize("how", ["scripted", "wrong key"])
def test_a_401_is_one_sentence_without_the_key(standin, how):
    typed = FAKE_KEY if how == "scripted" else FAKE_KEY + "-revoked"
    if how == "scripted":
        standin.fail(CHAT, "invalid_api_key")
    at = connect(open_page(), standin, key=typed)
    ok(at.number_input(key="live_samples").set_value(1).run())
    ok(at.button(key="live_measure_go").click().run())
    message = errors(at)
    assert "The API key was rejected (401 Unauthorized)" in message
    # The real API's 401 quotes the key's first and last characters; the page shows neither.
    for secret in (typed, "FTCOSTSECRET", typed[:8], typed[-4:]):
        assert secret not in message
    assert not at.get("progress")  # the bar went away with the failed run
    assert standin.count(CHAT) == 1


@pytest.mark.app
def test_a_server_nobody_listens_on_is_named_in_a_chinese_sentence(monkeypatch):
    """zh-Hant, a closed loopback port the operator listed: the connection failure in Chinese, naming the host."""
    import socket

    from ftcost.scenario import DisplaySettings

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}/v1"
    monkeypatch.setenv("FTCOST_ALLOWED_BASE_URLS", url)  # as the standin fixture does for its own address
    scenario = default_scenario().model_copy(update={"display": DisplaySettings(language="zh-Hant")})
    at = open_page(scenario)
    ok(at.text_input(key="live_base_url").input(url).run())
    ok(at.text_input(key="live_api_key").input(FAKE_KEY).run())
    ok(at.number_input(key="live_samples").set_value(1).run())
    ok(at.button(key="live_measure_go").click().run())
    message = errors(at)
    first = next(o.model for o in scenario.option if not o.fine_tuned)  # the first call the run makes
    assert f"呼叫 {first} 時無法連線到 127.0.0.1:{port}（已重試 2 次）；請檢查網路" in message, message
    assert "Could not connect" not in message and "while" not in message
    assert FAKE_KEY not in message
    assert not at.get("progress")


@pytest.mark.app
def test_a_bad_server_address_is_one_sentence(standin):
    at = open_page()
    ok(at.text_input(key="live_base_url").input("ftp://example.invalid").run())
    ok(at.text_input(key="live_api_key").input(FAKE_KEY).run())
    ok(at.number_input(key="live_samples").set_value(1).run())
    assert "base_url must start with http:// or https://" in texts(at.warning)
    assert at.button(key="live_measure_go").disabled
    assert standin.requests == []


def _in(lang: str):
    from ftcost.scenario import DisplaySettings

    return default_scenario().model_copy(update={"display": DisplaySettings(language=lang)})


@pytest.mark.app
@pytest.mark.parametrize(
    "lang, sentence",
    [
        ("en", "The server URL is not usable: base_url must start with http:// or https://."),
        ("zh-Hant", "伺服器網址無法使用：base_url 必須以 http:// 或 https:// 開頭。"),
        ("zh-Hans", "服务器网址无法使用：base_url 必须以 http:// 或 https:// 开头。"),
    ],
)
def test_a_bad_server_address_is_one_sentence_in_the_readers_language(standin, lang, sentence):
    at = open_page(_in(lang))
    ok(at.text_input(key="live_base_url").input("ftp://example.invalid").run())
    ok(at.text_input(key="live_api_key").input(FAKE_KEY).run())
    assert sentence in texts(at.warning)
    button = at.button(key="live_measure_go")
    assert button.disabled and button.help == sentence  # the disabled button says why, in the same words
    if lang != "en":
        assert "must start" not in texts(at.warning) and "not usable" not in texts(at.warning)
    assert standin.requests == []


@pytest.mark.app
def test_a_model_ftcost_does_not_know_is_noted_in_chinese_with_its_suggestions():
    """zh-Hant, an option whose model is misspelt: the estimate's Note column says so in Chinese, keeping the
    names ftcost suggests and the encoding it counts with instead (part 3 of the Live page in the reader's
    language)."""
    from test_i18n_coverage import english_runs

    scenario = _in("zh-Hant").model_copy(deep=True)
    option = next(o for o in scenario.option if not o.fine_tuned)
    option.model = "gpt-4o-minii"
    at = open_page(scenario)
    notes = frame(at, "備註")
    note = str(notes.loc[notes["模型"] == "gpt-4o-minii", "備註"].iloc[0])
    assert note.startswith("未知的模型 'gpt-4o-minii'；你是指 gpt-4o-mini, "), note
    assert "o200k_base" in note and "Unknown model" not in note and "did you mean" not in note, note
    assert english_runs(note) == [], note


@pytest.mark.app
def test_a_visitors_address_in_this_servers_network_is_refused_in_chinese(listener):
    at = open_page(_in("zh-Hant"))
    ok(at.text_input(key="live_base_url").input(listener.url).run())
    ok(at.text_input(key="live_api_key").input(FAKE_KEY).run())
    ok(at.number_input(key="live_samples").set_value(1).run())
    ok(at.button(key="live_measure_go").click().run())
    message = errors(at)
    assert "ftcost 不會替訪客呼叫 `127.0.0.1`：它是此伺服器網路中的本機迴路、私有、鏈路本地或保留位址。" in message
    assert "FTCOST_ALLOWED_BASE_URLS" in message and "for visitors" not in message
    assert listener.connections == 0


@pytest.mark.app
def test_a_job_id_that_is_not_one_is_refused_in_chinese(standin):
    at = connect(open_page(_in("zh-Hant")), standin)
    ok(at.text_input(key="live_job_id").input("../files").run())
    ok(at.button(key="live_follow_go").click().run())
    assert "這不是微調任務的 ID：任務 ID 的樣子像 ftjob-abc123（字母、數字、- 與 _）。" in errors(at)
    assert "not a fine-tuning job id" not in errors(at)
    assert standin.requests == []


@pytest.mark.app
def test_the_servers_key_for_another_server_is_refused_in_chinese(listener, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-OPERATORKEY-never-to-visitors-7Qz")
    monkeypatch.setenv("FTCOST_ALLOW_SERVER_KEY", "1")
    at = open_page(_in("zh-Hant"))
    ok(at.text_input(key="live_base_url").input(listener.url).run())
    warning = texts(at.warning)
    assert "伺服器的金鑰只會送往其營運者設定的伺服器（`" in warning and "`https://api.openai.com/v1`" in warning, (
        warning
    )
    assert f"不會送往 `{listener.url.rstrip('/')}`" in warning and "sent only" not in warning
    assert at.button(key="live_measure_go").disabled and listener.connections == 0


# --- evaluate ------------------------------------------------------------------------------------------------


@pytest.mark.app
def test_evaluate_scores_each_option_and_applies_the_accuracy(standin):
    model = f"ft:{FT_BASE}:standin::evaltest1"
    standin.fine_tuned.add(model)  # as if the pilot had produced it
    right = {i.input: i.expected for i in with_eval_set().pilot.eval_set}
    first = with_eval_set().pilot.eval_set[0].input

    def answer(asked_model, messages):
        question = messages[-1]["content"]
        # the fine-tune knows both answers; the base models only the first
        return right[question] if asked_model == model or question == first else "I am not sure."

    standin.answer = answer
    at = connect(open_page(with_eval_set()), standin)
    assert "2 question(s) from the scenario's eval set; scoring: exact" in texts(at.caption)
    ok(at.text_input(key="live_ft_model").input(model).run())
    scenario = at.session_state["scenario"]
    called = [o for o in scenario.option if not o.fine_tuned or o.model == f"ft:{FT_BASE}"]
    assert f"Estimate: {2 * len(called)} calls" in texts(at.caption)
    # the other planned fine-tune (GPT-4.1 mini) has no model: left out, with a note
    note = "Left out until there is a fine-tuned model to call: Fine-tuned GPT-4.1 mini (ft:gpt-4.1-mini-2025-04-14)."
    assert note in texts(at.caption)
    assert standin.requests == []

    ok(at.button(key="live_eval_go").click().run())
    assert standin.count(CHAT) == 2 * len(called)
    table = frame(at, "Measured accuracy")
    measured = dict(zip(table["Option"], table["Measured accuracy"], strict=True))
    assert measured == {o.name: ("100.0%" if o.fine_tuned else "50.0%") for o in called}
    ok(at.button(key="live_eval_apply").click().run())
    accuracy = {o.name: o.accuracy_pct for o in at.session_state["scenario"].option}
    for o in scenario.option:
        expected = (100 if o.fine_tuned else 50) if o in called else o.accuracy_pct
        assert accuracy[o.name] == expected, o.name
    assert "Applied the measured accuracy" in texts(at.success)


@pytest.mark.app
def test_a_fine_tuned_model_of_another_base_is_refused_in_a_sentence(standin):
    at = connect(open_page(with_eval_set()), standin)
    ok(at.text_input(key="live_ft_model").input("ft:gpt-4.1-2025-04-14:org::x1").run())
    # The library's sentence (its rule, the CLI's too), then the page's words for the field to check.
    shown = errors(at)
    assert (
        "is not a fine-tune of gpt-4.1-mini-2025-04-14 or gpt-4o-mini-2024-07-18, the base of the planned "
        "fine-tunes. Check the *Fine-tuned model* field under *Evaluate*."
    ) in shown
    assert "--fine-tuned-model" not in shown
    assert standin.requests == []


@pytest.mark.app
def test_a_fine_tuned_model_of_another_base_is_refused_in_traditional_chinese(standin):
    at = connect(open_page(with_eval_set().model_copy(update={"display": _in("zh-Hant").display})), standin)
    ok(at.text_input(key="live_ft_model").input("ft:gpt-4.1-2025-04-14:org::x1").run())
    shown = errors(at)
    assert (
        "ft:gpt-4.1-2025-04-14:org::x1 不是 gpt-4.1-mini-2025-04-14 或 gpt-4o-mini-2024-07-18（所規劃微調的基礎模型）"
        "的微調。"
    ) in shown.replace("\\", ""), shown
    assert "is not a fine-tune" not in shown and " or " not in shown
    assert standin.requests == []


@pytest.mark.app
def test_a_scenario_without_an_eval_set_says_how_to_add_one():
    at = open_page()
    assert "This scenario has no eval set" in texts(at.info)
    assert not any(b.key == "live_eval_go" for b in at.button)


# --- the pilot -----------------------------------------------------------------------------------------------


@pytest.fixture
def fast_jobs(monkeypatch):
    monkeypatch.setattr("ftcost.views.live_pilot.POLL_SECONDS", 0.01)


def _error_pct(estimate: int, trained: int) -> str:
    pct = (Decimal(estimate - trained) * 100 / trained).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return "0%" if pct == 0 else f"{pct:+}%"


@pytest.mark.app
def test_the_pilot_runs_to_a_succeeded_job_and_shows_the_estimate_error(standin, fast_jobs):
    standin.trained_tokens_adjust = -37  # OpenAI bills a little less than ftcost predicts
    at = connect(open_page(), standin)
    ok(at.selectbox(key="live_pilot_model").select(FT_BASE).run())
    plan = plan_pilot(dataset_path(default_scenario()), FT_BASE, as_of=DAY)
    assert metric_value(at, "Charged tokens (ftcost's estimate)") == f"{plan.charged_tokens:,}"
    assert standin.requests == []

    ok(at.button(key="live_pilot_go").click().run())
    assert not at.error, errors(at)
    (job,) = standin.jobs.values()
    trained = job.data["trained_tokens"]
    assert job.data["status"] == "succeeded" and job.data["hyperparameters"]["n_epochs"] == plan.epochs
    assert metric_value(at, "Trained tokens (billed)") == f"{trained:,}"
    assert metric_value(at, "ftcost's estimate") == f"{plan.charged_tokens:,}"
    assert metric_value(at, "Estimate error") == _error_pct(plan.charged_tokens, trained) != "0%"
    assert f"succeeded: {job.data['fine_tuned_model']}" in texts(at.success)
    assert any(job.data["id"] in s.label and s.state == "complete" for s in at.status)
    # The fine-tune it produced is ready to evaluate and measure, and its job id to follow.
    assert at.text_input(key="live_ft_model").value == job.data["fine_tuned_model"]
    assert at.text_input(key="live_job_id").value == job.data["id"]


@pytest.mark.app
def test_the_pilots_progress_reads_in_traditional_chinese(standin, fast_jobs):
    """The job's log in the status box: ftcost's own lines in Chinese (OpenAI's events stay the server's text),
    and the bar still reaches the end, moved by each report's kind rather than its words."""
    from test_i18n_coverage import english_runs

    at = connect(open_page(_in("zh-Hant")), standin)
    ok(at.selectbox(key="live_pilot_model").select(FT_BASE).run())
    ok(at.button(key="live_pilot_go").click().run())
    assert not at.error, errors(at)
    (job,) = standin.jobs.values()
    lines = [m.value for m in at.markdown]
    size = len(dataset_path(default_scenario()).read_bytes())
    name = dataset_path(default_scenario()).name
    assert f"正在上傳 {name}（{size:,} 位元組）" in lines, lines
    assert any(line.startswith(f"已建立任務 {job.data['id']}。") for line in lines)
    for status in ("queued", "running", "succeeded"):
        assert f"狀態：{status}" in lines
    assert not [line for line in lines if line.startswith(("uploading", "uploaded as", "status:"))]
    ours = [line for line in lines if not line.startswith("\\[")]  # OpenAI's events begin with their [level]
    assert ours and all(english_runs(line) == [] for line in ours), ours
    assert any(job.data["id"] in s.label and s.state == "complete" for s in at.status)
    assert at.text_input(key="live_ft_model").value == job.data["fine_tuned_model"]


@pytest.mark.app
def test_following_a_job_started_elsewhere_compares_it_with_the_estimate(standin, fast_jobs):
    from openai import OpenAI

    data = dataset_path(default_scenario()).read_bytes()
    sdk = OpenAI(api_key=FAKE_KEY, base_url=standin.base_url)
    uploaded = sdk.files.create(file=("train.jsonl", data), purpose="fine-tune")
    plan = plan_pilot(dataset_path(default_scenario()), FT_BASE, as_of=DAY)
    job = sdk.fine_tuning.jobs.create(
        model=FT_BASE,
        training_file=uploaded.id,
        method={"type": "supervised", "supervised": {"hyperparameters": {"n_epochs": plan.epochs}}},
    )
    sent = len(standin.requests)

    at = connect(open_page(), standin)
    ok(at.selectbox(key="live_pilot_model").select(FT_BASE).run())
    ok(at.text_input(key="live_job_id").input(job.id).run())
    assert len(standin.requests) == sent
    ok(at.button(key="live_follow_go").click().run())
    assert not at.error, errors(at)
    trained = standin.jobs[job.id].data["trained_tokens"]
    assert metric_value(at, "Trained tokens (billed)") == f"{trained:,}"
    assert metric_value(at, "Estimate error") == _error_pct(plan.charged_tokens, trained) == "0%"
    assert not [r for r in standin.requests[sent:] if r[0] == "POST"]  # following never creates anything


@pytest.mark.app
def test_a_failed_job_shows_openais_reason(standin, fast_jobs):
    standin.job_outcome = "failed"
    at = connect(open_page(), standin)
    ok(at.button(key="live_pilot_go").click().run())
    assert standin.failure_message in errors(at)
    assert metric_value(at, "Trained tokens (billed)") == "—"


@pytest.mark.app
def test_from_2027_01_06_no_new_job_can_be_started(standin):
    at = connect(open_page(day=dt.date(2027, 1, 6)), standin)
    message = errors(at)
    assert "New fine-tuning jobs are no longer possible" in message and "from anyone from 2027-01-06" in message
    assert not any(b.key == "live_pilot_go" for b in at.button)
    # Following an existing job is still offered.
    assert any(b.key == "live_follow_go" for b in at.button)
    assert standin.requests == []


@pytest.mark.app
def test_before_the_close_the_organisation_limits_are_named(standin):
    at = open_page(day=dt.date(2026, 8, 1))
    warning = texts(at.warning)
    assert "OpenAI is winding down fine-tuning" in warning
    assert "since 2026-05-07, organisations that have never fine-tuned" in warning
    assert "From 2027-01-06 nobody can start new jobs" in warning


@pytest.mark.app
def test_the_pilot_trains_an_uploaded_file_and_leaves_no_copy(standin, fast_jobs, tmp_path, monkeypatch):
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    lines = dataset_path(default_scenario()).read_bytes().splitlines()[:10]
    data = b"\n".join(lines) + b"\n"
    at = open_page()
    ok(at.switch_page("ui/page_dataset.py").run())
    ok(at.file_uploader(key="dataset_upload").upload("mine.jsonl", data, "application/jsonl").run())
    ok(at.switch_page(PAGE).run())
    connect(at, standin)
    assert "Training file: **mine.jsonl** — your upload" in texts(at.caption)
    assert metric_value(at, "Examples × epochs").startswith("10 × ")
    ok(at.button(key="live_pilot_go").click().run())
    assert not at.error, errors(at)
    (uploaded,) = standin.files.values()
    assert uploaded["filename"] == "mine.jsonl" and standin.file_bytes[uploaded["id"]] == data
    assert list(tmp_path.iterdir()) == []  # the temporary copy was removed


@pytest.mark.app
def test_the_key_field_is_forgotten_when_the_page_is_left(standin):
    at = connect(open_page(), standin)
    ok(at.switch_page("ui/page_plan.py").run())
    ok(at.switch_page(PAGE).run())
    assert at.text_input(key="live_api_key").value == ""
    assert at.text_input(key="live_base_url").value == standin.base_url  # not a secret: kept
    assert "What an API key adds" in texts(at.info)


@pytest.mark.app
def test_a_job_whose_following_breaks_off_can_be_followed_again(standin, fast_jobs):
    standin.fail("GET /v1/fine_tuning/jobs/{id}", "server_error", times=3)  # the first check and both retries
    at = connect(open_page(), standin)
    ok(at.button(key="live_pilot_go").click().run())
    (job_id,) = standin.jobs
    assert "The server failed (HTTP 500)" in errors(at) and job_id in errors(at)
    assert at.text_input(key="live_job_id").value == job_id  # kept as soon as the job existed
    ok(at.button(key="live_follow_go").click().run())
    assert not at.error, errors(at)
    assert f"Job {job_id} succeeded" in texts(at.success)
    assert len(standin.jobs) == 1  # following created nothing new


# --- the operator's key and a visitor's server -----------------------------------------------------------------

OPERATOR_KEY = "sk-test-OPERATORKEY-never-to-visitors-7Qz"


SPENDING = ("live_measure_go", "live_pilot_go", "live_follow_go", "live_eval_go")


def spend_everything(at: AppTest, job_id: str = "ftjob-abc123") -> AppTest:
    """Fill in a job id and press every button that would call the API and can be pressed; the rest must be
    disabled (AppTest, like a browser, cannot press a disabled button). The last check in ftcost.live.serving,
    for a page that got this wrong, is tested in tests/test_live_serving.py."""
    ok(at.number_input(key="live_samples").set_value(1).run())
    ok(at.text_input(key="live_job_id").input(job_id).run())
    for key in SPENDING:
        button = next((b for b in at.button if b.key == key), None)
        if button is not None and not button.disabled:
            ok(button.click().run())
    return at


@pytest.mark.app
@pytest.mark.parametrize("enabled", [False, True])
def test_the_operators_key_never_goes_to_a_server_a_visitor_typed(listener, monkeypatch, enabled):
    monkeypatch.setenv("OPENAI_API_KEY", OPERATOR_KEY)
    if enabled:
        monkeypatch.setenv("FTCOST_ALLOW_SERVER_KEY", "1")
    at = open_page()
    ok(at.text_input(key="live_base_url").input(listener.url).run())
    buttons = [b for b in at.button if b.key in ("live_measure_go", "live_pilot_go", "live_follow_go")]
    assert buttons and all(b.disabled for b in buttons)
    if enabled:
        assert "The server's key is sent only to the servers its operator configured" in texts(at.warning)
    else:
        assert "not offered to visitors unless the operator enables it (FTCOST_ALLOW_SERVER_KEY=1" in texts(at.caption)
    spend_everything(at)
    assert listener.connections == 0 and OPERATOR_KEY.encode() not in listener.received


@pytest.mark.app
def test_the_operators_key_is_not_spent_on_openai_either_unless_enabled(standin, monkeypatch):
    """Measure, the pilot and reading a job by id all need the operator's consent (here to its own server)."""
    monkeypatch.setenv("OPENAI_API_KEY", FAKE_KEY)
    at = open_page()
    ok(at.text_input(key="live_base_url").input(standin.base_url).run())  # a server the operator allowed
    assert "What an API key adds" in texts(at.info)
    spend_everything(at)
    assert standin.requests == []


@pytest.mark.app
def test_a_visitors_own_key_is_not_sent_into_the_servers_network(listener):
    at = open_page()
    ok(at.text_input(key="live_base_url").input(listener.url).run())
    ok(at.text_input(key="live_api_key").input(FAKE_KEY).run())
    assert "address" not in texts(at.warning)  # the spelling is fine; the address is checked when a call is made
    ok(at.number_input(key="live_samples").set_value(1).run())
    ok(at.button(key="live_measure_go").click().run())
    assert "ftcost does not call `127.0.0.1` for visitors" in errors(at)
    assert "FTCOST_ALLOWED_BASE_URLS" in errors(at)
    assert listener.connections == 0


@pytest.mark.parametrize(
    "url, words",
    [
        ("http://user:secret@example.org/v1", "user name or password"),
        ("javascript:alert(1)", "only letters, digits"),
        ("https://example.org/v1`![t](http://127.0.0.1:9/t.png)`", "only letters, digits"),
    ],
)
@pytest.mark.app
def test_a_malformed_server_url_is_a_sentence_and_no_button(url, words):
    at = open_page()
    ok(at.text_input(key="live_base_url").input(url).run())
    ok(at.text_input(key="live_api_key").input(FAKE_KEY).run())
    assert words in texts(at.warning)
    assert at.button(key="live_measure_go").disabled


# --- a hostile server's text ------------------------------------------------------------------------------------


@pytest.mark.app
def test_key_shaped_text_from_the_server_is_masked_on_the_page(standin, fast_jobs):
    leaked = "sk-proj-LEAKEDBYSERVER0123456789"
    standin.answer = lambda model, messages: f"Your key is {FAKE_KEY} and also {leaked}."
    standin.served_model_name = f"gpt-4o-mini {leaked}"
    standin.job_outcome = "failed"
    standin.failure_message = f"Invalid file; the key {FAKE_KEY} was used, see {leaked}."
    at = connect(open_page(), standin)
    ok(at.number_input(key="live_samples").set_value(1).run())
    ok(at.button(key="live_measure_go").click().run())
    answers = frame(at, "Answer")
    assert set(answers["Answer"]) == {"Your key is sk-… and also sk-…"}  # the mask takes the full stop too
    ok(at.button(key="live_pilot_go").click().run())
    assert "Invalid file; the key sk-… was used, see sk-…" in errors(at)
    shown = (
        texts(at.error)
        + texts(at.success)
        + texts(at.caption)
        + " ".join(str(d.value.to_dict()) for d in at.dataframe)
        + " ".join(s.label for s in at.status)
    )
    assert FAKE_KEY not in shown and leaked not in shown
    assert "LEAKEDBYSERVER" not in repr(at.session_state["live:measured"])


# --- uploads --------------------------------------------------------------------------------------------------


@pytest.mark.app
def test_an_upload_with_a_name_too_long_for_the_file_system_still_trains(standin, fast_jobs):
    lines = dataset_path(default_scenario()).read_bytes().splitlines()[:10]
    data = b"\n".join(lines) + b"\n"
    name = "机场问答训练数据" * 12 + ".jsonl"  # 96 characters, 294 bytes: over the usual 255-byte limit
    assert len(name.encode()) > 255
    at = open_page()
    ok(at.switch_page("ui/page_dataset.py").run())
    ok(at.file_uploader(key="dataset_upload").upload(name, data, "application/jsonl").run())
    ok(at.switch_page(PAGE).run())
    connect(at, standin)
    assert "File name too long" not in errors(at) and not at.error, errors(at)
    assert metric_value(at, "Examples × epochs").startswith("10 × ")
    ok(at.button(key="live_pilot_go").click().run())
    assert not at.error, errors(at)
    (uploaded,) = standin.files.values()
    assert uploaded["filename"].startswith("机场问答训练数据") and uploaded["filename"].endswith(".jsonl")
    assert len(uploaded["filename"].encode()) <= 200


# --- a real served app and browser --------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.parametrize("enabled", ["0", "1"])
def test_a_served_app_never_sends_the_operators_key_to_a_visitors_listener(listener, enabled):
    """`streamlit run` with OPENAI_API_KEY in its environment; a visitor in Chromium points the Server field at a
    listener on loopback and presses whatever can be pressed, first without a key, then with their own."""
    import os

    from playwright.sync_api import expect, sync_playwright
    from served_app import CHROMIUM, FLAGS, need_chromium, serve_app

    need_chromium()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "FTCOST_"))}
    env |= {"OPENAI_API_KEY": OPERATOR_KEY, "FTCOST_ALLOW_SERVER_KEY": enabled}
    with serve_app(env) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1400})
            page.goto(f"{url}/live", timeout=120_000)
            expect(page.get_by_text("Live calibration").first).to_be_visible(timeout=120_000)

            def fill(label: str, value: str) -> None:
                box = page.locator(f'input[aria-label="{label}"]')
                box.fill(value)
                box.press("Enter")
                page.wait_for_timeout(500)

            fill("Server (optional)", listener.url)
            fill("Calls per option", "1")
            if enabled == "1":
                expect(
                    page.get_by_text("The server's key is sent only to the servers its operator configured")
                ).to_be_visible(timeout=60_000)
            else:
                expect(page.get_by_text("not offered to visitors unless the operator enables it")).to_be_visible(
                    timeout=60_000
                )
            confirm = page.get_by_role("button", name="Confirm: send").first
            assert confirm.is_disabled()
            confirm.click(force=True)  # a disabled button does nothing, even when forced
            page.wait_for_timeout(1500)

            fill("OpenAI API key", "sk-test-visitors-own-key-123456")  # the visitor's own key, same listener
            expect(page.get_by_text("Using the key typed in the field above")).to_be_visible(timeout=60_000)
            page.get_by_role("button", name="Confirm: send").first.click()
            expect(page.get_by_text("for visitors: it is a loopback, private")).to_be_visible(timeout=60_000)
        finally:
            browser.close()
    assert OPERATOR_KEY.encode() not in listener.received
    assert listener.connections == 0, bytes(listener.received[:300])


@pytest.mark.parametrize(
    "key, typed, sentence, kept",
    [
        ("live_samples", -5, "Calls per option must be at least 1, not -5. The page keeps 5.", 5),
        ("live_samples", 51, "Calls per option must be at most 50, not 51. The page keeps 5.", 5),
        ("live_samples", 2.5, "Calls per option takes a whole number, not 2.5. The page keeps 5.", 5),
        ("live_answer_cap", 8, "Longest answer (tokens) must be at least 16, not 8. The page keeps 1,024.", 1024),
        ("live_answer_cap", None, "Longest answer (tokens) is empty: type a number. The page keeps 1,024.", 1024),
    ],
)
@pytest.mark.app
def test_a_number_out_of_range_is_refused_in_a_sentence_and_the_box_keeps_the_value_used(key, typed, sentence, kept):
    """Streamlit's own limits would leave the typed number on screen while the page estimated with the old one;
    the page checks instead, says why, and shows the value it keeps estimating with."""
    at = open_page()
    ok(at.number_input(key="live_samples").set_value(3).run())
    kept = 3 if key == "live_samples" else kept
    sentence = sentence.replace("keeps 5", "keeps 3")
    spend = [b.label for b in at.button if b.key == "live_measure_go"]
    ok(at.number_input(key=key).set_value(typed).run())
    assert sentence in errors(at)
    assert at.number_input(key=key).value == kept
    assert [b.label for b in at.button if b.key == "live_measure_go"] == spend  # estimated with the kept value


@pytest.mark.app
def test_the_values_kept_survive_a_page_switch():
    at = open_page()
    ok(at.number_input(key="live_answer_cap").set_value(512).run())
    ok(at.switch_page("ui/page_plan.py").run())
    ok(at.switch_page(PAGE).run())
    assert at.number_input(key="live_answer_cap").value == 512


@pytest.mark.app
def test_the_page_in_traditional_chinese_shows_money_in_the_readers_currency():
    from ftcost.scenario import DisplaySettings

    at = open_page(
        default_scenario().model_copy(update={"display": DisplaySettings(language="zh-Hant", currency="TWD")})
    )
    assert at.title[0].value == "即時校準"
    frame_ = at.dataframe[0].value
    assert "最多花費" in frame_.columns and all(v.startswith("NT$") for v in frame_["最多花費"])
    button = next(b.label for b in at.button if b.key == "live_measure_go")
    assert "次呼叫" in button and "NT$" in button and "$0" not in button.replace("NT$", "")
    # the rate and its date are said once on the page
    assert sum("每 1 美元兌" in c.value for c in at.main.caption) == 1
    assert "API 金鑰能多做什麼" in texts(at.info)


@pytest.mark.app
def test_a_run_in_simplified_chinese_reads_in_chinese_and_cny(standin, fast_jobs):
    """Measuring, the pilot and evaluating, in zh-Hans with CNY: every sentence, heading and amount the runs add."""
    from test_i18n_coverage import english_left

    from ftcost.scenario import DisplaySettings

    model = f"ft:{FT_BASE}:standin::evaltest1"
    standin.fine_tuned.add(model)
    standin.answer = lambda asked_model, messages: ANSWER
    scenario = with_eval_set().model_copy(update={"display": DisplaySettings(language="zh-Hans", currency="CNY")})
    at = connect(open_page(scenario), standin)
    ok(at.number_input(key="live_samples").set_value(1).run())
    ok(at.button(key="live_measure_go").click().run())
    ok(at.selectbox(key="live_pilot_model").select(FT_BASE).run())
    ok(at.button(key="live_pilot_go").click().run())
    ok(at.text_input(key="live_ft_model").input(model).run())
    ok(at.button(key="live_eval_go").click().run())
    assert not at.error, errors(at)
    assert "次调用" in texts(at.success) and "¥" in texts(at.success)  # Babel writes the yuan as ¥ in zh_Hans_CN
    assert frame(at, "实测准确率") is not None
    left = english_left(at)
    assert left == [], "\n".join(f"{kind}: {runs} in {text!r}" for kind, text, runs in left)
