"""Offline tokenizer: tiktoken, fed from the vocab files the `bpe-openai` package ships.

tiktoken downloads its vocabulary on first use, which crashes on an air-gapped machine. `bpe-openai`
ships byte-identical copies of cl100k_base and o200k_base. Before asking tiktoken for an encoding we
place the shipped file in tiktoken's cache (`TIKTOKEN_CACHE_DIR`) under the key tiktoken computes
from its own download URL, after checking the file's sha256 against the hash tiktoken itself expects.
tiktoken then finds it cached, verifies it again, and never opens a connection. Because the cache is
seeded in the process environment, any other code in the process that calls tiktoken works offline too.
"""

from __future__ import annotations

import ast
import functools
import gzip
import hashlib
import importlib.util
import inspect
import os
import tempfile
import threading
from pathlib import Path

import tiktoken

from ftcost.errors import TokenizerError

#: The encodings ftcost supports (the ones bpe-openai ships).
ENCODINGS = ("cl100k_base", "o200k_base")

_lock = threading.Lock()


@functools.cache
def tiktoken_blob(encoding: str) -> tuple[str, str]:
    """(download URL, expected sha256) that tiktoken itself uses for `encoding`.

    Read from tiktoken's own source (`tiktoken_ext.openai_public`) rather than copied here, so a
    tiktoken release that changes either is followed, and a mismatch with the shipped file is caught.
    """
    import tiktoken_ext.openai_public as public

    tree = ast.parse(inspect.getsource(public))
    for fn in tree.body:
        if isinstance(fn, ast.FunctionDef) and fn.name == encoding:
            for node in ast.walk(fn):
                if (
                    isinstance(node, ast.Call)
                    and getattr(node.func, "id", None) == "load_tiktoken_bpe"
                    and node.args
                    and isinstance(node.args[0], ast.Constant)
                ):
                    expected = next(
                        (k.value.value for k in node.keywords if k.arg == "expected_hash"), None
                    )
                    if isinstance(expected, str):
                        return node.args[0].value, expected
    raise TokenizerError(f"This tiktoken version does not define the {encoding} encoding that ftcost needs.")


def _bpe_openai_dir() -> Path:
    # Locate the package without importing it: its import loads a Rust tokenizer ftcost does not use.
    spec = importlib.util.find_spec("bpe_openai")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("bpe-openai is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


def shipped_vocab(encoding: str) -> bytes:
    """The vocab file for `encoding` as shipped by bpe-openai, verified against tiktoken's hash."""
    if encoding not in ENCODINGS:
        raise TokenizerError(f"Unknown encoding {encoding!r}; ftcost supports {', '.join(ENCODINGS)}.")
    try:
        data = gzip.decompress((_bpe_openai_dir() / "data" / f"{encoding}.tiktoken.gz").read_bytes())
    except (ModuleNotFoundError, FileNotFoundError, OSError) as exc:
        raise TokenizerError(
            f"The {encoding} vocabulary could not be read from the bpe-openai package ({exc}); "
            "reinstall ftcost with `make install`."
        ) from None
    _, expected = tiktoken_blob(encoding)
    actual = hashlib.sha256(data).hexdigest()
    if actual != expected:
        raise TokenizerError(
            f"The {encoding} vocabulary shipped by bpe-openai has sha256 {actual[:12]}…, "
            f"but tiktoken expects {expected[:12]}…; refusing to count tokens with it."
        )
    return data


def cache_dir() -> Path:
    """The directory tiktoken reads its cache from, creating ftcost's default if none is set."""
    configured = os.environ.get("TIKTOKEN_CACHE_DIR") or os.environ.get("DATA_GYM_CACHE_DIR")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    path = Path(base) / "ftcost" / "tiktoken"
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:
        path = Path(tempfile.gettempdir()) / "ftcost-tiktoken"
    return path


def seed_cache(encoding: str) -> Path:
    """Put the verified vocab file where tiktoken looks for it; return that path."""
    url, expected = tiktoken_blob(encoding)
    directory = cache_dir()
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / hashlib.sha1(url.encode()).hexdigest()
    if target.exists() and hashlib.sha256(target.read_bytes()).hexdigest() == expected:
        return target
    data = shipped_vocab(encoding)
    # Atomic replace: concurrent workers never see a half-written vocab file.
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".ftcost-")
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.replace(tmp, target)
    return target


@functools.cache
def get_encoding(encoding: str) -> tiktoken.Encoding:
    """A tiktoken `Encoding`, loaded offline from the shipped vocab. Cached per process."""
    with _lock:
        if encoding not in ENCODINGS:
            raise TokenizerError(f"Unknown encoding {encoding!r}; ftcost supports {', '.join(ENCODINGS)}.")
        # Seed every shipped encoding, not just this one: other code in the process that calls
        # tiktoken directly (for the other encoding) must find it cached too, not download it.
        directory = [seed_cache(name) for name in ENCODINGS][0].parent
        # tiktoken reads this variable on every load; pointing it at the seeded directory is what
        # keeps it from downloading.
        os.environ["TIKTOKEN_CACHE_DIR"] = str(directory)
        return tiktoken.get_encoding(encoding)


def count(text: str, encoding: str) -> int:
    """Tokens in `text` under `encoding`. Special-token text (e.g. "<|endoftext|>") counts as plain text."""
    return len(get_encoding(encoding).encode_ordinary(text))
