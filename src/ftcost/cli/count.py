"""`ftcost count FILE [--model M] [--as-of D] [--json]`: predict the prompt_tokens OpenAI bills for requests.

FILE is one Chat Completions request body (JSON), a JSONL of request bodies, or a Batch API input file
(lines of {"custom_id", "method", "url", "body"}). Counting uses the same implementation as `analyze`
(ftcost.dataset.counting); with a priced model and date the input cost is added, at the Batch tier for a
Batch file.

Exit codes (as `analyze`): 0 every request was counted; 1 some lines could not be (the others are
still counted and reported); 2 the command cannot run (no such file, not UTF-8, empty, an unknown model).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

from ftcost.cli import hints
from ftcost.cli.common import add_language, parse_date
from ftcost.errors import FtcostError
from ftcost.i18n import _, ngettext
from ftcost.money import format_usd

#: Public API measurements cover these families; other models are counted by the same rules, estimated.
MEASURED_PREFIXES = ("gpt-3.5-turbo", "gpt-4-", "gpt-4o")


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "count",
        help="predict the prompt_tokens of Chat Completions requests (a body, a JSONL of bodies, a Batch file)",
        description="Count the prompt tokens OpenAI bills for Chat Completions requests, tool definitions "
        "rendered as the model sees them, and price the input on a date.",
    )
    parser.add_argument("file", metavar="FILE", help="a request body (.json), a JSONL of bodies, or a Batch input file")
    parser.add_argument("--model", default=None, help="model to count for (default: each body's own `model`)")
    parser.add_argument(
        "--as-of",
        type=parse_date,
        default=None,
        metavar="YYYY-MM-DD",
        help="price the input on this date (default: today)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    add_language(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    as_of = args.as_of or dt.date.today()  # a user interface supplies today; the library below never reads the clock
    doc = count_file(args.file, args.model, as_of)
    if args.json:
        json.dump(doc, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        print(render(doc))
    return 1 if doc["errors"] else 0


def read_requests(path: str) -> tuple[str, list[tuple[int, Any]], list[dict]]:
    """(kind, [(line, parsed value)], errors) where kind is "request", "jsonl" or "batch"."""
    file = Path(path)
    if not file.exists():
        raise FtcostError(f"{path}: no such file.")
    if file.is_dir():
        raise FtcostError(f"{path} is a directory; give a request body (.json) or a JSONL file.")
    try:
        text = file.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FtcostError(f"{path} is not UTF-8 text; a request body is JSON.") from None
    except OSError as exc:
        raise FtcostError(f"{path} cannot be read ({exc.strerror or exc}).") from None
    if not text.strip():
        raise FtcostError(f"{path} is empty; give a request body or one body per line.")
    try:
        whole = json.loads(text)
    except (ValueError, RecursionError):
        whole = None
    if isinstance(whole, dict):
        kind = "batch" if _is_batch_line(whole) else "request"
        return kind, [(1, whole)], []
    if whole is not None:
        raise FtcostError(f"{path} is JSON but not a request body (an object with `messages`).")
    items, errors = [], []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            items.append((number, json.loads(line)))
        except (ValueError, RecursionError):
            errors.append({"line": number, "error": "the line is not valid JSON."})
    batch = bool(items) and all(_is_batch_line(value) for _, value in items)
    return ("batch" if batch else "jsonl"), items, errors


def _is_batch_line(value: Any) -> bool:
    return isinstance(value, dict) and "body" in value and "custom_id" in value


def count_file(path: str, model: str | None, as_of: dt.date) -> dict:
    """The JSON document `count` prints (see the module docstring for its shape)."""
    # deferred: every subcommand module is imported at start-up (ftcost --help); only this command needs it
    from ftcost.dataset.counting import request_tokens

    kind, items, errors = read_requests(path)
    tier = "batch" if kind == "batch" else "standard"
    requests, notes = [], set()
    total, cost, unpriced = 0, Decimal(0), []
    for number, value in items:
        entry: dict[str, Any] = {"line": number}
        body = value
        if _is_batch_line(value):
            entry["custom_id"] = value.get("custom_id")
            body = value.get("body")
            url = value.get("url")
            if url not in (None, "/v1/chat/completions"):
                errors.append({"line": number, "error": f"the Batch line is for {url}, not /v1/chat/completions."})
                continue
        if not isinstance(body, dict):
            errors.append({"line": number, "error": "the line is not a request body (a JSON object with `messages`)."})
            continue
        name = model or body.get("model")
        if not isinstance(name, str) or not name:
            errors.append({"line": number, "error": "the body names no model; give one with --model."})
            continue
        try:
            snapshot, encoding = model_encoding(name, as_of)
            line_notes: set[str] = set()
            tokens = request_tokens(body, encoding, model=snapshot, notes=line_notes)
        except FtcostError as exc:
            errors.append({"line": number, "error": hints.message(exc)})
            continue
        if not snapshot.startswith(MEASURED_PREFIXES):
            line_notes.add(
                f"{snapshot}: estimated with the rules measured on gpt-3.5-turbo, gpt-4 and gpt-4o "
                "(no public measurement for this model)"
            )
        notes |= line_notes
        entry.update(model=snapshot, encoding=encoding, prompt_tokens=tokens)
        usd, why = input_cost(name, tokens, as_of, tier)
        entry["input_cost_usd"] = None if usd is None else str(usd)
        if usd is None:
            unpriced.append(why)
        else:
            cost += usd
        total += tokens
        requests.append(entry)
    doc: dict[str, Any] = {"file": path, "kind": kind}
    if kind == "request":
        # one body: its figures at the top level ({"prompt_tokens": null} when it could not be counted)
        doc.update({k: v for k, v in requests[0].items() if k != "line"} if requests else {"prompt_tokens": None})
    else:
        doc["requests"] = requests
        doc["prompt_tokens"] = total
    priced = bool(requests) and not unpriced
    doc["input_cost_usd"] = str(cost) if priced else None
    doc["input_cost_note"] = (
        f"input tokens at the {tier} tier, prices of {as_of}"
        if priced
        else ("; ".join(sorted(set(unpriced))) if unpriced else "nothing was counted")
    )
    doc["price_as_of"] = as_of.isoformat()
    doc["notes"] = sorted(notes)
    doc["errors"] = sorted(errors, key=lambda e: e["line"])
    return doc


def model_encoding(name: str, as_of: dt.date) -> tuple[str, str]:
    """(snapshot, encoding) for any model ftcost knows, whatever its lifecycle on `as_of`."""
    # deferred: every subcommand module is imported at start-up (ftcost --help); only this command needs it
    from ftcost.cli.analyze import snapshot_of
    from ftcost.models import get_model
    from ftcost.pricing import parse_name

    snapshot = snapshot_of(name, as_of)
    if snapshot == name and name.startswith("ft:"):
        snapshot = snapshot_of(parse_name(name)[0], as_of)  # a fine-tuned model counts as its base
    facts = get_model(snapshot)
    if facts.encoding is None:
        raise FtcostError(f"ftcost cannot count tokens for {facts.id}: its tokenizer is not shipped offline.")
    return facts.id, facts.encoding


def input_cost(name: str, tokens: int, as_of: dt.date, tier: str) -> tuple[Decimal | None, str]:
    """(USD, "") for `tokens` input tokens of `name` on `as_of` in `tier`; (None, why not) when not priced."""
    # deferred: every subcommand module is imported at start-up (ftcost --help); only this command needs it
    from ftcost.pricing import rates, token_cost

    try:
        card = rates(name, as_of, tier)
    except FtcostError as exc:
        return None, hints.message(exc).rstrip(".")
    if card.input is None:
        return None, f"{name} has no input price in the {tier} tier on {as_of}"
    return token_cost(tokens, card.input.price), ""


def render(doc: dict) -> str:
    out = []
    what = {
        "request": _("one request body"),
        "jsonl": _("request bodies (JSONL)"),
        "batch": _("a Batch API input file"),
    }
    out.append(f"{doc['file']}: {what[doc['kind']]}")
    if "requests" in doc:
        for entry in doc["requests"]:
            label = f" ({entry['custom_id']})" if entry.get("custom_id") else ""
            out.append(
                "  "
                + _("line {line}{label}: {tokens} prompt tokens, {model}").format(
                    line=entry["line"], label=label, tokens=f"{entry['prompt_tokens']:,}", model=entry["model"]
                )
            )
        n = len(doc["requests"])
        out.append(
            ngettext(
                "Total: {tokens} prompt tokens in {n} request", "Total: {tokens} prompt tokens in {n} requests", n
            ).format(tokens=f"{doc['prompt_tokens']:,}", n=f"{n:,}")
        )
    elif doc.get("prompt_tokens") is not None:
        out.append(
            "  "
            + _("{tokens} prompt tokens, {model} ({encoding})").format(
                tokens=f"{doc['prompt_tokens']:,}", model=doc["model"], encoding=doc["encoding"]
            )
        )
    if doc["input_cost_usd"] is not None:
        out.append(
            _("Input cost: {cost} ({note})").format(
                cost=format_usd(Decimal(doc["input_cost_usd"])), note=doc["input_cost_note"]
            )
        )
    elif doc["errors"] and not doc.get("requests") and doc.get("prompt_tokens") is None:
        pass  # nothing was counted: the errors below say why
    else:
        out.append(_("Input cost: not priced: {note}").format(note=doc["input_cost_note"]))
    if doc["notes"]:
        out.append(_("Notes:"))
        out.extend(f"  - {note}" for note in doc["notes"])
    if doc["errors"]:
        n = len(doc["errors"])
        out.append(ngettext("Not counted ({n} line):", "Not counted ({n} lines):", n).format(n=f"{n:,}"))
        out.extend("  " + _("line {line}: {error}").format(line=e["line"], error=e["error"]) for e in doc["errors"])
    return "\n".join(out)
