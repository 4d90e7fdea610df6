"""ftcost — the fine-tuning cost and ROI planner.

The library behind the `ftcost` CLI and the Streamlit app. It never imports streamlit.

Modules:
    tokens    offline tiktoken encodings fed from the bpe-openai package
    models    model facts (encoding, limits, lifecycle) from pricing/models.toml
    dataset   validate and count a chat fine-tuning JSONL file
    pricing   versioned prices, aliases and fine-tuned names resolved as of a date
    scenario  scenario files (TOML) and share links
    engine    monthly projection, ROI, break-even, pilot plan
    errors    the one error family, FtcostError
"""

__version__ = "0.1.0"
