"""Scanning byte ranges, in this process or in worker processes, merged in file order.

tiktoken's own threaded batch encoding was slower than one thread on a 2-core machine, so the
parallelism here is processes: each worker reads its byte ranges straight from the file (nothing
big is pickled) and returns a compact Tally. `imap` hands results back in order, so merging is
sequential and the result is the same as scanning the whole file in one process.

How workers start: "fork" when that is safe (a POSIX system other than macOS, and no other
thread in this process, as in the CLI): the fast counter's vocabulary is loaded once here and the
workers share it, which saves each of them 0.3-1.2 s of CPU (measured: the tree's summed RSS is
~35 MB higher on 80 MB than with each worker loading its own, since shared pages count once per
process). tiktoken's vocabulary is not loaded at all unless a string needs it (see
`ftcost.tokens.counter`). Otherwise "spawn" (Streamlit runs threads, and fork with threads can
deadlock): each worker then re-seeds the offline tokenizer through `ftcost.tokens.get_encoding`,
which reads TIKTOKEN_CACHE_DIR from the environment it inherits.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import os
import sys
import threading
import types
from collections.abc import Callable, Iterator
from multiprocessing.pool import Pool
from typing import NamedTuple

from ftcost import tokenizers
from ftcost.dataset.checks import Context
from ftcost.dataset.counting import string_counter
from ftcost.dataset.fast import ROLES, parse_block, tally_parsed
from ftcost.dataset.reading import read_range
from ftcost.dataset.tally import Tally
from ftcost.errors import FtcostError
from ftcost.tokens import screened

MB = 1_000_000
#: Below this size starting workers costs more than it saves (each loads a tokenizer, ~0.5 s).
PARALLEL_MIN_BYTES = 8 * MB
# Single process (the app's uploads): the block's lines are split and the ones for the full path kept as
# (number, bytes) until the block is tallied, ~170 bytes a line — 1 MB of one-character lines is ~90 MB.
SINGLE_CHUNK = 1 * MB
MIN_CHUNK, MAX_CHUNK = 1 * MB, 4 * MB


class Job(NamedTuple):
    """One range to scan: from a file (by path) or from bytes handed over whole."""

    source: str | bytes  # a path, or the bytes that start/end index
    start: int
    end: int
    ctx: Context
    file_start: bool  # the range begins the file (only there is a byte-order mark skipped)
    also: tuple = ()  # further contexts (other tokenizers) tallied from the same bytes in the same pass


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def resolve_workers(workers: int | None, size: int) -> int:
    """Processes to use: None means every core for files worth it; never more than there are ranges."""
    if workers is None:
        workers = available_cores() if size >= PARALLEL_MIN_BYTES else 1
    elif isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise FtcostError(f"workers must be a whole number of at least 1, not {workers!r}.")
    return max(1, min(workers, -(-size // MIN_CHUNK)))


def chunk_size(size: int, workers: int) -> int:
    """Bytes per range: many ranges per worker, so the work balances and the last one ends soon."""
    if workers <= 1:
        return SINGLE_CHUNK
    return max(MIN_CHUNK, min(MAX_CHUNK, size // (workers * 16) or 1))


def scan_job(job: Job) -> Tally | list[Tally]:
    """Tally one range (a list of tallies, one per context, when the job has `also`).

    Runs in a worker process (or in this one for the single-process path). The range is read,
    split, parsed and checked once (`fast.parse_block`); then for each tokenizer its distinct
    strings are counted in one batch and the tally is made from the same parse, so several
    tokenizers cost one parse plus one batch each.
    """
    source, start, end, ctx, file_start, also = job
    block = read_range(source, start, end) if isinstance(source, str) else source[start:end]
    parsed = parse_block(block, ctx, file_start=file_start)
    found = dict.fromkeys(ROLES)  # the roles' counts are asked for once per block (see `fast.Parsed`)
    found.update(dict.fromkeys(parsed.strings))
    if parsed.slow:
        found.update(dict.fromkeys(block_strings(b"\n".join(raw for _, raw in parsed.slow))))
    distinct = list(found)
    clean = screened(block)  # one look at the bytes instead of one per string and tokenizer
    tallies = []
    for c in (ctx, *also):
        known, count = block_counts(distinct, c.encoding, clean)
        tallies.append(tally_parsed(parsed, c, _looked_up(known), count))
    return tallies if also else tallies[0]


def block_strings(block: bytes) -> list[str]:
    """The distinct strings a block's examples will ask to count, found by a quick parse of each line.

    The strings of messages (role, content, name, ...), of tool and function calls, and of
    prompt/completion pairs; anything else the counting asks for (rendered tool definitions) is
    counted one at a time, memoised. Lines that do not parse are skipped here: the scan reports them.
    """
    found: set[str] = set()
    add = found.add
    loads = json.loads
    for raw in block.split(b"\n"):
        if not raw or raw.isspace():
            continue
        try:
            example = loads(raw)
        except (ValueError, RecursionError):
            continue
        if not isinstance(example, dict):
            continue
        messages = example.get("messages")
        if isinstance(messages, list):
            for message in messages:
                if isinstance(message, dict):
                    for key, value in message.items():
                        if isinstance(value, str):
                            add(value)
                        elif key == "tool_calls" and isinstance(value, list):
                            for call in value:
                                function = call.get("function") if isinstance(call, dict) else None
                                if isinstance(function, dict):
                                    _add_function(function, add)
                        elif key == "function_call" and isinstance(value, dict):
                            _add_function(value, add)
        for key in ("prompt", "completion"):
            value = example.get(key)
            if isinstance(value, str):
                add(value)
    return list(found)


def _add_function(function: dict, add) -> None:
    for part in (function.get("name"), function.get("arguments")):
        if isinstance(part, str):
            add(part)


#: Longer strings are left to `string_counter`, which counts them slice by slice.
BATCH_MAX_CHARS = 262_144


def block_counts(strings: list[str], encoding: str, clean: bool = False) -> tuple[dict[str, int], Callable[[str], int]]:
    """(text -> tokens for every string of `strings`, a counter for anything else) for one block.

    Strings up to `BATCH_MAX_CHARS` are counted in one batch when the family has a batch counter;
    longer ones (and every string of a family without one) by the memoised `string_counter`.
    `clean`: `ftcost.tokens.screened` passed for the bytes the strings came from.
    """
    single = string_counter(encoding)
    many = tokenizers.family(encoding).count_many
    if many is None or not strings:
        known = {text: single(text) for text in strings}
    else:
        short = [text for text in strings if len(text) <= BATCH_MAX_CHARS]
        known = dict(zip(short, many(short, screened=clean), strict=True))
        if len(short) < len(strings):
            known.update((text, single(text)) for text in strings if len(text) > BATCH_MAX_CHARS)
    get = known.get

    def count(text: str) -> int:
        n = get(text)
        return single(text) if n is None else n

    return known, count


def block_counter(strings: list[str], encoding: str) -> Callable[[str], int]:
    """`text -> tokens` for one block: its strings counted in one batch, anything else one at a time."""
    return block_counts(strings, encoding)[1]


#: "fork" or "spawn" to force a start method (tests exercise both); None chooses (see the docstring).
START_METHOD: str | None = None


def start_method() -> str:
    if START_METHOD:
        return START_METHOD
    if "fork" in multiprocessing.get_all_start_methods() and sys.platform != "darwin" and threading.active_count() == 1:
        return "fork"
    return "spawn"


@contextlib.contextmanager
def worker_pool(workers: int, encoding: str | tuple[str, ...]) -> Iterator[Pool | None]:
    """Worker processes ready to count with `encoding` (or each of several); None for one process."""
    if workers <= 1:
        yield None
        return
    method = start_method()
    if method == "fork":
        _warm(encoding)  # loaded before the fork, so every worker has it already
    with _started_pool(method, workers, initializer=_warm, initargs=(encoding,)) as pool:
        yield pool


#: Held while a pool's processes start with a stand-in `__main__` (see `_started_pool`).
_MAIN_LOCK = threading.Lock()


@contextlib.contextmanager
def _started_pool(method: str, workers: int, **kwargs) -> Iterator[Pool]:
    """`multiprocessing.get_context(method).Pool(workers, **kwargs)`, its workers started without re-running `__main__`.

    A spawned worker first re-runs its parent's `__main__` module from its file (so that pickles naming it
    work). Inside a Streamlit server `__main__` is the app script itself: Streamlit installs each run's module
    as `sys.modules["__main__"]` with the script as its `__file__`, so every spawned worker ran the whole app
    bare (imports, pages, charts: seconds of CPU and a screen of warnings) before counting anything. The workers
    need nothing from `__main__` (their jobs are this module's functions), so while the pool starts them
    `__main__` is a bare module of that name; the real one is put back at once.
    """
    if method == "fork":
        with multiprocessing.get_context(method).Pool(workers, **kwargs) as pool:
            yield pool
        return
    with _MAIN_LOCK:
        main = sys.modules.get("__main__")
        sys.modules["__main__"] = types.ModuleType("__main__")
        try:
            pool = multiprocessing.get_context(method).Pool(workers, **kwargs)  # starts every worker here
        finally:
            if main is not None:
                sys.modules["__main__"] = main
            else:
                sys.modules.pop("__main__", None)
    with pool:
        yield pool


def _warm(encoding: str | tuple[str, ...]) -> None:
    for name in (encoding,) if isinstance(encoding, str) else encoding:
        string_counter(name)  # a spawned worker loads the vocabulary before its first job


def scan(
    jobs: list[Job],
    pool: Pool | None,
    progress: Callable[[int, int], None] | None,
    total: int,
    meanwhile: Callable[[], None] | None = None,
) -> Tally:
    """Tally all jobs (consecutive ranges) into one, reporting progress(bytes_done, total) as ranges finish.

    `meanwhile` runs here once the jobs are handed to the pool, while the workers scan (before any job
    when there is no pool); an exception from it stops the scan.
    """
    tallies = scan_many(jobs, pool, progress, total, meanwhile)
    return tallies[0]


def scan_many(
    jobs: list[Job],
    pool: Pool | None,
    progress: Callable[[int, int], None] | None,
    total: int,
    meanwhile: Callable[[], None] | None = None,
) -> list[Tally]:
    """`scan` for jobs that carry `also` contexts: one merged Tally per context, in order."""
    width = 1 + len(jobs[0].also) if jobs else 1
    keep = jobs[0].ctx.keep_lines if jobs else None
    tallies = [Tally(keep) for _ in range(width)]
    done = 0
    if progress:
        progress(0, total)
    results = pool.imap(scan_job, jobs) if pool is not None and len(jobs) > 1 else map(scan_job, jobs)
    if meanwhile:
        meanwhile()
    for job, part in zip(jobs, results, strict=True):
        for tally, piece in zip(tallies, part if isinstance(part, list) else [part], strict=True):
            tally.merge(piece)
        done += job.end - job.start
        if progress:
            progress(done, total)
    return tallies


# --- several tokenizers on several cores: one process per group of families ------------------------------
#
# Every process that counts a family must load its vocabulary first (0.2-0.5 s each, holding the GIL, so
# threads do not overlap them), and a process that counts ranges for four families loads all four: with
# range workers that is ~1.5 s before the first range, in the parent (fork) or in each worker (spawn). Giving
# each core a group of families instead, each process loads only its own vocabularies, in parallel with the
# other core's, and reads the whole file once for its group (one parse per core: ~0.3 CPU-seconds per 80 MB,
# less than the loads it saves). Measured on the generator's 80 MB file, 2 cores: see bench/README.md.

#: Relative cost of a family (vocabulary load + counting one file), from bench/bench_analyze.py's encode-4 (2026-12-02, toktok-rs for all four);
#: used only to balance the groups. A family not listed (the estimates share o200k_base's counter) weighs 1.
FAMILY_WEIGHT = {"cl100k_base": 0.65, "o200k_base": 0.85, "llama3": 0.6, "qwen2": 0.8}


class FamilyFacts(NamedTuple):
    """What the report needs of a `tokenizers.Family`, without its counters (so it can cross processes)."""

    name: str
    exact: bool
    per_message: int
    per_example: int
    note: str


class GroupJob(NamedTuple):
    path: str
    ranges: list[tuple[int, int]]
    contexts: tuple[Context, ...]  # one per family of the group


def family_groups(names: list[str], workers: int) -> list[list[int]]:
    """Indices of `names` split into at most `workers` groups of about equal weight (heaviest first)."""
    groups: list[list[int]] = [[] for _ in range(max(1, min(workers, len(names))))]
    loads = [0.0] * len(groups)
    for i in sorted(range(len(names)), key=lambda i: -FAMILY_WEIGHT.get(names[i], 1.0)):
        g = loads.index(min(loads))
        groups[g].append(i)
        loads[g] += FAMILY_WEIGHT.get(names[i], 1.0)
    return [sorted(g) for g in groups if g]


def scan_group(job: GroupJob) -> tuple[list[Tally], list[FamilyFacts]]:
    """Tally the whole file for each family of one group, in this (worker) process."""
    first, *rest = job.contexts
    jobs = [Job(job.path, start, end, first, start == 0, tuple(rest)) for start, end in job.ranges]
    tallies = scan_many(jobs, None, None, 0)
    facts = []
    for ctx in job.contexts:
        f = tokenizers.family(ctx.encoding)
        facts.append(FamilyFacts(f.name, f.exact, f.per_message, f.per_example, f.note))
    return tallies, facts


def scan_groups(
    path: str,
    ranges: list[tuple[int, int]],
    contexts: list[Context],
    workers: int,
    progress: Callable[[int, int], None] | None,
    total: int,
    meanwhile: Callable[[], None] | None = None,
) -> tuple[list[Tally], list[FamilyFacts]]:
    """One Tally and the FamilyFacts per context, in order, each group of families in its own process.

    `meanwhile` runs here once the groups are handed to the workers (as in `scan`); an exception from it
    stops the scan.
    """
    groups = family_groups([c.encoding for c in contexts], workers)
    jobs = [GroupJob(path, ranges, tuple(contexts[i] for i in group)) for group in groups]
    tallies: list[Tally | None] = [None] * len(contexts)
    facts: list[FamilyFacts | None] = [None] * len(contexts)
    if progress:
        progress(0, total)
    # Nothing is loaded here before the workers start: each loads only its own group's vocabularies.
    with _started_pool(start_method(), len(jobs)) as pool:
        results = pool.imap(scan_group, jobs)
        if meanwhile:
            meanwhile()
        for done, (group, (group_tallies, group_facts)) in enumerate(zip(groups, results, strict=True), 1):
            for i, tally, fact in zip(group, group_tallies, group_facts, strict=True):
                tallies[i], facts[i] = tally, fact
            if progress:
                progress(total * done // len(jobs), total)
    return tallies, facts  # type: ignore[return-value]


def _looked_up(known: dict[str, int]) -> Callable[[list[str]], list[int]]:
    """`texts -> counts` from a block's counted strings."""

    def counts(texts: list[str]) -> list[int]:
        return list(map(known.__getitem__, texts))

    return counts
