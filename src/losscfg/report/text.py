"""`--format text`: `path:line:col: severity CODE message`, the source line, a caret, the hint."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import NamedTuple

from losscfg.diagnostics import Applicability, Diagnostic, FileReport, Severity, Skipped, Summary
from losscfg.load.escaping import printable, same_width
from losscfg.report.terminal import Piece

_WIDEST_SOURCE = 120  # longer source lines are cut around the span


_SEVERITY_STYLE = {
    Severity.ERROR: "bold red",
    Severity.WARNING: "bold yellow",
    Severity.INFO: "bold cyan",
}


class FixDisplay(NamedTuple):
    """What the report says of fixes: marks and counts of the available ones, or (`fixing`)
    what --fix did."""

    fixing: bool = False
    unsafe: bool = False  # --unsafe-fixes: unsafe fixes count as available
    show_fixes: bool = False  # list each fix made


class TextOptions(NamedTuple):
    verbose: bool = False  # show infos, and what a search skipped
    quiet: bool = False  # only the summary line
    fixes: FixDisplay | None = None


def render(
    reports: Iterable[FileReport], options: TextOptions, *, skipped: Iterable[Skipped] = ()
) -> Iterator[list[Piece]]:
    """Lines of the report, each a list of styled pieces; the summary comes last (none when
    no file was checked: the command warns about that on its own)."""
    seen: list[FileReport] = []
    display = options.fixes or FixDisplay()
    for report in reports:
        seen.append(report)
        if not options.quiet:
            yield from diagnostics(report, verbose=options.verbose, fixes=display)
    if not options.quiet:
        yield from fix_lines(seen, display)
    if options.verbose and not options.quiet:
        yield from skipped_lines(skipped)
    if seen:
        yield summary_line(Summary.of(seen, with_infos=options.verbose), verbose=options.verbose)
        if display.fixing or not options.quiet:
            yield from fix_summary(seen, display, verbose=options.verbose)


def _fixable(d: Diagnostic, display: FixDisplay) -> bool:
    if d.fix is None:
        return False
    return display.unsafe or d.fix.applicability == Applicability.SAFE


def fix_lines(reports: Iterable[FileReport], display: FixDisplay) -> Iterator[list[Piece]]:
    """The fixes reverted (always) and made (with --show-fixes), one line each."""
    for report in reports:
        if report.fixes is None:
            continue
        path = printable(report.path)
        for d, reason in report.fixes.reverted:
            yield [
                (f"{path}:{d.line}:{d.column}: ", "bold"),
                (f"fix of {d.code} reverted: ", "bold yellow"),
                (printable(reason), ""),
            ]
        if display.show_fixes:
            for d in report.fixes.fixed:
                assert d.fix is not None
                yield [
                    ("fixed ", "bold green"),
                    (f"{path}:{d.line}:{d.column}: {d.code} ", "bold"),
                    (printable(d.fix.message), ""),
                ]


def fix_summary(
    reports: Iterable[FileReport], display: FixDisplay, *, verbose: bool
) -> Iterator[list[Piece]]:
    """ruff's closing words on fixes: what --fix did, or what it would do."""
    shown = [d for r in reports for d in r.diagnostics if verbose or d.severity != Severity.INFO]
    if display.fixing:
        fixed = sum(len(r.fixes.fixed) for r in reports if r.fixes is not None)
        yield [(f"Fixed {fixed:,}, {len(shown):,} remaining.", "bold")]
        return
    safe = sum(1 for d in shown if d.fix and d.fix.applicability == Applicability.SAFE)
    unsafe = sum(1 for d in shown if d.fix and d.fix.applicability == Applicability.UNSAFE)
    available = safe + unsafe if display.unsafe else safe
    if available:
        option = "--fix --unsafe-fixes" if display.unsafe and unsafe else "--fix"
        words = f"[*] {available:,} fixable with {option}"
        if unsafe and not display.unsafe:
            words += f" ({unsafe:,} more with --fix --unsafe-fixes)"
        yield [(words + ".", "")]
    elif unsafe:
        yield [(f"{unsafe:,} fixable with --fix --unsafe-fixes.", "")]


def skipped_lines(skipped: Iterable[Skipped]) -> Iterator[list[Piece]]:
    """`skipped: mkdocs.yml: not a training config: ...`, one line per path."""
    for entry in skipped:
        yield [("skipped ", "dim"), (printable(entry.path), "bold"), (": " + entry.reason, "dim")]


def diagnostics(
    report: FileReport,
    *,
    verbose: bool = False,
    only: Severity | None = None,
    fixes: FixDisplay | None = None,
) -> Iterator[list[Piece]]:
    """The lines of one file's diagnostics (infos with `verbose`; `only` one severity); `[*]`
    marks those a fix repairs."""
    for diagnostic in report.diagnostics:
        if only is not None and diagnostic.severity != only:
            continue
        if diagnostic.severity == Severity.INFO and not verbose:
            continue
        yield from _diagnostic(report, diagnostic, fixes or FixDisplay())


def _diagnostic(report: FileReport, d: Diagnostic, fixes: FixDisplay) -> Iterator[list[Piece]]:
    path = printable(report.path)
    where = path if d.line is None else f"{path}:{d.line}:{d.column}"
    yield [
        (where, "bold"),
        (": ", ""),
        (str(d.severity), _SEVERITY_STYLE[d.severity]),
        (" ", ""),
        (d.code, "bold"),
        (" [*]" if _fixable(d, fixes) else "", "bold cyan"),
        (" ", ""),
        (printable(d.message), ""),
    ]
    source = report.lines.get(d.line) if d.line is not None else None
    if source is not None and d.column is not None:
        yield from _source(d, source)
    if d.hint:
        yield [("  hint: ", "bold green"), (printable(d.hint), "")]


def _source(d: Diagnostic, source: str) -> Iterator[list[Piece]]:
    assert d.line is not None and d.column is not None
    text = same_width(source.replace("\t", " "))
    start = d.column - 1
    end = d.end_column - 1 if d.end_line == d.line and d.end_column is not None else len(text)
    end = max(min(end, len(text)), start + 1)
    prefix, suffix = "", ""
    if len(text) > _WIDEST_SOURCE:
        left = max(0, min(start - 20, len(text) - _WIDEST_SOURCE))
        right = left + _WIDEST_SOURCE
        prefix = "..." if left > 0 else ""
        suffix = "..." if right < len(text) else ""
        text = text[left:right]
        start, end = start - left + len(prefix), min(end - left, right - left) + len(prefix)
    gutter = str(d.line)
    yield [(f"  {gutter} | ", "blue"), (prefix + text + suffix, "")]
    caret = "^" * max(1, end - start)
    yield [
        (f"  {' ' * len(gutter)} | ", "blue"),
        (" " * start, ""),
        (caret, _SEVERITY_STYLE[d.severity]),
    ]


def summary_line(summary: Summary, *, verbose: bool) -> list[Piece]:
    """`3 errors, 1 warning in 2 files (10 checked)`; infos are counted with --verbose."""
    checked = _plural(summary.files, "file")
    if summary.files_with_problems == 0:
        kinds = "errors, warnings or infos" if verbose else "errors or warnings"
        return [(f"No {kinds} in {checked}.", "bold green")]
    counts = [_plural(summary.errors, "error"), _plural(summary.warnings, "warning")]
    if verbose:
        counts.append(_plural(summary.infos, "info"))
    where = _plural(summary.files_with_problems, "file")
    style = "bold red" if summary.errors else "bold yellow" if summary.warnings else "bold"
    return [(f"{', '.join(counts)} in {where} ({summary.files:,} checked)", style)]


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n:,} {word}s"
