"""`--format json`: the stable, versioned report of SPEC §6."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from losscfg.diagnostics import FileReport, Skipped, Summary
from losscfg.load.escaping import utf8_safe

VERSION = 1


def render(
    reports: Sequence[FileReport], *, skipped: Sequence[Skipped] = (), quiet: bool = False
) -> str:
    """The report; `skipped`: what a search passed over, and why. With `quiet`, only the
    version and the summary."""
    summary = Summary.of(reports)
    document: dict[str, Any] = {"version": VERSION}
    if not quiet:
        document["files"] = [
            {
                "path": report.path,
                "loss": report.loss,
                "losses": [site.to_dict() for site in report.losses],
                "num_classes": report.num_classes,
                "num_classes_source": report.num_classes_source,
                "diagnostics": [d.to_dict() for d in report.diagnostics],
                **_fixes(report),
            }
            for report in reports
        ]
        document["skipped"] = [{"path": s.path, "reason": s.reason} for s in skipped]
    document["summary"] = {
        "files": summary.files,
        "errors": summary.errors,
        "warnings": summary.warnings,
        "infos": summary.infos,
    }
    return json.dumps(encodable(document), indent=2, ensure_ascii=False) + "\n"


def _fixes(report: FileReport) -> dict[str, Any]:
    """With --fix: the diagnostics fixed, and the fixes reverted with the reason."""
    if report.fixes is None:
        return {}
    return {
        "fixed": [d.to_dict() for d in report.fixes.fixed],
        "reverted": [{**d.to_dict(), "reason": why} for d, why in report.fixes.reverted],
    }


def encodable(value: Any) -> Any:
    """The document with every string encodable as UTF-8 (a file name with undecodable bytes,
    a config value with a lone surrogate): such characters are written as escapes."""
    if isinstance(value, str):
        return utf8_safe(value)
    if isinstance(value, dict):
        return {key: encodable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [encodable(item) for item in value]
    return value
