"""Validate and count a fine-tuning dataset (JSONL) the way OpenAI's cookbook does, with line numbers.

    from ftcost.dataset import analyze_file
    report = analyze_file("train.jsonl", model="gpt-4o-mini-2024-07-18")
    report.valid, report.errors, report.error_lines, report.charged_tokens

Modules, in the order data flows through them:
    reading     whole-file checks (empty, binary, UTF-16, JSON array...) and ranges of whole lines
    line        one line's bytes -> its result (the pure function everything streams through)
    checks      the cookbook's checks and ftcost's own, for one parsed example
    counting    token counts as OpenAI bills them, memoised; `tooldefs` + `render` for tool definitions
    tally       the streaming accumulator (compact arrays), mergeable across byte ranges
    parallel    ranges scanned here or in worker processes, merged in file order
    stats       percentiles and the epochs rule
    report      DatasetReport and its JSON form
    categories  what each error/warning means and how to fix it
"""

from ftcost.dataset.analysis import (
    DEFAULT_MODEL,
    analysis_key,
    analyze_bytes,
    analyze_file,
    analyze_file_many,
    for_model,
)
from ftcost.dataset.categories import COOKBOOK_ERRORS, ERRORS, WARNINGS, Category, describe
from ftcost.dataset.counting import count_messages, request_tokens
from ftcost.dataset.report import DatasetReport, LineNumbers
from ftcost.dataset.stats import default_epochs, percentile, summarize

__all__ = [
    "COOKBOOK_ERRORS",
    "DEFAULT_MODEL",
    "ERRORS",
    "WARNINGS",
    "Category",
    "DatasetReport",
    "LineNumbers",
    "analysis_key",
    "analyze_bytes",
    "analyze_file",
    "analyze_file_many",
    "for_model",
    "count_messages",
    "default_epochs",
    "describe",
    "percentile",
    "request_tokens",
    "summarize",
]
