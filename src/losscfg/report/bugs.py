"""What losscfg says when it met a bug in itself: one line, and where to report it."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import cache

from losscfg.diagnostics import FileReport
from losscfg.load.escaping import printable

#: Labels of a `Project-URL` that name where bugs go, best first; any other URL is the fallback.
_TRACKER_LABELS = ("issue", "bug", "tracker")


def per_file(reports: Sequence[FileReport], *, version: str) -> Iterator[str]:
    """One line per file whose check met a bug in losscfg."""
    for report in reports:
        if report.internal_error is not None:
            yield (
                f"losscfg: internal error while checking {printable(report.path)}: "
                f"{printable(report.internal_error)}. "
                f"This is a bug in losscfg {version}: please report it{_at()} "
                "with this line and the file."
            )


def whole_run(bug: BaseException, *, version: str) -> str:
    """The line for a bug outside any one file's check."""
    return (
        f"losscfg: internal error: {type(bug).__name__}: {printable(str(bug))}. This is a bug "
        f"in losscfg {version}: please report it{_at()} with the command you ran "
        "(set LOSSCFG_TRACEBACK=1 to see the traceback)."
    )


def _at() -> str:
    url = tracker()
    return f" at {url}" if url else " to the losscfg maintainers"


@cache
def tracker() -> str | None:
    """Where the installed losscfg says bugs go: its metadata's `Project-URL` labelled as an
    issue tracker, else its first `Project-URL`; None when it names none (never a guess)."""
    from importlib.metadata import PackageNotFoundError, metadata

    try:
        entries = metadata("losscfg").get_all("Project-URL") or []
    except PackageNotFoundError:
        return None
    urls: list[tuple[str, str]] = []
    for entry in entries:  # "Label, https://..."
        label, _, url = entry.partition(",")
        if url.strip():
            urls.append((label.strip().lower(), url.strip()))
    for wanted in _TRACKER_LABELS:
        for label, url in urls:
            if wanted in label:
                return url
    return urls[0][1] if urls else None
