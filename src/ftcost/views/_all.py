"""Every name the package offers, imported at once: loaded on the first use of one (see `ftcost.views`)."""
# ruff: noqa: F401 - a list of re-exports

from ftcost.views.common import LINES_SHOWN, per_answer_usd, signed_usd, tokens
from ftcost.views.dataset import (
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
