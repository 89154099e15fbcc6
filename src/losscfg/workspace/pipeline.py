"""The one pipeline: paths in, an `Outcome` out. The CLI, the dry-run, `--fix` and the
language server all check through it (text in memory goes to `losscfg.lint.check.check_source`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

from losscfg.diagnostics import (
    STDIN,
    DryRunOptions,
    DryRunStatus,
    FileReport,
    Outcome,
    Skipped,
)
from losscfg.lint.check import DryRun, Options
from losscfg.lint.rules.syntax import load_problem
from losscfg.load.problems import LoadProblem, Problem
from losscfg.load.reading import read_stdin
from losscfg.workspace.paths import Collected
from losscfg.workspace.project import Project
from losscfg.workspace.runner import Task, check_all


class DryRunStage:
    """The dry-run as the pipeline runs it: how it runs, and the function that runs one loss."""

    def __init__(self, options: DryRunOptions, run: DryRun, torch_version: str) -> None:
        self.options, self.run, self.torch_version = options, run, torch_version


def check_paths(
    paths: Sequence[str],
    project: Project,
    *,
    dry_run: DryRunStage | None = None,
    stdin: Callable[[], bytes] = read_stdin,
    on_report: Callable[[FileReport], None] | None = None,
    collected: Collected | None = None,
) -> Outcome:
    """Check every config under `paths` (`-` is standard input), each read and inspected
    once, with the options of its own settings; with `dry_run`, also run each loss that the
    static check found no error in. Files a search finds that are no configs are skipped."""
    collected = collected or project.search().collect(paths)
    options: list[Options] = []
    index: dict[int, int] = {}
    tasks = []
    for target in collected.targets:
        chosen = project.options_for(target.settings)
        if id(chosen) not in index:
            index[id(chosen)] = len(options)
            options.append(chosen)
        tasks.append(Task(target.path, index[id(chosen)], target.only_if_config))
    given_stdin = stdin() if any(t.path == STDIN for t in tasks) else None
    reports: list[FileReport] = []
    skipped = list(collected.skipped)
    for report in _reports(tasks, options, collected.unsearchable, given_stdin, dry_run):
        if report.skipped is not None:
            skipped.append(Skipped(report.path, report.skipped))
            continue
        if on_report is not None:
            on_report(report)
        reports.append(report)
    return Outcome(
        reports,
        dry_run=dry_run.options if dry_run else None,
        torch_version=dry_run.torch_version if dry_run else None,
        skipped=sorted(skipped),
    )


def _reports(
    tasks: Sequence[Task],
    options: Sequence[Options],
    unsearchable: dict[str, str],
    stdin: bytes | None,
    dry_run: DryRunStage | None,
) -> Iterator[FileReport]:
    for folder, reason in unsearchable.items():
        problem = LoadProblem(
            Problem.UNREADABLE, f"cannot search the folder: {reason}", hint="check its permissions"
        )
        yield FileReport(
            folder,
            [load_problem(problem)],
            unreadable=True,
            dry_run_status=DryRunStatus.NOT_RUN if dry_run else None,
        )
    yield from check_all(tasks, options, stdin=stdin, dry_run=dry_run.run if dry_run else None)
