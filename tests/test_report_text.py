"""--format text: the exact text is the contract, kept as golden files in tests/golden/.

Regenerate them after an intended change with:
    python -m pytest tests/test_report_text.py --update-golden
"""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import EXAMPLES
from losscfg.cli import app
from losscfg.diagnostics import Diagnostic, FileReport, Severity
from losscfg.report.text import TextOptions, render

GOLDEN = Path(__file__).parent / "golden"

CASES = {
    "mistakes": (["check", "examples/broken/mistakes.yaml"], None),
    "mistakes-verbose": (["check", "-v", "examples/broken/mistakes.yaml"], None),
    "clean": (
        ["check", "examples/cifar10_resnet20.yaml", "examples/cifar100_quant_cnv_w4a4.yaml"],
        None,
    ),
    "stdin-syntax-error": (["check", "-"], "loss:\n  name: nll\n  weight: [1.0, 2.0\n"),
    # examples/broken/ is excluded from searches by this repository's [tool.losscfg]: named
    "quiet": (["check", "-q", "examples", "examples/broken/mistakes.yaml"], None),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_golden_text(cli, monkeypatch, request, case: str) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(EXAMPLES.parent)
    args, stdin = CASES[case]
    output = cli.invoke(app, args, input=stdin).stdout
    golden = GOLDEN / f"{case}.txt"
    if request.config.getoption("--update-golden"):
        golden.write_text(output, encoding="utf-8")
    assert output == golden.read_text(encoding="utf-8")


def lines(report: FileReport) -> list[str]:
    return ["".join(text for text, _ in pieces) for pieces in render([report], TextOptions())]


def test_caret_spans_the_value_on_its_first_line() -> None:
    d = Diagnostic("LC201", "weight-length", Severity.ERROR, "m", None, "/loss/weight", 2, 11, 4, 1)
    report = FileReport("c.yaml", [d], lines={2: "  weight:"})
    assert lines(report)[1:3] == ["  2 |   weight:", "    |           ^"]


def test_long_lines_are_cut_around_the_span() -> None:
    source = "x: " + "a" * 300 + " name: focal" + "b" * 300
    column = source.index("focal") + 1
    d = Diagnostic(
        "LC101", "unknown-loss", Severity.ERROR, "m", None, None, 1, column, 1, column + 5
    )
    shown, caret = lines(FileReport("c.yaml", [d], lines={1: source}))[1:3]
    assert len(shown) < 140 and "focal" in shown and shown.split("| ", 1)[1].startswith("...")
    assert shown.index("focal") == caret.index("^^^^^")


def test_summary_lines() -> None:
    error = Diagnostic("LC101", "unknown-loss", Severity.ERROR, "m")
    info = Diagnostic("LC901", "default-loss", Severity.INFO, "m")
    assert lines(FileReport("a", [error]))[-1] == "1 error, 0 warnings in 1 file (1 checked)"
    assert lines(FileReport("a", [info]))[-1] == "No errors or warnings in 1 file."
