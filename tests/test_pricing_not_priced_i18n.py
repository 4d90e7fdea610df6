"""A known model with no price on the day asked, in the reader's language.

`explain_missing` (no inference, training or hourly price that day: before its first price, after its last, in a
tier ftcost has none for, billed per hour and not per token, never fine-tunable) and an alias asked about before
it existed or after the snapshot it pointed to shut down are Notices: said in zh-Hant and zh-Hans with no English
word left once the names and dates they quote are taken out, and in English word for word as ftcost always said
them. The sentences reach `ftcost quote`/`report` (a plan that leaves an option out) and the Dataset page's
training-cost table; the tests for those are here and in tests/test_i18n_app.py.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

import pytest

from ftcost import pricing
from ftcost.errors import NotOfferedError
from ftcost.i18n import Notice, text
from ftcost.pricing import lookup
from ftcost.pricing.store import current

SRC = Path(__file__).resolve().parent.parent / "src"

CASES = [
    (
        lambda: pricing.rates("gpt-4o-mini-2024-07-18", dt.date(2023, 11, 1)),
        "gpt-4o-mini-2024-07-18 was first priced on 2024-07-18; you asked about 2023-11-01.",
        ("gpt-4o-mini-2024-07-18",),
        "最早於 2024年7月18日 開始有價格；您查詢的是 2023年11月1日",
    ),
    (
        lambda: pricing.quote("gpt-4o", input_tokens=10, as_of=dt.date(2023, 11, 1)),
        "gpt-4o did not exist before 2024-05-13 (it first pointed to gpt-4o-2024-05-13); you asked about 2023-11-01.",
        ("gpt-4o-2024-05-13", "gpt-4o"),
        "gpt-4o 在 2024年5月13日 之前並不存在（它最初指向 gpt-4o-2024-05-13）",
    ),
    (
        lambda: pricing.training_cost("gpt-4o-mini-2024-07-18", 1000, dt.date(2027, 1, 10)),
        "fine-tuning (training) of gpt-4o-mini-2024-07-18 is not offered from 2027-01-06 (no new fine-tuning jobs "
        "for everyone from 2027-01-06, per lifecycle.toml ft-closed); you asked about 2027-01-10.",
        ("gpt-4o-mini-2024-07-18", "lifecycle.toml", "ft-closed"),
        "自 2027年1月6日 起不再為所有人建立新的微調工作",
    ),
    (
        lambda: pricing.training_cost("o4-mini-2025-04-16", 1000, dt.date(2025, 6, 1)),
        "o4-mini-2025-04-16 fine-tuning is billed per training hour (reinforcement fine-tuning, $100.00 per hour), "
        "not per token; give training hours instead.",
        ("o4-mini-2025-04-16", "token"),
        "每小時 $100.00",
    ),
    (
        lambda: pricing.rates("gpt-4o-mini-2024-07-18", dt.date(2026, 12, 2), "flex"),
        "gpt-4o-mini-2024-07-18 (flex tier) has no price; ftcost has the batch, standard tier(s) for it.",
        ("gpt-4o-mini-2024-07-18", "flex", "batch", "standard", "ftcost"),
        "（flex 層級）",
    ),
    (
        lambda: pricing.quote("gpt-4o-mini-2024-07-18", training_hours=1, as_of=dt.date(2025, 6, 1)),
        "reinforcement fine-tuning of gpt-4o-mini-2024-07-18 has no price in ftcost's data.",
        ("gpt-4o-mini-2024-07-18", "ftcost"),
        "強化微調",
    ),
]


def english_left(sentence: str, *names: str) -> list[str]:
    """The ASCII words left once the quoted names (and the proper name OpenAI) are taken out."""
    for name in sorted({*names, "OpenAI"}, key=len, reverse=True):
        sentence = sentence.replace(name, " ")
    return re.findall(r"[A-Za-z]+", sentence)


def refusal(call) -> NotOfferedError:
    with pytest.raises(NotOfferedError) as caught:
        call()
    return caught.value


@pytest.mark.parametrize("call, english, names, traditional", CASES)
def test_a_price_that_is_not_there_is_said_in_chinese_and_its_english_is_unchanged(call, english, names, traditional):
    exc = refusal(call)
    notice = exc.args[0]
    assert isinstance(notice, Notice)
    assert str(exc) == english and text(notice, "en") == english
    hant, hans = notice.text("zh-Hant"), notice.text("zh-Hans")
    assert traditional in hant, hant
    for shown in (hant, hans):
        assert not english_left(shown, *names), shown
    assert hant != hans


def test_the_alias_and_lifecycle_sentences_no_data_reaches_through_resolve_are_chinese_too():
    d = current(None)
    shut = lookup._alias_not_on("gpt-4o", d.alias_periods("gpt-4o"), dt.date(2027, 1, 15))
    assert shut == "gpt-4o pointed to gpt-4o-2024-08-06, which shut down on 2027-01-14; you asked about 2027-01-15."
    assert shut.text("zh-Hant") == (
        "gpt-4o 指向 gpt-4o-2024-08-06，而它已於 2027年1月14日 停止服務；您查詢的是 2027年1月15日。"
    )
    ada = lookup.Resolved("ada", "ada", False, d.models["ada"])
    gone = lookup.explain_missing(d, ada, "base", "standard", dt.date(2024, 2, 1))
    assert gone == (
        "ada is not offered from 2024-01-04 (ada shuts down on 2024-01-04, per models.toml); you asked about 2024-02-01."
    )
    assert gone.text("zh-Hans") == (
        "ada 自 2024年1月4日 起不再提供（依 models.toml，ada 于 2024年1月4日 停止服务）；您查询的是 2024年2月1日。"
    )


def test_why_a_price_row_ends_is_a_notice_its_english_and_json_unchanged():
    d = current(None)
    ends = {r.ends_because for r in d.rows if r.ends_because}
    assert "next price" in ends and len(ends) > 1
    assert all(isinstance(e, Notice) and e.text("zh-Hant") != str(e) for e in ends)
    row = d.periods("ada", "base")[-1]
    assert row.to_dict()["ends_because"] == "ada shuts down on 2024-01-04, per models.toml"


def _cli(*args: str) -> subprocess.CompletedProcess:
    code = "import sys; from ftcost.cli import run; sys.argv[0] = 'ftcost'; sys.exit(run())"
    env = {"PYTHONPATH": str(SRC), "PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=env)


def test_ftcost_quote_before_a_model_existed_says_so_in_chinese():
    done = _cli(
        "quote", "gpt-4o-mini-2024-07-18", "--input-tokens", "1000", "--as-of", "2023-11-01", "--lang", "zh-Hans"
    )
    assert done.returncode == 2
    assert "gpt-4o-mini-2024-07-18 最早于 2024年7月18日 开始有价格；您查询的是 2023年11月1日。" in done.stderr
    assert "first priced" not in done.stderr


def test_ftcost_report_with_nothing_priced_gives_each_options_reason_in_chinese():
    done = _cli("report", "airport", "--as-of", "2023-11-01", "--lang", "zh-Hant")
    assert done.returncode == 2
    assert "請選擇較晚的 --as-of。" in done.stderr and "Choose a later" not in done.stderr
    assert (
        "  - GPT-4.1 mini, long prompt 未納入規劃：gpt-4.1-mini-2025-04-14 最早於 2025年4月14日 開始有價格"
        in done.stderr
    )
    assert "is left out of the plan" not in done.stderr and "first priced" not in done.stderr
    english = _cli("report", "airport", "--as-of", "2023-11-01", "--lang", "en")
    assert english.stderr.endswith(
        "  - GPT-4.1 mini, long prompt is left out of the plan: gpt-4.1-mini-2025-04-14 was first priced on "
        "2025-04-14; you asked about 2023-11-01.\n"
        "  - Together: Llama 3.1 8B LoRA, dedicated endpoint is left out of the plan: Together AI has no training "
        "rate for meta-llama/Meta-Llama-3.1-8B-Instruct-Reference (Only the ends of each bracket's range were "
        "transcribed (LoRA SFT low, full DPO high); the full-SFT and LoRA-DPO rates per bracket are not in any "
        'stored copy); add the team\'s rate as [[rate]] kind = "training_mtok".\n'
        "  - Fireworks: Llama 3.1 8B LoRA, dedicated deployment is left out of the plan: Fireworks AI has no training "
        "rate for accounts/fireworks/models/llama-v3p1-8b-instruct (RFT is billed per GPU-hour at on-demand rates; "
        "'free under 16B' appears only in one unverified note); add the team's rate as [[rate]] kind = "
        '"training_mtok".\n'
        "  - Self-hosted: Llama 3.1 8B LoRA on one H100 is left out of the plan: Self-hosted open-weight LoRA has no "
        "training rate for Llama-3.1-8B-Instruct (none is published); add the team's rate as [[rate]] kind = "
        '"training_mtok".\n'
    ), english.stderr
    assert english.stderr.startswith(
        "ftcost: None of the scenario's options can be priced on 2023-11-01, so there is nothing to compare; the "
        "warnings say from when each one is priced. Choose a later --as-of.\n"
    )
