"""Getting at the bytes: whole-file checks, and cutting the data into ranges of whole lines.

Problems with a single line are that line's errors (see `line`). Problems with the whole file
(missing, a directory, empty, binary, UTF-16, Latin-1, a JSON array, one pretty-printed document)
stop the analysis with one sentence saying what the file is and what is expected.
"""

from __future__ import annotations

import json
import re
import stat
from collections.abc import Callable
from pathlib import Path

from ftcost.errors import DatasetFileError, FtcostError

SNIFF_BYTES = 64 * 1024
UTF8_BOM = b"\xef\xbb\xbf"
EXPECTED = "expected UTF-8 JSONL, one JSON object per line"
_MAGIC = {
    b"PK\x03\x04": "a ZIP archive (perhaps an .xlsx or .docx)",
    b"\x1f\x8b": "a gzip-compressed file",
    b"%PDF": "a PDF document",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"SQLite format 3": "an SQLite database",
    b"PAR1": "a Parquet file",
    b"\x28\xb5\x2f\xfd": "a zstd-compressed file",
    b"BZh": "a bzip2-compressed file",
}
#: C0 control bytes that never occur in JSON text (JSON allows only tab, LF and CR outside strings).
_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_OPENS_ARRAY_OF_OBJECTS = re.compile(rb"\s*\[\s*\{")


#: A path longer than this is shortened in messages (a 5,000-character name would drown its sentence).
SHOWN_PATH_CHARS = 200


def shown_path(path: str | Path) -> str:
    """`path` as a message shows it: printable, and shortened in the middle when it is very long."""
    text = display_name(str(path))
    if len(text) <= SHOWN_PATH_CHARS:
        return text
    half = SHOWN_PATH_CHARS // 2
    return f"{text[:half]}…{text[-half:]}"


def open_size(
    path: Path, expected: str = EXPECTED, error: type[FtcostError] = DatasetFileError, noun: str = "file"
) -> int:
    """Size of a readable regular file; otherwise one sentence (raised as `error`) saying what `path` is.

    The one guard every command that reads a user's file goes through (`analyze`'s training files,
    `report`'s scenario files): a directory, a named pipe, a device, a symlink loop, a name too long,
    a missing or unreadable file are each a sentence, never a hang or a traceback.
    """
    shown = shown_path(path)
    if "\x00" in str(path):  # no file can have one; os.stat would raise ValueError
        raise error(f"{shown.replace(chr(0), '')} cannot be a file name (it contains a NUL byte); {expected}.")
    try:
        if path.is_dir():
            raise error(f"{shown} is a directory; {expected} (give the path of a file).")
        info = path.stat()
        # Checked before opening: opening a named pipe waits for a writer (forever, if none comes), its
        # size reads 0, and its bytes can be read only once where the analysis reads a file twice.
        if not stat.S_ISREG(info.st_mode):
            raise error(
                f"{shown} is {_kind(info.st_mode)}, not a regular file; {expected} (save the data to a file first)."
            )
        size = info.st_size
        with path.open("rb"):
            pass
    except FileNotFoundError:
        raise error(f"{shown}: no such {noun}; {expected}.") from None
    except PermissionError:
        raise error(f"{shown} cannot be read (permission denied); {expected}.") from None
    except OSError as exc:
        raise error(f"{shown} cannot be read ({exc.strerror or exc}); {expected}.") from None
    return size


def read_guarded(path: Path, limit: int, expected: str, error: type[FtcostError], noun: str = "file") -> bytes:
    """The bytes of a small regular file (at most `limit`), through `open_size`'s guard; else one sentence."""
    size = open_size(path, expected, error, noun)
    shown = shown_path(path)
    if size > limit:
        raise error(f"{shown}: {size:,} bytes is larger than the {limit // 1024} KB a {noun} may be.")
    try:
        with path.open("rb") as f:
            data = f.read(limit + 1)
    except OSError as exc:  # /proc/self/mem: a "regular file" of size 0 whose reads fail
        raise error(f"{shown} cannot be read ({exc.strerror or exc}); {expected}.") from None
    if len(data) > limit:  # a /proc file reports size 0 and may hold more
        raise error(f"{shown} is larger than the {limit // 1024} KB a {noun} may be.")
    return data


def display_name(name: str) -> str:
    """`name` as text that can be printed and written as UTF-8.

    A file name whose bytes are not UTF-8 reaches Python with surrogate escapes (b"caf\\xe9" is
    "caf\\udce9"); printing that to a UTF-8 stream raises. Such bytes are shown as U+FFFD, as `ls`
    shows them as "?".
    """
    try:
        raw = name.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a lone surrogate that is not an escaped byte
        raw = name.encode("utf-8", "replace")
    return raw.decode("utf-8", "replace")


def _kind(mode: int) -> str:
    for test, what in (
        (stat.S_ISFIFO, "a named pipe"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return what
    return "a special file"


def read_head(path: Path) -> bytes:
    try:
        with path.open("rb") as f:
            return f.read(SNIFF_BYTES)
    except OSError as exc:
        raise DatasetFileError(f"{path} cannot be read ({exc.strerror or exc}); {EXPECTED}.") from None


def sniff(head: bytes, name: str, size: int) -> None:
    """Raise DatasetFileError when the start of the data shows it is not JSONL at all."""
    if size == 0:
        raise DatasetFileError(f"{name} is empty; {EXPECTED}.")
    # Magic bytes first: a compressed or binary format is full of NULs and would otherwise look like UTF-16.
    for magic, what in _MAGIC.items():
        if head.startswith(magic):
            raise DatasetFileError(f"{name} is {what}, not text; {EXPECTED}.")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_utf16(head):
        raise DatasetFileError(f"{name} is UTF-16 text; {EXPECTED} (re-save it as UTF-8).")
    text = head[3:] if head.startswith(UTF8_BOM) else head
    complete = len(head) >= size  # the sample is the whole file
    lines = text.split(b"\n")
    partial = b"" if complete else lines.pop()  # the sample may end in the middle of a line
    nonblank = [line for line in lines if line.strip()]
    # Binary data has control bytes (NUL...) on nearly every line; text may have one stray NUL on one
    # line, which is that line's error (invalid JSON), not a reason to drop the good lines around it.
    judged = nonblank or ([partial] if partial.strip() else [])
    if sum(1 for line in judged if _CONTROL.search(line)) * 2 > len(judged):
        raise DatasetFileError(f"{name} is a binary file (it contains NUL or other control bytes); {EXPECTED}.")
    if not nonblank:
        # One line longer than the sample: an array of examples if it opens like one ("[{"); anything
        # else (e.g. 100,000 nested "[") is left to the scan, where it is that line's error.
        if _OPENS_ARRAY_OF_OBJECTS.match(partial):
            raise DatasetFileError(_array_message(name))
        return  # nothing complete to judge yet; a file of only blank lines is caught after the scan
    broken = [i for i, line in enumerate(nonblank) if not _is_utf8(line)]
    if len(broken) * 2 > len(nonblank):
        byte = next(b for b in nonblank[broken[0]] if b >= 0x80)
        raise DatasetFileError(
            f"{name} is not UTF-8 text (byte 0x{byte:02X} suggests Latin-1 or Windows-1252); "
            f"{EXPECTED} (re-save it as UTF-8)."
        )
    first = nonblank[0].strip()
    if first == b"{":
        raise DatasetFileError(
            f"{name} looks like one pretty-printed JSON document; {EXPECTED}, each example on a single line."
        )
    # A first line that opens an array means a JSON array of examples, unless the lines after it are JSON
    # objects: then this is JSONL whose first line is bad (deeply
    # nested, truncated), and that line's error must not cost the good lines.
    if (
        first.startswith(b"[")
        and (_is_array_of_objects(first) or not _parses(first))
        and not _mostly_objects(nonblank[1:])
    ):
        raise DatasetFileError(_array_message(name))


def _array_message(name: str) -> str:
    return (
        f"{name} is a JSON array, not JSONL; {EXPECTED} "
        f"(convert it with: jq -c '.[]' {name} > {Path(name).stem}.jsonl)."
    )


def _looks_utf16(head: bytes) -> bool:
    # ASCII text in UTF-16 (without a byte-order mark) has a NUL in every other byte.
    sample = head[:512]
    if len(sample) < 4:
        return False
    half = len(sample) // 2
    return sample[1::2].count(0) * 2 >= half or sample[0::2].count(0) * 2 >= half


def _is_utf8(line: bytes) -> bool:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _parses(line: bytes) -> bool:
    try:
        json.loads(line)
    except (ValueError, RecursionError):
        return False
    return True


def _mostly_objects(lines: list[bytes]) -> bool:
    def is_object(line: bytes) -> bool:
        try:
            return isinstance(json.loads(line), dict)
        except (ValueError, RecursionError):
            return False

    return bool(lines) and sum(1 for line in lines if is_object(line)) * 2 > len(lines)


def _is_array_of_objects(line: bytes) -> bool:
    try:
        value = json.loads(line)
    except (ValueError, RecursionError):
        return False
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def plan_ranges(size: int, chunk: int, newline_at_or_after: Callable[[int], int]) -> list[tuple[int, int]]:
    """Cut [0, size) into consecutive ranges of about `chunk` bytes, each ending just after a newline.

    `newline_at_or_after(pos)` returns the index of the first b"\\n" at or after pos, or -1.
    """
    ranges = []
    start = 0
    while start < size:
        end = start + chunk
        if end >= size:
            end = size
        else:
            newline = newline_at_or_after(end - 1)
            end = size if newline < 0 else newline + 1
        ranges.append((start, end))
        start = end
    return ranges


def file_newline_finder(path: Path) -> Callable[[int], int]:
    def find(pos: int) -> int:
        with path.open("rb") as f:
            f.seek(pos)
            while True:
                piece = f.read(SNIFF_BYTES)
                if not piece:
                    return -1
                i = piece.find(b"\n")
                if i >= 0:
                    return pos + i
                pos += len(piece)

    return find


def read_range(path: str, start: int, end: int) -> bytes:
    try:
        with open(path, "rb") as f:
            f.seek(start)
            return f.read(end - start)
    except OSError as exc:
        raise DatasetFileError(f"{path} cannot be read ({exc.strerror or exc}); {EXPECTED}.") from None
