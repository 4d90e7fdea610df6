"""ftcost in three languages: every English message has a translation in each catalogue, translations keep the
message's fields, the report and the CLI speak the chosen language, and the gallery's names are translated."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from babel.messages.pofile import read_po
from conftest import REPO

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


@pytest.mark.parametrize("tag, lang", [
    ("zh_TW.UTF-8", "zh-Hant"), ("zh-HK", "zh-Hant"), ("zh-Hant-CN", "zh-Hant"), ("zh_CN.UTF-8", "zh-Hans"),
    ("zh", "zh-Hans"), ("zh-SG", "zh-Hans"), ("en_US.UTF-8", "en"), ("en", "en"), ("fr_FR", None), ("C", None),
    ("C.UTF-8", None), ("", None), (None, None),
])
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


@pytest.mark.parametrize("lang, heading, title", [
    ("en", "## The answer", "# Fine-tuning plan: Product reviews to JSON"),
    ("zh-Hant", "## 結論", "# 微調規劃：將商品評論轉成 JSON"),
    ("zh-Hans", "## 结论", "# 微调规划：将商品评论转成 JSON"),
])
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


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


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
