"""The budget memo in Chinese and in the reader's currency: the cheapest-option, payback-parts and pilot-gate
sentences, the saving's parts, the break-even cards, the training note and "How sure is this?" are translated on
the Plan page and in the Markdown report, and every amount in them is in NT$ when the display currency is TWD."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from conftest import REPO, app_shown_in
from streamlit.testing.v1 import AppTest

from ftcost import i18n, report
from ftcost.engine import uncertainty as u
from ftcost.measure_training import measured_plan
from ftcost.pricing.fx import display_for
from ftcost.scenario import DisplaySettings, default_scenario

APP = str(REPO / "app.py")
DAYS = [dt.date(2026, 10, 1), dt.date.today()]

#: Pieces of the English sentences these parts of the page and the report used to show untranslated.
ENGLISH = [
    "Cheapest over",
    "in all (API cost",
    "; then ",
    " Over 12 months against",
    "API cost NT$",
    "wrong answers NT$",
    "one-off NT$",
    "No accuracy pays back",
    "don't run the pilot",
    "Even with every answer right",
    "Run the pilot first",
    "Go ahead if",
    "The gate is",
    "the plan assumes",
    "is made of",
    "How sure is this?",
    "Shaded: the P10",
    "What drives the answer",
    "What would have to be true",
    "Every fine-tune against every base option",
    "Ranges: low / likely / high",
    "Training is priced on",
    "charged tokens per run",
    "draws of the ranges",
    "draws of the ranged",
    "The answer hangs most",
    "Learning ",
    "Savings at the horizon",
    "Pays back within",
    "Break-even month, median",
    "Ranged assumptions",
    "no value changes",
    "Requests in the first month",
    "'s accuracy",
    "Change the file",
    "A month is each option",
    "Monthly cost, wrong answers included",
    "of which API cost",
]
#: A dollar figure that is not NT$ (Markdown escapes the sign as "\$").
DOLLAR = re.compile(r"(?<!NT)(?<!NT\\)\$\s?-?\d")


def english_in(text: str) -> list[str]:
    return [piece for piece in ENGLISH if piece in text]


def start(lang: str, day: dt.date) -> AppTest:
    return app_shown_in(lang, "TWD", day, timeout=90)


def page_texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [s.value for s in at.subheader]
    parts += [m.label for m in at.metric] + [m.value for m in at.metric] + [str(m.help or "") for m in at.metric]
    parts += [e.label for e in at.expander] + [i.value for i in at.info]
    for frame in at.dataframe:
        parts += [str(c) for c in frame.value.columns]
        parts += [str(v) for v in frame.value.to_numpy().ravel()]
    return "\n".join(str(p) for p in parts)


@pytest.mark.app
@pytest.mark.parametrize("day", DAYS, ids=lambda d: d.isoformat())
@pytest.mark.parametrize("lang, heading", [("zh-Hant", "這個結論有多可靠？"), ("zh-Hans", "这个结论有多可靠？")])
def test_the_plan_page_memo_is_translated_and_in_nt_dollars(lang, heading, day):
    at = start(lang, day)
    shown = page_texts(at)
    assert heading in [s.value for s in at.subheader]
    assert english_in(shown) == []
    assert "NT$" in shown
    assert DOLLAR.findall(shown) == [] and "US$" not in shown
    break_even = [m.value for m in at.metric if m.label == i18n.gettext("Break-even", lang)]
    assert break_even and all(v == "否" or v.startswith("第 ") for v in break_even)


@pytest.mark.parametrize("day", DAYS, ids=lambda d: d.isoformat())
@pytest.mark.parametrize("lang", ["zh-Hant", "zh-Hans"])
def test_the_markdown_report_memo_is_translated_and_in_nt_dollars(lang, day):
    scenario = default_scenario().model_copy(
        update={"as_of": day, "display": DisplaySettings(language=lang, currency="TWD")}
    )
    plan = measured_plan(scenario, day)
    with i18n.use(lang):
        money, found = display_for(scenario.display, day, i18n.locale(lang))
        how = u.analyse(scenario, plan, fine_tuned=plan.pilot.option if plan.pilot else None, against=plan.compare_with)
        text = report.to_markdown(plan, how, money=money, found=found)
        warnings = "## " + i18n.gettext("Warnings")
    # The warnings quote the price tables' own notes (in USD, as published): the memo is everything above them.
    memo = text.split(warnings)[0]
    assert english_in(memo) == []
    assert DOLLAR.findall(memo) == [] and "US$" not in memo
    assert "## " + i18n.gettext("How sure is this?", lang) in memo and "NT$" in memo


def test_the_english_memo_keeps_its_words_and_dollars():
    day = DAYS[0]
    plan = measured_plan(default_scenario(), day)
    how = u.analyse(default_scenario(), plan, fine_tuned=plan.pilot.option, against=plan.compare_with)
    text = report.to_markdown(plan, how)
    assert "- Cheapest over 12 months: " in text and " Over 12 months against " in text
    assert "## How sure is this?" in text and re.search(r"Savings at the horizon: -?\$\d", text)


def test_the_simulation_charts_are_titled_in_the_language_and_the_display_currency():
    import json

    from ftcost.views import uncertainty as vu
    from ui import plan_uncertainty

    day = DAYS[0]
    scenario = default_scenario().model_copy(update={"display": DisplaySettings(language="zh-Hant", currency="TWD")})
    plan = measured_plan(scenario, day)
    how = u.analyse(scenario, plan, fine_tuned=plan.pilot.option, against=plan.compare_with)
    with i18n.use("zh-Hant"):
        money, _found = display_for(scenario.display, day, i18n.locale("zh-Hant"))
        frame = vu.tornado_frame(how, money)
        specs = [
            plan_uncertainty.tornado(frame, "TWD").to_dict(),
            plan_uncertainty.sensitivity(
                vu.sensitivity_frame(how, money),
                how.sensitivity.label,
                how.sensitivity.break_even.value,
                vu.break_even_text(how, money),
                "TWD",
            ).to_dict(),
        ]
    text = json.dumps(specs, ensure_ascii=False)
    assert text.count("規劃期末節省（TWD）") == 2 and "US dollars" not in text and '"$,.0f"' not in text
    # The bars are the converted savings: the driver's low end, at the rate, as the tooltip says it.
    first = how.drivers[0]
    assert frame.savings.iloc[0] == pytest.approx(float(first.savings_at_low * money.rate))
    assert frame.savings_text.iloc[0] == money.amount(first.savings_at_low)
    assert set(frame.end_text) == {"下限", "上限"}
