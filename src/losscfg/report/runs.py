"""The dry-run's report: a table of the runs (text) or a versioned document (json)."""

from __future__ import annotations

import json
import os
import shlex
from collections.abc import Iterator, Sequence

from losscfg.diagnostics import (
    DryRunOptions,
    DryRunStatus,
    FileReport,
    Outcome,
    Severity,
)
from losscfg.escaping import printable
from losscfg.report import text
from losscfg.report.json import encodable
from losscfg.terminal import Piece

VERSION = 1

_HEADER = (
    "config",
    "loss",
    "classes",
    "targets",
    "amp",
    "loss value",
    "dtype",
    "grad norm",
    "fwd ms",
    "bwd ms",
    "peak mem",
    "status",
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
    outcome: Outcome, *, with_failures: bool = True, rerun: str = "losscfg check"
) -> Iterator[list[Piece]]:
    """The table of runs, then why each config failed or did not run, the warnings torch gave,
    and a summary line. Without `with_failures` (the check's report says why), only the configs
    that ran, and no reasons."""
    options = outcome.dry_run or DryRunOptions()
    reports = outcome.reports
    if not with_failures:
        reports = [report for report in reports if report.dry_run is not None]
    yield [
        (f"losscfg dry-run on {options.device}", "bold"),
        (
            f" (torch {outcome.torch_version}): batch {options.batch_size}, {options.steps} "
            f"steps, seed {options.seed}, amp {options.amp}, targets {options.targets}",
            "",
        ),
    ]
    folder = _common_folder([report.path for report in reports])
    if folder:
        yield [(f"configs in {printable(folder)}{os.sep}", "")]
    yield []
    header: tuple[str, ...] = _HEADER
    table = [header] + [_cells(report, folder) for report in reports]
    if not any(r.dry_run and r.dry_run.peak_memory_bytes is not None for r in reports):
        memory = header.index("peak mem")  # measured on CUDA only
        table = [line[:memory] + line[memory + 1 :] for line in table]
        header = table[0]
    widths = [max(len(line[i]) for line in table) for i in range(len(header))]
    yield [("  ".join(c.ljust(w) for c, w in zip(header, widths, strict=True)).rstrip(), "bold")]
    for report, cells in zip(reports, table[1:], strict=True):
        style = _STATUS_STYLE.get(status(report), "")
        line = "  ".join(c.ljust(w) for c, w in zip(cells[:-1], widths, strict=False))
        yield [(line + "  ", ""), (cells[-1], style)]
    if with_failures:
        yield from _failures(reports, rerun)
    for report in reports:
        for warning in report.dry_run.torch_warnings if report.dry_run else []:
            yield [
                (f"{printable(report.path)}: ", "bold"),
                ("torch warned: ", "yellow"),
                (printable(warning), ""),
            ]
    total = counts(reports)
    summary = f"{total['passed']} passed, {total['failed']} failed, {total['not_run']} not run"
    configs = total["configs"]
    yield []
    style = "bold green" if total["passed"] == configs else "bold red"
    yield [(f"{summary} ({configs} config{'s' if configs != 1 else ''})", style)]


def _failures(reports: Sequence[FileReport], rerun: str) -> Iterator[list[Piece]]:
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
        elif (
            status(report) is DryRunStatus.NOT_RUN and not report.unreadable and not report.dry_run
        ):
            errors = report.count(Severity.ERROR)
            path = printable(report.path)
            yield [
                (f"{path}: ", "bold"),
                (
                    f"not run: {errors} error{'s' if errors != 1 else ''} in the static check "
                    f"(see {rerun} {shlex.quote(path)})",
                    "yellow",
                ),
            ]
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


def _cells(report: FileReport, folder: str) -> tuple[str, ...]:
    result = report.dry_run
    loss = report.loss or "-"
    path = printable(os.path.relpath(report.path, folder) if folder else report.path)
    if result is None:
        return (path, loss, "-", "-", "-", "-", "-", "-", "-", "-", "-", str(status(report)))
    return (
        path,
        loss,
        str(result.num_classes),
        result.targets or "-",
        result.amp_dtype or "off",
        _format(result.loss_value, "{:.4g}"),
        result.loss_dtype or "-",
        _format(result.grad_norm, "{:.4g}"),
        _format(result.forward_ms, "{:.2f}"),
        _format(result.backward_ms, "{:.2f}"),
        _memory(result.peak_memory_bytes),
        str(status(report)),
    )


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
