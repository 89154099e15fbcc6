"""The Python API of SPEC §9: check_text, check_file and Diagnostic."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import losscfg
from losscfg import Diagnostic, Severity

WRONG_LENGTH = "loss:\n  name: cross_entropy\n  weight: [1.0, 2.0]\n"
JSON_FIELDS = [
    "code",
    "rule",
    "severity",
    "message",
    "hint",
    "pointer",
    "line",
    "column",
    "end_line",
    "end_column",
    "fix",  # SPEC §13: null, or the fix
]


def test_check_text_takes_the_class_count() -> None:
    (d,) = losscfg.check_text(WRONG_LENGTH, path="a.yaml", num_classes=3)
    assert (d.code, d.rule, d.severity) == ("LC201", "weight-length", Severity.ERROR)
    assert (d.line, d.column, d.end_line, d.end_column) == (3, 11, 3, 21)
    assert d.pointer == "/loss/weight"
    assert "weight has 2 entries but there are 3 classes (--num-classes 3)" in d.message


def test_check_text_without_a_class_count_says_why_it_skipped() -> None:
    assert [d.code for d in losscfg.check_text(WRONG_LENGTH)] == ["LC203"]


def test_check_file_reads_the_file_and_reports_io_errors(tmp_path: Path) -> None:
    config = tmp_path / "c.yaml"
    config.write_text(WRONG_LENGTH, encoding="utf-8")
    assert [d.code for d in losscfg.check_file(config, num_classes=3)] == ["LC201"]
    (missing,) = losscfg.check_file(tmp_path / "missing.yaml")
    assert missing.code == "LC000" and missing.line is None
    assert "No such file or directory" in missing.message


def test_a_diagnostic_is_the_json_record() -> None:
    (d,) = losscfg.check_text(WRONG_LENGTH, num_classes=3)
    assert list(Diagnostic._fields) == JSON_FIELDS
    record = d.to_dict()
    assert list(record) == JSON_FIELDS and record["severity"] == "error"
    assert json.loads(json.dumps(record)) == record


def test_a_diagnostic_is_immutable_and_comparable() -> None:
    (d,) = losscfg.check_text(WRONG_LENGTH, num_classes=3)
    with pytest.raises(AttributeError):
        d.line = 1  # type: ignore[misc]
    assert d == losscfg.check_text(WRONG_LENGTH, num_classes=3)[0]
    assert len({d, d}) == 1


def test_an_unknown_attribute_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'check_everything'"):
        losscfg.check_everything  # type: ignore[attr-defined]  # noqa: B018
