"""Formatting shared by the views: token counts, signed amounts, per-answer costs."""

from __future__ import annotations

from decimal import Decimal

from ftcost.i18n import number
from ftcost.money import format_usd


def tokens(n: int) -> str:
    """A count in the current language's number format (`1,234`)."""
    return number(n)


def signed_usd(amount: Decimal) -> str:
    """`+$1,234.56` / `-$1,234.56`: a difference, whose sign Streamlit's metric turns into an arrow."""
    return ("+" if amount > 0 else "") + format_usd(amount)


def per_answer_usd(amount: Decimal | None) -> str:
    """A cost per answer to a hundredth of a cent ($0.0123): cents alone would make options look equal."""
    return "—" if amount is None else format_usd(amount, places=4)
