"""The Dataset page: problems with line numbers, statistics, the limit, training cost on every model."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ftcost import pricing
from ftcost.dataset import DatasetReport, describe
from ftcost.errors import FtcostError, NotOfferedError
from ftcost.i18n import N_, _, locale, ngettext, number, text
from ftcost.money import Display
from ftcost.scenario import Scenario
from ftcost.text import csv_writer
from ftcost.views.common import line_list, statistic, tokens

#: The issue table's columns, in English (the page looks them up in the reader's language with `_`).
ISSUE_COLUMNS = (N_("Kind"), N_("Problem"), N_("Times"), N_("Lines"), N_("What it means"), N_("How to fix it"))


def issue_frame(report: DatasetReport) -> pd.DataFrame:
    """One row per error or warning category: how often, on which lines, what it means, how to fix it
    (headers and sentences in the current language; the category code stays as the checks name it)."""
    rows = []
    for kind, counts, lines in (
        (_("Error"), report.errors, report.error_lines),
        (_("Warning"), report.warnings, report.warning_lines),
    ):
        for category, n in counts.items():
            found: list[int] = list(lines.get(category) or [])
            shown = line_list(
                found, report.line_count(category)
            )  # the kept lines may be capped: the count has the rest
            meaning, fix = describe(category)
            rows.append(
                dict(
                    zip(
                        [_(c) for c in ISSUE_COLUMNS],
                        [kind, category, n, shown or _("whole file"), _(meaning), _(fix)],
                        strict=True,
                    )
                )
            )
    return pd.DataFrame(rows, columns=[_(c) for c in ISSUE_COLUMNS])


def issue_lines_csv(report: DatasetReport) -> str:
    """Every error and warning as one row per line number kept (file-wide problems with an empty line); when
    the analysis capped the lines it kept, a last row per category says how many more there are."""
    buf = io.StringIO()
    writer = csv_writer(buf)  # the file name is the uploader's: no formula reaches a spreadsheet
    writer.writerow(["file", "kind", "problem", "line", "fix"])
    for kind, counts, lines in (
        ("error", report.errors, report.error_lines),
        ("warning", report.warnings, report.warning_lines),
    ):
        for category in counts:
            fix = describe(category).fix
            for line in lines.get(category) or [""]:
                writer.writerow([report.file, kind, category, line, fix])
            if more := report.lines_not_listed.get(category):
                writer.writerow(
                    [
                        report.file,
                        kind,
                        category,
                        f"… and {more:,} more lines (ftcost analyze FILE --json lists every one)",
                        fix,
                    ]
                )
    return buf.getvalue()


def first_problem(report: DatasetReport) -> str | None:
    """One sentence naming the first bad line, for the top of the page; None when the file is valid."""
    if report.valid:
        return None
    located = [(lines[0], category) for category, lines in report.error_lines.items() if lines]
    total = sum(report.errors.values())
    if located:
        line, category = min(located)
        return ngettext(
            "OpenAI would reject {file}: {count} problem; it is on line {line} ({category}: {meaning}) The good "
            "lines are still counted below.",
            "OpenAI would reject {file}: {count} problems; the first is on line {line} ({category}: {meaning}) The "
            "good lines are still counted below.",
            total,
        ).format(
            file=_name(report), count=number(total), line=line, category=category, meaning=_(describe(category).meaning)
        )
    category = next(iter(report.errors))
    return _("OpenAI would reject {file}: {meaning}").format(file=_name(report), meaning=_(describe(category).meaning))


def accepted_sentence(report: DatasetReport) -> str:
    return ngettext(
        "OpenAI should accept {file} for {model}: no errors in {count} example.",
        "OpenAI should accept {file} for {model}: no errors in {count} examples.",
        report.examples,
    ).format(file=_name(report), model=report.model, count=number(report.examples))


def _name(report: DatasetReport) -> str:
    return Path(report.file).name


STAT_LABELS = {
    "messages_per_example": N_("Messages per example"),
    "tokens_per_example": N_("Tokens per example"),
    "assistant_tokens_per_example": N_("Answer tokens per example"),
}
STAT_COLUMNS = (
    (N_("min"), "min"),
    (N_("median"), "median"),
    (N_("mean"), "mean"),
    (N_("90th percentile"), "p90"),
    (N_("max"), "max"),
)


def stats_frame(report: DatasetReport) -> pd.DataFrame:
    rows = []
    for key, label in STAT_LABELS.items():
        s = report.stats.get(key) or {}
        rows.append({"": _(label), **{_(name): statistic(s.get(field)) for name, field in STAT_COLUMNS}})
    return pd.DataFrame(rows)


def token_values(report: DatasetReport) -> pd.DataFrame:
    return pd.DataFrame({"tokens": list(report.tokens_per_example)})


def limit_in_view(report: DatasetReport) -> bool:
    """Whether the per-example limit can share an axis with the examples: drawn at 16,385 beside examples of
    ~100 tokens, the bars would shrink to one line, so then the limit is stated in words instead."""
    longest = report.stats.get("tokens_per_example", {}).get("max") or 0
    return longest * 4 >= report.token_limit


def limit_sentence(report: DatasetReport) -> str:
    longest = int(report.stats.get("tokens_per_example", {}).get("max") or 0)  # a count of tokens: whole
    return ngettext(
        "The longest example has {count} token, well inside the {limit}; the limit is off the chart's "
        "scale, so the arrow points to it.",
        "The longest example has {count} tokens, well inside the {limit}; the limit is off the chart's "
        "scale, so the arrow points to it.",
        longest,
    ).format(count=number(longest), limit=limit_label(report))


def limit_label(report: DatasetReport) -> str:
    if report.token_limit_published:
        text = _("{model} training limit: {count} tokens")
    else:
        text = _("{model} context window (no published training limit): {count} tokens")
    return text.format(model=report.model, count=number(report.token_limit))


@dataclass(frozen=True)
class DatasetSummary:
    examples: str
    problems: str
    billing_tokens: str
    epochs: str
    epochs_label: str
    charged_tokens: str
    over_limit: str


def dataset_summary(report: DatasetReport) -> DatasetSummary:
    return DatasetSummary(
        examples=tokens(report.examples),
        problems=tokens(sum(report.errors.values())),
        billing_tokens=tokens(report.billing_tokens),
        epochs=str(report.epochs),
        # The rule goes in the label: "7（自動規則）" as the value is cut off in a fifth-of-a-page metric card.
        epochs_label=_("Epochs (auto rule)") if report.epochs_estimated else _("Epochs"),
        charged_tokens=tokens(report.charged_tokens),
        over_limit=tokens(report.over_limit),
    )


#: The training-cost table's columns, in English (shown with `_`).
TRAINING_COLUMNS = (
    N_("Model"),
    N_("Encoding"),
    N_("Accepted?"),
    N_("Billing tokens per epoch"),
    N_("Epochs"),
    N_("Charged tokens"),
    N_("Training price"),
    N_("Cost of one run"),
)


def training_cost_frame(
    reports: dict[str, DatasetReport], as_of: dt.date, money: Display | None = None
) -> pd.DataFrame:
    """What training on this file costs on each model (analysed with that model's encoding and limit), in
    `money`'s currency (US dollars as published by default)."""
    money = money or Display(locale=locale())
    rows = []
    for model, report in reports.items():
        try:
            usd, rate = pricing.training_cost(model, report.charged_tokens, as_of)
            cost, price = money.amount(usd), _("{price} per 1M tokens").format(price=money.price(rate.price))
        except NotOfferedError as exc:  # its sentence (a Notice) in the reader's language
            cost, price = _("not offered"), text(exc.args[0]) if len(exc.args) == 1 else str(exc)
        accepted = _("yes") if report.valid else _("no: {problems}").format(problems=", ".join(report.errors))
        epochs = _("{epochs} (auto)").format(epochs=report.epochs) if report.epochs_estimated else str(report.epochs)
        rows.append(
            dict(
                zip(
                    [_(c) for c in TRAINING_COLUMNS],
                    [
                        model,
                        report.encoding,
                        accepted,
                        tokens(report.billing_tokens),
                        epochs,
                        tokens(report.charged_tokens),
                        price,
                        cost,
                    ],
                    strict=True,
                )
            )
        )
    return pd.DataFrame(rows, columns=[_(c) for c in TRAINING_COLUMNS])


def fine_tuned_bases(scenario: Scenario, as_of: dt.date) -> list[str]:
    """The base snapshots of the scenario's fine-tuned options on `as_of` (ones that cannot be resolved skipped)."""
    out = []
    for option in scenario.option:
        if option.fine_tuned:
            try:
                out.append(pricing.resolve(option.model, as_of).snapshot)
            except FtcostError:
                continue
    return list(dict.fromkeys(out))
