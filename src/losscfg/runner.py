"""Check many files, in order, on every core when there are enough of them to pay for it."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence

from losscfg import registry
from losscfg.check import STDIN, STDIN_NAME, FileReport, Options, check_path
from losscfg.rules.syntax import IO_ERROR
from losscfg.schema import catalogue
from losscfg.validation import validator

#: Below this many files, starting worker processes costs more than it saves (benchmarks/).
PARALLEL_FROM = 200
_CHUNK = 64

_options: Options | None = None  # the options a worker process checks with


def check_all(
    files: Sequence[str],
    options: Options,
    unsearchable: dict[str, str] | None = None,
    *,
    stdin: bytes | None = None,
) -> Iterator[FileReport]:
    """One report per file, in the order given; folders that could not be searched first."""
    for folder, reason in (unsearchable or {}).items():
        yield unsearchable_report(folder, reason)
    workers = _workers(len(files))
    if workers <= 1 or STDIN in files:
        for path in files:
            yield safe_check(path, options, stdin=stdin)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    _warm_up()
    global _options
    _options = options
    try:
        pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))
    except (OSError, NotImplementedError):  # no semaphores here (a sandbox without /dev/shm)
        for path in files:
            yield safe_check(path, options, stdin=stdin)
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


def unsearchable_report(folder: str, reason: str) -> FileReport:
    return FileReport(
        folder,
        [IO_ERROR.diagnostic(f"cannot search the folder: {reason}", hint="check its permissions")],
    )


def safe_check(path: str, options: Options, *, stdin: bytes | None = None) -> FileReport:
    """Check one file; a bug in losscfg becomes a report that says so, not a crash."""
    try:
        return check_path(path, options, stdin=stdin)
    except Exception as bug:  # any exception here is a bug in losscfg: report it, go on
        import traceback

        where = traceback.extract_tb(bug.__traceback__)[-1]
        return FileReport(
            STDIN_NAME if path == STDIN else path,
            internal_error=f"{type(bug).__name__}: {bug} (at {os.path.basename(where.filename)}"
            f":{where.lineno})",
        )


def _check_in_worker(path: str) -> FileReport:
    assert _options is not None
    return safe_check(path, _options)


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


def _warm_up() -> None:
    """Load what every check needs once, before forking: workers inherit it for free."""
    registry.all_rules()
    catalogue()
    validator()
