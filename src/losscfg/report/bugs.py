"""What losscfg says when it met a bug in itself: one line, and where to report it."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from losscfg.diagnostics import FileReport
from losscfg.escaping import printable

BUG_REPORTS = "https://github.com/losscfg/losscfg/issues"


def per_file(reports: Sequence[FileReport], *, version: str) -> Iterator[str]:
    """One line per file whose check met a bug in losscfg."""
    for report in reports:
        if report.internal_error is not None:
            yield (
                f"losscfg: internal error while checking {printable(report.path)}: "
                f"{printable(report.internal_error)}. "
                f"This is a bug in losscfg {version}: please report it at {BUG_REPORTS} "
                "with this line and the file."
            )


def whole_run(bug: BaseException, *, version: str) -> str:
    """The line for a bug outside any one file's check."""
    return (
        f"losscfg: internal error: {type(bug).__name__}: {printable(str(bug))}. This is a bug "
        f"in losscfg {version}: please report it at {BUG_REPORTS} with the command you ran "
        "(set LOSSCFG_TRACEBACK=1 to see the traceback)."
    )
