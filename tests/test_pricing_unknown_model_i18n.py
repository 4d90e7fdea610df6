"""A model ftcost does not know, in the reader's language (issue 18 follow-up, part 3).

The pricing layer's sentences for a name it cannot place — an unknown model (with the names close to it, or
none), an unknown base of a fine-tuned name, a name that is not one of OpenAI's fine-tuned forms, no name at all,
a Prices-page pattern that matches nothing — reach the Live page's Note column and the Prices page. Each is
said in zh-Hant and zh-Hans with no English word left once the names it quotes are taken out, keeps the
suggestions it lists, and says its English word for word as ftcost always has.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from ftcost import pricing
from ftcost.errors import UnknownModelError
from ftcost.i18n import Notice, text

DAY = dt.date(2025, 1, 1)
NEAR = ("gpt-4o-mini", "gpt-5.4-mini", "gpt-4.1-mini")
FORMS = ("ft:BASE:ORG:SUFFIX:ID", "ft:BASE:ORG::ID", "ft:BASE")

CASES = [
    (
        lambda: pricing.resolve("gpt-4o-minii", DAY),
        "Unknown model 'gpt-4o-minii'; did you mean gpt-4o-mini, gpt-5.4-mini, gpt-4.1-mini?",
        ("'gpt-4o-minii'", *NEAR),
    ),
    (
        lambda: pricing.rates("ft:zzqq:org::x", DAY),
        "Unknown model 'zzqq' (the base of 'ft:zzqq:org::x'); no model ftcost knows has a name close to it.",
        ("'zzqq'", "'ft:zzqq:org::x'", "ftcost"),
    ),
    (
        lambda: pricing.resolve("  ", DAY),
        "A model name is required, e.g. gpt-4o-mini or ft:gpt-4o-mini-2024-07-18:my-org::abc123.",
        ("ft:gpt-4o-mini-2024-07-18:my-org::abc123", "gpt-4o-mini"),
    ),
    (
        lambda: pricing.resolve("ft:", DAY),
        "'ft:' is not a fine-tuned model name OpenAI uses; expected ft:BASE, ft:BASE:ORG::ID or ft:BASE:ORG:SUFFIX:ID.",
        ("'ft:'", *FORMS),
    ),
    (
        lambda: pricing.table(DAY, "gpt-4o-minii"),
        "No model matches 'gpt-4o-minii'; did you mean gpt-4o-mini, gpt-5.4-mini, gpt-4.1-mini?",
        ("'gpt-4o-minii'", *NEAR),
    ),
]


def english_left(sentence: str, *names: str) -> list[str]:
    """The ASCII words left once the quoted names (and the proper name OpenAI) are taken out."""
    for name in sorted({*names, "OpenAI"}, key=len, reverse=True):
        sentence = sentence.replace(name, " ")
    return re.findall(r"[A-Za-z]+", sentence)


@pytest.mark.parametrize("call, english, names", CASES, ids=["near", "ft-base", "empty", "ft-form", "pattern"])
@pytest.mark.parametrize("lang", ["zh-Hant", "zh-Hans"])
def test_an_unknown_name_reads_in_chinese_and_the_english_is_unchanged(call, english, names, lang):
    with pytest.raises(UnknownModelError) as caught:
        call()
    err = caught.value
    assert str(err) == english
    assert isinstance(err.args[0], Notice)
    chinese = text(err.args[0], lang)
    assert re.search(r"[\u4e00-\u9fff]", chinese), chinese
    assert english_left(chinese, *names) == [], chinese
    for name in names:  # the suggestions and the name asked about are kept
        assert name in chinese, (name, chinese)


def test_the_suggestions_stay_facts_for_the_edges():
    with pytest.raises(UnknownModelError) as caught:
        pricing.resolve("gpt-4o-minii", DAY)
    assert caught.value.near == NEAR and caught.value.value == "gpt-4o-minii" and caught.value.listing is None
    with pytest.raises(UnknownModelError) as caught:
        pricing.resolve("zzqq-not-a-model", DAY)
    assert caught.value.near == () and caught.value.listing == "models"
