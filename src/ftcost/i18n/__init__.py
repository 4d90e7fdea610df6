"""ftcost in English, Traditional Chinese (zh-Hant) and Simplified Chinese (zh-Hans).

Messages are gettext catalogues (`locales/<zh_Hant|zh_Hans>/LC_MESSAGES/ftcost.po`), read with Babel and
compiled in memory on first use, so nothing has to be built before the app or the CLI runs and no `.mo` file
can go stale. English is the source text: a message a catalogue lacks is shown in English (and the test suite
fails until it is translated, see `ftcost.i18n.catalogue`).

The language is passed explicitly (`gettext(msg, lang)`) or taken from the current context (`use(lang)`), which
the CLI sets from `--lang`/`LANG` and the app from the session's choice. The library never imports Streamlit.

Messages are `str.format` templates with named fields (`_("{option} pays back in month {month}")`), so a
translation may put the fields in another order; numbers are formatted before they are put in (`number`).

Sentences the library builds while it computes (why a fine-tune cannot be done, a warning, a model's successor) are
`Notice`s: the message marked with `N_()` (or `N_plural()`) and its fields, kept apart until a page, the report or
the CLI shows them with `notice.text(lang)`. The library never decides the reader's language; a Notice *is* its
English sentence (a `str`), so code and tests that read the English text are unchanged.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import io
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from decimal import ROUND_HALF_UP, Decimal
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import gettext as _gettext

# babel.dates / babel.numbers are imported where used (~8 ms), and gettext (~1.5 ms with locale) where a
# message is first translated: `analyze_file` reaches this module only through the categories' N_ markers and
# formats no date or number with babel.

#: The languages ftcost speaks, by tag, with their own names (what a selector shows).
LANGUAGES = {"en": "English", "zh-Hant": "繁體中文", "zh-Hans": "简体中文"}
DEFAULT = "en"
#: Babel locale per language: Traditional Chinese as written in Taiwan, Simplified as in mainland China.
LOCALES = {"en": "en", "zh-Hant": "zh_Hant_TW", "zh-Hans": "zh_Hans_CN"}
#: Catalogue folder per translated language (gettext folders cannot hold "-").
CATALOGUES = {"zh-Hant": "zh_Hant", "zh-Hans": "zh_Hans"}
DOMAIN = "ftcost"
LOCALE_DIR = Path(__file__).resolve().parent / "locales"

_current: contextvars.ContextVar[str] = contextvars.ContextVar("ftcost_language", default=DEFAULT)


def normalize(tag: str | None) -> str | None:
    """One of LANGUAGES for a language tag or POSIX locale (`zh_TW.UTF-8`, `zh-HK`, `zh-Hans-CN`, `en-US`),
    None for a language ftcost does not speak.

    Chinese written in Taiwan, Hong Kong and Macau is Traditional; elsewhere (mainland China, Singapore, plain
    `zh`) Simplified, unless the tag names the script.
    """
    if not tag:
        return None
    text = str(tag).strip().split(".")[0].split("@")[0].replace("_", "-").lower()
    if text in ("c", "posix", ""):
        return None
    parts = text.split("-")
    if parts[0] == "en":
        return "en"
    if parts[0] != "zh":
        return None
    if "hant" in parts or any(p in ("tw", "hk", "mo") for p in parts[1:]):
        return "zh-Hant"
    return "zh-Hans"


def from_environment(environ: Mapping[str, str] | None = None) -> str:
    """The language of the POSIX locale (LC_ALL, then LC_MESSAGES, then LANG), English when it names another."""
    env: Mapping[str, str] = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        if env.get(name):
            return normalize(env[name]) or DEFAULT
    return DEFAULT


def check(lang: str | None) -> str:
    """`lang` if ftcost speaks it (any spelling `normalize` reads), else a ValueError naming the choices."""
    if lang in LANGUAGES:
        return lang
    found = normalize(lang)
    if found is None:
        raise ValueError(f"{lang!r} is not a language ftcost speaks; use one of {', '.join(LANGUAGES)}")
    return found


def language() -> str:
    """The language of the current context (English unless `use`/`set_language` chose another)."""
    return _current.get()


def set_language(lang: str) -> None:
    """Choose the language for the rest of this context (a CLI run, one run of an app page)."""
    _current.set(check(lang))


@contextmanager
def use(lang: str | None) -> Iterator[str]:
    """`with use("zh-Hant"):` — messages inside are in that language; the previous one is restored after."""
    token = _current.set(check(lang) if lang else language())
    try:
        yield _current.get()
    finally:
        _current.reset(token)


@cache
def translations(lang: str) -> _gettext.NullTranslations:
    """The compiled catalogue for `lang` (English: none, the messages are the source text)."""
    import gettext as _gettext  # deferred: see the note at the imports; cached, so once per language

    lang = check(lang)
    if lang not in CATALOGUES:
        return _gettext.NullTranslations()
    # deferred: babel compiles a catalogue only the first time its language is used
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    path = LOCALE_DIR / CATALOGUES[lang] / "LC_MESSAGES" / f"{DOMAIN}.po"
    with path.open("rb") as fh:
        catalog = read_po(fh, locale=LOCALES[lang], domain=DOMAIN)
    buf = io.BytesIO()
    write_mo(buf, catalog)  # fuzzy and empty translations are left out: those messages stay English
    buf.seek(0)
    return _gettext.GNUTranslations(buf)


def gettext(message: str, lang: str | None = None) -> str:
    """`message` in `lang` (default: the current context's language)."""
    return translations(lang or language()).gettext(message)


def ngettext(singular: str, plural: str, n: int, lang: str | None = None) -> str:
    """The form of a message for `n` things (Chinese has one form; English two)."""
    return translations(lang or language()).ngettext(singular, plural, n)


def _(message: str, lang: str | None = None) -> str:  # noqa: N802 — gettext's conventional name
    """Shorthand for `gettext`; the name Babel's extractor looks for."""
    return gettext(message, lang)


def N_(message: str) -> str:  # noqa: N802
    """Mark a message for the catalogue without translating it yet (module-level labels translated when shown)."""
    return message


def N_plural(singular: str, plural: str) -> tuple[str, str]:  # noqa: N802
    """Mark a message with a count for the catalogue (the extractor reads it like `ngettext`): a Notice's template
    whose form is chosen by its field `n` when it is shown."""
    return (singular, plural)


def day(value: dt.date, lang: str | None = None) -> str:
    """A date as the language writes it: ISO in English (`2027-01-14`, what ftcost has always printed), Babel's
    long form otherwise (`2027年1月14日`)."""
    lang = check(lang or language())
    if lang == DEFAULT:
        return value.isoformat()
    from babel.dates import format_date  # deferred: babel costs ~8 ms at start-up and `ftcost analyze` never needs it

    return format_date(value, format="long", locale=LOCALES[lang])


class Notice(str):
    """A sentence built by the library, shown in the reader's language: `Notice(N_("{name} cannot be trained on
    {date}."), name=..., date=day)`.

    As a `str` it is the English sentence (equality, hashing, `in`, JSON: all as before); `text(lang)` renders
    the template through the catalogue, with each field formatted for that language when it is shown: a date as
    `day`, a count as `number`, a nested Notice in the same language, a tuple of them joined with "; ". A template
    from `N_plural` takes its form from the field `n`.
    """

    template: str | tuple[str, str]
    params: dict

    def __new__(cls, template: str | tuple[str, str], /, **params) -> Notice:
        obj = super().__new__(cls, _render(template, params, DEFAULT))
        obj.template = template
        obj.params = params
        return obj

    def text(self, lang: str | None = None) -> str:
        """The sentence in `lang` (default: the current context's language)."""
        return _render(self.template, self.params, check(lang or language()))

    def __reduce__(self):  # pickled by Streamlit's cache and copied by dataclasses.asdict: rebuilt from its parts
        return (_notice, (self.template, self.params))

    def __copy__(self) -> Notice:
        return self

    def __deepcopy__(self, memo) -> Notice:
        return self


def _notice(template, params) -> Notice:
    return Notice(template, **params)


def _field(value, lang: str) -> object:
    if isinstance(value, Notice):
        return value.text(lang)
    if isinstance(value, (tuple, list)):
        return gettext("; ", lang).join(str(_field(v, lang)) for v in value)
    if isinstance(value, dt.date):
        return day(value, lang)
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        return value
    return number(value, lang)


def _render(template: str | tuple[str, str], params: dict, lang: str) -> str:
    if isinstance(template, tuple):
        message = ngettext(template[0], template[1], int(params["n"]), lang)
    else:
        message = gettext(template, lang)
    return message.format(**{k: _field(v, lang) for k, v in params.items()})


def text(value: object, lang: str | None = None) -> str:
    """What to show for `value`: a Notice in `lang` (default: the current language), anything else as itself."""
    return value.text(lang) if isinstance(value, Notice) else str(value)


def locale(lang: str | None = None) -> str:
    """The Babel locale for `lang` (default: the current language)."""
    return LOCALES[check(lang or language())]


def number(
    value: int | Decimal, lang: str | None = None, places: int | None = None, rounding: str = ROUND_HALF_UP
) -> str:
    """A count or a decimal in the language's number format (`1,234`, `12.5`); `places` fixes the decimals,
    rounded half up (as money is) unless `rounding` says otherwise."""
    name = locale(lang)
    if places is None and type(value) is int and _groups_as_python(name):
        return f"{value:,}"  # what Babel gives for a whole number here, without its Decimal steps
    if places is not None:
        value = Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=rounding)
    babel_locale, pattern = _number_pattern(name, places)
    return pattern.apply(value, babel_locale, decimal_quantization=False)


@lru_cache(maxsize=16)
def _groups_as_python(name: str) -> bool:
    """Whether the locale writes a whole number as Python's `format(n, ",")` does: digits in threes from the
    right, "," between groups, "-" before a negative, nothing else around it (en, zh_Hant_TW and zh_Hans_CN do).
    The numbers of a page are mostly counts (~450 a Plan-page rerun), and Babel takes each through Decimal."""
    from babel.numbers import get_group_symbol, get_minus_sign_symbol  # deferred, as in _number_pattern

    babel_locale, pattern = _number_pattern(name, None)
    return (
        pattern.grouping == (3, 3)
        and pattern.int_prec[0] == 1
        and pattern.prefix == ("", "-")
        and pattern.suffix == ("", "")
        and get_group_symbol(babel_locale) == ","
        and get_minus_sign_symbol(babel_locale) == "-"
    )


@lru_cache(maxsize=64)
def _number_pattern(name: str, places: int | None):
    """Babel's locale and parsed number pattern, once per (locale, places): what `babel.numbers.format_decimal`
    looks up and parses again on every call (a page formats ~700 numbers per run)."""
    # deferred: babel costs ~8 ms at start-up and `ftcost analyze` never formats a number through here
    from babel import Locale
    from babel.numbers import parse_pattern

    babel_locale = Locale.parse(name)
    if places is None:
        return babel_locale, parse_pattern(babel_locale.decimal_formats[None])
    return babel_locale, parse_pattern("#,##0" + ("." + "0" * places if places else ""))


def percent(
    value: Decimal | float | None, lang: str | None = None, places: int = 1, rounding: str = ROUND_HALF_UP
) -> str:
    """`12.3%` (one decimal by default, half up); `—` for no value. Every percentage on a page, in a report or
    a sentence goes through here, from the unrounded value: a figure rounded once, one way, reads the same
    everywhere (a float's `:.1%` and a Decimal's half-even quantize disagree on 99.25). A float is taken at its
    shortest repr (0.9925 → 99.25, not 99.2499…)."""
    if value is None:
        return "—"
    if isinstance(value, float):
        value = Decimal(repr(value))
    return number(value, lang, places, rounding) + "%"


def share_percent(fraction: float, lang: str | None = None) -> str:
    """A share of draws (0 to 1) as a whole percentage: `87%`. Only none or all read 0% or 100%, so a 99.6% chance
    never reads as a certainty."""
    shown = Decimal(repr(float(fraction))) * 100
    if 0 < fraction < 1:
        shown = min(max(shown, Decimal("0.5")), Decimal("99.4"))  # rounds to 1% … 99%
    return percent(shown, lang, places=0)


__all__ = [
    "CATALOGUES",
    "DEFAULT",
    "LANGUAGES",
    "LOCALES",
    "N_",
    "N_plural",
    "Notice",
    "_",
    "check",
    "day",
    "text",
    "from_environment",
    "gettext",
    "language",
    "locale",
    "ngettext",
    "normalize",
    "number",
    "percent",
    "set_language",
    "share_percent",
    "translations",
    "use",
]
