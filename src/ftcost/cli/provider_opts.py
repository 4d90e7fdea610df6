"""`--provider P` for `ftcost prices` and `ftcost quote`: providers other than OpenAI, from pricing/providers/.

Kept apart from prices.py / quote.py so those modules only gain a flag and a two-line hand-off.
"""

from __future__ import annotations

import argparse
import json
from decimal import Decimal, InvalidOperation

from ftcost.cli.common import arg, non_negative_int, parse_hours, positive_int
from ftcost.errors import FtcostError

OPENAI = "openai"


def add_provider_flag(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--provider",
        metavar="P",
        default=None,
        help="openai (default), azure, vertex, bedrock, together, fireworks, self-hosted, or a stopped one "
        "(mistral, cohere, openpipe)",
    )


def add_quote_flags(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("with --provider (providers other than OpenAI)")
    g.add_argument("--method", default="sft", choices=["sft", "dpo", "rft"], help="training method (default sft)")
    g.add_argument(
        "--adapter", default="lora", choices=["lora", "full"], help="LoRA or full fine-tuning (default lora)"
    )
    g.add_argument(
        "--training-tier", metavar="TIER", help="Azure training tier: regional, data_zone, global, developer"
    )
    g.add_argument(
        "--deployment",
        metavar="D",
        help="serverless, dedicated, standard, global_standard, developer, provisioned (default: the model's first)",
    )
    g.add_argument(
        "--deployments", default="1", metavar="N", help="always-on deployments or dedicated replicas (default 1)"
    )
    g.add_argument(
        "--gpu", default="H100", metavar="GPU", help="GPU for self-hosting and dedicated serving (default H100)"
    )
    g.add_argument(
        "--month",
        default="730-hour",
        choices=["730-hour", "30-day"],
        help="hours in a month for hourly fees: 730 (8,760/12, default) or 720 (30 days)",
    )
    g.add_argument("--validation-tokens", default="0", metavar="N", help="tokens in the validation file")
    g.add_argument(
        "--n-evals", default="0", metavar="N", help="validation passes (billed where the provider bills them)"
    )
    g.add_argument(
        "--existing-customer",
        action="store_true",
        help="the subscription has deployed this model version (Azure keeps training open longer)",
    )
    g.add_argument(
        "--rate",
        action="append",
        default=[],
        metavar="KIND=PRICE",
        help="the team's negotiated rate, e.g. training_mtok=2.00, hosting_hour=1.50, inference=0.44/1.76",
    )


def wants_provider(args: argparse.Namespace) -> bool:
    return bool(getattr(args, "provider", None)) and args.provider != OPENAI


def run_prices(args: argparse.Namespace, day) -> int:
    # deferred: every subcommand module is imported at start-up (ftcost --help); only this command needs it
    from ftcost.pricing.providers import load_providers

    p = load_providers().get(args.provider)
    rows = p.rates_on(day)
    if args.json:
        doc = {
            "provider": p.id,
            "name": p.info.name,
            "status": p.info.status,
            "as_of": day.isoformat(),
            "accepts_jobs": p.accepts_jobs_on(day),
            "stopped_on": _iso(p.info.stopped_on),
            "stopped_by": _iso(p.info.stopped_by),
            "access": p.info.access,
            "models": [_model_doc(m) for m in p.models],
            "rates": [_rate_doc(r) for r in rows],
            "absent": [{"what": a.what, "note": a.note} for a in p.absent],
            "sources": {k: {"title": s.title, "url": s.url, "primary": s.primary} for k, s in p.sources.items()},
        }
        print(json.dumps(doc, indent=2, ensure_ascii=False))
    else:
        print(render_provider(p, day, rows))
    return 0


def render_provider(p, day, rows) -> str:
    # deferred: every subcommand module is imported at start-up (ftcost --help); only this command needs it
    from ftcost.money import format_price
    from ftcost.pricing.providers import counting_tokenizer
    from ftcost.views.common import rate_price  # the Prices page's wording of a rate

    if p.info.status == "stopped":
        when = f"on {p.info.stopped_on}" if p.info.stopped_on else f"by {p.info.stopped_by} (day not published)"
        status = f"stopped {when}"
    else:
        status = "accepting fine-tuning jobs"
    out = [f"{p.info.name} ({p.id}): {status}"]
    if p.info.access:
        out.append(f"  Access: {p.info.access}")
    if p.info.billing_rule:
        out.append(f"  Billing: {p.info.billing_rule}")
    if p.info.note:
        out.append(f"  Note: {p.info.note}")
    if p.models:
        out += ["", "Models:"]
        for m in p.models:
            size = f" {m.params_b}B" if m.params_b else ""
            est = " (estimated counts)" if counting_tokenizer(m.tokenizer)[1] else ""
            dates = [
                f"training until {m.training_until}" if m.training_until else "",
                f"existing customers until {m.training_until_existing_customers}"
                if m.training_until_existing_customers
                else "",
                f"serving until {m.serving_until}" if m.serving_until else "",
                "retires with its base" if m.retires_with_base else "",
            ]
            out.append(
                f"  {m.id}{size} · tokenizer {m.tokenizer}{est} · {', '.join(m.methods)} · "
                f"{'/'.join(m.deployments)}" + "".join(f" · {d}" for d in dates if d)
            )
    out += ["", f"Rates in force on {day}:"]
    if not rows:
        out.append("  (none)")
    for r in rows:
        e = r.entry
        price = rate_price(e)
        cap = f", cap {format_price(e.cap)} per job" if e.cap else ""
        flag = "" if e.verified else "*"
        out.append(
            f"  {r.describe():<46} {price} {r.unit.removeprefix('USD ')}{cap}  from {e.effective_from}{flag}"
            f"  [{' '.join(k for k, _ in r.sources)}]"
        )
    if any(not r.entry.verified for r in rows):
        out.append("  * unverified: secondary sources only, or they conflict (see --json notes)")
    if p.absent:
        out += ["", "Looked for and not found (never priced as 0):"] + [f"  {a.what}: {a.note}" for a in p.absent]
    out += ["", "Sources:"] + [
        f"  {k:<4} {s.title} — {s.url}{'' if s.primary else ' (secondary)'}" for k, s in p.sources.items()
    ]
    return "\n".join(out)


def run_quote(args: argparse.Namespace, day) -> int:
    # deferred: every subcommand module is imported at start-up (ftcost --help); only this command needs it
    from ftcost.pricing.provider_quote import provider_quote

    hours = arg(parse_hours, args.training_hours, "--training-hours")
    q = provider_quote(
        args.provider,
        args.model,
        as_of=day,
        training_tokens=arg(non_negative_int, args.training_tokens, "--training-tokens"),
        epochs=arg(positive_int, args.epochs, "--epochs"),
        validation_tokens=arg(non_negative_int, args.validation_tokens, "--validation-tokens"),
        n_evals=arg(non_negative_int, args.n_evals, "--n-evals"),
        method=args.method,
        adapter=args.adapter,
        tier=args.training_tier,
        training_hours=hours if args.method == "rft" else None,
        input_tokens=arg(non_negative_int, args.input_tokens, "--input-tokens"),
        output_tokens=arg(non_negative_int, args.output_tokens, "--output-tokens"),
        deployment=args.deployment,
        deployments=arg(non_negative_int, args.deployments, "--deployments"),
        gpu=args.gpu,
        month=args.month,
        existing_customer=args.existing_customer,
        team_rates=tuple(parse_team_rate(t) for t in args.rate),
    )
    print(json.dumps(q.to_dict(), indent=2, ensure_ascii=False) if args.json else render_quote(q))
    return 0


def render_quote(q) -> str:
    # deferred: every subcommand module is imported at start-up (ftcost --help); only this command needs it
    from ftcost.money import format_usd

    out = [f"{q.model} at {q.provider_name} · prices in force on {q.as_of} · hourly fees over a {q.month} month", ""]
    rows = []
    for part, title in (("one_off", "One-off"), ("monthly", "Per month")):
        lines = [ln for ln in q.lines if ln.part == part]
        if not lines:
            continue
        rows.append((title, "", ""))
        for ln in lines:
            rows.append(("  " + ln.label, ln.detail, format_usd(ln.usd) if ln.usd is not None else "not priced"))
        known = [ln for ln in lines if ln.usd is not None]
        if not known:
            total = "not priced"
        elif len(known) < len(lines):
            total = f"{format_usd(q.total(part))} + what is not priced"
        else:
            total = format_usd(q.total(part))
        rows.append(("  total", "", total))
    w0 = max(len(a) for a, _, _ in rows)
    w1 = max(len(b) for _, b, _ in rows)
    out += [f"  {a:<{w0}}  {b:<{w1}}  {c}".rstrip() for a, b, c in rows]
    out += ["", "Rates used:"]
    for ln in q.lines:
        if ln.rate is not None:
            flag = "" if ln.rate.verified else " (unverified)" if ln.source != "the team's figure" else ""
            out.append(f"  {ln.label}: {ln.source}{flag}")
        elif ln.note:
            out.append(f"  {ln.label}: not priced — {ln.note}")
    if q.notes:
        out += ["", "Notes:"] + [f"  - {n}" for n in q.notes]
    return "\n".join(out)


def parse_team_rate(text: str):
    """`KIND=PRICE` (or inference=IN/OUT, training_hour=PRICE/CAP) → TeamRate; a bad one is one sentence."""
    # deferred: every subcommand module is imported at start-up (ftcost --help); only this command needs it
    from ftcost.pricing.provider_quote import TeamRate
    from ftcost.pricing.providers import UNITS

    kind, sep, value = text.partition("=")
    kind = kind.strip()
    if not sep or kind not in UNITS:
        raise FtcostError(f"--rate {text!r}: write KIND=PRICE with KIND one of {', '.join(UNITS)}.")
    parts = [_price(v, text) for v in value.split("/")]
    if kind == "inference":
        if len(parts) != 2:
            raise FtcostError(
                f"--rate {text!r}: an inference rate is INPUT/OUTPUT per 1M tokens, e.g. inference=0.44/1.76."
            )
        return TeamRate(kind, input=parts[0], output=parts[1])
    if len(parts) == 2 and kind == "training_hour":
        return TeamRate(kind, price=parts[0], cap=parts[1])
    if len(parts) != 1:
        raise FtcostError(f"--rate {text!r}: one price expected.")
    return TeamRate(kind, price=parts[0])


def _price(text: str, whole: str) -> Decimal:
    try:
        value = Decimal(text.strip().lstrip("$").replace(",", ""))
    except InvalidOperation:
        raise FtcostError(f"--rate {whole!r}: {text!r} is not a price.") from None
    if not value.is_finite() or value <= 0:
        raise FtcostError(f"--rate {whole!r}: a price is a positive number of USD.")
    return value


def _iso(d):
    return d.isoformat() if d else None


def _model_doc(m) -> dict:
    # deferred: every subcommand module is imported at start-up (ftcost --help); only this command needs it
    from ftcost.pricing.providers import counting_tokenizer

    return {
        "id": m.id,
        "params_b": str(m.params_b) if m.params_b else None,
        "tokenizer": m.tokenizer,
        "tokens_estimated": counting_tokenizer(m.tokenizer)[1] is not None,
        "methods": m.methods,
        "deployments": m.deployments,
        "training_until": _iso(m.training_until),
        "training_until_existing_customers": _iso(m.training_until_existing_customers),
        "serving_until": _iso(m.serving_until),
        "retires_with_base": m.retires_with_base,
        "verified": m.verified,
        "note": m.note,
    }


def _rate_doc(r) -> dict:
    # deferred: every subcommand module is imported at start-up (ftcost --help); only this command needs it
    from ftcost.money import decimal_str

    e = r.entry
    doc = {"kind": e.kind, "unit": r.unit, "describe": r.describe()}
    for name in ("price", "input", "output", "cap"):
        if getattr(e, name) is not None:
            doc[name] = decimal_str(getattr(e, name))
    for name in ("model", "method", "adapter", "tier", "deployment", "gpu", "vendor"):
        if getattr(e, name):
            doc[name] = getattr(e, name)
    if r.bracket():
        doc["bracket"] = r.bracket()
    doc.update(
        {
            "effective_from": e.effective_from.isoformat(),
            "effective_until": _iso(e.effective_until),
            "sources": [{"key": k, "url": u} for k, u in r.sources],
            "checked": e.checked.isoformat(),
            "verified": e.verified,
            "note": e.note,
        }
    )
    return doc
