"""Scanning byte ranges, in this process or in worker processes, merged in file order.

tiktoken's own threaded batch encoding was slower than one thread on a 2-core machine, so the
parallelism here is processes: each worker reads its byte ranges straight from the file (nothing
big is pickled) and returns a compact Tally. Workers are started with the "spawn" method, which is
safe when the caller has threads (Streamlit does) and works on every OS; each re-seeds the offline
tokenizer through `ftcost.tokens.get_encoding`, which reads TIKTOKEN_CACHE_DIR from the environment
it inherits. `imap` hands results back in order, so merging is sequential and the result is the
same as scanning the whole file in one process.
"""

from __future__ import annotations

import multiprocessing
import os
from typing import Callable, Iterable, NamedTuple

from ftcost.dataset.checks import Context
from ftcost.dataset.counting import string_counter
from ftcost.dataset.reading import read_range
from ftcost.dataset.tally import Tally, scan_block

MB = 1_000_000
#: Below this size starting workers costs more than it saves (each loads a tokenizer, ~0.5 s).
PARALLEL_MIN_BYTES = 8 * MB
SINGLE_CHUNK = 4 * MB  # single process: progress steps; peak memory is about twice this
MIN_CHUNK, MAX_CHUNK = 1 * MB, 8 * MB



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


def chunk_size(size: int, workers: int) -> int:
    """Bytes per range: several ranges per worker, so the work balances and progress moves."""
    if workers <= 1:
        return SINGLE_CHUNK
    return max(MIN_CHUNK, min(MAX_CHUNK, size // (workers * 8) or 1))


def scan_job(job: Job) -> Tally:
    """Tally one range. Runs in a worker process (or in this one for the single-process path)."""
    source, start, end, ctx, file_start = job
    block = read_range(source, start, end) if isinstance(source, str) else source[start:end]
    return scan_block(block, ctx, string_counter(ctx.encoding), file_start=file_start)


def _warm(encoding: str) -> None:
    string_counter(encoding)  # load the vocabulary once per worker, before the first job


def scan(
    jobs: list[Job],
    workers: int,
    progress: Callable[[int, int], None] | None,
    total: int,
) -> Tally:
    """Tally all jobs (consecutive ranges) into one, reporting progress(bytes_done, total) as ranges finish."""
    tally = Tally()
    done = 0
    if progress:
        progress(0, total)
    for job, part in zip(jobs, _results(jobs, workers)):
        tally.merge(part)
        done += job.end - job.start
        if progress:
            progress(done, total)
    return tally


def _results(jobs: list[Job], workers: int) -> Iterable[Tally]:
    if workers <= 1 or len(jobs) <= 1:
        yield from map(scan_job, jobs)
        return
    context = multiprocessing.get_context("spawn")
    encoding = jobs[0].ctx.encoding
    with context.Pool(min(workers, len(jobs)), initializer=_warm, initargs=(encoding,)) as pool:
        yield from pool.imap(scan_job, jobs)
