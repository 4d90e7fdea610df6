"""The JSON Schemas of every pricing file, for editors (Taplo / Even Better TOML, through each file's `#:schema` line).

`python -m ftcost.pricing` writes them to `pricing/schema/`; a test fails while they are stale. This module sits
above the file schemas (`schema.py`, `fx.py`, `providers.py`, `ftcost.models`) because it gathers them all, and
they build on `schema.py`'s field types: kept apart, the imports run one way.
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel

from ftcost.models import ModelsFile
from ftcost.pricing import schema as S
from ftcost.pricing.fx import FxFile
from ftcost.pricing.providers import ProviderFile


def json_schemas() -> dict[str, dict]:
    """File name → JSON Schema, for pricing/schema/."""
    files: dict[str, type[BaseModel]] = {
        "sources": S.SourcesFile,
        "prices": S.PricesFile,
        "aliases": S.AliasesFile,
        "lifecycle": S.LifecycleFile,
        "promotions": S.PromotionsFile,
        "models": ModelsFile,  # models.toml's schema lives with the model facts
        "providers": ProviderFile,  # pricing/providers/*.toml
        "fx": FxFile,  # pricing/fx.toml
    }
    out = {}
    for name, model in files.items():
        schema = _drop_null_defaults(model.model_json_schema())
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["title"] = f"ftcost pricing/{name} file"
        out[f"{name}.schema.json"] = schema
    return out


def _drop_null_defaults(node):
    # TOML has no null: an optional key is simply absent, so `"default": null` would only confuse editors.
    if isinstance(node, dict):
        return {k: _drop_null_defaults(v) for k, v in node.items() if not (k == "default" and v is None)}
    if isinstance(node, list):
        return [_drop_null_defaults(v) for v in node]
    return node


def render(schema: dict) -> str:
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_schemas(directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in json_schemas().items():
        path = directory / name
        path.write_text(render(schema), encoding="utf-8")
        written.append(path)
    return written
