"""The budget memo's last rough edges: a pilot gate that stays true when the comparison stops serving inside the
horizon, one rounding for every percentage, and no English left on the pages' widgets in Chinese."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from conftest import REPO

from ftcost import i18n, report
from ftcost.measure_training import measured_plan
from ftcost.scenario import gallery, load_scenario

APP = str(REPO / "app.py")
ZERO = re.compile(r"(?<![\d.])0\.0%")  # a 0.0% gate, not the end of 90.0%
#: GPT-4.1 mini (the comparison) and its fine-tune stop serving on 2027-01-14: months 8-12 of a plan made then.
STOPS = dt.date(2026, 6, 1)


def airport(**update):
    s = load_scenario(gallery()["airport"])
    return s.model_copy(update=update) if update else s


def plan_of(s, as_of=STOPS):
    return measured_plan(s, as_of, folder=gallery()["airport"].parent)


def with_accuracy(s, option: str, accuracy: Decimal):
    return s.model_copy(update={"option": [o.model_copy(update={"accuracy_pct": accuracy}) if o.name == option else o
                                           for o in s.option]})


# --- the gate when the comparison stops serving mid-horizon ------------------------------------------------


def test_the_break_even_accuracy_is_where_payback_starts_when_the_comparison_stops_serving():
    s = airport()
    p = plan_of(s)
    pilot = p.pilot
    assert p.option(pilot.against).serves_until == dt.date(2027, 1, 14)
    need = pilot.break_even_accuracy_pct
    # It used to be 0.0%: after month 7 neither line costs anything, and those months were read as "the
    # fine-tune breaks even before it serves" with its own wrong answers left out.
    assert need is not None and 90 < need < pilot.assumed_accuracy_pct

    def pays_back(accuracy: Decimal) -> bool:
        plan = plan_of(with_accuracy(s, pilot.option, accuracy))
        return next(b for b in plan.break_even if b.fine_tuned == pilot.option and b.against == pilot.against).month \
            is not None

    assert pays_back(need) and not pays_back(need - Decimal("0.1"))
    assert pilot.gate_accuracy_pct == need


def test_the_gate_sentence_says_the_comparison_stops_serving_and_never_shows_zero():
    p = plan_of(airport())
    sentence = report.gate_sentence(p)
    assert not ZERO.search(sentence)
    assert f"({report.pct(p.pilot.break_even_accuracy_pct)})" in sentence
    assert sentence.endswith("GPT-4.1 mini, long prompt stops serving on 2027-01-14, so the break-even counts its cost "
                             "only to month 7.")
    assert sentence in report.to_markdown(p)
    # A comparison that serves the whole horizon gets no such clause.
    assert "stops serving" not in report.gate_sentence(plan_of(airport(), dt.date(2025, 6, 1)))


def test_a_fine_tune_that_pays_back_at_any_accuracy_says_so_not_zero_percent():
    # Wrong answers cost a cent while the long prompt costs far more: the API saving alone pays back.
    s = airport()
    s = s.model_copy(update={"quality": s.quality.model_copy(update={"cost_per_wrong_answer_usd": Decimal("0.000001")}),
                             "workload": s.workload.model_copy(update={"requests_per_month": 30_000_000})})
    p = plan_of(s, dt.date(2025, 6, 1))
    assert p.pilot.break_even_accuracy_pct == 0
    sentence = report.gate_sentence(p)
    assert not ZERO.search(sentence) and "at any accuracy" in sentence
    assert sentence.startswith(f"The gate is your target, {report.pct(p.pilot.target_accuracy_pct)}: ")


def _plan_page(lang: str = "en", as_of: dt.date = STOPS):
    from streamlit.testing.v1 import AppTest

    from ftcost.scenario import DisplaySettings

    at = AppTest.from_file(APP, default_timeout=90)
    at.session_state["scenario"] = airport(as_of=as_of, display=DisplaySettings(language=lang))
    at.run()
    assert not at.exception, at.exception
    return at


def test_the_plan_page_shows_the_honest_gate():
    at = _plan_page()
    shown = "\n".join(m.value for m in at.markdown)
    p = plan_of(airport())
    assert report.gate_sentence(p) in shown and not ZERO.search(shown)


@pytest.mark.parametrize("lang, stops", [("zh-Hant", "停止服務"), ("zh-Hans", "停止服务")])
def test_the_gate_sentence_is_translated(lang, stops):
    p = plan_of(airport())
    with i18n.use(lang):
        sentence = report.gate_sentence(p)
    assert "stops serving" not in sentence and "break-even" not in sentence
    assert stops in sentence and not ZERO.search(sentence)
    at = _plan_page(lang)
    assert sentence in "\n".join(m.value for m in at.markdown)
