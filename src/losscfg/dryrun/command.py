"""`losscfg dry-run` and `losscfg check --dry-run`: check, then run what has no errors."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any

from losscfg.check import FileReport, Options, inspect_path
from losscfg.context import Context
from losscfg.diagnostics import Diagnostic, Severity
from losscfg.document import split_lines
from losscfg.dryrun.devices import require_torch, resolve_device
from losscfg.paths import expand
from losscfg.report.text import TextOptions
from losscfg.report.text import render as render_text
from losscfg.rules.dryrun import DRY_RUN_FAILED, DRY_RUN_NON_FINITE
from losscfg.runner import unsearchable_report
from losscfg.selection import Selection
from losscfg.terminal import Piece, write_lines

VERSION = 1
PASSED, FAILED, NOT_RUN, IGNORED = "passed", "failed", "not run", "failed (ignored)"


@dataclass(frozen=True)
class DryRunSettings:
    device: str = "cpu"
    batch_size: int = 8
    steps: int = 3
    amp: str = "auto"
    seed: int = 0


@dataclass
class Row:
    """One config's line of the dry-run report."""

    report: FileReport  # the static check's, plus LC501/LC502 when the run failed
    status: str
    result: Any = None  # losscfg.dryrun.run.RunResult when it ran


def dry_run_paths(
    paths: Sequence[str],
    options: Options,
    settings: DryRunSettings,
    *,
    output_format: str,
    color: bool,
    stream: IO[str] | None = None,
) -> list[Row]:
    """`losscfg dry-run`: run, write the report, and return the rows (see `exit_code`)."""
    files, unsearchable = expand(paths)
    rows = list(_rows(files, unsearchable, options, settings))
    write(rows, settings, output_format=output_format, color=color, stream=stream or sys.stdout)
    return rows


def run_rows(
    files: Sequence[str], options: Options, settings: DryRunSettings, *, stdin: bytes | None = None
) -> list[Row]:
    """`losscfg check --dry-run`: run the files that passed the check."""
    return list(_rows(files, {}, options, settings, stdin=stdin))


def write_table(
    rows: Sequence[Row], settings: DryRunSettings, stream: IO[str], *, color: bool
) -> None:
    """The dry-run table, without the failures (the check's report shows them)."""
    write_lines(_text(rows, settings, with_failures=False), stream, color=color)


def _rows(
    files: Sequence[str],
    unsearchable: dict[str, str],
    options: Options,
    settings: DryRunSettings,
    *,
    stdin: bytes | None = None,
) -> Iterator[Row]:
    from losscfg.dryrun.run import RunSettings, dry_run

    for folder, reason in unsearchable.items():
        yield Row(unsearchable_report(folder, reason), NOT_RUN)
    run_settings = RunSettings(
        device=resolve_device(settings.device),
        batch_size=settings.batch_size,
        steps=settings.steps,
        amp=settings.amp,
        seed=settings.seed,
    )
    selection = options.selection or Selection.everything()
    for path in files:
        try:
            report, context = inspect_path(path, options, stdin=stdin)
        except Exception as bug:  # a bug in losscfg: reported, the others still run
            yield Row(FileReport(path, internal_error=f"{type(bug).__name__}: {bug}"), NOT_RUN)
            continue
        if context is None or not report.runnable:
            yield Row(report, NOT_RUN)
            continue
        result = dry_run(
            context.loss,
            run_settings,
            loss_name=context.loss_name or "",
            num_classes=context.class_count.value if context.class_count else None,
            amp_enabled=context.amp_enabled,
        )
        if result.failure is None:
            yield Row(report, PASSED, result)
            continue
        diagnostic = _failure(result.failure, context)
        if diagnostic.code in selection:
            report.diagnostics.append(diagnostic)
            if diagnostic.line is not None:
                source = split_lines(context.document.text)
                report.lines[diagnostic.line] = source[diagnostic.line - 1]
            yield Row(report, FAILED, result)
        else:
            yield Row(report, IGNORED, result)


def _failure(failure: tuple[str, str], context: Context) -> Diagnostic:
    code, message = failure
    rule = DRY_RUN_FAILED if code == DRY_RUN_FAILED.code else DRY_RUN_NON_FINITE
    path: tuple[str, ...] = ("loss", "name") if "name" in context.loss else ("loss",)
    span = context.document.span(path) if "loss" in context.data else None
    return rule.diagnostic(
        message,
        span=span,
        pointer=context.document.pointer(path) if span else None,
        hint="the static rules say what to change for most of torch's errors"
        if code == DRY_RUN_FAILED.code
        else "find the parameter that is zero, NaN or infinite (LC104, LC206)",
    )


def exit_code(rows: Sequence[Row]) -> int:
    if any(row.report.internal_error for row in rows):
        return 3
    if any(row.report.unreadable for row in rows):
        return 2
    if any(row.status in (FAILED, NOT_RUN) for row in rows):
        return 1
    return 0


def write(
    rows: Sequence[Row],
    settings: DryRunSettings,
    *,
    output_format: str,
    color: bool,
    stream: IO[str],
) -> None:
    if output_format == "json":
        stream.write(json.dumps(_json(rows, settings), indent=2) + "\n")
        return
    write_lines(_text(rows, settings), stream, color=color)


def _json(rows: Sequence[Row], settings: DryRunSettings) -> dict[str, Any]:
    torch = require_torch()
    runs = []
    for row in rows:
        result = row.result
        runs.append(
            {
                "path": row.report.path,
                "status": row.status,
                "loss": row.report.loss,
                "num_classes": result.num_classes if result else row.report.num_classes,
                "device": result.device if result else None,
                "amp_dtype": result.amp_dtype if result else None,
                "loss_value": _number(result.loss_value) if result else None,
                "loss_dtype": result.loss_dtype if result else None,
                "grad_norm": _number(result.grad_norm) if result else None,
                "forward_ms": result.forward_ms if result else None,
                "backward_ms": result.backward_ms if result else None,
                "peak_memory_bytes": result.peak_memory_bytes if result else None,
                "torch_warnings": result.torch_warnings if result else [],
                "diagnostics": [d.to_dict() for d in row.report.diagnostics],
            }
        )
    return {
        "version": VERSION,
        "device": settings.device,
        "torch": torch.__version__,
        "batch_size": settings.batch_size,
        "steps": settings.steps,
        "amp": settings.amp,
        "seed": settings.seed,
        "runs": runs,
        "summary": _counts(rows),
    }


def _number(value: float | None) -> float | str | None:
    if value is None or (value == value and abs(value) != float("inf")):
        return value
    return str(value)


def _counts(rows: Sequence[Row]) -> dict[str, int]:
    return {
        "configs": len(rows),
        "passed": sum(1 for r in rows if r.status == PASSED),
        "failed": sum(1 for r in rows if r.status in (FAILED, IGNORED)),
        "not_run": sum(1 for r in rows if r.status == NOT_RUN),
    }


def _text(
    rows: Sequence[Row], settings: DryRunSettings, *, with_failures: bool = True
) -> Iterator[list[Piece]]:
    torch = require_torch()
    yield [
        (f"losscfg dry-run on {settings.device}", "bold"),
        (
            f" (torch {torch.__version__}): batch {settings.batch_size}, {settings.steps} steps, "
            f"seed {settings.seed}, amp {settings.amp}",
            "",
        ),
    ]
    folder = _common_folder([row.report.path for row in rows])
    if folder:
        yield [(f"configs in {folder}{os.sep}", "")]
    yield []
    header: tuple[str, ...] = (
        "config",
        "loss",
        "classes",
        "amp",
        "loss value",
        "dtype",
        "grad norm",
        "fwd ms",
        "bwd ms",
        "peak mem",
        "status",
    )
    table = [header] + [_cells(row, folder) for row in rows]
    if not any(row.result and row.result.peak_memory_bytes is not None for row in rows):
        memory = header.index("peak mem")  # measured on CUDA only
        table = [line[:memory] + line[memory + 1 :] for line in table]
        header = table[0]
    widths = [max(len(line[i]) for line in table) for i in range(len(header))]
    yield [("  ".join(c.ljust(w) for c, w in zip(header, widths, strict=True)).rstrip(), "bold")]
    for row, cells in zip(rows, table[1:], strict=True):
        style = {PASSED: "green", FAILED: "bold red", NOT_RUN: "yellow"}.get(row.status, "")
        line = "  ".join(c.ljust(w) for c, w in zip(cells[:-1], widths, strict=False))
        yield [(line + "  ", ""), (cells[-1], style)]
    problems = [row for row in rows if row.status != PASSED and with_failures]
    if problems:
        yield []
    for row in problems:
        if row.status == NOT_RUN and not row.report.unreadable and not row.report.internal_error:
            errors = row.report.count(Severity.ERROR)
            yield [
                (f"{row.report.path}: ", "bold"),
                (
                    f"not run: {errors} error{'s' if errors != 1 else ''} in the static check "
                    f"(see losscfg check {row.report.path})",
                    "yellow",
                ),
            ]
            continue
        if row.report.internal_error:
            yield [(f"{row.report.path}: internal error: {row.report.internal_error}", "bold red")]
            continue
        shown = [d for d in row.report.diagnostics if d.severity == Severity.ERROR]
        lines = render_text(
            [FileReport(row.report.path, shown, lines=row.report.lines)], TextOptions()
        )
        yield from list(lines)[:-1]
    for row in rows:
        for warning in row.result.torch_warnings if row.result else []:
            yield [(f"{row.report.path}: ", "bold"), ("torch warned: ", "yellow"), (warning, "")]
    counts = _counts(rows)
    summary = f"{counts['passed']} passed, {counts['failed']} failed, {counts['not_run']} not run"
    yield []
    total = counts["configs"]
    style = "bold green" if counts["passed"] == total else "bold red"
    yield [(f"{summary} ({total} config{'s' if total != 1 else ''})", style)]


def _common_folder(paths: list[str]) -> str:
    """The folder all paths share (shown once above the table), or ""."""
    if len(paths) < 2:
        return ""
    try:
        folder = os.path.commonpath(paths)
    except ValueError:
        return ""
    return "" if folder in paths else folder


def _cells(row: Row, folder: str) -> tuple[str, ...]:
    result = row.result
    loss = row.report.loss or "-"
    path = os.path.relpath(row.report.path, folder) if folder else row.report.path
    if result is None:
        return (path, loss, "-", "-", "-", "-", "-", "-", "-", "-", row.status)
    return (
        path,
        loss,
        str(result.num_classes),
        result.amp_dtype or "off",
        _format(result.loss_value, "{:.4g}"),
        result.loss_dtype or "-",
        _format(result.grad_norm, "{:.4g}"),
        _format(result.forward_ms, "{:.2f}"),
        _format(result.backward_ms, "{:.2f}"),
        _memory(result.peak_memory_bytes),
        row.status,
    )


def _format(value: float | None, pattern: str) -> str:
    return "-" if value is None else pattern.format(value)


def _memory(size: int | None) -> str:
    if size is None:
        return "-"
    for unit in ("B", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024  # type: ignore[assignment]
    return "-"
