"""The one pipeline: paths in, an `Outcome` out. The CLI, the dry-run, `--fix` and the
language server all check through it (text in memory goes to `losscfg.check.check_source`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

from losscfg.check import DryRun, Options
from losscfg.diagnostics import DryRunOptions, DryRunStatus, FileReport, Outcome
from losscfg.paths import collect
from losscfg.problems import LoadProblem, Problem
from losscfg.reading import STDIN, read_stdin
from losscfg.rules.syntax import load_problem
from losscfg.runner import check_all
from losscfg.selection import Selection
from losscfg.settings import Settings


class DryRunStage:
    """The dry-run as the pipeline runs it: how it runs, and the function that runs one loss."""

    def __init__(self, options: DryRunOptions, run: DryRun, torch_version: str) -> None:
        self.options, self.run, self.torch_version = options, run, torch_version


def check_paths(
    paths: Sequence[str],
    options: Options,
    *,
    dry_run: DryRunStage | None = None,
    stdin: Callable[[], bytes] = read_stdin,
    on_report: Callable[[FileReport], None] | None = None,
) -> Outcome:
    """Check every config under `paths` (`-` is standard input), each read and inspected
    once; with `dry_run`, also run each loss that the static check found no error in."""
    files, unsearchable = collect(paths)
    given_stdin = stdin() if STDIN in files else None
    reports: list[FileReport] = []
    for report in _reports(files, unsearchable, options, given_stdin, dry_run):
        if on_report is not None:
            on_report(report)
        reports.append(report)
    return Outcome(
        reports,
        dry_run=dry_run.options if dry_run else None,
        torch_version=dry_run.torch_version if dry_run else None,
    )


def _reports(
    files: Sequence[str],
    unsearchable: dict[str, str],
    options: Options,
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
    yield from check_all(files, options, stdin=stdin, dry_run=dry_run.run if dry_run else None)


def options_from(settings: Settings, num_classes: int | None, selection: Selection) -> Options:
    """The check's options: the command line's class count wins over the settings'."""
    count: int | None = num_classes
    if num_classes is not None:
        origin = f"--num-classes {num_classes}"
    else:
        count = settings.num_classes
        origin = f"num-classes = {settings.num_classes} in {settings.source}"
    return Options(
        num_classes=count,
        num_classes_origin=origin,
        datasets=settings.datasets,
        selection=selection,
    )
