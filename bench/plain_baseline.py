"""The plain cookbook method: what an engineer who "just counts with tiktoken" writes.

Load every line with json.loads, then for each example encode every string value of every
message once with tiktoken (3 tokens per message, 1 per `name`, 3 per example: OpenAI's
`num_tokens_from_messages`), no cache, one thread. No checks beyond skipping what is not a
string. The vocabulary comes from ftcost's offline loader instead of a download. A benchmark
baseline, not part of ftcost.

    python bench/plain_baseline.py FILE   -> prints one JSON line of totals
"""

from __future__ import annotations

import json
import sys

from ftcost.tokens import get_encoding

LIMIT = 16385  # gpt-3.5-turbo-0125's training-example limit, as in ftcost's default analysis


def analyse(path: str) -> dict:
    encode = get_encoding("cl100k_base").encode
    with open(path, encoding="utf-8") as f:
        examples = [json.loads(line) for line in f if line.strip()]
    billing = 0
    for example in examples:
        total = 3
        for message in example.get("messages", []):
            total += 3
            for key, value in message.items():
                if isinstance(value, str):
                    total += len(encode(value, disallowed_special=()))
                if key == "name":
                    total += 1
        billing += min(LIMIT, total)
    return {"examples": len(examples), "billing_tokens": billing}


if __name__ == "__main__":
    print(json.dumps(analyse(sys.argv[1])))
