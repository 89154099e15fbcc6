"""`--format github`: one GitHub Actions workflow command per diagnostic (annotations)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from losscfg.diagnostics import Diagnostic, FileReport, Severity
from losscfg.load.escaping import printable

_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    """As @actions/core escapes a command's message: nothing can end the command early."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """As @actions/core escapes a property value (`file=`, `title=`)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(reports: Iterable[FileReport], *, verbose: bool = False) -> Iterator[str]:
    for report in reports:
        for diagnostic in report.diagnostics:
            if diagnostic.severity == Severity.INFO and not verbose:
                continue
            yield command(report.path, diagnostic)


def command(path: str, d: Diagnostic) -> str:
    properties = {"file": printable(path)}
    if d.line is not None:
        properties |= {"line": str(d.line), "col": str(d.column)}
        if d.end_line is not None:
            properties |= {"endLine": str(d.end_line), "endColumn": str(d.end_column)}
    properties["title"] = f"losscfg {d.code}"
    joined = ",".join(f"{key}={escape_property(value)}" for key, value in properties.items())
    message = f"{printable(d.message, line_breaks=True)} [{d.rule}]" + (
        f"\nhint: {printable(d.hint, line_breaks=True)}" if d.hint else ""
    )
    return f"::{_COMMAND[d.severity]} {joined}::{escape_data(message)}"
