"""Check many files, in order, on every core when there are enough of them to pay for it."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence

from losscfg.check import DryRun, Options, check_path
from losscfg.diagnostics import FileReport
from losscfg.reading import STDIN, shown_path
from losscfg.rules import default_registry
from losscfg.validation import validators_of

#: Below this many files, starting worker processes costs more than it saves (benchmarks/).
PARALLEL_FROM = 200
_CHUNK = 64


def check_all(
    files: Sequence[str],
    options: Options,
    *,
    stdin: bytes | None = None,
    dry_run: DryRun | None = None,
) -> Iterator[FileReport]:
    """One report per file, in the order given. The dry-run (torch) runs in this process."""
    workers = _workers(len(files))
    if workers <= 1 or STDIN in files or dry_run is not None:
        for path in files:
            yield safe_check(path, options, stdin=stdin, dry_run=dry_run)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    _warm_up(options)
    try:
        pool = ProcessPoolExecutor(
            workers,
            mp_context=multiprocessing.get_context("fork"),
            initializer=_start_worker,
            initargs=(options,),
        )
    except (OSError, NotImplementedError):  # no semaphores here (a sandbox without /dev/shm)
        for path in files:
            yield safe_check(path, options)
        return
    done = 0
    with pool:
        try:
            for report in pool.map(_check_in_worker, files, chunksize=_CHUNK):
                done += 1
                yield report
        except BrokenProcessPool:
            for path in files[done:]:
                yield FileReport(path, internal_error="a worker process died while checking it")


def safe_check(
    path: str, options: Options, *, stdin: bytes | None = None, dry_run: DryRun | None = None
) -> FileReport:
    """Check one file; a bug in losscfg becomes a report that says so, not a crash."""
    try:
        return check_path(path, options, stdin=stdin, dry_run=dry_run)
    except Exception as bug:  # any exception here is a bug in losscfg: report it, go on
        import traceback

        where = traceback.extract_tb(bug.__traceback__)[-1]
        return FileReport(
            shown_path(path),
            internal_error=f"{type(bug).__name__}: {bug} (at {os.path.basename(where.filename)}"
            f":{where.lineno})",
        )


class _Worker:
    """What a worker process checks with, set by the pool's initializer."""

    options: Options | None = None


def _start_worker(options: Options) -> None:
    _Worker.options = options


def _check_in_worker(path: str) -> FileReport:
    assert _Worker.options is not None, "the pool's initializer did not run"
    return safe_check(path, _Worker.options)


def _workers(files: int) -> int:
    if files < PARALLEL_FROM:
        return 1
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, files // _CHUNK))


def _warm_up(options: Options) -> None:
    """Load what every check needs once, before forking: workers inherit it for free."""
    from losscfg.schema import default_schema

    default_registry()
    validators_of(options.schema or default_schema())
