"""The cookbook-style method ftcost is benchmarked against, kept faithful on purpose.

This is the procedure of OpenAI's notebook `examples/Chat_finetuning_data_prep.ipynb`: load every
line into memory with json.loads, run the format checks, then for each example tiktoken-encode every
message (`num_tokens_from_messages`) and, separately, every assistant message again
(`num_assistant_tokens_from_messages`), with no cache, in one thread, and print distributions with
numpy. Two changes only, without which it crashes on valid data: non-string values (`weight`,
`tool_calls`, a null `content`) are skipped instead of passed to `encode`, and the vocabulary comes
from ftcost's offline loader instead of a download. It is a benchmark baseline, not part of ftcost.

    python bench/cookbook_baseline.py FILE   -> prints one JSON line of totals
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict

import numpy as np

from ftcost.tokens import get_encoding

MAX_TOKENS_PER_EXAMPLE = 16385
TARGET_EPOCHS, MIN_TARGET_EXAMPLES, MAX_TARGET_EXAMPLES = 3, 100, 25000
MIN_DEFAULT_EPOCHS, MAX_DEFAULT_EPOCHS = 1, 25

encoding = get_encoding("cl100k_base")


def num_tokens_from_messages(messages, tokens_per_message=3, tokens_per_name=1):
    num_tokens = 0
    for message in messages:
        num_tokens += tokens_per_message
        for key, value in message.items():
            if isinstance(value, str):  # the notebook passes every value to encode (crashes on ints)
                num_tokens += len(encoding.encode(value))
            if key == "name":
                num_tokens += tokens_per_name
    num_tokens += 3
    return num_tokens


def num_assistant_tokens_from_messages(messages):
    num_tokens = 0
    for message in messages:
        if message["role"] == "assistant" and isinstance(message.get("content"), str):
            num_tokens += len(encoding.encode(message["content"]))
    return num_tokens


def format_errors(dataset):
    errors = defaultdict(int)
    for ex in dataset:
        if not isinstance(ex, dict):
            errors["data_type"] += 1
            continue
        messages = ex.get("messages", None)
        if not messages:
            errors["missing_messages_list"] += 1
            continue
        for message in messages:
            if "role" not in message or "content" not in message:
                errors["message_missing_key"] += 1
            if any(k not in ("role", "content", "name", "function_call", "weight") for k in message):
                errors["message_unrecognized_key"] += 1
            if message.get("role", None) not in ("system", "user", "assistant", "function"):
                errors["unrecognized_role"] += 1
            content = message.get("content", None)
            function_call = message.get("function_call", None)
            if (not content and not function_call) or not isinstance(content, str):
                errors["missing_content"] += 1
        if not any(message.get("role", None) == "assistant" for message in messages):
            errors["example_missing_assistant_message"] += 1
    return dict(errors)


def distribution(values):
    return {
        "min": int(np.min(values)),
        "max": int(np.max(values)),
        "mean": float(np.mean(values)),
        "median": float(np.median(values)),
        "p10": float(np.quantile(values, 0.1)),
        "p90": float(np.quantile(values, 0.9)),
    }


def analyse(path):
    with open(path, encoding="utf-8") as f:
        dataset = [json.loads(line) for line in f]
    errors = format_errors(dataset)
    n_missing_system = n_missing_user = 0
    n_messages, convo_lens, assistant_message_lens = [], [], []
    for ex in dataset:
        messages = ex["messages"]
        if not any(message["role"] == "system" for message in messages):
            n_missing_system += 1
        if not any(message["role"] == "user" for message in messages):
            n_missing_user += 1
        n_messages.append(len(messages))
        convo_lens.append(num_tokens_from_messages(messages))
        assistant_message_lens.append(num_assistant_tokens_from_messages(messages))
    n_epochs = TARGET_EPOCHS
    n_train_examples = len(dataset)
    if n_train_examples * TARGET_EPOCHS < MIN_TARGET_EXAMPLES:
        n_epochs = min(MAX_DEFAULT_EPOCHS, MIN_TARGET_EXAMPLES // n_train_examples)
    elif n_train_examples * TARGET_EPOCHS > MAX_TARGET_EXAMPLES:
        n_epochs = max(MIN_DEFAULT_EPOCHS, MAX_TARGET_EXAMPLES // n_train_examples)
    billing = sum(min(MAX_TOKENS_PER_EXAMPLE, length) for length in convo_lens)
    return {
        "examples": n_train_examples,
        "errors": errors,
        "missing_system": n_missing_system,
        "missing_user": n_missing_user,
        "messages": distribution(n_messages),
        "tokens": distribution(convo_lens),
        "assistant_tokens": distribution(assistant_message_lens),
        "over_limit": sum(length > MAX_TOKENS_PER_EXAMPLE for length in convo_lens),
        "billing_tokens": billing,
        "epochs": n_epochs,
        "charged_tokens": n_epochs * billing,
    }


if __name__ == "__main__":
    print(json.dumps(analyse(sys.argv[1])))
