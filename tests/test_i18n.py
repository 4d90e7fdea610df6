"""ftcost in three languages: every English message has a translation in each catalogue, translations keep the
message's fields, the report and the CLI speak the chosen language, and the gallery's names are translated."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from babel.messages.pofile import read_po
from conftest import REPO, app_shown_in
from conftest import run_cli as run

from ftcost import i18n, report
from ftcost.cli import main
from ftcost.i18n import catalogue
from ftcost.measure_training import measured_plan
from ftcost.scenario import gallery, load_scenario

LANGS = list(i18n.CATALOGUES)


@pytest.mark.parametrize("lang", LANGS)
def test_every_english_message_is_in_the_catalogue(lang):
    """Babel extracts every `_()`/`N_()`/`ngettext()` message from the sources (and the gallery's names); a
    catalogue that lacks one, or leaves it empty or fuzzy, fails here."""
    assert catalogue.missing(lang) == []


def test_the_check_finds_a_message_the_catalogue_lacks(tmp_path):
    """The check itself: a source with a new message is reported until it is translated."""
    (tmp_path / "src" / "ftcost").mkdir(parents=True)
    (tmp_path / "src" / "ftcost" / "new.py").write_text('from ftcost.i18n import _\n_("A brand-new sentence.")\n')
    assert catalogue.missing("zh-Hant", repo=tmp_path) == ["A brand-new sentence."]


@pytest.mark.parametrize("lang", LANGS)
def test_translations_keep_the_fields_of_their_message(lang):
    with catalogue.po_path(lang).open("rb") as fh:
        cat = read_po(fh)
    fields = lambda s: sorted(re.findall(r"\{(\w*)\}", s))  # noqa: E731
    for m in cat:
        if not m.id:
            continue
        source = m.id if isinstance(m.id, str) else m.id[1]
        for text in (m.string,) if isinstance(m.string, str) else m.string:
            assert fields(text) == fields(source), (lang, m.id, text)


@pytest.mark.parametrize(
    "tag, lang",
    [
        ("zh_TW.UTF-8", "zh-Hant"),
        ("zh-HK", "zh-Hant"),
        ("zh-Hant-CN", "zh-Hant"),
        ("zh_CN.UTF-8", "zh-Hans"),
        ("zh", "zh-Hans"),
        ("zh-SG", "zh-Hans"),
        ("en_US.UTF-8", "en"),
        ("en", "en"),
        ("fr_FR", None),
        ("C", None),
        ("C.UTF-8", None),
        ("", None),
        (None, None),
    ],
)
def test_language_tags_and_posix_locales(tag, lang):
    assert i18n.normalize(tag) == lang


def test_the_language_is_per_context_and_explicit_wins():
    assert i18n.gettext("Payback") == "Payback"
    with i18n.use("zh-Hant"):
        assert i18n.gettext("Payback") == "回本" and i18n.gettext("Warnings") == "警告"
        assert i18n.gettext("Warnings", "zh-Hans") == "警告" and i18n.gettext("Dataset", "zh-Hans") == "数据集"
    assert i18n.gettext("Dataset") == "Dataset"
    with pytest.raises(ValueError, match="not a language ftcost speaks"):
        i18n.check("klingon")


def test_plural_and_number_forms():
    assert report.months(1) == "1 month" and report.months(12) == "12 months"
    with i18n.use("zh-Hant"):
        assert report.months(1) == "1 個月" and report.months(12) == "12 個月"
        assert report.tokens(1234567) == "1,234,567"


def _plan(stem="reviews"):
    path = gallery()[stem]
    scenario = load_scenario(path)
    return scenario, measured_plan(scenario, scenario.as_of or dt.date(2026, 10, 1), folder=path.parent)


@pytest.mark.parametrize(
    "lang, heading, title",
    [
        ("en", "## The answer", "# Fine-tuning plan: Product reviews to JSON"),
        ("zh-Hant", "## 結論", "# 微調規劃：將商品評論轉成 JSON"),
        ("zh-Hans", "## 结论", "# 微调规划：将商品评论转成 JSON"),
    ],
)
def test_the_markdown_report_in_each_language(lang, heading, title):
    scenario, plan = _plan()
    with i18n.use(lang):
        md = report.to_markdown(plan, title=scenario.title(lang))
    assert md.startswith(title) and heading in md
    # The same figures whatever the language: every amount in the English report is in the translated one.
    english = report.to_markdown(plan)
    amounts = set(re.findall(r"\$[\d,]+\.\d+", english))
    assert amounts and amounts <= set(re.findall(r"\$[\d,]+\.\d+", md))


def test_every_gallery_scenario_is_named_in_three_languages():
    for stem, path in gallery().items():
        s = load_scenario(path)
        names = {lang: s.title(lang) for lang in i18n.LANGUAGES}
        assert names["en"] == s.name
        assert len(set(names.values())) == 3, (stem, names)
        assert s.summary("zh-Hant") != s.description and s.summary("zh-Hans") != s.description


def test_cli_is_english_by_default_and_honours_lang_and_LANG(capsys, monkeypatch):
    for name in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    assert run(capsys, "report", "reviews")[1].startswith("# Fine-tuning plan:")
    monkeypatch.setenv("LANG", "zh_TW.UTF-8")
    assert run(capsys, "report", "reviews")[1].startswith("# 微調規劃：")
    assert run(capsys, "report", "reviews", "--lang", "zh-Hans")[1].startswith("# 微调规划：")
    assert run(capsys, "report", "reviews", "--lang", "en")[1].startswith("# Fine-tuning plan:")
    with pytest.raises(SystemExit):
        main(["report", "reviews", "--lang", "klingon"])
    assert "not a language ftcost speaks" in capsys.readouterr().err


def test_a_scenario_language_is_used_when_LANG_names_none(capsys, monkeypatch, tmp_path):
    for name in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    text = (REPO / "scenarios" / "reviews.toml").read_text(encoding="utf-8")
    path = tmp_path / "reviews.toml"
    path.write_text(text + '\n[display]\nlanguage = "zh-Hans"\n', encoding="utf-8")
    (tmp_path / "reviews").symlink_to(REPO / "scenarios" / "reviews")
    assert run(capsys, "report", str(path))[1].startswith("# 微调规划：")


# --- sentences the engine builds: Notices rendered in the reader's language ------------------------------------


def test_a_notice_is_its_english_sentence_and_renders_per_language():
    n = i18n.Notice(i18n.N_("{model} stopped serving on {date}."), model="gpt-x", date=dt.date(2027, 1, 14))
    assert n == "gpt-x stopped serving on 2027-01-14." and isinstance(n, str)
    assert n.text("zh-Hant") == "gpt-x 已於 2027年1月14日 停止服務。"
    assert n.text("zh-Hans") == "gpt-x 已于 2027年1月14日 停止服务。"
    with i18n.use("zh-Hant"):  # the context's language when none is given; markdown() shows it so too
        assert n.text() == i18n.text(n) == "gpt-x 已於 2027年1月14日 停止服務。"
        from ftcost.text import markdown

        assert markdown(n) == "gpt-x 已於 2027年1月14日 停止服務。"
    # Streamlit's cache pickles plans and dataclasses.asdict copies them: the fields survive both.
    import copy
    import pickle

    assert pickle.loads(pickle.dumps(n)).text("zh-Hans") == n.text("zh-Hans")
    assert copy.deepcopy(n).text("zh-Hant") == n.text("zh-Hant")


def test_a_notice_with_a_count_takes_its_plural_form():
    form = i18n.N_plural(
        "{option}: the last training iteration starts on {date}, only {n} day before no new jobs "
        "can be created ({cutoff}); a slip past that day leaves the fine-tune unfinished.",
        "{option}: the last training iteration starts on {date}, only {n} days before no new jobs "
        "can be created ({cutoff}); a slip past that day leaves the fine-tune unfinished.",
    )
    day = dt.date(2027, 1, 1)
    one, many = (i18n.Notice(form, option="FT", date=day, n=n, cutoff=dt.date(2027, 1, 6)) for n in (1, 5))
    assert "only 1 day before" in one and "only 5 days before" in many
    assert "僅剩 5 天" in many.text("zh-Hant")


def _notices(value):
    """Every Notice in a plan's sentences, nested ones too."""
    if isinstance(value, i18n.Notice):
        yield value
        for v in value.params.values():
            yield from _notices(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _notices(v)


@pytest.mark.parametrize("day", [dt.date(2023, 9, 1), dt.date(2026, 10, 1), dt.date(2026, 12, 2), dt.date(2027, 6, 1)])
def test_every_sentence_the_engine_builds_is_translated(day):
    """What the gallery's plans say on these dates — infeasibility reasons, warnings, caveats, what the training
    tokens were measured on — is made of catalogue messages, each translated in both catalogues, so a Chinese
    page or report has no English sentence of the engine's (only names and data notes quoted inside them)."""
    seen = []
    for stem, path in gallery().items():
        scenario = load_scenario(path)
        plan = measured_plan(scenario, day, folder=path.parent)
        sentences = [
            *plan.warnings,
            *plan.caveats,
            *(r for e in plan.excluded for r in e.reasons),
            *(o.one_off.tokens_source for o in plan.options if o.one_off),
        ]
        assert all(isinstance(s, i18n.Notice) for s in sentences), (
            stem,
            [s for s in sentences if not isinstance(s, i18n.Notice)],
        )
        seen += list(_notices(sentences))
    assert seen
    for lang in LANGS:
        catalog = i18n.translations(lang)
        for n in seen:
            singular, plural = n.template if isinstance(n.template, tuple) else (n.template, None)
            shown = catalog.ngettext(singular, plural, 2) if plural else catalog.gettext(singular)
            assert shown != (plural or singular), (lang, n.template)
            assert n.text(lang) != str(n), (lang, n)


@pytest.mark.app
def test_the_plan_page_in_traditional_chinese_says_why_a_fine_tune_cannot_be_done_in_chinese():
    """The default scenario on 2026-12-02: OpenAI's two fine-tunes cannot be carried out. The answer opens with the
    cheapest option and says why those two cannot be done after the pilot, in Chinese, and no sentence the engine or
    the answer builds is left in English on the page."""
    at = app_shown_in("zh-Hant", "USD", dt.date(2026, 12, 2))
    shown = "\n".join([m.value for m in at.markdown] + [w.value for w in at.warning] + [c.value for c in at.caption])
    answer = next(m.value for m in at.markdown if "無法按規劃執行" in m.value)
    bullets = [line.removeprefix("- ") for line in answer.splitlines()]
    assert bullets[0].startswith("12 個月內最便宜："), bullets[0]
    cannot = next(
        i
        for i, b in enumerate(bullets)
        if b.startswith(("Fine\\-tuned GPT\\-4.1 mini 無法按規劃執行", "Fine-tuned GPT-4.1 mini 無法按規劃執行"))
    )
    assert cannot > next(i for i, b in enumerate(bullets) if b.startswith("先進行試行")), bullets
    assert "2027年1月14日 停止服務" in answer and "12 個月內最便宜" in answer and "先進行試行" in answer
    for english in (
        "cannot be carried out",
        "would go live on",
        "stops serving on",
        "is left out of the plan",
        "Cheapest over",
        "Run the pilot first",
        "months against",
        "The gate is",
        "This plan holds only",
    ):
        assert english not in shown, english


def _cli(capsys, monkeypatch, lang_env, *argv):
    for name in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", lang_env)
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert code in (0, 1), err
    return out


def test_the_other_cli_commands_speak_the_chosen_language(capsys, monkeypatch, tmp_path):
    sample = str(REPO / "scenarios" / "reviews" / "train.jsonl")
    english = _cli(capsys, monkeypatch, "C.UTF-8", "analyze", sample)
    assert "Billing:" in english and "Statistics (p10/p90" in english
    chinese = _cli(capsys, monkeypatch, "C.UTF-8", "analyze", sample, "--lang", "zh-Hant")
    assert "計費：" in chinese and "統計（p10/p90" in chinese and "Billing:" not in chinese

    prices = ("prices", "--as-of", "2025-01-01", "--model", "gpt-4o-mini*")
    assert _cli(capsys, monkeypatch, "C.UTF-8", *prices).startswith("Prices in force on 2025-01-01 for gpt-4o-mini*")
    simplified = _cli(capsys, monkeypatch, "C.UTF-8", *prices, "--lang", "zh-Hans")
    assert simplified.startswith("gpt-4o-mini* 在 2025-01-01 生效的价格") and "来源：" in simplified
    # The table's columns still line up with Chinese headings (two terminal columns per character).
    from ftcost.cli.common import width

    head, rule = simplified.splitlines()[2:4]
    assert width(head.split()[0]) <= len(rule.split()[0])

    quote = ("quote", "gpt-4o-mini-2024-07-18", "--input-tokens", "1000", "--as-of", "2025-01-01")
    assert "Rates used:" in _cli(capsys, monkeypatch, "C.UTF-8", *quote)
    taiwan = _cli(capsys, monkeypatch, "zh_TW.UTF-8", *quote)
    assert "使用的費率：" in taiwan and "合計" in taiwan and "Rates used:" not in taiwan

    body = tmp_path / "request.json"
    body.write_text('{"model": "gpt-4o-mini-2024-07-18", "messages": [{"role": "user", "content": "hi"}]}')
    assert "Input cost:" in _cli(capsys, monkeypatch, "C.UTF-8", "count", str(body), "--as-of", "2025-01-01")
    assert "輸入費用：" in _cli(
        capsys, monkeypatch, "C.UTF-8", "count", str(body), "--as-of", "2025-01-01", "--lang", "zh-Hant"
    )
    # The live commands' own sentences (nothing is sent without --yes; the summaries come from ftcost.live).
    live = ("measure", "airport", "--as-of", "2026-10-01")
    assert "Nothing was sent" in _cli(capsys, monkeypatch, "C.UTF-8", *live)
    assert "尚未送出任何請求" in _cli(capsys, monkeypatch, "C.UTF-8", *live, "--lang", "zh-Hant")
    # JSON is for scripts: the same whatever the language.
    assert _cli(capsys, monkeypatch, "zh_TW.UTF-8", *quote, "--json") == _cli(
        capsys, monkeypatch, "C.UTF-8", *quote, "--json"
    )


@pytest.mark.parametrize("lang", sorted(i18n.LOCALES))
def test_numbers_read_exactly_as_babels_format_decimal_gives_them(lang):
    """i18n.number keeps Babel's parsed pattern per locale; what it writes must be format_decimal's own output."""
    import random
    from decimal import ROUND_HALF_UP, Decimal

    from babel.numbers import format_decimal

    rng = random.Random(lang)
    values = [0, 1, -1, 1234, 10**15, Decimal("1234.5678"), Decimal("-0.005"), Decimal("99.2514"), Decimal("1E+3")]
    values += [Decimal(rng.randint(-(10**9), 10**9)).scaleb(-rng.randint(0, 6)) for _ in range(300)]
    for value in values:
        assert i18n.number(value, lang) == format_decimal(value, locale=i18n.LOCALES[lang], decimal_quantization=False)
        for places in (0, 1, 2):
            rounded = Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
            pattern = "#,##0" + ("." + "0" * places if places else "")
            expected = format_decimal(rounded, format=pattern, locale=i18n.LOCALES[lang], decimal_quantization=False)
            assert i18n.number(value, lang, places) == expected, (value, places)


@pytest.mark.parametrize("lang", list(i18n.LANGUAGES))
def test_a_whole_number_is_written_as_babel_writes_it(lang):
    """Counts skip Babel's Decimal steps (i18n._groups_as_python): the text is Babel's, digit for digit."""
    import random

    from babel.numbers import format_decimal

    draw = random.Random(7)
    values = [0, 1, -1, 999, 1000, -1000, 999_999, 10**6, -(10**6), 10**20, -(10**21) + 1]
    values += [draw.randint(-(10**15), 10**15) for _ in range(2000)]
    values += [draw.randint(-5000, 5000) for _ in range(500)]
    locale = i18n.locale(lang)
    assert i18n._groups_as_python(locale)
    babel_locale, pattern = i18n._number_pattern(locale, None)
    for value in values:
        assert i18n.number(value, lang) == pattern.apply(value, babel_locale, decimal_quantization=False), value
        assert i18n.number(value, lang) == format_decimal(value, locale=locale), value


@pytest.mark.parametrize("locale", ["de_DE", "en_IN", "fr_FR", "ar_EG", "sv_SE"])
def test_a_locale_that_groups_otherwise_keeps_babels_way(locale):
    """Points between groups, lakhs, spaces, other minus signs: not Python's `,` grouping, so Babel writes them."""
    assert not i18n._groups_as_python(locale)
