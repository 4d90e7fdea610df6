"""The formatting every reader-facing surface shares: the CLI prints these, the report renders them, the pages
wrap them. One rule each: token counts, percentages, plain decimals, months, lists of line numbers, progress,
and the few USD forms `ftcost.money` does not already give (signed, per answer, to a hundredth of a cent).

Rounding for display is half-up everywhere, as `ftcost.money` rounds money (Python's own `round`, `%` formats
and `Decimal.quantize` default to half-even, which would show 12.25 % as 12.2 % beside $12.25 shown as $12.25).

Imports nothing heavy (no pandas): the CLI uses this module without loading the app's frames.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from ftcost.i18n import N_, N_plural, Notice, _, ngettext, number, percent, share_percent
from ftcost.money import Display, format_price, format_usd

#: Line numbers listed per problem before "… and N more": the CLI's summary, the Dataset page's table and the
#: pilot's refusal all cut here (the full list is in `ftcost analyze FILE --json` and the page's CSV download).
LINES_SHOWN = 10

CENT = Decimal("0.01")


def tokens(n: int) -> str:
    """A count in the current language's number format (`1,234`)."""
    return number(n)


def rounded(value: Decimal, places: int) -> str:
    """A decimal to `places` decimals, rounded half-up like money, in the language's number format (`1,234.6`)."""
    return number(_half_up(value, places), places=places)


def pct(value: Decimal | None, places: int = 1) -> str:
    """`12.3%` (rounded half-up to one decimal); `—` for no value."""
    if value is None:
        return "—"
    return percent(_half_up(value, places), places=places)


def _half_up(value: Decimal, places: int) -> Decimal:
    shown = Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return abs(shown) if shown == 0 else shown  # no "-0.0": a value that rounds to nothing has no sign


def chance(p: float) -> str:
    """A probability from the simulation as a whole percentage (`73%`): only none or all of the draws read 0% or
    100% (i18n.share_percent, the one rule for every page and report)."""
    return share_percent(p)


def plain(value: Decimal, places: int | None = None) -> str:
    """A decimal as written, without trailing zeros or exponent, in the language's number format: 24, 2.5,
    0.125, 1,000 (hours, minutes, medians); with `places`, rounded half-up to at most that many decimals."""
    value = Decimal(value) if places is None else _half_up(value, places)
    return number(value.normalize())


def number_text(value: float | int) -> str:
    """A number typed into a box, as a sentence repeats it: 30,000 · 2.5 · -5 (the float's shortest form, so
    a typed 0.1 reads 0.1, not 0.1000000000000000055511151231257827)."""
    return plain(Decimal(str(value)))


def statistic(value: float | int | None, missing: str = "—") -> str:
    """A figure of the dataset's statistics: a whole number as a count (`1,234`), a fraction to one decimal
    (`12.5`, rounded half-up); `missing` for none (an empty file has no median)."""
    if value is None:
        return missing
    if isinstance(value, float) and not value.is_integer():
        return rounded(Decimal(repr(value)), 1)
    return tokens(int(value))


def epochs_basis(one_off, auto: str) -> str:
    """What a fine-tune's epochs rest on, as a suffix: nothing when the scenario states them; the provider's documented
    default when the plan used it (Together: 1); else `auto`, the caller's wording of OpenAI's auto rule."""
    if not one_off.epochs_estimated:
        return ""
    if one_off.epochs_default:
        return _(" ({provider}'s default when none is set)").format(provider=one_off.epochs_default)
    return auto


def cents(amount: Decimal) -> Decimal:
    """Money as a reader sees it: rounded half-up to the cent (the engine keeps exact amounts)."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def months(n: int) -> str:
    """`12 months` / `1 month` (Chinese: `12 個月`)."""
    return ngettext("{n} month", "{n} months", n).format(n=number(n))


def month_text(month: int | None, horizon: int) -> str:
    """`month 4`, or `not within 12 months`."""
    if month is not None:
        return _("month {month}").format(month=month)
    return _("not within {months}").format(months=months(horizon))


def line_list(lines: Sequence[int], total: int | None = None, shown: int = LINES_SHOWN) -> str:
    """`3, 7, 12`, or `3, 7, 12 … and 4,210 more` past `shown` numbers; "" for none. `total` is how many lines
    there are when `lines` holds only the first of them (an analysis that capped the lines it kept)."""
    head, more = _cut(lines, total, shown)
    return head + (_(" … and {n} more").format(n=tokens(more)) if more else "")


def lines_text(lines: Sequence[int], total: int | None = None, shown: int = LINES_SHOWN) -> str:
    """`line 3`, `lines 3, 7, 12`, `lines 3, 7, 12 … and 4,210 more`, or `the whole file` (no line numbers: a
    problem of the file as a whole); `total` as for `line_list`."""
    return lines_notice(lines, total, shown).text()


def lines_notice(lines: Sequence[int], total: int | None = None, shown: int = LINES_SHOWN) -> Notice:
    """`lines_text` as a Notice, for a sentence the library builds and the reader sees later in their language."""
    if not lines:
        return Notice(N_("the whole file"))
    head, more = _cut(lines, total, shown)
    if more:  # one sentence, not "lines {…}" around "… and N more": Chinese puts 第…行 around the numbers only
        return Notice(N_("lines {lines} … and {n} more"), lines=head, n=more)
    return Notice(N_plural("line {lines}", "lines {lines}"), lines=head, n=len(lines))


def _cut(lines: Sequence[int], total: int | None, shown: int) -> tuple[str, int]:
    """The first `shown` line numbers as text, and how many lines there are beyond them."""
    total = len(lines) if total is None else max(total, len(lines))
    listed = min(len(lines), shown)
    return ", ".join(str(n) for n in lines[:listed]), total - listed


def progress_percent(done: int, total: int) -> int:
    """How much of a file is read, as a whole percentage for a progress bar (100 for an empty file)."""
    return min(100, done * 100 // total) if total else 100


def price_text(price: Decimal | None, missing: str = "—", money: Display | None = None) -> str:
    """A unit price exactly as published (`$0.075`), or in the reader's currency and locale with `money`;
    `missing` where there is none."""
    if price is None:
        return missing
    return format_price(price) if money is None else money.price(price)


def rate_price(entry, money: Display | None = None) -> str:
    """A provider's rate as it reads in its row: `$0.30 in / $1.20 out` for inference, else its one price;
    in the reader's currency and locale with `money`."""
    if entry.kind == "inference":
        return _("{input} in / {output} out").format(
            input=price_text(entry.input, money=money), output=price_text(entry.output, money=money)
        )
    return price_text(entry.price, money=money)


def signed_usd(amount: Decimal) -> str:
    """`+$1,234.56` / `-$1,234.56`: a difference, whose sign Streamlit's metric turns into an arrow."""
    return ("+" if amount > 0 else "") + format_usd(amount)


def fine_usd(amount: Decimal | None, missing: str = "—") -> str:
    """An amount to a hundredth of a cent ($0.0123): the cost of a few API calls, or of one answer, where
    cents alone would show options as equal; `missing` when there is no price."""
    return missing if amount is None else format_usd(amount, places=4)


def per_answer_usd(amount: Decimal | None) -> str:
    """A cost per answer to a hundredth of a cent ($0.0123): cents alone would make options look equal."""
    return fine_usd(amount)
