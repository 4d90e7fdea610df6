"""Live calibration against the OpenAI API (or any OpenAI-compatible server, via `base_url`).

Estimates are only as good as their inputs; with an API key ftcost measures the two that teams guess
worst instead of guessing them:

    measure    run sample prompts per option → real usage, latency, answer lengths; ftcost's prompt
               count next to the API's `prompt_tokens`            (estimate_measure, run_measure)
    pilot      validate, upload, fine-tune with the planned epochs, follow the job, compare
               `trained_tokens` with ftcost's estimate             (plan_pilot, run_pilot, follow_job)
    evaluate   ask each option the eval set, score exact / JSON-field matches → accuracy per option
                                                                   (estimate_evaluate, run_evaluate)

Every spending function needs `confirmed=True`, after its `estimate_*`/`plan_*` twin was shown.
Results are dataclasses with `to_dict()`; progress arrives through a `Progress` callback. Keys come
from an argument or the environment only (`connect`), and are never logged, stored or echoed.
Nothing here imports `openai` until a client is built, so ftcost works offline without a key.
"""

from ftcost.live.chat import ChatCall, Progress, SpendEstimate
from ftcost.live.client import LiveClient, LiveConfig, connect, resolve_key
from ftcost.live.evaluate import EvalItem, EvalReport, estimate_evaluate, run_evaluate, score
from ftcost.live.measure import MeasureReport, PromptOption, estimate_measure, run_measure
from ftcost.live.pilot import PilotPlan, PilotResult, follow_job, plan_pilot, run_pilot

__all__ = [
    "ChatCall",
    "EvalItem",
    "EvalReport",
    "LiveClient",
    "LiveConfig",
    "MeasureReport",
    "PilotPlan",
    "PilotResult",
    "Progress",
    "PromptOption",
    "SpendEstimate",
    "connect",
    "estimate_evaluate",
    "estimate_measure",
    "follow_job",
    "plan_pilot",
    "resolve_key",
    "run_evaluate",
    "run_measure",
    "run_pilot",
    "score",
]
