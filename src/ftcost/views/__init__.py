"""What the app shows, as plain rows and strings: the Plan, the dataset report, the prompts, the people,
the prices. No Streamlit here.

The app's pages only lay these out, so every figure on screen is computed here (or deeper in the
library) and can be tested without Streamlit. Money stays Decimal until it is formatted; the float
columns ("usd", "cumulative") exist only because charts plot numbers — their tooltips and labels use
the exact formatted text beside them. One module per page:

    plan      option and payback cards, the answer, chart frames, the monthly table
    prompts   measured tokens per text and encoding, volume over the horizon
    people    the team's cost per iteration, the pilot and its gate
    dataset   problems with line numbers, statistics, the example limit, training cost on every model
    prices    the table on a date, step-chart points, what changed between two dates
    common    the formatting the CLI, the report and the pages share: counts, percentages, months, line lists

The page modules load pandas; they are imported on the first use of one of their names, so that the CLI and the
report can use `ftcost.views.common` without it.
"""

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ftcost.views._all import *  # noqa: F403 - for type checkers and editors: the names __all__ lists


def __getattr__(name: str) -> Any:
    names = importlib.import_module(f"{__name__}._all")
    if not name.startswith("_") and hasattr(names, name):
        return getattr(names, name)
    try:  # a submodule: ftcost.views.live
        return importlib.import_module(f"{__name__}.{name}")
    except ModuleNotFoundError as exc:
        if exc.name != f"{__name__}.{name}":
            raise
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None


__all__ = [  # noqa: F405 - loaded by __getattr__ from ftcost.views._all
    "BREAKDOWN_PARTS",
    "COMPONENT_LABELS",
    "DatasetSummary",
    "KIND_LABELS",
    "LINES_SHOWN",
    "OptionCard",
    "PROMPT_TEXTS",
    "PaybackCard",
    "PilotView",
    "VolumeView",
    "accepted_sentence",
    "answer",
    "base_options",
    "break_even_frame",
    "breakdown_frame",
    "cumulative_frame",
    "dataset_summary",
    "diff_dates",
    "diff_frame",
    "encodings_used",
    "fine_tuned_bases",
    "first_problem",
    "go_live_frame",
    "history_frame",
    "horizon_breakdown_frame",
    "issue_frame",
    "issue_lines_csv",
    "labour_frame",
    "limit_in_view",
    "limit_label",
    "limit_sentence",
    "month_table",
    "option_cards",
    "payback_cards",
    "per_answer_usd",
    "pilot_view",
    "price_frame",
    "priced_models",
    "prompt_token_frame",
    "reference",
    "signed_usd",
    "stats_frame",
    "token_values",
    "tokens",
    "training_cost_frame",
    "volume_view",
    "provider_absent_frame",
    "provider_choices",
    "provider_model_frame",
    "provider_rate_frame",
    "provider_source_frame",
    "provider_status",
    "training_note",
]
