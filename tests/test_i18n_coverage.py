"""Nothing left in English on a Chinese page: every page is rendered under AppTest in zh-Hant and zh-Hans, and
every text a reader sees (titles, sentences, captions, alerts, metric labels, widget labels and help, table
headings, expander and tab labels) is searched for a run of three or more English words.

What may stay English is what is a name, not a sentence: model, family and provider names and titles from
pricing/, the scenarios' own option names and user text (a manager's data is shown as typed), file names, URLs,
environment variables, and code in backticks. Whatever else this finds is a message the catalogue lacks.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache

import pytest
from conftest import REPO
from streamlit.testing.v1 import AppTest

from ftcost.scenario import DisplaySettings, default_scenario, gallery
from ftcost.share import PARAM, encode_link

APP = str(REPO / "app.py")
PAGES = [
    "ui/page_plan.py",
    "ui/page_dataset.py",
    "ui/page_prompts.py",
    "ui/page_people.py",
    "ui/page_live.py",
    "ui/page_prices.py",
]

#: Three or more words of letters in a row (separated by spaces or a comma); a token with a digit ends a run.
RUN = re.compile(
    r"(?<![\w./-])[A-Za-z][A-Za-z'’]*(?:-[A-Za-z]+)*(?:(?:,? +| / )[A-Za-z][A-Za-z'’]*(?:-[A-Za-z]+)*){2,}(?![\w/-])"
)
CODE = re.compile(r"`[^`]*`")
#: A source's own words, quoted as such in a translation (a price table's note, an article's title).
QUOTED = re.compile(r"「[^」]*」|“[^”]*”")
URL = re.compile(r"\b(?:https?://|www\.)\S+|\b[\w.-]+\.(?:com|org|gov|io|ai|toml|jsonl|json|csv|md|py)\b\S*")


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


@cache
def allowed() -> tuple[str, ...]:
    """Names that stay as they are in any language, longest first (so a longer name is removed before a part)."""
    names = set()
    for path in (REPO / "pricing").rglob("*.toml"):
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
        for table in _tables(doc):
            for key in ("name", "family", "title", "display_name", "publisher", "provider"):
                if isinstance(table.get(key), str):
                    names.add(table[key])
    for path in (REPO / "scenarios").glob("*.toml"):
        # the scenario's own inputs (option and role names, prompts, sample messages, eval questions) are the
        # manager's data, shown as typed; only its name and description are translated (the gallery's catalogue)
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
        names.update(
            s for key, v in doc.items() if key not in ("name", "description") for s in _strings(v) if len(s) > 3
        )
    names.update(
        {
            "ChatOpenSource x LangChain",
            "OpenAI API",
            "OpenAI-compatible",
            "Streamlit secrets",
            "Hugging Face",
            "Google Cloud",
            "Federal Reserve",
            "Bank of Taiwan",
        }
    )
    return tuple(sorted((n for n in names if n.strip()), key=len, reverse=True))


def _tables(doc):
    if isinstance(doc, dict):
        yield doc
        for v in doc.values():
            yield from _tables(v)
    elif isinstance(doc, list):
        for v in doc:
            yield from _tables(v)


def english_runs(text: str) -> list[str]:
    """The runs of three or more English words in `text` once names, code and addresses are taken out."""
    text = CODE.sub(" ", text)
    for name in allowed():
        if name in text:
            text = text.replace(name, " · ")
    text = URL.sub(" ", text)
    text = QUOTED.sub(" · ", text)
    text = re.sub(r"\b[A-Z][A-Z0-9_]{2,}\b", " · ", text)  # OPENAI_API_KEY, FTCOST_ALLOW_SERVER_KEY, JSON, USD
    return [m.group(0) for m in RUN.finditer(text)]


def shown_texts(at: AppTest) -> list[tuple[str, str]]:
    """(what it is, text) for everything a reader sees on the page and in the sidebar."""
    out: list[tuple[str, str]] = []

    def add(kind, value):
        if isinstance(value, str) and value:
            out.append((kind, value))

    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success", "toast"):
        for el in getattr(at, kind, []):
            add(kind, el.value)
    for el in at.metric:
        add("metric", el.label)
        add("metric", el.value)
        add("metric help", getattr(el.proto, "help", ""))
    for kind in (
        "button",
        "text_input",
        "number_input",
        "selectbox",
        "multiselect",
        "checkbox",
        "toggle",
        "radio",
        "slider",
        "select_slider",
        "text_area",
        "date_input",
    ):
        for el in getattr(at, kind, []):
            add(kind, el.label)
            add(kind + " help", el.help)
            if kind in ("selectbox", "radio", "multiselect"):
                for o in el.options:
                    add(kind + " option", o)
    for kind in ("expander", "tabs", "status"):
        for el in getattr(at, kind, []):
            add(kind, el.label)
    for el in at.dataframe:
        import json

        config = json.loads(el.proto.columns or "{}")  # st.column_config labels replace the frame's own names
        for column in el.value.columns:
            label = (config.get(f"name:{column}") or config.get(str(column)) or {}).get("label")
            add("table heading", label or str(column))
    return out


def open_page(page: str, lang: str, stem: str | None = None) -> AppTest:
    base = default_scenario()
    if stem is not None:
        from ftcost.scenario import load_scenario

        base = load_scenario(gallery()[stem])
    scenario = base.model_copy(update={"display": DisplaySettings(language=lang, currency="TWD")})
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params[PARAM] = encode_link(scenario)
    at.run()
    if page != PAGES[0]:
        at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def english_left(at: AppTest) -> list[tuple[str, str, list[str]]]:
    found = []
    for kind, text in shown_texts(at):
        runs = english_runs(text)
        if runs:
            found.append((kind, text[:160], runs))
    return found


@pytest.mark.app
@pytest.mark.parametrize("lang", ["zh-Hant", "zh-Hans"])
@pytest.mark.parametrize("page", PAGES)
def test_no_english_sentence_is_left_on_a_chinese_page(page, lang):
    at = open_page(page, lang)
    left = english_left(at)
    assert left == [], "\n".join(f"{kind}: {runs} in {text!r}" for kind, text, runs in left)


@pytest.mark.app
@pytest.mark.parametrize("page", ["ui/page_plan.py", "ui/page_people.py"])
@pytest.mark.parametrize("stem", sorted(set(gallery()) - {"airport"}))
def test_no_english_sentence_is_left_for_any_gallery_scenario(stem, page):
    """The other cases bring other sentences: provider options' notes, a pilot that never pays back."""
    left = english_left(open_page(page, "zh-Hant", stem))
    assert left == [], "\n".join(f"{kind}: {runs} in {text!r}" for kind, text, runs in left)


def test_the_check_finds_an_english_sentence_and_lets_names_through():
    assert english_runs("微調 gpt-4.1-mini-2025-04-14 的費用") == []
    assert english_runs("設定 `OPENAI_API_KEY` 後，Azure OpenAI (Microsoft Foundry) 可用") == []
    assert english_runs("費用 Costs at most 五元") == ["Costs at most"]
    assert english_runs("**Go / no-go for 選項:**") == ["Go / no-go for"]
    assert english_runs("Nothing is sent until you confirm.") == ["Nothing is sent until you confirm"]
    assert english_runs("價格表附註（英文原文）：「Capacity Blocks (reserved ahead), not on-demand.」") == []


@pytest.mark.parametrize("lang", ["zh-Hant", "zh-Hans"])
@pytest.mark.parametrize("stem", sorted(gallery()))
def test_the_markdown_report_has_no_english_sentence_left(stem, lang):
    """`ftcost report <stem> --lang zh-Hant --currency TWD`, every line: the retrieval section, the rates table,
    the provider notes (a price table's note is quoted, with a lead-in saying so) are in the reader's language."""
    import datetime as dt

    from ftcost import i18n, report
    from ftcost.measure_training import measured_plan
    from ftcost.pricing.fx import display_for
    from ftcost.scenario import load_scenario

    path = gallery()[stem]
    scenario = load_scenario(path)
    day = scenario.as_of or dt.date(2026, 12, 2)
    plan = measured_plan(scenario, day, folder=path.parent)
    with i18n.use(lang):
        money, found = display_for(DisplaySettings(currency="TWD"), day, i18n.locale(lang))
        md = report.to_markdown(plan, money=money, found=found, title=scenario.title(lang))
    left = [(n, runs) for n, line in enumerate(md.splitlines(), 1) if (runs := english_runs(line))]
    assert left == []
    if any(o.retrieval for o in plan.options):
        assert ("## 檢索的上下文" if lang == "zh-Hant" else "## 检索的上下文") in md
        section = md.split("上下文", 1)[1].split("\n## ", 1)[0]
        assert "NT$" in section and "$0" not in section.replace("NT$", "")


@pytest.mark.app
@pytest.mark.parametrize("lang, problem, means", [("zh-Hant", "問題", "代表什麼"), ("zh-Hans", "问题", "代表什么")])
def test_the_dataset_pages_problem_table_explains_each_category_in_chinese(lang, problem, means):
    """The categories keep their codes (the cookbook's names); what each means and how to fix it are translated."""
    from ftcost.scenario import dataset_path

    lines = dataset_path(default_scenario()).read_bytes().splitlines()
    bad = (
        b"\n".join(
            [
                *lines[:2],
                b'{"messages": [{"role": "user", "content": "unclosed"',
                b"[1, 2]",
                b'{"messages": [{"role": "user", "content": "hi"}]}',
                *lines[2:],
            ]
        )
        + b"\n"
    )
    at = open_page("ui/page_dataset.py", lang)
    at.file_uploader(key="dataset_upload").upload("bad.jsonl", bad, "application/jsonl")
    at.run()
    assert not at.exception, at.exception
    table = next(d.value for d in at.dataframe if any(problem in str(c) for c in d.value.columns))
    assert {"invalid_json", "data_type", "example_missing_assistant_message"} <= set(table.iloc[:, 1])
    cells = [str(v) for column in table.columns[4:] for v in table[column]]
    assert cells and all(english_runs(c) == [] for c in cells), cells
    assert english_left(at) == []


@pytest.mark.app
@pytest.mark.parametrize("lang, words", [("zh-Hant", "連結"), ("zh-Hans", "链接")])
def test_the_share_link_caption_says_what_the_link_needs_in_chinese(lang, words):
    at = open_page(PAGES[0], lang)
    caption = next(c.value for c in at.sidebar.caption if "#" in c.value and words in c.value)
    assert english_runs(caption) == []
