"""Keeping the catalogues in step with the English source: `python -m ftcost.i18n.catalogue [update|check]`.

`update` extracts every message from the sources (Babel's Python extractor, the `_`, `N_`, `N_plural` and
`ngettext` calls in src/ftcost, ui/ and app.py, and the gallery scenarios' names and descriptions), adds new ones to each `.po` untranslated, marks changed ones fuzzy and
drops those the code no longer has. `check` lists the messages a catalogue lacks (untranslated or fuzzy) and
exits 1 if there are any: the test suite runs the same check.
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir, extract_from_file
from babel.messages.pofile import read_po, write_po

from ftcost.i18n import CATALOGUES, DOMAIN, LOCALE_DIR, LOCALES

REPO = Path(__file__).resolve().parents[3]
#: Where the English messages are: the library, the app's pages, the app itself.
SOURCES = ("src/ftcost", "ui")
FILES = ("app.py",)
KEYWORDS = {"_": None, "N_": None, "N_plural": (1, 2), "ngettext": (1, 2), "gettext": None}


def template(repo: Path = REPO) -> Catalog:
    """Every message of the English source, with where it is used."""
    catalog = Catalog(domain=DOMAIN, project="ftcost", charset="utf-8")
    method_map = [("**.py", "python")]
    found = []
    for folder in SOURCES:
        root = repo / folder
        if root.is_dir():
            for filename, lineno, message, comments, context in extract_from_dir(
                root,
                method_map,
                keywords=KEYWORDS,
                comment_tags=("Translators:",),
                strip_comment_tags=True,
            ):
                found.append((f"{folder}/{filename}", lineno, message, comments, context))
    for name in FILES:
        path = repo / name
        if path.is_file():
            for lineno, message, comments, context in extract_from_file(
                "python",
                path,
                keywords=KEYWORDS,
                comment_tags=("Translators:",),
                strip_comment_tags=True,
            ):
                found.append((name, lineno, message, comments, context))
    scenarios = repo / "scenarios"
    if scenarios.is_dir():
        for path in sorted(scenarios.glob("*.toml")):
            for lineno, message in scenario_messages(path):
                found.append(
                    (f"scenarios/{path.name}", lineno, message, ["A gallery scenario's name or description."], None)
                )
    for filename, lineno, message, comments, context in found:
        if not message or (isinstance(message, tuple) and not all(message)):
            continue  # `_(variable)`: a runtime text, translated where it was marked
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def scenario_messages(path: Path) -> list[tuple[int, str]]:
    """The gallery scenario's name and description (shown in the sidebar and on the Plan page), with the line
    they are on: `Scenario.title` and `Scenario.summary` look them up in the catalogue."""
    doc = tomllib.loads(path.read_text(encoding="utf-8"))
    lines = path.read_text(encoding="utf-8").splitlines()
    out = []
    for key in ("name", "description"):
        text = doc.get(key)
        if isinstance(text, str) and text.strip():
            lineno = next((i + 1 for i, line in enumerate(lines) if line.startswith(f"{key} =")), 1)
            out.append((lineno, text))
    return out


def po_path(lang: str) -> Path:
    return LOCALE_DIR / CATALOGUES[lang] / "LC_MESSAGES" / f"{DOMAIN}.po"


def read(lang: str) -> Catalog:
    path = po_path(lang)
    if not path.exists():
        return Catalog(locale=LOCALES[lang], domain=DOMAIN, project="ftcost", charset="utf-8")
    with path.open("rb") as fh:
        return read_po(fh, locale=LOCALES[lang], domain=DOMAIN)


def write(lang: str, catalog: Catalog) -> None:
    path = po_path(lang)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:
        write_po(
            fh, catalog, width=120, sort_output=False, omit_header=False, include_previous=False, include_lineno=False
        )


def update(repo: Path = REPO) -> None:
    """Merge the source's messages into every catalogue (new: untranslated; gone: dropped)."""
    tmpl = template(repo)
    for lang in CATALOGUES:
        catalog = read(lang)
        catalog.update(tmpl, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        write(lang, catalog)


def _key(message) -> str:
    return message if isinstance(message, str) else message[0]


def missing(lang: str, repo: Path = REPO) -> list[str]:
    """The English messages `lang`'s catalogue does not translate (absent, empty or fuzzy)."""
    have = {}
    for m in read(lang):
        if not m.id:
            continue
        strings = m.string if isinstance(m.string, (tuple, list)) else (m.string,)
        have[_key(m.id)] = not m.fuzzy and all(strings)
    return sorted({_key(m.id) for m in template(repo) if m.id and not have.get(_key(m.id))})


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["update"]:
        update()
    gaps = {lang: missing(lang) for lang in CATALOGUES}
    for lang, ids in gaps.items():
        for msgid in ids:
            print(f"{lang}: untranslated: {msgid!r}")
    return 1 if any(gaps.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
