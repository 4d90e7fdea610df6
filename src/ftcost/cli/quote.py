"""`ftcost quote MODEL`: what given token counts cost on a date, itemised, with the source of each rate."""

from __future__ import annotations

import argparse
import datetime as dt
import json

from ftcost.cli import provider_opts
from ftcost.cli.common import add_language, arg, non_negative_int, pad, parse_date, parse_hours, positive_int, width
from ftcost.i18n import _, ngettext


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "quote",
        help="price token counts for any model name on any date, with sources",
        description="Price token counts for a model on a date. MODEL may be a snapshot (gpt-4o-mini-2024-07-18), "
        "an alias resolved as of the date (gpt-3.5-turbo) or a fine-tuned name (ft:gpt-4o-mini-2024-07-18:org::id), "
        "which is priced at fine-tuned rates. Training is charged as training tokens × epochs at the base's rate.",
    )
    p.add_argument("model", help="model name: snapshot, alias or ft:BASE[:ORG:SUFFIX:ID]")
    p.add_argument("--input-tokens", default="0", metavar="N", help="prompt tokens, cached ones included")
    p.add_argument("--output-tokens", default="0", metavar="N", help="completion tokens")
    p.add_argument("--cached-input-tokens", default="0", metavar="N", help="the part of the input served from cache")
    p.add_argument("--training-tokens", default="0", metavar="N", help="tokens in the training file")
    p.add_argument("--epochs", default="1", metavar="E", help="training epochs (default 1)")
    p.add_argument("--training-hours", default="0", metavar="H", help="reinforcement fine-tuning hours (o4-mini)")
    p.add_argument("--as-of", metavar="YYYY-MM-DD", help="price date (default: today)")
    p.add_argument(
        "--tier",
        default="standard",
        metavar="TIER",
        help="standard (default), batch, data_sharing, batch_data_sharing, flex, priority",
    )
    p.add_argument("--promotions", action="store_true", help="apply free-training promotions in force that day")
    p.add_argument("--json", action="store_true", help="one JSON object (amounts as exact decimal strings)")
    provider_opts.add_provider_flag(p)
    provider_opts.add_quote_flags(p)
    add_language(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    # deferred: every subcommand module is imported at start-up (ftcost --help); only this command needs it
    from ftcost.pricing import quote

    if provider_opts.wants_provider(args):
        return provider_opts.run_quote(args, as_of(args.as_of))

    q = quote(
        args.model,
        input_tokens=arg(non_negative_int, args.input_tokens, "--input-tokens"),
        output_tokens=arg(non_negative_int, args.output_tokens, "--output-tokens"),
        cached_input_tokens=arg(non_negative_int, args.cached_input_tokens, "--cached-input-tokens"),
        training_tokens=arg(non_negative_int, args.training_tokens, "--training-tokens"),
        epochs=arg(_epochs, args.epochs, "--epochs"),
        training_hours=arg(parse_hours, args.training_hours, "--training-hours"),
        as_of=as_of(args.as_of),
        tier=args.tier,
        apply_promotions=args.promotions,
    )
    print(json.dumps(q.to_dict(), indent=2, ensure_ascii=False) if args.json else render(q))
    return 0


def as_of(text: str | None) -> dt.date:
    return dt.date.today() if text is None else arg(parse_date, text, "--as-of")


#: OpenAI's fine-tuning API takes n_epochs from 1 to 50.
MAX_EPOCHS = 50


def _epochs(text: str) -> int:
    value = positive_int(text)
    if value > MAX_EPOCHS:
        raise argparse.ArgumentTypeError(f"{text!r} is more than OpenAI's {MAX_EPOCHS} epochs")
    return value


def render(q) -> str:
    # deferred: every subcommand module is imported at start-up (ftcost --help); only this command needs it
    from ftcost.money import format_price, format_usd

    what = _("{model} via {alias}").format(model=q.resolved_model, alias=q.alias) if q.alias else q.resolved_model
    if q.fine_tuned:
        what = _("fine-tuned {model}").format(model=what)
    head = _("{name}: {model} · {tier} tier · prices in force on {date}").format(
        name=q.model, model=what, tier=_(q.tier) if q.tier in ("standard", "batch") else q.tier, date=q.as_of
    )
    lines = []
    tokens = lambda n: ngettext("{n} token", "{n} tokens", n).format(n=f"{n:,}")  # noqa: E731

    def item(label, detail, usd):
        lines.append((label, detail, format_usd(usd)))

    r = q.rates
    uncached = q.input_tokens - q.cached_input_tokens
    trains = q.training_tokens or q.training_hours
    if uncached or not (q.cached_input_tokens or q.output_tokens or trains):
        item(_("input"), f"{tokens(uncached)} × {format_price(r['input'].price)} / 1M", q.input_usd)
    if q.cached_input_tokens:
        item(
            _("cached input"),
            f"{tokens(q.cached_input_tokens)} × {format_price(r['cached_input'].price)} / 1M",
            q.cached_input_usd,
        )
    if q.output_tokens:
        item(_("output"), f"{tokens(q.output_tokens)} × {format_price(r['output'].price)} / 1M", q.output_usd)
    if "training" in r:
        epochs = ngettext("{n} epoch", "{n} epochs", q.epochs).format(n=q.epochs)
        item(
            _("training"),
            f"{tokens(q.training_tokens)} × {epochs} × {format_price(r['training'].price)} / 1M",
            q.training_usd,
        )
    if "training_hour" in r:
        item(
            _("training (RFT)"),
            _("{hours} h × {price} / hour").format(
                hours=q.training_hours, price=format_price(r["training_hour"].price)
            ),
            q.training_usd,
        )
    if q.promotion_usd:
        lines.append((_("promotion"), _("free training tokens (already deducted)"), "-" + format_usd(q.promotion_usd)))
    lines.append((_("total"), "", format_usd(q.total_usd)))
    w0 = max(width(a) for a, _b, _c in lines)
    w1 = max(width(b) for _a, b, _c in lines)
    w2 = max(width(c) for _a, _b, c in lines)
    out = [head, ""] + [f"  {pad(a, w0)}  {pad(b, w1)}  {pad(c, w2, right=True)}" for a, b, c in lines]
    out += ["", _("Rates used:")]
    for name, rate in r.items():
        until = rate.effective_until or _("open")
        flag = "" if rate.verified else "  " + _("(unverified)")
        unit = rate.unit.removeprefix("USD ")
        out.append(
            f"  {name:<13} {format_price(rate.price)} {unit}, {rate.kind}/{rate.tier}, {rate.effective_from} → {until}{flag}"
        )
        out += [f"  {'':<13} {key} {url}" for key, url in rate.sources]
    if q.notes:
        out += ["", _("Notes:")] + [f"  - {n}" for n in q.notes]
    return "\n".join(out)
