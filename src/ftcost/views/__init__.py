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
    common    token counts, signed amounts, per-answer costs
"""

from ftcost.views.common import per_answer_usd, signed_usd, tokens
from ftcost.views.dataset import (
    LINES_SHOWN,
    DatasetSummary,
    accepted_sentence,
    dataset_summary,
    fine_tuned_bases,
    first_problem,
    issue_frame,
    issue_lines_csv,
    limit_in_view,
    limit_label,
    limit_sentence,
    stats_frame,
    token_values,
    training_cost_frame,
)
from ftcost.views.people import PilotView, labour_frame, pilot_view
from ftcost.views.plan import (
    BREAKDOWN_PARTS,
    OptionCard,
    PaybackCard,
    answer,
    base_options,
    break_even_frame,
    breakdown_frame,
    cumulative_frame,
    go_live_frame,
    horizon_breakdown_frame,
    month_table,
    option_cards,
    payback_cards,
    reference,
    training_note,
)
from ftcost.views.prices import (
    COMPONENT_LABELS,
    KIND_LABELS,
    diff_dates,
    diff_frame,
    history_frame,
    price_frame,
    priced_models,
    provider_absent_frame,
    provider_choices,
    provider_model_frame,
    provider_rate_frame,
    provider_source_frame,
    provider_status,
)
from ftcost.views.prompts import PROMPT_TEXTS, VolumeView, encodings_used, prompt_token_frame, volume_view

__all__ = [
    "BREAKDOWN_PARTS", "COMPONENT_LABELS", "DatasetSummary", "KIND_LABELS", "LINES_SHOWN", "OptionCard",
    "PROMPT_TEXTS", "PaybackCard", "PilotView", "VolumeView", "accepted_sentence", "answer", "base_options",
    "break_even_frame", "breakdown_frame", "cumulative_frame", "dataset_summary", "diff_dates", "diff_frame",
    "encodings_used", "fine_tuned_bases", "first_problem", "go_live_frame", "history_frame", "horizon_breakdown_frame",
    "issue_frame", "issue_lines_csv", "labour_frame", "limit_in_view", "limit_label", "limit_sentence",
    "month_table", "option_cards", "payback_cards", "per_answer_usd", "pilot_view", "price_frame", "priced_models",
    "prompt_token_frame", "reference", "signed_usd", "stats_frame", "token_values", "tokens", "training_cost_frame",
    "volume_view", "provider_absent_frame", "provider_choices", "provider_model_frame", "provider_rate_frame",
    "provider_source_frame", "provider_status", "training_note",
]
