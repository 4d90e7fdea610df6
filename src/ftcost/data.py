"""Where ftcost's data files live and how they are read.

The pricing tables (`pricing/`) and scenarios (`scenarios/`) sit at the top of the repository, where
people edit them; a built wheel carries a copy inside the package (`ftcost/_data/`). Both are TOML,
read with `parse_float=Decimal` so that a price written `0.0015` is exactly 0.0015, never a float.
"""

from __future__ import annotations

import tomllib
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ftcost.errors import FtcostError

if TYPE_CHECKING:
    from pydantic import BaseModel, ValidationError

# pydantic is imported where a document is validated: `data_dir` and `read_toml` serve paths that validate
# nothing (`ftcost analyze` checks a model id before its scan and validates the facts while it runs).

_PACKAGE = Path(__file__).resolve().parent
_REPO = _PACKAGE.parent.parent


def data_dir(name: str) -> Path:
    """The `pricing` or `scenarios` directory: the repo's own in a checkout, else the packaged copy."""
    for candidate in (_REPO / name, _PACKAGE / "_data" / name):
        if candidate.is_dir():
            return candidate
    raise FtcostError(f"ftcost's {name}/ directory is missing from this installation; reinstall ftcost.")


def read_toml(path: Path, error: type[FtcostError] = FtcostError) -> dict[str, Any]:
    """Parse a TOML file (floats as exact Decimals); a syntax error becomes one sentence naming the file."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error(f"{path}: no such file.") from None
    except UnicodeDecodeError:
        raise error(f"{path}: not UTF-8 text; a TOML file is expected.") from None
    return parse_toml(text, str(path), error)


def parse_toml(text: str, label: str, error: type[FtcostError] = FtcostError) -> dict[str, Any]:
    try:
        return tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        raise error(f"{label}: not valid TOML ({exc}).") from None
    except RecursionError:
        # tomllib parses nested arrays and inline tables recursively: 500 levels of "[" exhaust the stack.
        raise error(f"{label}: nested too deeply to be read; ftcost's files nest a few levels at most.") from None
    except ValueError:
        # An integer of more than 4,300 digits: Python refuses to read it (sys.get_int_max_str_digits).
        raise error(f"{label}: a number in it has too many digits to be read.") from None


def describe_validation_error(exc: ValidationError, label: str, doc: Any = None) -> str:
    """pydantic's errors as `file: entry → key: problem` sentences, at most five.

    `doc` is the raw data, used to name list entries by their `id`/`model` field instead of an index.
    """
    lines = []
    for err in exc.errors()[:5]:
        where = _location(err["loc"], doc)
        msg = err["msg"]
        if err["type"] == "extra_forbidden":
            msg = "unknown key (check its spelling; see the schema for the accepted keys)"
        elif err["type"] == "missing":
            msg = "required key is missing"
        lines.append(f"{where}: {msg}" if where else msg)
    more = len(exc.errors()) - len(lines)
    tail = f" (and {more} more)" if more > 0 else ""
    return f"{label}: " + "; ".join(lines) + tail + "."


def _location(loc: tuple, doc: Any) -> str:
    parts: list[str] = []
    node = doc
    for item in loc:
        if isinstance(item, int):
            name = None
            if isinstance(node, list) and 0 <= item < len(node) and isinstance(node[item], dict):
                entry = node[item]
                name = next(
                    (entry[k] for k in ("name", "id", "role", "alias", "model") if isinstance(entry.get(k), str)),
                    None,
                )
            parts.append(f"[{name}]" if name else f"[entry {item + 1}]")
        else:
            parts.append(("." if parts else "") + str(item))
        node = node[item] if _indexable(node, item) else None
    return "".join(parts)


def _indexable(node: Any, item: Any) -> bool:
    if isinstance(node, dict):
        return item in node
    if isinstance(node, list):
        return isinstance(item, int) and 0 <= item < len(node)
    return False


def validate(model: type[BaseModel], doc: dict[str, Any], label: str, error: type[FtcostError]) -> Any:
    from pydantic import ValidationError  # deferred: ~0.06 s of import, only for what validates a document

    try:
        return model.model_validate(doc)
    except ValidationError as exc:
        raise error(describe_validation_error(exc, label, doc)) from None
