"""`--format sarif`: SARIF 2.1.0 for code scanning (one run, the rules that fired)."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from losscfg.diagnostics import STDIN_NAME, Diagnostic, FileReport, Fix, RuleDoc, Severity
from losscfg.report.json import encodable

SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def render(
    reports: Sequence[FileReport], rules_by_code: Mapping[str, RuleDoc], *, version: str
) -> str:
    """The SARIF log; `rules_by_code` gives the page of every rule that fired."""
    fired: dict[str, int] = {}
    rules: list[dict[str, Any]] = []
    results: list[dict[str, Any]] = []
    for report in reports:
        for d in report.diagnostics:
            if d.code not in fired:
                fired[d.code] = len(rules)
                rules.append(_rule(rules_by_code[d.code]))
            results.append(_result(report.path, d, fired[d.code]))
    log = {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "losscfg",
                        "version": version,
                        "semanticVersion": version,
                        "informationUri": "https://pypi.org/project/losscfg/",
                        "rules": rules,
                    }
                },
                "originalUriBaseIds": {"SRCROOT": {"uri": Path.cwd().as_uri() + "/"}},
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    return json.dumps(encodable(log), indent=2, ensure_ascii=False) + "\n"


def _rule(rule: RuleDoc) -> dict[str, Any]:
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.doc},
        "help": {"text": rule.doc, "markdown": rule.doc},
        "defaultConfiguration": {"level": _LEVEL[rule.severity]},
        "properties": {"tags": ["losscfg"]},
    }


def _result(path: str, d: Diagnostic, rule_index: int) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": d.code,
        "ruleIndex": rule_index,
        "level": _LEVEL[d.severity],
        "message": {"text": d.message + (f" (hint: {d.hint})" if d.hint else "")},
    }
    if path != STDIN_NAME:  # standard input has no location to show
        physical: dict[str, Any] = {"artifactLocation": _artifact(path)}
        if d.line is not None and d.column is not None:
            physical["region"] = {
                "startLine": d.line,
                "startColumn": d.column,
                "endLine": d.end_line or d.line,
                "endColumn": max(d.end_column or d.column, d.column),
            }
        result["locations"] = [{"physicalLocation": physical}]
        if d.fix is not None:
            result["fixes"] = [_fix(path, d.fix)]
    if d.pointer is not None:
        result["properties"] = {"pointer": d.pointer}
    return result


def _fix(path: str, fix: Fix) -> dict[str, Any]:
    """SPEC §13: the fix's edits as SARIF replacements (its applicability as a property)."""
    return {
        "description": {"text": f"{fix.message} ({fix.applicability} fix)"},
        "artifactChanges": [
            {
                "artifactLocation": _artifact(path),
                "replacements": [
                    {
                        "deletedRegion": {
                            "startLine": edit.line,
                            "startColumn": edit.column,
                            "endLine": edit.end_line,
                            "endColumn": edit.end_column,
                        },
                        "insertedContent": {"text": edit.content},
                    }
                    for edit in fix.edits
                ],
            }
        ],
        "properties": {"applicability": str(fix.applicability)},
    }


def _artifact(path: str) -> dict[str, Any]:
    absolute = Path(path).absolute()
    try:
        relative = absolute.relative_to(Path.cwd())
    except ValueError:
        return {"uri": absolute.as_uri()}
    # The file name's own bytes, percent-encoded: a name that is not UTF-8 still names its file.
    return {"uri": quote(os.fsencode(relative.as_posix())), "uriBaseId": "SRCROOT"}
