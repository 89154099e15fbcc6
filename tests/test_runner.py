"""Checking many files: the process pool gives the same reports, in order, as one process."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from losscfg import runner
from losscfg.check import Options
from losscfg.diagnostics import FileReport

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
    parallel = list(runner.check_all(files, Options()))
    serial = [runner.safe_check(path, Options()) for path in files]
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
    reports = list(runner.check_all(files, Options()))
    broken = [r for r in reports if r.internal_error]
    assert [r.path for r in broken] == [files[5]]
    assert broken[0].internal_error is not None and "KeyError: 'boom'" in broken[0].internal_error
    assert len(reports) == len(files)


def test_a_dead_worker_leaves_a_report_for_every_file(
    files: list[str], small_pool: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    def dies(path: str, options: Options, **kwargs: object) -> FileReport:
        os._exit(1)

    monkeypatch.setattr(runner, "check_path", dies)
    reports = list(runner.check_all(files, Options()))
    assert [r.path for r in reports] == files
    assert all(r.internal_error == "a worker process died while checking it" for r in reports)


def test_no_pool_falls_back_to_one_process(
    files: list[str], small_pool: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    import concurrent.futures

    def refused(*args: object, **kwargs: object) -> None:
        raise OSError(38, "Function not implemented")

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", refused)
    reports = list(runner.check_all(files, Options()))
    assert _summary(reports) == _summary([runner.safe_check(p, Options()) for p in files])


def test_few_files_use_one_process() -> None:
    assert runner._workers(runner.PARALLEL_FROM - 1) == 1
