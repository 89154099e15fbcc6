"""The dry-run's report: a table of the runs (text) or a versioned document (json)."""

from __future__ import annotations

import json
import os
import shlex
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Literal

from losscfg.diagnostics import (
    DryRunOptions,
    DryRunStatus,
    FileReport,
    Outcome,
    Severity,
)
from losscfg.load.escaping import printable
from losscfg.report import text
from losscfg.report.json import encodable
from losscfg.report.terminal import Piece, measure, rendered, wrapped

if TYPE_CHECKING:
    from rich.table import Table

VERSION = 1

# The table's columns: key, header, a number (aligned right).
_COLUMNS = (
    ("config", "config", False),
    ("loss", "loss", False),
    ("classes", "classes", True),
    ("targets", "targets", False),
    ("amp", "amp", False),
    ("value", "loss value", True),
    ("dtype", "dtype", False),
    ("grad", "grad norm", True),
    ("fwd", "fwd ms", True),
    ("bwd", "bwd ms", True),
    ("memory", "peak mem", True),
    ("status", "status", False),
)
# What gives way, in this order, when the table is wider than the terminal (the loss's dtype
# first: it is float32 but for a loss that autocast runs in its own dtype). The config, the loss
# and the status always stay; the JSON report has every column at any width.
_GIVE_WAY = (
    ("dtype",),
    ("memory",),
    ("fwd", "bwd"),
    ("classes",),
    ("targets",),
    ("grad",),
    ("amp",),
    ("value",),
)
_STATUS_STYLE = {
    DryRunStatus.PASSED: "green",
    DryRunStatus.FAILED: "bold red",
    DryRunStatus.NOT_RUN: "yellow",
}


def status(report: FileReport) -> DryRunStatus:
    """A report that met a bug before its run has no status of its own: not run."""
    return report.dry_run_status or DryRunStatus.NOT_RUN


def render_json(outcome: Outcome) -> str:
    options = outcome.dry_run or DryRunOptions()
    runs = []
    for report in outcome.reports:
        result = report.dry_run
        runs.append(
            {
                "path": report.path,
                "status": str(status(report)),
                "loss": report.loss,
                "num_classes": result.num_classes if result else report.num_classes,
                "device": result.device if result else None,
                "targets": result.targets if result else None,
                "amp_dtype": result.amp_dtype if result else None,
                "loss_value": _number(result.loss_value) if result else None,
                "loss_dtype": result.loss_dtype if result else None,
                "grad_norm": _number(result.grad_norm) if result else None,
                "forward_ms": result.forward_ms if result else None,
                "backward_ms": result.backward_ms if result else None,
                "peak_memory_bytes": result.peak_memory_bytes if result else None,
                "torch_warnings": result.torch_warnings if result else [],
                "diagnostics": [d.to_dict() for d in report.diagnostics],
            }
        )
    document = {
        "version": VERSION,
        "device": options.device,
        "torch": outcome.torch_version,
        "batch_size": options.batch_size,
        "steps": options.steps,
        "amp": options.amp,
        "seed": options.seed,
        "targets": options.targets,
        "runs": runs,
        "summary": counts(outcome.reports),
    }
    return json.dumps(encodable(document), indent=2) + "\n"


def counts(reports: Sequence[FileReport]) -> dict[str, int]:
    statuses = [status(r) for r in reports]
    return {
        "configs": len(reports),
        "passed": statuses.count(DryRunStatus.PASSED),
        "failed": statuses.count(DryRunStatus.FAILED) + statuses.count(DryRunStatus.IGNORED),
        "not_run": statuses.count(DryRunStatus.NOT_RUN),
    }


def render_table(
    outcome: Outcome,
    *,
    with_failures: bool = True,
    rerun: str = "losscfg check",
    width: int | None = None,
) -> Iterator[list[Piece]]:
    """The table of runs, then why each config failed or did not run, the warnings torch gave,
    and a summary line. Without `with_failures` (the check's report says why), only the configs
    that ran, and no reasons. The table fits in `width` columns (`terminal.width`): where it is
    narrow, columns give way (`_GIVE_WAY`); None shows every column, as wide as it takes. The
    lines above and below it wrap, but for the reasons (`_failures`)."""
    options = outcome.dry_run or DryRunOptions()
    reports = outcome.reports
    if not with_failures:
        reports = [report for report in reports if report.dry_run is not None]
    title = [
        (f"losscfg dry-run on {options.device}", "bold"),
        (
            f" (torch {outcome.torch_version}): batch {options.batch_size}, {options.steps} "
            f"steps, seed {options.seed}, amp {options.amp}, targets {options.targets}",
            "",
        ),
    ]
    yield from wrapped(title, width)
    folder = _common_folder([report.path for report in reports])
    if folder:
        yield from wrapped([(f"configs in {printable(folder)}{os.sep}", "")], width)
    yield []
    yield from rendered(_table(reports, folder, width), width)
    if with_failures:
        yield from _failures(reports, rerun, width)
    for report in reports:
        for warning in report.dry_run.torch_warnings if report.dry_run else []:
            said = [
                (f"{printable(report.path)}: ", "bold"),
                ("torch warned: ", "yellow"),
                (printable(warning), ""),
            ]
            yield from wrapped(said, width)
    total = counts(reports)
    summary = f"{total['passed']} passed, {total['failed']} failed, {total['not_run']} not run"
    configs = total["configs"]
    yield []
    style = "bold green" if total["passed"] == configs else "bold red"
    yield [(f"{summary} ({configs} config{'s' if configs != 1 else ''})", style)]


def _table(reports: Sequence[FileReport], folder: str, width: int | None) -> Table:
    """The richest table that fits in `width`, no row wrapped: every column, its headers on one
    line, then on a line a word (narrower), then fewer columns (`_GIVE_WAY`); at the last, a
    long config path folds. The peak memory is a column only when it was measured (on CUDA)."""
    rows = [(report, _cells(report, folder)) for report in reports]
    gone = (
        set()
        if any(r.dry_run and r.dry_run.peak_memory_bytes is not None for r in reports)
        else {"memory"}
    )
    table = _layout(rows, gone, stacked=False)
    if width is None:
        return table
    for give_way in ((), *_GIVE_WAY):
        gone |= set(give_way)
        for stacked in (False, True):
            table = _layout(rows, gone, stacked=stacked)
            if measure(table)[1] <= width:
                return table
    return table


def _failures(
    reports: Sequence[FileReport], rerun: str, width: int | None
) -> Iterator[list[Piece]]:
    """Why each config did not pass, unwrapped as the check's report is (a terminal wraps it
    softly, and what is copied from it is whole): a config not run says where to see why, on a
    line of its own where the line would be wider than `width`."""
    from rich.cells import cell_len

    problems = [r for r in reports if status(r) is not DryRunStatus.PASSED]
    if problems:
        yield []
    for report in problems:
        if report.internal_error:
            yield [
                (
                    f"{printable(report.path)}: internal error: {printable(report.internal_error)}",
                    "bold red",
                )
            ]
        elif report.not_run_because is not None:
            yield [
                (f"{printable(report.path)}: ", "bold"),
                (f"not run: {report.not_run_because}", "yellow"),
            ]
        elif (
            status(report) is DryRunStatus.NOT_RUN and not report.unreadable and not report.dry_run
        ):
            errors = report.count(Severity.ERROR)
            path = printable(report.path)
            why = f"not run: {errors} error{'s' if errors != 1 else ''} in the static check"
            see = f"(see {rerun} {shlex.quote(path)})"
            if width is None or cell_len(f"{path}: {why} {see}") <= width:
                yield [(f"{path}: ", "bold"), (f"{why} {see}", "yellow")]
            else:  # the command on a line of its own, whole (to copy)
                yield [(f"{path}: ", "bold"), (why, "yellow")]
                yield [(f"  {see}", "yellow")]
        else:
            yield from text.diagnostics(report, only=Severity.ERROR)


def _number(value: float | None) -> float | str | None:
    if value is None or (value == value and abs(value) != float("inf")):
        return value
    return str(value)


def _common_folder(paths: list[str]) -> str:
    """The folder all paths share (shown once above the table), or ""."""
    if len(paths) < 2:
        return ""
    try:
        folder = os.path.commonpath(paths)
    except ValueError:
        return ""
    return "" if folder in paths else folder


def _layout(
    rows: Sequence[tuple[FileReport, dict[str, str]]], gone: set[str], *, stacked: bool
) -> Table:
    """The table of the columns not `gone`; `stacked`: a header's words one above the other,
    the headers aligned at the bottom."""
    from rich.align import Align
    from rich.table import Table
    from rich.text import Text

    table = Table(box=None, padding=(0, 1), pad_edge=False, show_edge=False, header_style="bold")
    keys = [key for key, *_ in _COLUMNS if key not in gone]
    for key, header, number in _COLUMNS:
        if key in gone:
            continue
        justify: Literal["left", "right"] = "right" if number else "left"
        table.add_column(
            Align(Text(header.replace(" ", "\n")), justify, vertical="bottom")
            if stacked
            else header,
            justify=justify,
            no_wrap=key != "config",
            overflow="fold",
        )
    for report, cells in rows:
        style = _STATUS_STYLE.get(status(report), "")
        table.add_row(*(Text(cells[key], style=style if key == "status" else "") for key in keys))
    return table


def _cells(report: FileReport, folder: str) -> dict[str, str]:
    result = report.dry_run
    cells = dict.fromkeys((key for key, *_ in _COLUMNS), "-")
    cells["config"] = printable(os.path.relpath(report.path, folder) if folder else report.path)
    cells["loss"] = report.loss or (report.dry_run.loss_name if report.dry_run else None) or "-"
    cells["status"] = str(status(report))
    if result is None:
        return cells
    cells.update(
        classes=str(result.num_classes),
        targets=result.targets or "-",
        amp=result.amp_dtype or "off",
        value=_format(result.loss_value, "{:.4g}"),
        dtype=result.loss_dtype or "-",
        grad=_format(result.grad_norm, "{:.4g}"),
        fwd=_format(result.forward_ms, "{:.2f}"),
        bwd=_format(result.backward_ms, "{:.2f}"),
        memory=_memory(result.peak_memory_bytes),
    )
    return cells


def _format(value: float | None, pattern: str) -> str:
    return "-" if value is None else pattern.format(value)


def _memory(size: int | None) -> str:
    if size is None:
        return "-"
    amount = float(size)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if amount < 1024 or unit == "GiB":
            return f"{amount:.0f} {unit}" if unit == "B" else f"{amount:.1f} {unit}"
        amount /= 1024
    return "-"
