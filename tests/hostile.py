"""A scenario whose every name is an attack on whoever renders it: Markdown images and links that call a server,
raw HTML, `javascript:` links, table-breaking `|` and newlines, spreadsheet formulas. Shared by the library,
AppTest and browser tests of the escaping in ftcost.text."""

from __future__ import annotations

from ftcost.scenario import Scenario, default_scenario

TRACK = "http://127.0.0.1:{port}/track"


def names(port: int = 9) -> list[str]:
    """Nine option names (one per option of the default scenario), each at most 80 characters."""
    url = TRACK.format(port=port)
    return [
        f"![t]({url}?o=1) base",
        f"[Re-enter your key here]({url}?o=2)",
        "<img src=x onerror=alert(1)> A|B\nC",
        '=HYPERLINK("http://x","y") [j](javascript:alert(1))',
        f"@SUM(1) <{url}?o=5> {url}?o=6",
        f"<a href='{url}?o=7'>Azure</a> **bold**",
        f"[ref]: {url}?o=8 \\| `tick",
        "-1+2 ~~gone~~ $x^2$ # heading",
        f"<script src='{url}?o=9'></script>",
    ]


def hostile_scenario(port: int = 9) -> Scenario:
    base = default_scenario()
    renamed = dict(zip((o.name for o in base.option), names(port), strict=True))
    url = TRACK.format(port=port)
    options = [
        o.model_copy(update={"name": renamed[o.name], "successor": renamed.get(o.successor)}) for o in base.option
    ]
    roles = [r.model_copy(update={"role": f"![r]({url}?r={i})"}) for i, r in enumerate(base.labour.role)]
    labour = base.labour.model_copy(update={"role": roles, "data_prep_role": roles[2].role})
    return Scenario.model_validate(
        {
            **base.model_dump(),
            "name": f"![s]({url}?s=1) # Plan | <b>bold</b>",
            "description": f"[click]({url}?d=1)\n# heading",
            "option": [o.model_dump() for o in options],
            "current_option": renamed.get(base.current_option) if base.current_option else None,
            "labour": labour.model_dump(),
        }
    )
