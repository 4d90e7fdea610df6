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
    return s.model_copy(
        update={
            "option": [o.model_copy(update={"accuracy_pct": accuracy}) if o.name == option else o for o in s.option]
        }
    )


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
        return (
            next(b for b in plan.break_even if b.fine_tuned == pilot.option and b.against == pilot.against).month
            is not None
        )

    assert pays_back(need) and not pays_back(need - Decimal("0.1"))
    assert pilot.gate_accuracy_pct == need


def test_the_gate_sentence_says_the_comparison_stops_serving_and_never_shows_zero():
    p = plan_of(airport())
    sentence = report.gate_sentence(p)
    assert not ZERO.search(sentence)
    assert f"({report.pct(p.pilot.break_even_accuracy_pct)})" in sentence
    assert sentence.endswith(
        "GPT-4.1 mini, long prompt stops serving on 2027-01-14, so the break-even counts its cost only to month 7."
    )
    assert sentence in report.to_markdown(p)
    # A comparison that serves the whole horizon gets no such clause.
    assert "stops serving" not in report.gate_sentence(plan_of(airport(), dt.date(2025, 6, 1)))


def test_a_fine_tune_that_pays_back_at_any_accuracy_says_so_not_zero_percent():
    # Wrong answers cost a cent while the long prompt costs far more: the API saving alone pays back.
    s = airport()
    s = s.model_copy(
        update={
            "quality": s.quality.model_copy(update={"cost_per_wrong_answer_usd": Decimal("0.000001")}),
            "workload": s.workload.model_copy(update={"requests_per_month": 30_000_000}),
        }
    )
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


@pytest.mark.app
def test_the_plan_page_shows_the_honest_gate():
    at = _plan_page()
    shown = "\n".join(m.value for m in at.markdown)
    p = plan_of(airport())
    assert report.gate_sentence(p) in shown and not ZERO.search(shown)


@pytest.mark.app
@pytest.mark.parametrize("lang, stops", [("zh-Hant", "停止服務"), ("zh-Hans", "停止服务")])
def test_the_gate_sentence_is_translated(lang, stops):
    p = plan_of(airport())
    with i18n.use(lang):
        sentence = report.gate_sentence(p)
    assert "stops serving" not in sentence and "break-even" not in sentence
    assert stops in sentence and not ZERO.search(sentence)
    at = _plan_page(lang)
    assert sentence in "\n".join(m.value for m in at.markdown)


# --- one rounding for every percentage ---------------------------------------------------------------------

#: The default scenario's short prompt is 39 tokens in o200k_base; " hello" adds one token to the long prompt.
SHORT = 39


def long_prompt_scenario(long_tokens: int):
    from ftcost.scenario import default_scenario

    s = default_scenario()
    w = s.workload
    return s.model_copy(
        update={
            "as_of": dt.date(2026, 10, 1),
            "workload": w.model_copy(update={"long_prompt": w.short_prompt + " hello" * (long_tokens - SHORT)}),
        }
    )


@pytest.mark.parametrize(
    "long_tokens, exact",
    [
        (5200, "99.25"),  # a tie: half-even said 99.2%, a reader (and money's half-up) says 99.3%
        (5210, "99.2514395393474088291746641"),  # the engine's 0.01 step made it 99.25, then 99.2%; once: 99.3%
    ],
)
def test_the_prompt_saving_reads_the_same_on_every_path(long_tokens, exact):
    from ftcost import views
    from ftcost.views.prompts import prompt_token_frame, volume_view

    s = long_prompt_scenario(long_tokens)
    plan = measured_plan(s)
    pair = next(
        x
        for x in plan.prompt_savings
        if plan.option(x.against).tokens.encoding == "o200k_base"
        and plan.option(x.fine_tuned).tokens.encoding == "o200k_base"
        and x.against == plan.compare_with
    )
    assert plan.option(pair.against).tokens.prompt_tokens == long_tokens
    assert str(pair.saved_pct)[: len(exact)] == exact  # exact in the engine, rounded only where shown
    want = "99.3%"
    frame = prompt_token_frame(s.workload)
    assert frame.set_index("Tokens").loc["Fine-tuned request is shorter by", "o200k_base"] == want
    shortening = report.to_markdown(plan).split("## Prompt shortening")[1].split("\n## ")[0]
    row = next(r for r in shortening.splitlines() if r.startswith(f"| {pair.fine_tuned} | {pair.against} |"))
    assert row.endswith(f"| {want} |")
    card = next(c for c in views.payback_cards(plan, plan.compare_with) if c.fine_tuned == pair.fine_tuned)
    assert card.tokens_saved_pct == "-" + want
    if pair == plan.prompt_savings[0]:
        assert volume_view(plan).saving.endswith(f"({want})")


def test_a_percentage_is_rounded_once_half_up_whatever_its_type():
    from decimal import ROUND_CEILING

    from ftcost.i18n import percent, share_percent

    for value in (Decimal("99.25"), 99.25, Decimal("99.2500")):
        assert percent(value) == "99.3%"
    assert percent(Decimal("99.24999")) == "99.2%"
    assert percent(Decimal("94.01"), rounding=ROUND_CEILING) == "94.1%"
    with i18n.use("zh-Hant"):
        assert percent(0.9925 * 100) == "99.3%"
    # A share of draws: only all or none read 100% or 0%.
    assert [share_percent(x) for x in (0.0, 0.004, 0.5, 0.9925, 0.995, 0.9999, 1.0)] == [
        "0%",
        "1%",
        "50%",
        "99%",
        "99%",
        "99%",
        "100%",
    ]


def test_the_chance_of_payback_and_the_break_even_accuracy_read_alike_in_report_and_page_views():
    from ftcost.engine import uncertainty as u
    from ftcost.i18n import share_percent
    from ftcost.views import uncertainty as vu

    s = load_scenario(gallery()["airport-2023"])
    plan = measured_plan(s, folder=gallery()["airport-2023"].parent)
    how = u.analyse(s, plan, fine_tuned=plan.pilot.option, against=plan.compare_with)
    share = share_percent(how.odds.p_pays_back)
    text = report.to_markdown(plan, how)
    assert f"in {share} of " in vu.odds_sentences(how, plan.horizon_months)[0]
    assert f"| {share} |" in text
    assert vu.odds_table(how, plan.horizon_months).iloc[0]["Pays back"] == share
    # "What would have to be true" rounds the fine-tune's break-even accuracy as the pilot's gate does.
    accuracy = next(v for v in how.break_even_values if v.key == f"option[{plan.pilot.option}].accuracy_pct")
    assert vu.break_even_value_text(accuracy, False) == report.pct(plan.pilot.break_even_accuracy_pct)


# --- no English left on the pages' widgets -------------------------------------------------------------------

#: Streamlit calls whose text a reader sees, and the keywords that carry it.
SHOWN = {
    "markdown",
    "caption",
    "write",
    "header",
    "subheader",
    "title",
    "text",
    "info",
    "warning",
    "error",
    "success",
    "button",
    "download_button",
    "metric",
    "expander",
    "tabs",
    "selectbox",
    "radio",
    "checkbox",
    "toggle",
    "text_input",
    "number_input",
    "text_area",
    "file_uploader",
    "progress",
    "spinner",
    "toast",
    "popover",
    "link_button",
    "page_link",
    "form_submit_button",
    "slider",
    "select_slider",
    "multiselect",
    "date_input",
    "set_page_config",
    "status",
    "dialog",
    "segmented_control",
    "pills",
    "Page",
    "TextColumn",
    "NumberColumn",
    "SelectboxColumn",
    "CheckboxColumn",
    "Column",
    "LinkColumn",
    "DateColumn",
    "ProgressColumn",
    "ListColumn",
    "cache_data",
    "cache_resource",
}
SHOWN_KEYWORDS = {
    "label",
    "help",
    "placeholder",
    "body",
    "text",
    "title",
    "page_title",
    "caption",
    "value",
    "options",
    "delta",
    "display_text",
    "show_spinner",
}
#: Literal texts that are meant as they are: the language picker names itself in every language it offers;
#: options that are the scenario's own values (the table's help and the picker's format_func explain them).
ALLOWED = {
    ("sidebar.py", "Language · 語言 · 语言"),
    ("page_plan.py", "long"),
    ("page_plan.py", "short"),  # an option's `prompt` field, as the TOML has it
    ("page_prices.py", "standard"),
    ("page_prices.py", "batch"),  # shown through format_func, translated
}
#: The Live calibration pages are being translated on their own.
NOT_YET = ("page_live",)


def _texts(node):
    import ast

    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.value
    elif isinstance(node, ast.JoinedStr):  # an f-string: its literal parts
        yield "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
    elif isinstance(node, (ast.List, ast.Tuple)):
        for item in node.elts:
            yield from _texts(item)
    elif isinstance(node, ast.BinOp):
        yield from _texts(node.left)
        yield from _texts(node.right)
    elif isinstance(node, ast.IfExp):
        yield from _texts(node.body)
        yield from _texts(node.orelse)


def untranslated_literals(path) -> list[str]:
    """`file:line: text` for each word-bearing literal handed straight to a Streamlit call (a `_()` call is not a
    literal, so a marked string never shows up here)."""
    import ast

    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in SHOWN):
            continue
        args = node.args[1:] if node.func.attr == "Page" else node.args  # st.Page's first argument is a file
        for arg in [*args, *(k.value for k in node.keywords if k.arg in SHOWN_KEYWORDS)]:
            for text in _texts(arg):
                if (
                    any(c.isalpha() for c in text)
                    and not text.startswith(":material/")
                    and (path.name, text) not in ALLOWED
                ):
                    out.append(f"{path.name}:{node.lineno}: {text!r}")
    return out


def test_no_page_hands_streamlit_an_untranslated_literal():
    files = sorted((REPO / "ui").glob("*.py")) + [REPO / "app.py"]
    found = [x for f in files if not f.name.startswith(NOT_YET) for x in untranslated_literals(f)]
    assert found == []


def test_the_scan_finds_a_bare_literal(tmp_path):
    page = tmp_path / "page_x.py"
    page.write_text(
        'import streamlit as st\nst.button(_("Fine"))\nst.caption(f"✎ **Edited**: {x}")\n'
        'left.button("Reset", help=_("ok"))\nst.markdown("—")\n',
        encoding="utf-8",
    )
    assert untranslated_literals(page) == ["page_x.py:3: '✎ **Edited**: {}'", "page_x.py:4: 'Reset'"]


@pytest.mark.app
@pytest.mark.parametrize("lang, edited, reset", [("zh-Hant", "已編輯", "重設"), ("zh-Hans", "已编辑", "重置")])
def test_the_edited_marker_and_reset_are_in_the_readers_language(lang, edited, reset):
    from streamlit.testing.v1 import AppTest

    from ftcost.scenario import DisplaySettings, default_scenario
    from ftcost.share import PARAM, encode_link

    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params[PARAM] = encode_link(
        default_scenario().model_copy(update={"display": DisplaySettings(language=lang)})
    )
    at.run()
    assert not at.exception, at.exception
    at.number_input(key="w:workload.requests_per_month").set_value(55_000).run()
    assert not at.exception, at.exception
    marker = [c.value for c in at.sidebar.caption if "✎" in c.value]
    assert marker and edited in marker[0] and "Edited" not in marker[0] and "as loaded" not in marker[0]
    button = at.sidebar.button(key="reset_scenario")
    assert button.label == reset and "Undo" not in str(button.help)


def test_a_half_filled_row_is_named_in_the_readers_language_by_its_headers():
    from ui.inputs import unfinished

    rows = [{"Role": "QA lead", "Rate": None, "Hours": None}]
    with i18n.use("zh-Hant"):
        text = unfinished(rows, ("Role", "Rate", "Hours"), {"Rate": "每小時費用（TWD）", "Hours": "每次迭代時數"})
    assert text == "尚未套用：第 1 列還需要 每小時費用（TWD） 與 每次迭代時數。這一列填完整後才會加入規劃。"
    assert unfinished(rows, ("Role", "Rate"), {}) == (
        "Not applied yet: row 1 needs Rate. The row is added to the plan once it is complete."
    )


@pytest.mark.parametrize("stem, day", [("airport", dt.date(2026, 12, 2)), ("airport-migration", dt.date(2026, 6, 1))])
def test_an_hourly_deployments_gate_counts_its_hosting(stem, day):
    # Azure's fine-tune bills deployment-hours: the bound used to leave them out (92.4% on the default
    # scenario in December 2026, at which it does not pay back; 95.1% where 99.5% is needed).
    s = load_scenario(gallery()[stem])
    folder = gallery()[stem].parent
    p = measured_plan(s, day, folder=folder)
    pilot = p.pilot
    assert any(m.hosting_usd for m in p.option(pilot.option).months)
    need = pilot.break_even_accuracy_pct

    def month(accuracy: Decimal) -> int | None:
        plan = measured_plan(with_accuracy(s, pilot.option, accuracy), day, folder=folder)
        return next(b for b in plan.break_even if b.fine_tuned == pilot.option and b.against == pilot.against).month

    assert month(need) is not None and month(need - Decimal("0.1")) is None
