"""`--format json`: the stable, versioned report of SPEC §6."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from losscfg.diagnostics import FileReport, Summary

VERSION = 1


def render(reports: Sequence[FileReport]) -> str:
    summary = Summary.of(reports)
    document: dict[str, Any] = {
        "version": VERSION,
        "files": [
            {
                "path": report.path,
                "loss": report.loss,
                "num_classes": report.num_classes,
                "num_classes_source": report.num_classes_source,
                "diagnostics": [d.to_dict() for d in report.diagnostics],
            }
            for report in reports
        ],
        "summary": {
            "files": summary.files,
            "errors": summary.errors,
            "warnings": summary.warnings,
            "infos": summary.infos,
        },
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
