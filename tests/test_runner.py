"""Checking many files: the process pool gives the same reports, in order, as one process."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from losscfg.diagnostics import FileReport
from losscfg.lint.check import Options
from losscfg.workspace import runner

CONFIGS = [
    "loss:\n  name: cross_entropy\n",
    "loss:\n  name: focal\n",
    "loss:\n  name: nll\n  weight: [1, 2]\nmodel: {num_classes: 3}\n",
    "loss: [\n",
]


@pytest.fixture
def files(tmp_path: Path) -> list[str]:
    paths = []
    for i in range(24):
        path = tmp_path / f"c{i:02}.yaml"
        path.write_text(CONFIGS[i % len(CONFIGS)], encoding="utf-8")
        paths.append(str(path))
    return paths


@pytest.fixture
def small_pool(monkeypatch: pytest.MonkeyPatch) -> None:
    """Use worker processes from 8 files on, in chunks of 4."""
    monkeypatch.setattr(runner, "PARALLEL_FROM", 8)
    monkeypatch.setattr(runner, "_CHUNK", 4)
    monkeypatch.setattr(runner, "_workers", lambda n: 2 if n >= runner.PARALLEL_FROM else 1)


Summary = list[tuple[str, list[tuple[str, int | None]], str | None]]


def _summary(reports: list[FileReport]) -> Summary:
    return [(r.path, [(d.code, d.line) for d in r.diagnostics], r.internal_error) for r in reports]


def test_workers_give_the_reports_of_one_process(files: list[str], small_pool: None) -> None:
    parallel = list(runner.check_all(_tasks(files), [Options()]))
    serial = [runner.safe_check(runner.Task(path), [Options()]) for path in files]
    assert _summary(parallel) == _summary(serial)
    assert [r.path for r in parallel] == files
    assert {d.code for r in parallel for d in r.diagnostics} >= {"LC101", "LC207", "LC001"}


def test_a_bug_in_a_worker_spares_the_other_files(
    files: list[str], small_pool: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    check_path = runner.check_path

    def buggy(path: str, options: Options, **kwargs: object) -> FileReport:
        if path.endswith("c05.yaml"):
            raise KeyError("boom")
        return check_path(path, options)

    monkeypatch.setattr(runner, "check_path", buggy)
    reports = list(runner.check_all(_tasks(files), [Options()]))
    broken = [r for r in reports if r.internal_error]
    assert [r.path for r in broken] == [files[5]]
    assert broken[0].internal_error is not None and "KeyError: 'boom'" in broken[0].internal_error
    assert len(reports) == len(files)


def test_a_dead_worker_is_replaced_and_only_its_file_is_lost(
    files: list[str], small_pool: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    check_path = runner.check_path

    def dies_on_one(path: str, options: Options, **kwargs: object) -> FileReport:
        if path.endswith("c07.yaml"):
            os._exit(1)  # as a worker killed by the OOM killer or by hand
        return check_path(path, options)

    monkeypatch.setattr(runner, "check_path", dies_on_one)
    reports = list(runner.check_all(_tasks(files), [Options()]))
    assert [r.path for r in reports] == files
    lost = [r.path for r in reports if r.internal_error]
    assert lost == [files[7]]
    assert reports[7].internal_error == "a worker process died while checking it"
    checked = [r for r in reports if not r.internal_error]
    assert _summary(checked) == _summary(
        [runner.safe_check(runner.Task(p), [Options()]) for p in files if p != files[7]]
    )


def test_no_pool_falls_back_to_one_process(
    files: list[str], small_pool: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    import concurrent.futures

    def refused(*args: object, **kwargs: object) -> None:
        raise OSError(38, "Function not implemented")

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", refused)
    reports = list(runner.check_all(_tasks(files), [Options()]))
    assert _summary(reports) == _summary(
        [runner.safe_check(runner.Task(p), [Options()]) for p in files]
    )


def test_few_files_use_one_process() -> None:
    assert runner._workers(runner.PARALLEL_FROM - 1) == 1


@pytest.mark.parametrize("signal_name", ["SIGKILL", "SIGTERM"])
def test_workers_die_with_the_main_process(tmp_path: Path, signal_name: str) -> None:
    for i in range(runner.PARALLEL_FROM + 56):
        (tmp_path / f"c{i:03}.yaml").write_text(CONFIGS[i % len(CONFIGS)], encoding="utf-8")
    slow = (  # the workers sleep, so that they are alive when the main process is killed
        "import sys, time\nfrom losscfg.workspace import runner\n"
        "original = runner.check_path\n"
        "def slow(*args, **kwargs):\n    time.sleep(0.2)\n    return original(*args, **kwargs)\n"
        "runner.check_path = slow\n"
        "runner._workers = lambda n: 2\n"
        "from losscfg.cli import main\n"
        f"sys.argv = ['losscfg', 'check', {str(tmp_path)!r}]\nmain()\n"
    )
    main = subprocess.Popen(
        [sys.executable, "-c", slow], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    try:
        workers: list[int] = []
        for _ in range(200):
            workers = _children(main.pid)
            if len(workers) >= 2:
                break
            time.sleep(0.05)
        assert len(workers) >= 2, "the pool did not start"
        main.send_signal(getattr(signal, signal_name))
        _, stderr = main.communicate(timeout=10)
        if signal_name == "SIGTERM":  # ended as losscfg ends it: one line, no traceback
            assert (main.returncode, stderr) == (143, "losscfg: terminated\n")
        for _ in range(100):
            if not any(_alive(pid) for pid in workers):
                break
            time.sleep(0.05)
        assert not any(_alive(pid) for pid in workers), "a worker outlived the main process"
    finally:
        main.kill()
        for pid in _children(main.pid):
            os.kill(pid, signal.SIGKILL)


def _children(parent: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="utf-8") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == parent:
                found.append(int(entry))
    return found


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _tasks(files: list[str]) -> list[runner.Task]:
    return [runner.Task(path) for path in files]


def _heavy_run(tmp_path: Path) -> subprocess.Popen[str]:
    """`losscfg check` on 256 files in two workers, each file's report carrying a 5 kB source
    line, so that a chunk's results overflow the pipe a broken pool no longer reads."""
    weights = ", ".join(["1.0"] * 1000)
    config = (
        f"dataset: {{num_classes: 1001}}\nloss:\n  name: cross_entropy\n  weight: [{weights}]\n"
    )
    for i in range(256):
        (tmp_path / f"c{i:03}.yaml").write_text(config, encoding="utf-8")
    script = (
        "import sys, time\nfrom losscfg.workspace import runner\n"
        "original = runner.check_path\n"
        "def slow(*args, **kwargs):\n    time.sleep(0.02)\n    return original(*args, **kwargs)\n"
        "runner.check_path = slow\n"
        "runner._workers = lambda n: 2\n"
        "from losscfg.cli import main\n"
        f"sys.argv = ['losscfg', 'check', '--no-color', {str(tmp_path)!r}]\nmain()\n"
    )
    return subprocess.Popen(
        [sys.executable, "-c", script],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _kill_one_worker(main: subprocess.Popen[str]) -> None:
    workers: list[int] = []
    for _ in range(400):
        workers = _children(main.pid)
        if len(workers) >= 2:
            break
        time.sleep(0.02)
    assert len(workers) >= 2, "the pool did not start"
    time.sleep(0.3)  # both workers are inside their first chunk
    os.kill(workers[0], signal.SIGKILL)  # as the OOM killer does


def test_a_killed_worker_neither_hangs_nor_loses_the_run(tmp_path: Path) -> None:
    """Python 3.11's broken pool waited at exit for a surviving worker that was blocked
    writing its results: the run printed its summary and never ended."""
    main = _heavy_run(tmp_path)
    try:
        _kill_one_worker(main)
        stdout, stderr = main.communicate(timeout=60)
    finally:
        _end(main)
    assert main.returncode == 1, stderr
    assert stdout.splitlines()[-1] == "256 errors, 0 warnings in 256 files (256 checked)"
    assert stderr == ""


def test_sigterm_ends_a_run_whose_pool_broke(tmp_path: Path) -> None:
    main = _heavy_run(tmp_path)
    try:
        _kill_one_worker(main)
        time.sleep(0.5)
        main.send_signal(signal.SIGTERM)
        _, stderr = main.communicate(timeout=5)
    finally:
        _end(main)
    assert (main.returncode, stderr) == (143, "losscfg: terminated\n")


def _end(main: subprocess.Popen[str]) -> None:
    for pid in _children(main.pid):
        os.kill(pid, signal.SIGKILL)
    main.kill()
    main.wait()


def test_sigterm_after_the_summary_ends_the_run(tmp_path: Path) -> None:
    """A signal that comes while the interpreter exits ends it too (it used to be raised inside
    the exit hook, ignored, and the join went on)."""
    main = _heavy_run(tmp_path)
    try:
        _kill_one_worker(main)
        assert main.stdout is not None
        for line in main.stdout:
            if " in 256 files " in line:
                break
        with contextlib.suppress(ProcessLookupError):
            main.send_signal(signal.SIGTERM)
        main.wait(timeout=5)
    finally:
        _end(main)
    # 1: it had ended; 143: the handler ended it; -15: it came in the last moments of the
    # interpreter's exit, after Python gives signals back their default action (the shell
    # shows 143 for both): in every case the run ended, which is what this test is for.
    assert main.returncode in (1, 143, -signal.SIGTERM)
