"""Scanning byte ranges, in this process or in worker processes, merged in file order.

tiktoken's own threaded batch encoding was slower than one thread on a 2-core machine, so the
parallelism here is processes: each worker reads its byte ranges straight from the file (nothing
big is pickled) and returns a compact Tally. `imap` hands results back in order, so merging is
sequential and the result is the same as scanning the whole file in one process.

How workers start: "fork" when that is safe (a POSIX system other than macOS, and no other
thread in this process, as in the CLI): the tokenizer is loaded once here and the workers share
it, which saves each of them about half a second of CPU. Otherwise "spawn" (Streamlit runs
threads, and fork with threads can deadlock): each worker then re-seeds the offline tokenizer
through `ftcost.tokens.get_encoding`, which reads TIKTOKEN_CACHE_DIR from the environment it
inherits.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import sys
import threading
from multiprocessing.pool import Pool
from typing import Callable, Iterator, NamedTuple

from ftcost.dataset.checks import Context
from ftcost.dataset.counting import string_counter
from ftcost.dataset.reading import read_range
from ftcost.dataset.tally import Tally, scan_block
from ftcost.errors import FtcostError

MB = 1_000_000
#: Below this size starting workers costs more than it saves (each loads a tokenizer, ~0.5 s).
PARALLEL_MIN_BYTES = 8 * MB
SINGLE_CHUNK = 4 * MB  # single process: progress steps; peak memory is about twice this
MIN_CHUNK, MAX_CHUNK = 1 * MB, 4 * MB


class Job(NamedTuple):
    """One range to scan: from a file (by path) or from bytes handed over whole."""

    source: str | bytes  # a path, or the bytes that start/end index
    start: int
    end: int
    ctx: Context
    file_start: bool  # the range begins the file (only there is a byte-order mark skipped)


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


def scan_job(job: Job) -> Tally:
    """Tally one range. Runs in a worker process (or in this one for the single-process path)."""
    source, start, end, ctx, file_start = job
    block = read_range(source, start, end) if isinstance(source, str) else source[start:end]
    return scan_block(block, ctx, string_counter(ctx.encoding), file_start=file_start)


#: "fork" or "spawn" to force a start method (tests exercise both); None chooses (see the docstring).
START_METHOD: str | None = None


def start_method() -> str:
    if START_METHOD:
        return START_METHOD
    if "fork" in multiprocessing.get_all_start_methods() and sys.platform != "darwin" and threading.active_count() == 1:
        return "fork"
    return "spawn"


@contextlib.contextmanager
def worker_pool(workers: int, encoding: str) -> Iterator[Pool | None]:
    """Worker processes ready to count with `encoding` (None when one process is asked for)."""
    if workers <= 1:
        yield None
        return
    method = start_method()
    if method == "fork":
        string_counter(encoding)  # loaded before the fork, so every worker has it already
    with multiprocessing.get_context(method).Pool(workers, initializer=_warm, initargs=(encoding,)) as pool:
        yield pool


def _warm(encoding: str) -> None:
    string_counter(encoding)  # a spawned worker loads the vocabulary before its first job


def scan(
    jobs: list[Job],
    pool: Pool | None,
    progress: Callable[[int, int], None] | None,
    total: int,
) -> Tally:
    """Tally all jobs (consecutive ranges) into one, reporting progress(bytes_done, total) as ranges finish."""
    tally = Tally(jobs[0].ctx.keep_lines if jobs else None)
    done = 0
    if progress:
        progress(0, total)
    results = pool.imap(scan_job, jobs) if pool is not None and len(jobs) > 1 else map(scan_job, jobs)
    for job, part in zip(jobs, results):
        tally.merge(part)
        done += job.end - job.start
        if progress:
            progress(done, total)
    return tally
