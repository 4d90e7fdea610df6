"""The app in each language under AppTest: the page titles, the answer and the sidebar are translated, the
amounts are in the chosen currency with the rate said once, and the language travels in the share link."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import REPO, app_shown_in
from streamlit.testing.v1 import AppTest

from ftcost import i18n
from ftcost.share import PARAM, decode_link

APP = str(REPO / "app.py")
DAY = dt.date(2026, 10, 1)
PAGES = [
    "ui/page_plan.py",
    "ui/page_dataset.py",
    "ui/page_prompts.py",
    "ui/page_people.py",
    "ui/page_live.py",
    "ui/page_prices.py",
]


def start(lang: str, currency: str = "USD") -> AppTest:
    return app_shown_in(lang, currency, DAY)


def link(at: AppTest) -> str:
    """The payload of the link the sidebar's Share link box shows (after its '#s=')."""
    return next(c.value for c in at.sidebar.code if f"#{PARAM}=" in c.value).split(f"#{PARAM}=", 1)[1]


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [t.value for t in at.title]
    parts += [s.value for s in at.subheader] + [m.label for m in at.metric] + [m.value for m in at.metric]
    return "\n".join(str(p) for p in parts)


@pytest.mark.app
@pytest.mark.parametrize(
    "lang, title, heading",
    [
        ("en", "Airport customer-service bot", "Cumulative cost"),
        ("zh-Hant", "機場客服機器人", "累計費用"),
        ("zh-Hans", "机场客服机器人", "累计费用"),
    ],
)
def test_the_plan_page_in_each_language(lang, title, heading):
    at = start(lang, "TWD")
    assert at.title[0].value == title
    assert heading in [s.value for s in at.subheader]
    shown = texts(at)
    assert "NT$" in shown and "US$" not in shown.replace("US$)", "")
    rate = {"en": "per US dollar", "zh-Hant": "每 1 美元兌", "zh-Hans": "每 1 美元兑"}[lang]
    assert sum(c.value.count(rate) for c in at.caption if "TWD" in c.value) >= 1


@pytest.mark.app
@pytest.mark.parametrize("lang", list(i18n.LANGUAGES))
@pytest.mark.parametrize("page", PAGES[1:])
def test_every_page_renders_in_each_language(lang, page):
    at = start(lang)
    at.switch_page(page).run()
    assert not at.exception, at.exception


@pytest.mark.app
def test_the_language_chosen_in_the_sidebar_goes_into_the_link():
    at = start("en")
    at.selectbox(key="display_language").set_value("zh-Hant").run()
    assert not at.exception, at.exception
    assert at.title[0].value == "機場客服機器人"
    assert decode_link(link(at)).display.language == "zh-Hant"
    at.selectbox(key="display_currency").set_value("CNY").run()
    assert decode_link(link(at)).display.currency == "CNY"
    assert any("CN¥" in m.value for m in at.metric)


@pytest.mark.app
def test_labour_rates_are_typed_in_the_display_currency_and_kept_in_usd():
    from decimal import Decimal

    at = app_shown_in("zh-Hant", "TWD", DAY, rate=Decimal("32.1"))
    at.switch_page("ui/page_people.py").run()
    assert not at.exception, at.exception
    before = {r.role: r.hourly_usd for r in at.session_state["scenario"].labour.role}
    at.session_state["w:labour.role#0"] = {
        "edited_rows": {},
        "deleted_rows": [],
        "added_rows": [{"Role": "QA lead", "Hourly cost ($)": 3210.0, "Hours per iteration": 4.0}],
    }
    at.run()
    assert not at.exception, at.exception
    after = {r.role: r.hourly_usd for r in at.session_state["scenario"].labour.role}
    assert after.pop("QA lead") == Decimal("100") and after == before  # the others keep their exact USD


# --- the Dataset, Prices, Prompts and Live pages: nothing of the page's own English left --------------------------

#: Headings each page shows, in each language (the title first): the translation is what the reader sees.
HEADINGS = {
    "ui/page_dataset.py": {
        "en": ["Dataset", "Training file", "The full training set", "Tokens per example"],
        "zh-Hant": ["資料集", "訓練檔", "完整訓練集", "每筆樣本的 token 數"],
        "zh-Hans": ["数据集", "训练文件", "完整训练集", "每条样本的 token 数"],
    },
    "ui/page_prices.py": {
        "en": ["Prices", "In force on 2026-10-01", "Price history", "What changed between two dates"],
        "zh-Hant": ["價格", "2026-10-01 生效", "價格歷史", "兩個日期之間的變動"],
        "zh-Hans": ["价格", "2026-10-01 生效", "价格历史", "两个日期之间的变动"],
    },
    "ui/page_prompts.py": {
        "en": ["Prompts & volume", "Volume", "Prompts", "Measured tokens"],
        "zh-Hant": ["提示詞與用量", "用量", "提示詞", "實測 token"],
        "zh-Hans": ["提示词与用量", "用量", "提示词", "实测 token"],
    },
    "ui/page_live.py": {
        "en": ["Live calibration", "1 · Measure prompts", "2 · Run the pilot fine-tune", "3 · Evaluate accuracy"],
        "zh-Hant": ["即時校準", "1 · 測量提示詞", "2 · 執行試行微調", "3 · 評估準確率"],
        "zh-Hans": ["实时校准", "1 · 测量提示词", "2 · 运行试点微调", "3 · 评估准确率"],
    },
}
#: Pages whose sentences are all the page's own (the Live page also shows ftcost.views.live's sentences about the
#: connection and the estimates, whose wording is kept with the live client's; its labels and headings are checked).
OWN_SENTENCES = {"ui/page_dataset.py", "ui/page_prices.py", "ui/page_prompts.py"}


def column_labels(frame) -> list[str]:
    """A table's column headers as the reader sees them: the column_config label where the page gives one."""
    import json

    config = json.loads(frame.proto.columns or "{}")
    return [config.get(str(c), {}).get("label") or str(c) for c in frame.value.columns if str(c)]


def page_texts(at: AppTest, page: str) -> dict[str, list[str]]:
    """What the page itself (not the sidebar) says, by kind: headings, labels (widgets, metrics, table headers),
    help texts and placeholders, and sentences (captions, notices)."""
    main = at.main
    widgets = [
        *main.number_input,
        *main.text_input,
        *main.selectbox,
        *main.text_area,
        *main.button,
        *main.checkbox,
        *main.date_input,
    ]
    out = {
        "headings": [t.value for t in main.title] + [s.value for s in main.subheader],
        "labels": [w.label for w in widgets] + [m.label for m in main.metric] + [e.label for e in main.expander],
        "help": [w.help for w in widgets if getattr(w, "help", None)]
        + [m.help for m in main.metric if m.help]
        + [w.placeholder for w in widgets if getattr(w, "placeholder", None)],
        "sentences": [c.value for c in main.caption]
        + [x.value for k in ("info", "warning", "success", "error") for x in getattr(main, k)],
    }
    if page in OWN_SENTENCES:
        out["labels"] += [label for d in main.dataframe for label in column_labels(d)]
    else:
        out["sentences"] = []
    return out


def open_page(lang: str, page: str, currency: str = "USD") -> AppTest:
    at = start(lang, currency)
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


@pytest.fixture(scope="module")
def english():
    """Each page's own texts in English (the source text a translation must replace)."""
    return {page: page_texts(open_page("en", page), page) for page in HEADINGS}


@pytest.mark.app
@pytest.mark.parametrize("lang", ["zh-Hant", "zh-Hans"])
@pytest.mark.parametrize("page", list(HEADINGS))
def test_the_page_has_no_english_of_its_own_left(english, lang, page):
    at = open_page(lang, page)
    shown = page_texts(at, page)
    headings = HEADINGS[page]
    assert at.main.title[0].value == headings[lang][0]
    assert set(headings[lang][1:]) <= set(shown["headings"])
    assert not set(headings["en"]) & set(shown["headings"])
    for kind, texts_en in english[page].items():
        # A text that is the same in every language (a model id, "API", "Epoch") is not English left over.
        same = {t for t in texts_en if t == i18n.gettext(t, lang)}
        left = [t for t in shown[kind] if t in set(texts_en) - same]
        assert not left, f"{page} in {lang} still shows English {kind}: {left}"
        if kind in ("headings", "labels") or page in OWN_SENTENCES:
            assert shown[kind], f"{page} in {lang} shows no {kind}"


@pytest.mark.app
@pytest.mark.parametrize("lang, symbol", [("zh-Hant", "NT$"), ("zh-Hans", "NT$"), ("en", "NT$")])
@pytest.mark.parametrize(
    "page, table, columns",
    [
        ("ui/page_dataset.py", 1, ["Training price", "Cost of one run"]),
        ("ui/page_prices.py", 0, ["Input", "Cached input", "Output", "Training"]),
    ],
)
def test_money_on_the_dataset_and_prices_pages_is_in_the_display_currency_with_the_rate_said_once(
    lang, symbol, page, table, columns
):
    at = open_page(lang, page, "TWD")
    frame = at.main.dataframe[table].value
    if page == "ui/page_dataset.py":
        # A model that is not offered says why in the price column, in the error's own words: no figure shown.
        frame = frame[frame[i18n.gettext("Cost of one run", lang)] != i18n.gettext("not offered", lang)]
        columns = [i18n.gettext(c, lang) for c in columns]
    money = [str(v) for c in columns for v in frame[c] if str(v) != "—"]
    assert money and all(symbol in v for v in money), money[:5]
    rate = {"en": "per US dollar", "zh-Hant": "每 1 美元兌", "zh-Hans": "每 1 美元兑"}[lang]
    assert sum(c.value.count(rate) for c in at.main.caption) == 1


@pytest.mark.app
def test_the_dataset_page_counts_in_babel_plurals_and_numbers():
    """The English sentences take the plural Babel's catalogue gives for the count; the number is formatted."""
    at = open_page("en", "ui/page_dataset.py")
    assert any("no errors in 14 examples" in s.value for s in at.main.success)
    assert any("(14 examples)" in c.value and "**300 planned examples**" in c.value for c in at.main.caption)
    with i18n.use("en"):
        assert i18n.ngettext(
            "{count} example exceeds the {limit}; OpenAI truncates it.",
            "{count} examples exceed the {limit}; OpenAI truncates them.",
            1,
        ).startswith("{count} example ")
    with i18n.use("zh-Hant"):
        assert i18n.ngettext(
            "{count} example exceeds the {limit}; OpenAI truncates it.",
            "{count} examples exceed the {limit}; OpenAI truncates them.",
            2,
        ).startswith("有 {count} 筆")


@pytest.mark.app
@pytest.mark.parametrize(
    "currency, month, rate, publisher, verified",
    [
        ("TWD", dt.date(2026, 3, 1), "31.828", "United Daily News", False),
        ("JPY", dt.date(2026, 5, 1), "156.7639", "European Central Bank", True),
        ("CNY", dt.date(2026, 5, 1), "6.8012", "European Central Bank", True),
    ],
)
def test_a_2026_price_date_converts_at_2026_rates_with_their_source(currency, month, rate, publisher, verified):
    """pricing/fx.toml's 2026 rows are one day's rates (a newspaper's Taipei close, the ECB's reference rates):
    a 2026 price date uses them, names who published them, and says when only a secondary source gives one."""
    from decimal import Decimal

    from ftcost.pricing.fx import rate_on

    found = rate_on(currency, DAY)
    assert (found.month, found.units_per_usd, found.verified) == (month, Decimal(rate), verified)
    at = open_page("zh-Hant", "ui/page_dataset.py", currency)
    said = [c.value for c in at.main.caption if f"{month:%Y-%m}" in c.value]
    assert len(said) == 1 and publisher in said[0] and ("此匯率僅有二手來源" in said[0]) != verified


def test_the_ecb_euro_rate_is_the_published_dollars_per_euro():
    from decimal import Decimal

    from ftcost.pricing.fx import rate_on

    euro = rate_on("EUR", DAY)
    assert euro.month == dt.date(2026, 5, 1) and euro.units_per_usd == 1 / Decimal("1.1761")


@pytest.mark.app
def test_the_plan_pages_downloads_are_made_on_click_in_the_pages_language(monkeypatch):
    """The report and the monthly table are made when their button is clicked, on a thread of Streamlit's own
    (outside the run and its language), and are then the files the page would have made at once."""
    import threading

    from streamlit.runtime.media_file_manager import MediaFileManager

    from ftcost import report
    from ftcost.engine import uncertainty as u
    from ftcost.measure_training import measured_plan
    from ftcost.pricing.fx import display_for
    from ftcost.scenario import DisplaySettings, default_scenario

    deferred = {}
    add_deferred = MediaFileManager.add_deferred

    def record(self, data_callable, mimetype, coordinates, file_name=None, element_id=None):
        deferred[file_name] = data_callable
        return add_deferred(self, data_callable, mimetype, coordinates, file_name=file_name, element_id=element_id)

    monkeypatch.setattr(MediaFileManager, "add_deferred", record)
    start("zh-Hant", "TWD")
    assert {"ftcost-plan.md", "ftcost-months.csv"} <= set(deferred)
    made: dict = {}
    clicked = threading.Thread(target=lambda: made.update({name: build() for name, build in deferred.items()}))
    clicked.start()
    clicked.join()

    scenario = default_scenario().model_copy(
        update={"as_of": DAY, "display": DisplaySettings(language="zh-Hant", currency="TWD")}
    )
    plan = measured_plan(scenario, DAY)
    how = u.analyse(scenario, plan, fine_tuned=plan.pilot.option, against=plan.compare_with)
    with i18n.use("zh-Hant"):
        money, found = display_for(scenario.display, DAY, i18n.locale("zh-Hant"))
        expected = report.to_markdown(plan, how, money=money, found=found, title=scenario.title("zh-Hant"))
    assert made["ftcost-plan.md"] == expected and "機場客服機器人" in expected and "NT$" in expected
    assert made["ftcost-months.csv"] == report.to_csv(plan, how)


@pytest.mark.app
def test_a_model_the_prices_page_does_not_know_is_said_in_chinese_with_its_suggestions():
    """A Model pattern that matches nothing: the page stops on the pricing layer's sentence, in zh-Hant, keeping
    the names ftcost suggests (issue 18 follow-up, part 3)."""
    at = open_page("zh-Hant", "ui/page_prices.py")
    at.text_input(key="prices_pattern").input("gpt-4o-minii").run()
    shown = " ".join(e.value for e in at.error).replace("\u200b", "")
    assert "沒有符合 'gpt-4o-minii' 的模型；你是指 gpt-4o-mini, " in shown.replace("\\", ""), shown
    assert "No model matches" not in shown and "did you mean" not in shown


@pytest.mark.app
def test_the_dataset_pages_model_billed_per_hour_says_why_in_chinese():
    """o4-mini is fine-tuned by the hour (RFT): its row of the training-cost table gives the pricing layer's reason,
    in zh-Hant, where the English sentence used to stand."""
    at = app_shown_in("zh-Hant", "USD", dt.date(2026, 6, 1))
    at.switch_page("ui/page_dataset.py").run()
    assert not at.exception, at.exception
    frame = at.dataframe[1].value
    row = frame[frame["模型"] == "o4-mini-2025-04-16"].iloc[0]
    assert row["訓練一次的費用"] == "未提供"
    assert row["訓練價格"] == (
        "o4-mini-2025-04-16 的微調按訓練時數計費（強化微調，每小時 $100.00），而非按 token 計費；請改為提供訓練時數。"
    )


@pytest.mark.app
def test_the_plan_page_before_any_option_is_priced_says_from_when_in_chinese():
    """On a day before the scenario's models were priced, each option's warning says when its model was first
    priced in the reader's language (the library's sentence inside the page's)."""
    at = app_shown_in("zh-Hans", "USD", dt.date(2023, 11, 1))
    shown = "\n".join(m.value for m in at.markdown).replace("\\", "").replace("\u200b", "")
    assert (
        "Fine-tuned GPT-4.1 mini 未纳入规划：微调后的 gpt-4.1-mini-2025-04-14 最早于 2025年4月14日 开始有价格" in shown
    )
    assert "first priced" not in shown and "you asked about" not in shown
