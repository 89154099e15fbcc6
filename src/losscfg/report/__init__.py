"""Reports: views over the same FileReports. Each format is one module with one `render`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from losscfg.check import FileReport
from losscfg.diagnostics import Severity


class Summary(NamedTuple):
    files: int
    errors: int
    warnings: int
    infos: int
    files_with_problems: int

    @classmethod
    def of(cls, reports: Sequence[FileReport], *, with_infos: bool = True) -> Summary:
        def shown(report: FileReport) -> bool:
            return any(with_infos or d.severity != Severity.INFO for d in report.diagnostics)

        return cls(
            files=len(reports),
            errors=sum(r.count(Severity.ERROR) for r in reports),
            warnings=sum(r.count(Severity.WARNING) for r in reports),
            infos=sum(r.count(Severity.INFO) for r in reports),
            files_with_problems=sum(1 for r in reports if shown(r)),
        )
