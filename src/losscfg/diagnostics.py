"""The values every part of losscfg passes around: severities, spans and diagnostics."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, NamedTuple


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


class Span(NamedTuple):
    """A region of a file: 1-based lines and columns, the end just past the last character."""

    line: int
    column: int
    end_line: int
    end_column: int

    @property
    def is_empty(self) -> bool:
        return (self.line, self.column) == (self.end_line, self.end_column)


class Diagnostic(NamedTuple):
    """One problem in one file, as the JSON report (SPEC §6) carries it."""

    code: str
    rule: str
    severity: Severity
    message: str
    hint: str | None = None
    pointer: str | None = None
    line: int | None = None
    column: int | None = None
    end_line: int | None = None
    end_column: int | None = None

    def sort_key(self) -> tuple[int, int, int, str]:
        return (self.line or 0, self.column or 0, self.severity.rank, self.code)

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "rule": self.rule,
            "severity": str(self.severity),
            "message": self.message,
            "hint": self.hint,
            "pointer": self.pointer,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
        }


def json_pointer(path: tuple[str | int, ...] | list[str | int]) -> str:
    """RFC 6901 pointer of a path of keys and indices ("" is the whole document)."""
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in path)
