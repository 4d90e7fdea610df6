"""A number too large to be a scenario's is refused in one sentence, at once: before anything turns it into an
integer (`int(Decimal("1e999999999"))` holds a thread for minutes) — from a file, a share link, or a range end."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from ftcost.errors import ScenarioError
from ftcost.scenario import dump_scenario, gallery, load_scenario, parse_scenario
from ftcost.share import decode_link, encode_link

AIRPORT = Path(gallery()["airport"]).read_text(encoding="utf-8")

CASES = [
    ("horizon_months = 12", "horizon_months = 1e999999999"),
    ("requests_per_month = 30000", "requests_per_month = 1e9999999"),
    ("planned_examples = 300", 'planned_examples = { low = 1, likely = 300, high = "1e999999999" }'),
    ("planned_examples = 300", 'planned_examples = { low = 1, high = 1e999999999, dist = "uniform" }'),
    ("planned_examples = 300", "planned_examples = " + "1" + "0" * 5000),
]


@pytest.mark.parametrize(("old", "new"), CASES)
def test_a_huge_number_is_refused_at_once_in_a_sentence(old, new):
    assert old in AIRPORT
    text = AIRPORT.replace(old, new, 1)
    # In a child process with a deadline: the old code does not fail, it hangs.
    code = textwrap.dedent(
        """
        import sys
        from ftcost.errors import ScenarioError
        from ftcost.scenario import parse_scenario
        try:
            parse_scenario(sys.stdin.read(), "airport.toml")
        except ScenarioError as exc:
            print("refused:", exc)
        else:
            print("accepted")
        """
    )
    done = subprocess.run([sys.executable, "-c", code], input=text, capture_output=True, text=True, timeout=60)
    assert done.stdout.startswith("refused: airport.toml"), done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert len(done.stdout) < 600  # a sentence, not the number echoed back


def test_a_share_link_with_a_huge_number_is_refused_in_a_sentence():
    scenario = load_scenario(gallery()["airport"])
    link = encode_link(scenario)
    assert decode_link(link) == scenario
    for old, new in CASES:
        with pytest.raises(ScenarioError):
            parse_scenario(AIRPORT.replace(old, new, 1), "airport.toml")
    # A number of 5,000 digits is a link of a few KB: refused in a sentence, not Python's ValueError.
    text = dump_scenario(scenario).replace("requests_per_month = 30000", "requests_per_month = 1" + "0" * 5000)
    assert "1" + "0" * 5000 in text
    with pytest.raises(ScenarioError, match="too many digits"):
        parse_scenario(text, "link")


def test_large_but_real_numbers_and_tiny_ones_are_still_read():
    scenario = parse_scenario(
        AIRPORT.replace("requests_per_month = 30000", "requests_per_month = 10000000000"), "airport.toml"
    )
    assert scenario.workload.requests_per_month == 10_000_000_000
