"""The sidebar on every page: the language and currency, which scenario, its file, its share link, and the
price date."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import streamlit as st
import streamlit.components.v1 as components

from ftcost import i18n
from ftcost.errors import FtcostError
from ftcost.i18n import _
from ftcost.pricing.fx import CURRENCIES, rate_sentence
from ftcost.scenario import MAX_SCENARIO_BYTES, dump_scenario, gallery, load_scenario, parse_scenario
from ftcost.share import PARAM, decode_link, encode_link
from ftcost.text import markdown as md
from ui import inputs, state

PICK = "gallery_pick"
UPLOAD = "scenario_upload"
AS_OF = state.WIDGET + "as_of"
LANGUAGE = "display_language"
CURRENCY = "display_currency"
RATE = "display_rate"


def render(page_path: str = "") -> None:
    """The sidebar; `page_path` is the current page's URL path, dropped from the share link so it opens the Plan."""
    with st.sidebar:
        _fragment()
        _reading()
        st.subheader(_("Scenario"))
        _gallery()
        _edited()
        _upload()
        _price_date()
        _download_and_share(page_path)


def _reading() -> None:
    """Language and currency: kept in the scenario's [display] table, so its file and share link open the same."""
    st.session_state[LANGUAGE] = state.language()
    st.selectbox(
        "Language · 語言 · 语言",
        list(i18n.LANGUAGES),
        format_func=i18n.LANGUAGES.__getitem__,
        key=LANGUAGE,
        on_change=lambda: state.set_display(language=st.session_state[LANGUAGE]),
        help=_("Default: your browser's language. Kept in the scenario's file and share link."),
    )
    money, found = state.money()
    codes = list(CURRENCIES) + ([money.currency] if money.currency not in CURRENCIES else [])
    st.session_state[CURRENCY] = money.currency
    st.selectbox(
        _("Currency"),
        codes,
        key=CURRENCY,
        on_change=lambda: state.set_display(currency=st.session_state[CURRENCY]),
        help=_(
            "ftcost computes in US dollars, as every price is published; other currencies are converted for "
            "display at the rate stated below (the scenario's own rate wins over ftcost's pricing/fx.toml)."
        ),
    )
    if money.converted:
        st.session_state[RATE] = float(money.rate)
        label = _("{code} per US dollar").format(code=money.currency)
        # No min_value: the browser would keep a rate below it on screen and never send it (see ui.inputs).
        st.number_input(
            label,
            key=RATE,
            value=None,
            format="%.4f",
            on_change=_rate_changed,
            args=(label, float(money.rate)),
            help=_("Type your own rate to use it instead: it is kept in the scenario as its stated rate."),
        )
        st.caption(md(rate_sentence(money, found, state.price_date(), on_page=True)))


def _rate_changed(label: str, kept: float) -> None:
    """A typed rate above zero becomes the scenario's stated rate; anything else is refused with a sentence."""
    value = st.session_state[RATE]
    refused = (
        _("{label} is empty: type a number.").format(label=label)
        if value is None
        else inputs.refusal(label, value, (None, None, False))
    )
    if refused is None and value <= 0:
        refused = _("{label} must be above 0, not {typed}.").format(label=label, typed=inputs.number_text(value))
    if refused is not None:
        st.session_state[state.EDIT_ERROR] = (
            refused + " " + _("The plan keeps {kept}.").format(kept=inputs.number_text(kept))
        )
        st.session_state[RATE] = kept
        return
    state.set_display(rate=Decimal(str(value)), rate_date=state.price_date(), rate_source="")


_FRAGMENT = components.declare_component("ftcost_fragment", path=str(Path(__file__).parent / "fragment"))
FRAGMENT_SEEN = "fragment_seen"  # the last #s=... fragment loaded, so a rerun does not load it again


def _fragment() -> None:
    """Load the scenario a share link carries after its '#' (read in the browser: the server never sees it)."""
    value = _FRAGMENT(key="url_fragment", default="")
    if not value or not value.startswith(PARAM + "=") or st.session_state.get(FRAGMENT_SEEN) == value:
        return
    st.session_state[FRAGMENT_SEEN] = value
    try:
        scenario = decode_link(value[len(PARAM) + 1 :])
    except FtcostError as exc:
        st.session_state[state.NOTICE] = _("{error} Showing the default scenario instead.").format(error=exc)
        return
    state.replace(scenario, state.gallery_stem(scenario) or "link")
    st.rerun()


def _gallery() -> None:
    names = _gallery_names()
    stem = state.source()
    key = _pick_key()
    lang = i18n.language()
    if key not in st.session_state or st.session_state[key] != (stem if stem in names else None):
        st.session_state[key] = stem if stem in names else None
    st.selectbox(
        _("Start from an example"),
        list(names),
        format_func=lambda stem: i18n.gettext(names[stem], lang),  # the run's language: AppTest formats outside it
        key=key,
        index=None,
        placeholder=_("Your own scenario (from a file or a link)"),
        on_change=_picked,
        help=_("The scenarios shipped in ftcost's scenarios/ folder. The airport bot is the default."),
    )


def _pick_key() -> str:
    # The example list shows translated names; a widget of its own per language, so that the browser's value from
    # before a language change (the old name) is never looked up among the new names.
    lang = i18n.language()
    return PICK if lang == i18n.DEFAULT else f"{PICK}.{lang}"


@st.cache_data(show_spinner=False)
def _gallery_names() -> dict[str, str]:
    return {stem: load_scenario(path).name for stem, path in gallery().items()}


def _picked() -> None:
    stem = st.session_state[_pick_key()]
    if stem:
        try:
            state.replace(load_scenario(gallery()[stem]), stem)
        except FtcostError as exc:
            st.session_state[state.NOTICE] = str(exc)


def _edited() -> None:
    """Whether the scenario differs from what was loaded, and a way back to it."""
    loaded = st.session_state.get(state.LOADED)
    if loaded is None or loaded == state.current():
        return
    what = {"link": _("the link it came from")}.get(
        state.source(), _gallery_names().get(state.source(), state.source())
    )
    left, right = st.columns([3, 2], vertical_alignment="center")
    left.caption(_("✎ **Edited**: differs from {what} as loaded.").format(what=md(what)))
    right.button(
        _("Reset"),
        key="reset_scenario",
        on_click=_reset,
        width="stretch",
        help=_("Undo every edit: back to the scenario as it was loaded (an uploaded dataset stays)."),
    )


def _reset() -> None:
    dataset = st.session_state.get(state.DATASET)
    state.replace(st.session_state[state.LOADED], state.source())
    if dataset is not None:
        st.session_state[state.DATASET] = dataset


def _upload() -> None:
    st.file_uploader(
        _("Open a scenario file"),
        type=["toml"],
        key=UPLOAD,
        max_upload_size=1,  # MB; a scenario is a few KB (the 512 MB server limit is for training files)
        on_change=_uploaded,
        help=_("A .toml scenario saved from ftcost (at most {size} KB). See scenarios/*.toml for the format.").format(
            size=MAX_SCENARIO_BYTES // 1024
        ),
    )


def _uploaded() -> None:
    upload = state.uploaded_text(UPLOAD, _("a scenario is a TOML file"))
    if upload is None:
        return
    name, text = upload
    try:
        state.replace(parse_scenario(text, name), name)
    except FtcostError as exc:
        st.session_state[state.EDIT_ERROR] = str(exc)


def _dated() -> None:
    state.edit("as_of", st.session_state[AS_OF], "Prices as of")


def _price_date() -> None:
    st.session_state[AS_OF] = state.price_date()  # set on every run, as ui.inputs does, for the same reason
    st.date_input(
        _("Prices as of"),
        key=AS_OF,
        on_change=_dated,
        help=_(
            "Prices in force on this date, from ftcost's dated tables in pricing/ (each row names its source). "
            "Defaults to the scenario's own date, or today."
        ),
        format="YYYY-MM-DD",
    )
    pinned = state.current().as_of
    if pinned is not None and pinned != state.today():
        st.caption(
            _(
                "Pinned in the scenario (as_of = {date}): the plan uses that day's prices and models, not "
                "today's. Pick another date to re-plan it."
            ).format(date=pinned.isoformat())
        )
    else:
        st.caption(_("Today's prices: the models OpenAI serves now."))


def _download_and_share(page_path: str) -> None:
    scenario = state.shareable()
    st.download_button(
        _("Download this scenario (.toml)"),
        data=dump_scenario(scenario),
        file_name=_file_name(scenario.name),
        mime="application/toml",
        key="download_scenario",
        on_click="ignore",
        help=_(
            "Everything on every page, with the price date, language and currency, as a file a colleague can "
            "open here or with `ftcost report FILE`."
        ),
        width="stretch",
    )
    try:
        payload = encode_link(scenario)
    except FtcostError as exc:
        st.query_params.pop(PARAM, None)
        st.info(md(exc))
        return
    # The link is shown, not written into the address bar: rewriting the address on every edit added a browser
    # history entry each time (Back then undid nothing visible). An opened ?s= link is dropped from the address
    # once the scenario differs from it, so the address bar never holds a scenario other than the one planned.
    opened = st.query_params.get(PARAM)
    if opened and opened != payload:
        st.query_params.pop(PARAM, None)
    with st.expander(_("Share link"), icon=":material/link:"):
        base = _base_url(page_path)
        st.caption(link_needs(base))
        st.code(f"{base}#{PARAM}={payload}", language=None, wrap_lines=False)
        if state.dataset():
            st.caption(
                _(
                    "Your uploaded training file is not in the link: send it along, or the plan the link "
                    "opens measures the scenario's sample instead."
                )
            )


def link_needs(base: str) -> str:
    """What the share link needs to open, for the address it starts with."""
    host = urlsplit(base).hostname or ""
    here = host in ("localhost", "127.0.0.1", "::1") or host.startswith("127.")
    text = _(
        "The link opens these same numbers in any ftcost app: the scenario travels "
        "after the #, which browsers never send to a server, so no server log holds it."
    )
    if here:
        text += " " + _(
            "This address ({host}) opens only on this computer: a colleague needs ftcost running on "
            "theirs (`make run`) and opens their own address followed by everything from the #, or "
            "runs `ftcost report` on the downloaded scenario file."
        ).format(host=host)
    else:
        text += " " + _(
            "It needs this server to be reachable by whoever opens it; another ftcost opens it too, "
            "with its own address before the #."
        )
    return text + " " + _("Copy it with the button on the right.")


def _base_url(page_path: str) -> str:
    """The app's address without the current page (so the link lands on the Plan page)."""
    url = (st.context.url or "http://localhost:8501/").rstrip("/")
    if page_path and url.endswith("/" + page_path):
        url = url[: -len(page_path) - 1]
    return url + "/"


def _file_name(name: str) -> str:
    slug = "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-")
    while "--" in slug:
        slug = slug.replace("--", "-")
    return f"{slug or 'scenario'}.toml"
