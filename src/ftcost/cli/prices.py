"""`ftcost prices`: the price table on a date, every period of a model, or what changed between two dates."""

from __future__ import annotations

import argparse
import json

from ftcost.cli import provider_opts
from ftcost.cli.common import add_language, arg, pad, parse_date, width
from ftcost.cli.quote import as_of
from ftcost.i18n import N_, _, ngettext


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
    p.add_argument(
        "--tier",
        metavar="TIER",
        help="only this tier: standard, batch, data_sharing, batch_data_sharing, flex, priority",
    )
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--history", action="store_true", help="every period, not just the day's prices")
    mode.add_argument("--versions", action="store_true", help="the days on which any price changed")
    mode.add_argument(
        "--diff", nargs=2, metavar=("DATE1", "DATE2"), help="prices added, removed or changed between two days"
    )
    p.add_argument("--json", action="store_true", help="JSON instead of a table")
    provider_opts.add_provider_flag(p)
    add_language(p)
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
        doc = {
            "from": d1.isoformat(),
            "to": d2.isoformat(),
            "model": args.model,
            "changes": [c.to_dict() for c in changes if tier is None or c.tier == tier],
        }
        print(
            json.dumps(doc, indent=2)
            if args.json
            else render_diff(d1, d2, [c for c in changes if tier is None or c.tier == tier])
        )
    elif args.versions:
        days = pricing.price_versions(args.model)
        print(
            json.dumps({"model": args.model, "versions": [d.isoformat() for d in days]}, indent=2)
            if args.json
            else render_versions(days, args.model)
        )
    elif args.history:
        rows = pricing.history(args.model, tier)
        aliases = _alias_periods(args.model)
        doc = _rows_doc(rows, model=args.model, tier=tier)
        doc["aliases"] = [
            {
                "alias": a.alias,
                "snapshot": a.snapshot,
                "effective_from": a.effective_from.isoformat(),
                "effective_until": a.effective_until.isoformat() if a.effective_until else None,
                "verified": a.verified,
                "note": a.note,
            }
            for a in aliases
        ]
        title = (
            _("Every dated price for {model} (USD per 1M tokens)").format(model=args.model)
            if args.model
            else _("Every dated price (USD per 1M tokens)")
        )
        text = render_rows(rows, title, history=True)
        if aliases:
            text += (
                "\n\n"
                + _("Which snapshot the name meant:")
                + "\n"
                + "\n".join(
                    f"  {a.alias} → {a.snapshot}  {a.effective_from} → {a.effective_until or _('open')}"
                    f"{'' if a.verified else '*'}"
                    for a in aliases
                )
            )
        print(json.dumps(doc, indent=2) if args.json else text)
    else:
        day = as_of(args.as_of)
        rows = pricing.table(day, args.model, tier)
        print(
            json.dumps(_rows_doc(rows, as_of=day.isoformat(), model=args.model, tier=tier), indent=2)
            if args.json
            else render_rows(
                rows,
                (
                    _("Prices in force on {date} for {model} (USD per 1M tokens)")
                    if args.model
                    else _("Prices in force on {date} (USD per 1M tokens)")
                ).format(date=day, model=args.model),
                history=False,
            )
        )
    return 0


def _alias_periods(pattern: str | None) -> list:
    """The alias periods behind an alias pattern (`gpt-3.5-turbo`, `ft:gpt-3.5-turbo`), else none."""
    # deferred: every subcommand module is imported at start-up (ftcost --help); only this command needs it
    from ftcost.pricing import load_pricing, parse_name

    if not pattern or any(ch in pattern for ch in "*?["):
        return []
    return load_pricing().alias_periods(parse_name(pattern)[0])


def _rows_doc(rows, **head) -> dict:
    # deferred: every subcommand module is imported at start-up (ftcost --help); only this command needs it
    from ftcost.pricing import load_pricing

    sources = load_pricing().sources
    keys = sorted({k for r in rows for k, _ in r.sources}, key=_source_order)
    return {
        **head,
        "rows": [r.to_dict() for r in rows],
        "sources": {k: {"title": sources[k].title, "url": sources[k].url} for k in keys},
    }


def _source_order(key: str):
    return key[0], int(key[1:]) if key[1:].isdigit() else 0


#: The price table's columns (translated when shown).
HEAD = (N_("model"), N_("kind"), N_("tier"), N_("input"), N_("cached"), N_("output"), N_("training"), N_("from"))
#: What happened to a price between two dates (`pricing.diff`), in the catalogue.
CHANGES = (N_("added"), N_("removed"), N_("changed"))


def render_rows(rows, title: str, history: bool) -> str:
    # deferred: every subcommand module is imported at start-up (ftcost --help); only this command needs it
    from ftcost.money import format_price
    from ftcost.pricing import load_pricing

    if not rows:
        return title + "\n  " + _("(nothing in force)")

    def cell(value, hourly=False):
        return "—" if value is None else format_price(value) + ("/h" if hourly else "")

    head = [_(h) for h in HEAD]
    if history:
        head.append(_("until"))
    head.append(_("sources"))
    body = []
    for r in rows:
        line = [
            r.model,
            r.kind,
            r.tier,
            cell(r.input),
            cell(r.cached_input),
            cell(r.output),
            cell(r.price, r.kind == "training_hour"),
            str(r.effective_from) + ("" if r.verified else "*"),
        ]
        if history:
            line.append(str(r.effective_until) if r.effective_until else _("open"))
        line.append(" ".join(k for k, _ in r.sources))
        body.append(line)
    out = [title, ""] + _grid(head, body)
    unverified = [r for r in rows if not r.verified]
    if unverified:
        out += ["", _("* unverified (the source is unsure of the price or its dates):")]
        out += [
            "  "
            + _("{model} {kind}/{tier} from {date}: {note}").format(
                model=r.model, kind=r.kind, tier=r.tier, date=r.effective_from, note=r.note
            )
            for r in unverified
        ]
    sources = load_pricing().sources
    keys = sorted({k for r in rows for k, _ in r.sources}, key=_source_order)
    out += ["", _("Sources:")] + [f"  {k:<4} {sources[k].title} — {sources[k].url}" for k in keys]
    return "\n".join(out)


def render_diff(d1, d2, changes) -> str:
    # deferred: every subcommand module is imported at start-up (ftcost --help); only this command needs it
    from ftcost.money import format_price

    title = _("Price changes between {start} and {end} (USD per 1M tokens)").format(start=d1, end=d2)
    if not changes:
        return title + "\n  " + _("(no change)")

    def money(v):
        return format_price(v) if v is not None else _("not offered")

    out = [title, ""]
    for c in changes:
        if c.change == "added":
            parts = ", ".join(f"{f} {money(b)}" for f, _a, b in c.fields)
        elif c.change == "removed":
            parts = ", ".join(_("{field} was {price}").format(field=f, price=money(a)) for f, a, _b in c.fields)
        else:
            parts = ", ".join(f"{f} {money(a)} → {money(b)}" for f, a, b in c.fields)
        row = c.after or c.before
        why = (
            " "
            + _("(from {date}; {sources})").format(
                date=c.after.effective_from, sources=" ".join(k for k, _s in c.after.sources)
            )
            if c.after
            else f" ({c.before.ends_because or _('ended')})"
        )
        out.append(f"  {pad(_(c.change), 8)} {row.model} {row.kind}/{row.tier}: {parts}{why}")
    return "\n".join(out)


def render_versions(days, pattern) -> str:
    # deferred: every subcommand module is imported at start-up (ftcost --help); only this command needs it
    from ftcost import pricing

    out = [
        _("Days on which a price for {model} started, ended or changed:").format(model=pattern)
        if pattern
        else _("Days on which a price started, ended or changed:")
    ]
    for day in days:
        n = len(pricing.diff(day.fromordinal(day.toordinal() - 1), day, pattern))
        out.append(f"  {day}  " + ngettext("{n} change", "{n} changes", n).format(n=n))
    return "\n".join(out)


def _grid(head: list[str], body: list[list[str]]) -> list[str]:
    widths = [max(width(str(x)) for x in col) for col in zip(head, *body, strict=True)]

    def line(cells) -> str:  # padded by terminal columns: a Chinese heading takes two per character
        return "  ".join(pad(str(c), w) for c, w in zip(cells, widths, strict=True)).rstrip()

    return [line(head), line("-" * w for w in widths)] + [line(r) for r in body]
