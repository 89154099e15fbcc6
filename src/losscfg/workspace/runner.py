"""Check many files, in order, on every core when there are enough of them to pay for it."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from typing import Any, NamedTuple

from losscfg.diagnostics import STDIN, FileReport
from losscfg.lint.check import DryRun, Options, check_path
from losscfg.lint.rules import default_registry
from losscfg.lint.validation import validators_of
from losscfg.load.reading import shown_path
from losscfg.workspace.fixing import fix_path

#: Below this many files, starting worker processes costs more than it saves (benchmarks/).
PARALLEL_FROM = 200
_CHUNK = 64


class Task(NamedTuple):
    """One file to check: its path, the index of its options, and whether it was found by a
    search (a file that is no config is then skipped)."""

    path: str
    options: int = 0
    only_if_config: bool = False


def check_all(
    tasks: Sequence[Task],
    options: Sequence[Options],
    *,
    stdin: bytes | None = None,
    dry_run: DryRun | None = None,
) -> Iterator[FileReport]:
    """One report per task, in the order given. The dry-run (torch) runs in this process."""
    workers = _workers(len(tasks))
    if workers <= 1 or any(t.path == STDIN for t in tasks) or dry_run is not None:
        for task in tasks:
            yield safe_check(task, options, stdin=stdin, dry_run=dry_run)
        return
    _warm_up(options)
    yield from _in_pools(tasks, options, workers)


_DIED = "a worker process died while checking it"


def _in_pools(
    files: Sequence[Task], options: Sequence[Options], workers: int
) -> Iterator[FileReport]:
    """Check `files` in a pool of `workers`. When a worker dies (killed, out of memory), the
    files that were in flight are checked again one by one, each in a fresh one-worker pool,
    so that only a file that kills its worker is reported as such; then a new pool goes on."""
    from concurrent.futures.process import BrokenProcessPool

    done = 0
    while done < len(files):
        pool = _pool(workers, options)
        if pool is None:  # no semaphores here (a sandbox without /dev/shm): one process
            for task in files[done:]:
                yield safe_check(task, options)
            return
        try:
            try:
                for report in pool.map(_check_in_worker, files[done:], chunksize=_CHUNK):
                    done += 1
                    yield report
            except BaseException:  # interrupted, terminated, or the reader went away: stop now
                _stop(pool)
                raise
            pool.shutdown()
            return
        except BrokenProcessPool:
            _end_survivors(pool)
            pool.shutdown(wait=True)
            suspects = files[done : done + _CHUNK * workers]
            for task in suspects:
                yield _alone(task, options)
            done += len(suspects)


def _stop(pool: Any) -> None:
    """Stop a pool at once: nothing more is started, and nothing is waited for (its workers die
    with this process, see `_die_with_parent`)."""
    pool.shutdown(wait=False, cancel_futures=True)


def _end_survivors(pool: Any) -> None:
    """Kill the workers a broken pool left alive, and only those. One may be blocked writing
    its results into a pipe that nobody reads any more, and the pool's shutdown (at exit, too)
    would wait for it forever; their files are checked again anyway."""
    workers = list((getattr(pool, "_processes", None) or {}).values())  # no public way
    for worker in workers:
        if worker.is_alive():
            worker.kill()
    for worker in workers:
        worker.join(timeout=5)


def _alone(task: Task, options: Sequence[Options]) -> FileReport:
    """Check one file in a fresh one-worker pool; a worker that dies on it is reported."""
    from concurrent.futures.process import BrokenProcessPool

    pool = _pool(1, options)
    if pool is None:
        return safe_check(task, options)
    try:
        report: FileReport = pool.submit(_check_in_worker, task).result()
    except BrokenProcessPool:
        _end_survivors(pool)
        report = FileReport(shown_path(task.path), internal_error=_DIED)
    except BaseException:
        _stop(pool)
        raise
    pool.shutdown()
    return report


def _pool(workers: int, options: Sequence[Options]) -> Any:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    try:
        return ProcessPoolExecutor(
            workers,
            mp_context=multiprocessing.get_context("fork"),
            initializer=_start_worker,
            initargs=(tuple(options), os.getpid()),
        )
    except (OSError, NotImplementedError):
        return None


def safe_check(
    task: Task,
    options: Sequence[Options],
    *,
    stdin: bytes | None = None,
    dry_run: DryRun | None = None,
) -> FileReport:
    """Check one file; a bug in losscfg becomes a report that says so, not a crash."""
    chosen = options[task.options]
    try:
        if chosen.fix is not None:
            return fix_path(
                task.path,
                chosen,
                chosen.fix,
                stdin=stdin,
                dry_run=dry_run,
                only_if_config=task.only_if_config,
            )
        return check_path(
            task.path, chosen, stdin=stdin, dry_run=dry_run, only_if_config=task.only_if_config
        )
    except Exception as bug:  # any exception here is a bug in losscfg: report it, go on
        import traceback

        where = traceback.extract_tb(bug.__traceback__)[-1]
        return FileReport(
            shown_path(task.path),
            internal_error=f"{type(bug).__name__}: {bug} (at {os.path.basename(where.filename)}"
            f":{where.lineno})",
        )


class _Worker:
    """What a worker process checks with, set by the pool's initializer."""

    options: Sequence[Options] = ()


def _start_worker(options: Sequence[Options], parent: int) -> None:
    _Worker.options = options
    _leave_signals_to_the_parent()
    _die_with_parent(parent)


def _leave_signals_to_the_parent() -> None:
    """A forked worker inherits the CLI's SIGTERM handler, which raises an exception that the
    pool's worker loop catches and survives: the pool's own terminate() could not end it. It
    ignores Ctrl-C too (the terminal sends it to every process of the group): the parent
    decides, and a worker dies with it."""
    import signal

    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _die_with_parent(parent: int) -> None:
    """Ask Linux to kill this worker when the process that made it dies (kill -KILL included):
    an orphan would hold stdout and the report open, and a CI step would wait for it forever."""
    import signal

    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the pool's own shutdown has to do
        return
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


def _check_in_worker(task: Task) -> FileReport:
    assert _Worker.options, "the pool's initializer did not run"
    return safe_check(task, _Worker.options)


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


def _warm_up(options: Sequence[Options]) -> None:
    """Load what every check needs once, before forking: workers inherit it for free."""
    from losscfg.catalogue.schema import default_schema

    default_registry()
    for each in options:
        validators_of(each.schema or default_schema())
