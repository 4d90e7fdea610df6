"""ftcost's count against every public request whose `usage.prompt_tokens` the OpenAI API reported.

Each case of tests/data/api_measured.json names its source (a peer counter's API-validated tests, the
cookbook notebook's printed outputs, an issue thread) and the snapshot measured; the expected number is
the API's, never ftcost's.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ftcost.dataset.counting import request_tokens
from ftcost.models import get_model

CASES = json.loads((Path(__file__).parent / "data" / "api_measured.json").read_text(encoding="utf-8"))["cases"]
TOLERANCE = 1  # tokens per request


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_count_is_within_one_token_of_the_api(case):
    encoding = get_model(case["model"]).encoding
    predicted = request_tokens(case["request"], encoding, model=case["model"])
    assert abs(predicted - case["api_prompt_tokens"]) <= TOLERANCE, (case["source"], predicted)


def test_mean_error_is_under_half_a_token():
    errors = []
    for case in CASES:
        encoding = get_model(case["model"]).encoding
        errors.append(abs(request_tokens(case["request"], encoding, model=case["model"]) - case["api_prompt_tokens"]))
    assert sum(errors) / len(errors) < 0.5


def test_every_case_names_its_source_and_the_api_number():
    assert len(CASES) >= 70
    for case in CASES:
        assert case["source"] and case["url"].startswith("https://github.com/")
        assert isinstance(case["api_prompt_tokens"], int) and case["api_prompt_tokens"] > 0
