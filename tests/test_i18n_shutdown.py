"""A shut-down model's sentence, which the plan quotes as the reason an option is left out after 2027-01-14,
reads in the reader's language: the same facts (model, day, source, what OpenAI serves instead), no English."""

import datetime as dt
import re

import pytest
from conftest import run_cli

from ftcost.errors import ShutDownError
from ftcost.i18n import Notice
from ftcost.pricing import rates

AFTER = dt.date(2027, 2, 1)


def _refusal(name: str) -> ShutDownError:
    with pytest.raises(ShutDownError) as caught:
        rates(name, AFTER)
    return caught.value


@pytest.mark.parametrize("name", ["gpt-4.1-mini-2025-04-14", "ft:gpt-4o-mini-2024-07-18", "gpt-3.5-turbo"])
@pytest.mark.parametrize(("lang", "verb"), [("zh-Hant", "停止服務"), ("zh-Hans", "停止服务")])
def test_a_shut_down_models_sentence_is_in_the_readers_language(name, lang, verb):
    err = _refusal(name)
    sentence = err.args[0]
    assert isinstance(sentence, Notice)
    english, chinese = str(sentence), sentence.text(lang)
    assert "shut down on" in english  # the English sentence is unchanged
    assert verb in chinese
    for word in ("shut down", "serves", "instead", "which it pointed to", "fine-tuned"):
        assert word not in chinese, (word, chinese)
    assert err.model in chinese  # the facts stay: the model id and the source's address
    if err.source_url:
        assert err.source_url.split("//")[-1] in chinese.replace("\u200b", "")


@pytest.mark.parametrize("day", ["2026-12-02", "2027-02-01"])
def test_the_answer_cites_sources_by_address_not_by_their_key_in_the_data(capsys, day):
    code, out, _ = run_cli(capsys, "report", "airport", "--as-of", day)
    assert code == 0
    answer = out.split("## Options compared")[0]
    assert not re.search(r"\(S\d+\)", answer), answer  # "(S12)" was the bare key of lifecycle.toml's source
    assert "developers.openai.com" in answer
