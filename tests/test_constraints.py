"""Reproducible installs: constraints.txt pins everything `pip install -e '.[test]'` pulls in, and every pin
satisfies pyproject's range for it (a floor raised for an API the code uses cannot be left unpinned below it)."""

from __future__ import annotations

import importlib.util
import tomllib

import pytest
from conftest import REPO
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version


def _pins() -> dict[str, Version]:
    pins: dict[str, Version] = {}
    for number, line in enumerate((REPO / "constraints.txt").read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, version = line.partition("==")
        assert sep and name.strip() and version.strip(), f"constraints.txt line {number} is not `name==version`: {line}"
        key = canonicalize_name(name)
        assert key not in pins, f"constraints.txt pins {name} twice (line {number})"
        pins[key] = Version(version)
    return pins


def _requirements() -> list[Requirement]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return [Requirement(r) for r in project["dependencies"] + project["optional-dependencies"]["test"]]


@pytest.mark.parametrize("requirement", _requirements(), ids=str)
def test_every_dependency_is_pinned_within_its_range(requirement):
    pins = _pins()
    name = canonicalize_name(requirement.name)
    assert name in pins, (
        f"{requirement.name} is a dependency but constraints.txt does not pin it: run `make constraints`"
    )
    assert requirement.specifier.contains(pins[name], prereleases=True), (
        f"constraints.txt pins {requirement.name}=={pins[name]}, outside pyproject's {requirement}"
    )


def test_every_package_the_install_pulls_in_is_pinned():
    spec = importlib.util.spec_from_file_location("freeze_constraints", REPO / "tools" / "constraints.py")
    assert spec and spec.loader
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    missing = sorted(set(tool.closure(tool.roots(REPO / "pyproject.toml"))) - set(_pins()))
    assert not missing, f"installed with ftcost but not pinned in constraints.txt: {missing}; run `make constraints`"


def test_the_makefile_installs_with_the_constraints():
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    assert "-c constraints.txt -e '.[test]'" in makefile
    stamp_rule = next(line for line in makefile.splitlines() if line.startswith("$(STAMP):"))
    assert "constraints.txt" in stamp_rule and "pyproject.toml" in stamp_rule, (
        "the install must re-run when either changes"
    )


def test_ci_runs_the_readmes_test_command():
    steps = [
        line.strip()
        for line in (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
        if line.strip().startswith("make ")
    ]
    assert steps == ["make test", "make lint"]  # the README's test command, then ruff and mypy


def test_a_test_that_starts_the_app_without_the_app_marker_is_stopped_with_a_sentence():
    from streamlit.testing.v1 import AppTest

    with pytest.raises(pytest.UsageError, match=r"runs the app through AppTest but is not marked @pytest.mark.app"):
        AppTest.from_file(str(REPO / "app.py"))


@pytest.mark.app
def test_a_test_marked_app_starts_the_app():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    assert not at.run().exception


def test_the_fast_loop_leaves_out_the_browser_the_large_inputs_and_the_pages_and_uses_every_core():
    import subprocess

    shown = subprocess.run(
        ["make", "-n", "-s", "test-fast"], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout
    command = next(line for line in shown.splitlines() if "-m pytest" in line)
    assert '-m "not browser and not slow and not app"' in command
    assert "-n auto" in command
