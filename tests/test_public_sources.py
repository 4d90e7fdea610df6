"""What ships cites public sources by name (OpenAI's fine-tuning guide, the cookbook notebooks, an article's
title), never documents a reader of the repository cannot open: no "seed 000", no "§8 of the reference", no
issue numbers, no paths outside the repository. Comments that state a rule must also be true: the library
never reads the clock (only the CLI and `ui/state.py` do)."""

from __future__ import annotations

import re

import pytest
from conftest import REPO

# Where people read: the code, the pages, the data and its notes, the catalogues, the documentation.
SHIPPED = [
    "src/**/*.py",
    "src/**/*.po",
    "ui/**/*.py",
    "app.py",
    "pricing/**/*.toml",
    "pricing/**/*.md",
    "pricing/**/*.json",
    "scenarios/*.toml",
    "*.md",
    "docs/**/*.md",
    "bench/*.py",
    "Makefile",
    ".ci/run",
    "tools/*.py",
]

PRIVATE = {
    "a seed document by number": r"\bseeds? ?0\d\d\b|\bseed0\d|\bseeds? (articles?|documents?)\b",
    "a section sign (a section of a private document)": r"§",
    "the project's private reference": r"(?<![\w./-])(shared|seeds)/|\breference/[\w-]+\.md|\b(of|in|from) the reference\b(?! option)"
    r"|\bthe (project )?reference (gives|names|spells|does)\b|\bbeyond the reference\b",
    "the project's private notes": r"\bthe brief\b|user-asks|lifecycle-2026\.md|providers\.md|openai-prices\.md"
    r"|fine-tuning-facts\.md|\blead's file\b",
    "an issue number": r"\bissues? ?#?\d{1,2}\b|(?<![\w&/#])#(1[0-8]|[1-9])\b(?![\w-])",
}


def _files():
    seen = set()
    for pattern in SHIPPED:
        for path in sorted(REPO.glob(pattern)):
            if path.is_file() and ".venv" not in path.parts and path not in seen:
                seen.add(path)
                yield path


def test_the_scan_covers_what_ships():
    names = {p.relative_to(REPO).as_posix() for p in _files()}
    assert {
        "app.py",
        "README.md",
        "CONTRIBUTING.md",
        "pricing/sources.toml",
        "scenarios/airport.toml",
        "src/ftcost/scenario.py",
        "ui/page_people.py",
    } <= names


@pytest.mark.parametrize("what", sorted(PRIVATE))
def test_no_reference_to_documents_outside_the_repository(what):
    pattern = re.compile(PRIVATE[what], re.IGNORECASE)
    found = []
    for path in _files():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.startswith("#~"):  # an obsolete catalogue entry: kept by gettext, shown nowhere
                continue
            if m := pattern.search(line):
                found.append(f"{path.relative_to(REPO)}:{number}: {m.group(0)!r} in {line.strip()[:100]}")
    assert not found, f"{what}: cite the public source by name instead:\n" + "\n".join(found)


def test_the_scan_catches_each_kind():
    samples = {
        "a seed document by number": "labour follows seed 000",
        "a section sign (a section of a private document)": "(§8)",
        "the project's private reference": "see shared/reference/openai-prices.md",
        "the project's private notes": "as the brief says",
        "an issue number": "fixed in issue 12 (#7)",
    }
    for what, sample in samples.items():
        assert re.search(PRIVATE[what], sample, re.IGNORECASE), what
    for innocent in (
        "seed = 2026",
        "the same seed gives the same draws",
        "https://docs.together.ai/reference/x",
        "color #1f77b4",
        "ogkalu2/comic-translate#138",
        "the reference option",
        "C1..C12 codes",
    ):
        assert not any(re.search(p, innocent, re.IGNORECASE) for p in PRIVATE.values()), innocent


def test_the_library_never_reads_the_clock():
    clock = re.compile(r"\b(date|datetime)\.(today|now|utcnow)\(|\btime\.time\(\)")
    readers = sorted(
        path.relative_to(REPO).as_posix()
        for path in [*REPO.glob("src/ftcost/**/*.py"), *REPO.glob("ui/**/*.py"), REPO / "app.py"]
        if any(
            clock.search(line) and not line.lstrip().startswith("#")
            for line in path.read_text(encoding="utf-8").splitlines()
        )
    )
    # The CLI commands (a user interface: they supply today when --as-of is absent) and the app's one place.
    assert all(r.startswith("src/ftcost/cli/") or r == "ui/state.py" for r in readers), readers
