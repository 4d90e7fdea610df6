"""How long and which month, in the reader's language: `12 months`, `month 7`, `not within 24 months`.

The report and the views both say these; they live below both so that neither has to import the other for them.
"""

from __future__ import annotations

from ftcost.i18n import _, ngettext, number


def months(n: int) -> str:
    """`12 months` / `1 month` (Chinese: `12 個月`)."""
    return ngettext("{n} month", "{n} months", n).format(n=number(n))


def month_text(month: int | None, horizon: int) -> str:
    if month is not None:
        return _("month {month}").format(month=month)
    return _("not within {months}").format(months=months(horizon))
