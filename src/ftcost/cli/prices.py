"""`ftcost prices`: the price table on a date, every period of a model, or what changed between two dates."""

from __future__ import annotations

import argparse
import json

from ftcost.cli import provider_opts
from ftcost.cli.common import arg, parse_date
from ftcost.cli.quote import as_of


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "prices",
        help="OpenAI prices on a date, their history, and what changed",
        description="Show the prices in force on a date (default: today), every dated period of a model "
        "(--history), the days prices changed (--versions) or the changes between two dates (--diff). "
        "USD per 1M tokens; training per 1M training tokens (tokens in file × epochs) or per hour.",
    )
    p.add_argument("--as-of", metavar="YYYY-MM-DD", help="the day to show (default: today)")
    p.add_argument("--model", metavar="PATTERN", help="snapshot, alias, ft:BASE, glob (gpt-4o*) or part of a name")
    p.add_argument("--tier", metavar="TIER", help="only this tier: standard, batch, data_sharing, batch_data_sharing, flex, priority")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--history", action="store_true", help="every period, not just the day's prices")
    mode.add_argument("--versions", action="store_true", help="the days on which any price changed")
    mode.add_argument("--diff", nargs=2, metavar=("DATE1", "DATE2"), help="prices added, removed or changed between two days")
    p.add_argument("--json", action="store_true", help="JSON instead of a table")
    provider_opts.add_provider_flag(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    # deferred: every subcommand module is imported at start-up (ftcost --help); only this command needs it
    from ftcost import pricing
    from ftcost.pricing.lookup import check_tier

    if provider_opts.wants_provider(args):
        return provider_opts.run_prices(args, as_of(args.as_of))

    tier = check_tier(args.tier) if args.tier else None
    if args.diff:
        d1, d2 = (arg(parse_date, t, "--diff") for t in args.diff)
        changes = pricing.diff(d1, d2, args.model)
        doc = {"from": d1.isoformat(), "to": d2.isoformat(), "model": args.model,
               "changes": [c.to_dict() for c in changes if tier is None or c.tier == tier]}
        print(json.dumps(doc, indent=2) if args.json else render_diff(d1, d2, [c for c in changes if tier is None or c.tier == tier]))
    elif args.versions:
        days = pricing.price_versions(args.model)
        print(json.dumps({"model": args.model, "versions": [d.isoformat() for d in days]}, indent=2) if args.json
              else render_versions(days, args.model))
    elif args.history:
        rows = pricing.history(args.model, tier)
        aliases = _alias_periods(args.model)
        doc = _rows_doc(rows, model=args.model, tier=tier)
        doc["aliases"] = [{"alias": a.alias, "snapshot": a.snapshot, "effective_from": a.effective_from.isoformat(),
                           "effective_until": a.effective_until.isoformat() if a.effective_until else None,
                           "verified": a.verified, "note": a.note} for a in aliases]
        text = render_rows(rows, f"Every dated price{_for(args.model)} (USD per 1M tokens)", history=True)
        if aliases:
            text += "\n\nWhich snapshot the name meant:\n" + "\n".join(
                f"  {a.alias} → {a.snapshot}  {a.effective_from} → {a.effective_until or 'open'}{'' if a.verified else '*'}"
                for a in aliases)
        print(json.dumps(doc, indent=2) if args.json else text)
    else:
        day = as_of(args.as_of)
        rows = pricing.table(day, args.model, tier)
        print(json.dumps(_rows_doc(rows, as_of=day.isoformat(), model=args.model, tier=tier), indent=2) if args.json
              else render_rows(rows, f"Prices in force on {day}{_for(args.model)} (USD per 1M tokens)", history=False))
    return 0


def _alias_periods(pattern: str | None) -> list:
    """The alias periods behind an alias pattern (`gpt-3.5-turbo`, `ft:gpt-3.5-turbo`), else none."""
    # deferred: every subcommand module is imported at start-up (ftcost --help); only this command needs it
    from ftcost.pricing import load_pricing, parse_name

    if not pattern or any(ch in pattern for ch in "*?["):
        return []
    return load_pricing().alias_periods(parse_name(pattern)[0])


def _for(pattern: str | None) -> str:
    return f" for {pattern}" if pattern else ""


def _rows_doc(rows, **head) -> dict:
    # deferred: every subcommand module is imported at start-up (ftcost --help); only this command needs it
    from ftcost.pricing import load_pricing

    sources = load_pricing().sources
    keys = sorted({k for r in rows for k, _ in r.sources}, key=_source_order)
    return {**head, "rows": [r.to_dict() for r in rows],
            "sources": {k: {"title": sources[k].title, "url": sources[k].url} for k in keys}}


def _source_order(key: str):
    return key[0], int(key[1:]) if key[1:].isdigit() else 0


def render_rows(rows, title: str, history: bool) -> str:
    # deferred: every subcommand module is imported at start-up (ftcost --help); only this command needs it
    from ftcost.money import format_price
    from ftcost.pricing import load_pricing

    if not rows:
        return title + "\n  (nothing in force)"

    def cell(value, hourly=False):
        return "—" if value is None else format_price(value) + ("/h" if hourly else "")

    head = ["model", "kind", "tier", "input", "cached", "output", "training", "from"]
    if history:
        head.append("until")
    head.append("sources")
    body = []
    for r in rows:
        line = [r.model, r.kind, r.tier, cell(r.input), cell(r.cached_input), cell(r.output),
                cell(r.price, r.kind == "training_hour"), str(r.effective_from) + ("" if r.verified else "*")]
        if history:
            line.append(str(r.effective_until) if r.effective_until else "open")
        line.append(" ".join(k for k, _ in r.sources))
        body.append(line)
    out = [title, ""] + _grid(head, body)
    unverified = [r for r in rows if not r.verified]
    if unverified:
        out += ["", "* unverified (the source is unsure of the price or its dates):"]
        out += [f"  {r.model} {r.kind}/{r.tier} from {r.effective_from}: {r.note}" for r in unverified]
    sources = load_pricing().sources
    keys = sorted({k for r in rows for k, _ in r.sources}, key=_source_order)
    out += ["", "Sources:"] + [f"  {k:<4} {sources[k].title} — {sources[k].url}" for k in keys]
    return "\n".join(out)


def render_diff(d1, d2, changes) -> str:
    # deferred: every subcommand module is imported at start-up (ftcost --help); only this command needs it
    from ftcost.money import format_price

    title = f"Price changes between {d1} and {d2} (USD per 1M tokens)"
    if not changes:
        return title + "\n  (no change)"

    def money(v):
        return format_price(v) if v is not None else "not offered"

    out = [title, ""]
    for c in changes:
        if c.change == "added":
            parts = ", ".join(f"{f} {money(b)}" for f, _, b in c.fields)
        elif c.change == "removed":
            parts = ", ".join(f"{f} was {money(a)}" for f, a, _ in c.fields)
        else:
            parts = ", ".join(f"{f} {money(a)} → {money(b)}" for f, a, b in c.fields)
        row = c.after or c.before
        why = f" (from {c.after.effective_from}; {' '.join(k for k, _ in c.after.sources)})" if c.after else \
            f" ({c.before.ends_because or 'ended'})"
        out.append(f"  {c.change:<8} {row.model} {row.kind}/{row.tier}: {parts}{why}")
    return "\n".join(out)


def render_versions(days, pattern) -> str:
    # deferred: every subcommand module is imported at start-up (ftcost --help); only this command needs it
    from ftcost import pricing

    out = [f"Days on which a price{_for(pattern)} started, ended or changed:"]
    for day in days:
        n = len(pricing.diff(day.fromordinal(day.toordinal() - 1), day, pattern))
        out.append(f"  {day}  {n} change{'s' if n != 1 else ''}")
    return "\n".join(out)


def _grid(head: list[str], body: list[list[str]]) -> list[str]:
    widths = [max(len(str(x)) for x in col) for col in zip(head, *body)]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    return [fmt.format(*head).rstrip(), fmt.format(*("-" * w for w in widths)).rstrip()] + [fmt.format(*r).rstrip() for r in body]
