"""Share links: a scenario carried in a URL query parameter.

The scenario's TOML is compressed (zlib) and base64url-encoded. Both sides are size-checked: the
encoded text before anything is decoded, and the decompressed text while it is inflated, so a
crafted link cannot make ftcost allocate more than a scenario file may hold.
"""

from __future__ import annotations

import base64
import binascii
import zlib

from ftcost.errors import ScenarioError
from ftcost.scenario import MAX_SCENARIO_BYTES, Scenario, dump_scenario, parse_scenario

#: Longest payload accepted in a link. Browsers and chat tools keep URLs of this size intact.
MAX_LINK_CHARS = 8000
#: The query parameter that carries it.
PARAM = "s"
_PREFIX = "1."  # payload format version: a future format can be told apart


def encode_link(scenario: Scenario) -> str:
    """The query-parameter value for `scenario`; raises if it would be too long to share safely."""
    raw = dump_scenario(scenario).encode("utf-8")
    payload = _PREFIX + base64.urlsafe_b64encode(zlib.compress(raw, 9)).decode("ascii").rstrip("=")
    if len(payload) > MAX_LINK_CHARS:
        raise ScenarioError(
            f"This scenario makes a {len(payload):,}-character link, over the {MAX_LINK_CHARS:,} that survive "
            "being pasted around; share the scenario file instead (shorten the prompts or the eval set to fit)."
        )
    return payload


def decode_link(payload: str) -> Scenario:
    """The scenario in a link's payload; a broken, truncated or oversized link is one clear sentence."""
    payload = (payload or "").strip()
    if len(payload) > MAX_LINK_CHARS:
        raise ScenarioError(
            f"This link's scenario is {len(payload):,} characters, over the {MAX_LINK_CHARS:,} ftcost accepts."
        )
    if not payload.startswith(_PREFIX):
        raise ScenarioError("This link does not carry an ftcost scenario (it may have been cut short when pasted).")
    body = payload[len(_PREFIX) :]
    try:
        packed = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        inflater = zlib.decompressobj()
        raw = inflater.decompress(packed, MAX_SCENARIO_BYTES + 1)
        if len(raw) > MAX_SCENARIO_BYTES or inflater.unconsumed_tail:
            raise ScenarioError(
                f"This link's scenario inflates to more than {MAX_SCENARIO_BYTES // 1024} KB; it is not a scenario ftcost made."
            )
        if not inflater.eof:
            raise ScenarioError(
                "This link is incomplete: it was probably cut short when it was copied. Ask for the full link or the scenario file."
            )
        text = raw.decode("utf-8")
    except (binascii.Error, ValueError, zlib.error) as exc:
        if isinstance(exc, ScenarioError):
            raise
        raise ScenarioError(
            "This link is damaged: its scenario cannot be decoded (it may have been cut short or edited)."
        ) from None
    return parse_scenario(text, "shared link")
