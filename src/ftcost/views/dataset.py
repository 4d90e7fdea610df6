"""The Dataset page: problems with line numbers, statistics, the limit, training cost on every model."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ftcost.dataset import DatasetReport, describe
from ftcost.errors import FtcostError, NotOfferedError
from ftcost.money import format_price, format_usd
from ftcost.scenario import Scenario
from ftcost.text import csv_writer
from ftcost.views.common import line_list, statistic, tokens



def issue_frame(report: DatasetReport) -> pd.DataFrame:
    """One row per error or warning category: how often, on which lines, what it means, how to fix it."""
    rows = []
    for kind, counts, lines in (("Error", report.errors, report.error_lines),
                                ("Warning", report.warnings, report.warning_lines)):
        for category, n in counts.items():
            found = lines.get(category) or []
            shown = line_list(found, report.line_count(category))  # the kept lines may be capped: the count has the rest
            meaning, fix = describe(category)
            rows.append({"Kind": kind, "Problem": category, "Times": n, "Lines": shown or "whole file",
                         "What it means": meaning, "How to fix it": fix})
    return pd.DataFrame(rows, columns=["Kind", "Problem", "Times", "Lines", "What it means", "How to fix it"])


def issue_lines_csv(report: DatasetReport) -> str:
    """Every error and warning as one row per line number kept (file-wide problems with an empty line); when
    the analysis capped the lines it kept, a last row per category says how many more there are."""
    buf = io.StringIO()
    writer = csv_writer(buf)  # the file name is the uploader's: no formula reaches a spreadsheet
    writer.writerow(["file", "kind", "problem", "line", "fix"])
    for kind, counts, lines in (("error", report.errors, report.error_lines),
                                ("warning", report.warnings, report.warning_lines)):
        for category in counts:
            fix = describe(category).fix
            for line in lines.get(category) or [""]:
                writer.writerow([report.file, kind, category, line, fix])
            if more := report.lines_not_listed.get(category):
                writer.writerow([report.file, kind, category,
                                 f"… and {more:,} more lines (ftcost analyze FILE --json lists every one)", fix])
    return buf.getvalue()


def first_problem(report: DatasetReport) -> str | None:
    """One sentence naming the first bad line, for the top of the page; None when the file is valid."""
    if report.valid:
        return None
    located = [(lines[0], category) for category, lines in report.error_lines.items() if lines]
    total = sum(report.errors.values())
    if located:
        line, category = min(located)
        return (f"OpenAI would reject {_name(report)}: {total:,} problem(s); the first is on line {line} "
                f"({category}: {describe(category).meaning}) The good lines are still counted below.")
    category = next(iter(report.errors))
    return f"OpenAI would reject {_name(report)}: {describe(category).meaning}"


def accepted_sentence(report: DatasetReport) -> str:
    return f"OpenAI should accept {_name(report)} for {report.model}: no errors in {report.examples:,} examples."


def _name(report: DatasetReport) -> str:
    return Path(report.file).name


STAT_LABELS = {
    "messages_per_example": "Messages per example",
    "tokens_per_example": "Tokens per example",
    "assistant_tokens_per_example": "Answer tokens per example",
}


def stats_frame(report: DatasetReport) -> pd.DataFrame:
    rows = []
    for key, label in STAT_LABELS.items():
        s = report.stats.get(key) or {}
        rows.append({"": label, **{name: statistic(s.get(field)) for name, field in
                                   (("min", "min"), ("median", "median"), ("mean", "mean"), ("90th percentile", "p90"),
                                    ("max", "max"))}})
    return pd.DataFrame(rows)


def token_values(report: DatasetReport) -> pd.DataFrame:
    return pd.DataFrame({"tokens": list(report.tokens_per_example)})


def limit_in_view(report: DatasetReport) -> bool:
    """Whether the per-example limit can share an axis with the examples: drawn at 16,385 beside examples of
    ~100 tokens, the bars would shrink to one line, so then the limit is stated in words instead."""
    longest = report.stats.get("tokens_per_example", {}).get("max") or 0
    return longest * 4 >= report.token_limit


def limit_sentence(report: DatasetReport) -> str:
    longest = report.stats.get("tokens_per_example", {}).get("max") or 0
    return (f"The longest example has {longest:,} tokens, well inside the {limit_label(report)}; "
            f"the limit is off the chart's scale, so the arrow points to it.")


def limit_label(report: DatasetReport) -> str:
    source = "training limit" if report.token_limit_published else "context window (no published training limit)"
    return f"{report.model} {source}: {report.token_limit:,} tokens"


@dataclass(frozen=True)
class DatasetSummary:
    examples: str
    problems: str
    billing_tokens: str
    epochs: str
    charged_tokens: str
    over_limit: str


def dataset_summary(report: DatasetReport) -> DatasetSummary:
    return DatasetSummary(
        examples=tokens(report.examples),
        problems=tokens(sum(report.errors.values())),
        billing_tokens=tokens(report.billing_tokens),
        epochs=f"{report.epochs} (auto rule)" if report.epochs_estimated else str(report.epochs),
        charged_tokens=tokens(report.charged_tokens),
        over_limit=tokens(report.over_limit),
    )


def training_cost_frame(reports: dict[str, DatasetReport], as_of: dt.date) -> pd.DataFrame:
    """What training on this file costs on each model (analysed with that model's encoding and limit)."""
    from ftcost import pricing

    rows = []
    for model, report in reports.items():
        try:
            usd, rate = pricing.training_cost(model, report.charged_tokens, as_of)
            cost, price = format_usd(usd), f"{format_price(rate.price)} per 1M tokens"
        except NotOfferedError as exc:
            cost, price = "not offered", str(exc)
        rows.append({
            "Model": model,
            "Encoding": report.encoding,
            "Accepted?": "yes" if report.valid else "no: " + ", ".join(report.errors),
            "Billing tokens per epoch": tokens(report.billing_tokens),
            "Epochs": f"{report.epochs} (auto)" if report.epochs_estimated else str(report.epochs),
            "Charged tokens": tokens(report.charged_tokens),
            "Training price": price,
            "Cost of one run": cost,
        })
    return pd.DataFrame(rows)


def fine_tuned_bases(scenario: Scenario, as_of: dt.date) -> list[str]:
    """The base snapshots of the scenario's fine-tuned options on `as_of` (ones that cannot be resolved skipped)."""
    from ftcost import pricing

    out = []
    for option in scenario.option:
        if option.fine_tuned:
            try:
                out.append(pricing.resolve(option.model, as_of).snapshot)
            except FtcostError:
                continue
    return list(dict.fromkeys(out))
